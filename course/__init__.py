"""Sourcing Lab: the student-side package that the course notebooks import.

``import course`` stays light: it imports neither pandas nor ipywidgets. Reach for what you
need explicitly::

    from course.casefile import load_case     # the case: article, library, timeline
"""

__version__ = "0.1.0"
