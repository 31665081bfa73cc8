"""The self-study site (JupyterLite, Python in the browser): what differs there.

pandas cannot be installed in the browser version yet (no browser build of numpy could be
served from the site), so a pandas exercise there says so kindly instead of showing a
traceback, and points to the version that has it. Everything else runs unchanged.

Answers are kept in the browser's storage: JupyterLite mounts its files at ``/drive`` (DriveFS,
IndexedDB) and runs each notebook in its folder there. The notebooks sit in a folder named after
the course's version, so the answers go to ``/drive/my-answers/<assignment>/answers/`` instead
(``course.progress``): a new version of the course finds them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

DRIVE = Path("/drive")  # where JupyterLite's pyodide kernel mounts the site's files
ANSWERS_FOLDER = "my-answers"
VERSION_FILE = "course-version.txt"  # the current version's folder name (sourcing_lab.lite_site)

NO_PANDAS = (
    "This exercise uses pandas, which the browser version of the course cannot load yet. "
    "Skip it here, and keep going with the next exercise: your other answers still count. "
    "To do the pandas exercises, open the course on your computer with `make lab`."
)


def in_browser() -> bool:
    """True in Pyodide (the self-study site), False in a normal Python."""
    return sys.platform == "emscripten"


def _is_missing_pandas(error: BaseException) -> bool:
    return isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] in (
        "pandas",
        "numpy",
    )


def _kind_missing_pandas(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset=None):
    if not _is_missing_pandas(value):
        return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    from IPython.display import Markdown, display

    display(Markdown(f"**Not in the browser version.** {NO_PANDAS}"))
    return None


def kept_answers_folder(cwd: Path) -> Path | None:
    """Where the site keeps every assignment's answers, or None when the notebook does not run
    in the browser's stored files (a browser that allows no storage)."""
    return DRIVE / ANSWERS_FOLDER if cwd.parts[:2] == DRIVE.parts else None


def older_version(cwd: Path, current: str) -> str | None:
    """The notebook's version folder when it is not the current one (a copy the browser kept
    from before the course was updated), else None."""
    if cwd.parts[:2] != DRIVE.parts or len(cwd.parts) < 3 or not current:
        return None
    here = cwd.parts[2]
    return here if here.startswith("course-") and here != current else None


def _current_version() -> str:
    try:
        return (DRIVE / VERSION_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def prepare() -> None:
    """Run by the site's first cell: answers go to the stored ``my-answers`` folder, and a
    missing pandas becomes a plain message."""
    from IPython import get_ipython
    from IPython.display import Markdown, display

    from course.messages import say
    from course.progress import PROGRESS_ENV

    cwd = Path.cwd()
    folder = kept_answers_folder(cwd)
    if folder is not None:
        os.environ[PROGRESS_ENV] = str(folder)
    else:
        display(Markdown(f"**Your answers are not kept here.** {say('browser_keeps_nothing')}"))
    current = _current_version()
    if older_version(cwd, current):
        place = Path(current, *cwd.parts[3:]).as_posix()
        display(Markdown(f"**An older copy.** {say('older_course_version', place=place)}"))
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((ModuleNotFoundError,), _kind_missing_pandas)
