"""The self-study site (JupyterLite, Python in the browser): what differs there.

pandas cannot be installed in the browser version yet (no browser build of numpy could be
served from the site), so a pandas exercise there says so kindly instead of showing a
traceback, and points to the version that has it. Everything else runs unchanged.
"""

from __future__ import annotations

import sys
from typing import Any

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


def prepare() -> None:
    """Run by the site's first cell: a missing pandas becomes a plain message."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((ModuleNotFoundError,), _kind_missing_pandas)
