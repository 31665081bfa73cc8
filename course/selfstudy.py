"""Self-study mode: correctness feedback only where the kit's open keys are really present.

The mode is decided by whether the key files exist beside this package (the repository
checkout that ``make lab`` uses), never by a flag. A student image built from the ``course``
package alone has no keys, so it only ever gives form feedback. Keys are read through the
instructor package; this module holds no key and no key format of its own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

KEYS_BESIDE_PACKAGE = Path(__file__).resolve().parent.parent / "autograder" / "keys"


def open_keys(case_id: str) -> Any | None:
    """The case's KeySet when this is a checkout with keys, else None (graded mode).

    The keys of a course's own case are its course folder's ``keys/<case_id>/`` (the same
    lookup as the case itself, ``course.lookup``); the kit's case's are beside this package.
    """
    from course import lookup

    root = lookup.keys_root_for(case_id) or KEYS_BESIDE_PACKAGE
    return _open_keys(case_id, root)


@lru_cache(maxsize=4)
def _open_keys(case_id: str, keys_root: Path) -> Any | None:
    if not (keys_root / case_id).is_dir():
        return None
    try:
        from course import lookup
        from course.casefile import CaseFileError, load_case
        from sourcing_lab.keys import KeyFileError, load_keys
    except ImportError:
        return None
    try:
        return load_keys(load_case(lookup.case_folder(case_id)), keys_root=keys_root)
    except (KeyFileError, CaseFileError, lookup.CaseLookupError):
        return None


open_keys.cache_clear = _open_keys.cache_clear  # type: ignore[attr-defined]


def key_for(
    question: Any, assignment_id: str, case_id: str, answers: dict[str, Any] | None = None
) -> Any | None:
    """The check-shaped key for one question, or None in graded mode."""
    keys = open_keys(case_id)
    if keys is None:
        return None
    from sourcing_lab.key_lookup import key_for_question

    return key_for_question(keys, assignment_id, question, answers=answers)


def reference_text(lab: Any, question: Any) -> str:
    """The reference answer in words (self-study only; empty text in graded mode)."""
    keys = open_keys(lab.case.case_id)
    if keys is None:
        return ""
    from sourcing_lab.key_lookup import describe_reference

    return describe_reference(keys, lab.assignment.assignment_id, question, lab.case)
