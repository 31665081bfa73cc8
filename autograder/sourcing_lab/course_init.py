"""Scaffold a ready nbgrader course directory from the kit (``sourcing-lab course init DIR``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sourcing_lab import kit_files

KIT_CONFIG = Path(__file__).resolve().parent / "grading" / "kit_config.py"

CONFIG_TEMPLATE = '''"""nbgrader configuration of a Sourcing Lab course.

Written by `sourcing-lab course init`. The course's own folders are found from where this file
is, so the course folder can be moved or copied as a whole (its gradebook goes with it).
"""

import os

c = get_config()  # noqa: F821
load_subconfig({kit_config!r})  # noqa: F821 (the kit's grading settings)

ROOT = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(ROOT, "gradebook.db")
c.Exchange.root = {exchange}
c.ScoreAnswers.keys_dir = os.path.join(ROOT, "keys")
# This course's own cases/, assignments/ and keys/ come before the kit's (course.lookup).
os.environ["SOURCING_LAB_COURSE"] = ROOT
'''


COURSE_FOLDERS = {
    "cases": "Your own cases, one folder each (cases/<case_id>/); they come before the kit's.\n"
    "Start one with: sourcing-lab case new cases/<case_id> --assignment <assignment_id>\n",
    "assignments": "Question specs of your own assignments (<assignment_id>.toml), each naming\n"
    "its case; format: course/casefile/QUESTIONS.md in the kit.\n",
}


class CourseExistsError(FileExistsError):
    pass


def init_course(
    target: str | Path,
    *,
    course_id: str = "sourcing_lab",
    kit_config: Path = KIT_CONFIG,
    exchange_root: Path | None = None,
) -> Path:
    """Create ``target`` with nbgrader_config.py, source/ (the assignments) and keys/.

    ``kit_config`` is the kit's grading settings file the course loads (another installation's
    copy, e.g. a JupyterHub's server environment); ``exchange_root`` a shared exchange folder
    (default: ``exchange/`` inside the course). Refuses a folder that already has files in it.
    """
    root = Path(target).resolve()
    if root.exists() and any(root.iterdir()):
        raise CourseExistsError(
            f"{root} already exists and is not empty; choose a new folder, or remove it first "
            "if you really mean to start over (its gradebook would be lost)"
        )
    (root / "source").mkdir(parents=True, exist_ok=True)
    for folder in sorted(kit_files.require(kit_files.SOLUTIONS, "solution notebooks").iterdir()):
        notebooks = list(folder.glob("*.ipynb"))
        if folder.is_dir() and notebooks:
            (root / "source" / folder.name).mkdir()
            for notebook in notebooks:
                shutil.copy2(notebook, root / "source" / folder.name / notebook.name)
    shutil.copytree(kit_files.require(kit_files.KEYS_ROOT, "answer keys"), root / "keys")
    for folder, text in COURSE_FOLDERS.items():
        (root / folder).mkdir()
        (root / folder / "README.txt").write_text(text, encoding="utf-8")
    if exchange_root is None:
        (root / "exchange").mkdir(exist_ok=True)
    exchange = repr(str(exchange_root)) if exchange_root else 'os.path.join(ROOT, "exchange")'
    (root / "nbgrader_config.py").write_text(
        CONFIG_TEMPLATE.format(kit_config=str(kit_config), course_id=course_id, exchange=exchange),
        encoding="utf-8",
    )
    return root
