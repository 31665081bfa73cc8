"""nbgrader configuration for the kit's own repository course.

Run nbgrader from this folder (``cd autograder && nbgrader ...``; ``make exercises`` does it for
you): the repository is the course root, ``solutions/`` the source and ``exercises/`` the release
folder. Paths are absolute, built from this file's location, so nbgrader finds the same gradebook
from any working folder. The kit's grading settings come from one shared file.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)
load_subconfig(os.path.join(HERE, "sourcing_lab", "grading", "kit_config.py"))  # noqa: F821

c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = "sourcing_lab"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
