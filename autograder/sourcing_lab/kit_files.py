"""Where the kit's own files are: the course template (solutions, keys) and the checkout.

Two layouts, one answer. An installed wheel carries the template as package data
(``sourcing_lab/template/``, written by ``autograder/setup.py``); a checkout (an editable
install, ``make lab``/``make test``) reads ``solutions/`` and ``autograder/keys/`` in place.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PACKAGED_TEMPLATE = PACKAGE / "template"
# The repository root when this package is used from a checkout (autograder/sourcing_lab/..).
CHECKOUT = PACKAGE.parent.parent


def _pick(packaged: Path, in_checkout: Path) -> Path:
    return packaged if packaged.is_dir() else in_checkout


KEYS_ROOT = _pick(PACKAGED_TEMPLATE / "keys", CHECKOUT / "autograder" / "keys")
SOLUTIONS = _pick(PACKAGED_TEMPLATE / "solutions", CHECKOUT / "solutions")


class KitFilesMissingError(FileNotFoundError):
    pass


def require(path: Path, what: str) -> Path:
    """``path`` when it is there, else a clear error saying how to get it back."""
    if not path.is_dir():
        raise KitFilesMissingError(
            f"the kit's {what} are missing (looked in {path}); reinstall the instructor "
            "package (`pip install sourcing-lab`) or run from a complete checkout"
        )
    return path
