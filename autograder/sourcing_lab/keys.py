"""Answer keys: reviewed TOML files in ``autograder/keys/<case_id>/``, read only by the grader.

Every key item names the FACTCHECK.md rows it rests on, and every id it mentions (segment, claim,
document, event, verdict, type) must exist in the case file and the vocabularies. Loading checks
all of it and raises :class:`KeyFileError` naming the file, item and field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.casefile import Case, load_case
from course.checks.result import ChoiceKey, ClaimKey
from course.vocab import ATTRIBUTION_TYPES, LINK_STATUSES, VERDICTS

KEYS_ROOT = Path(__file__).resolve().parent.parent / "keys"
FACTCHECK_ROW = re.compile(r"^(C([1-9]|1[0-9]|2[0-7])|A([1-9]|1[0-5]))$")


class KeyFileError(ValueError):
    """A key file is missing or malformed; the message says where and how to fix it."""

    def __init__(self, path: Path, item: str | None, field_name: str | None, problem: str) -> None:
        where = [str(path)] + [
            p for p in (item and f"item '{item}'", field_name and f"field '{field_name}'") if p
        ]
        super().__init__(", ".join(where) + ": " + problem)
        self.path, self.item, self.field = path, item, field_name


@dataclass(frozen=True)
class KeySet:
    case_id: str
    attribution: dict[str, ChoiceKey]
    claims: dict[str, ClaimKey]
    provenance_order: tuple[str, ...]
    provenance_links: dict[str, ChoiceKey]
    timeline: dict[str, Any]
    library_trace: dict[str, dict[str, Any]]
    factcheck_by_item: dict[str, tuple[str, ...]]
    assignments: dict[str, dict[str, Any]] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{len(self.attribution)} attribution items, {len(self.claims)} claims, "
            f"{len(self.provenance_links)} provenance links, "
            f"{len(self.library_trace)} library documents traced"
        )


def keys_folder(case_id: str, root: str | Path | None = None) -> Path:
    return Path(root or KEYS_ROOT) / case_id


def load_keys(
    case: Case | None = None,
    *,
    case_folder: str | Path | None = None,
    keys_root: str | Path | None = None,
) -> KeySet:
    """Load and cross-check every key file for ``case`` (the kit's own case by default).

    ``keys_root`` is the folder holding one key folder per case (default: the kit's own).
    """
    case = case or load_case(case_folder)
    folder = keys_folder(case.case_id, keys_root)
    if not folder.is_dir():
        raise KeyFileError(
            folder,
            None,
            None,
            "no keys for this case. Create the folder and "
            "its TOML files (see autograder/keys/README.md)",
        )
    factcheck: dict[str, tuple[str, ...]] = {}

    path = folder / "attribution.toml"
    segments = {s.segment_id for s in case.segment_records}
    attribution = _choice_items(path, _read(path), segments, ATTRIBUTION_TYPES, "segment")
    factcheck.update({f"attribution.{k}": tuple(v["factcheck"]) for k, v in _read(path).items()})

    path = folder / "claims.toml"
    claims = _claim_items(path, _read(path), case)
    factcheck.update({f"claims.{k}": tuple(v["factcheck"]) for k, v in _read(path).items()})

    path = folder / "provenance.toml"
    data = _read(path)
    links = _choice_items(path, data.get("links", {}), set(case.chain), LINK_STATUSES, "chain step")
    order = tuple(data.get("order", ()))
    if sorted(order) != sorted(case.chain):
        raise KeyFileError(
            path,
            "order",
            "order",
            f"must list each chain step once: {', '.join(sorted(case.chain))}",
        )
    factcheck.update(
        {f"provenance.{k}": tuple(v["factcheck"]) for k, v in data.get("links", {}).items()}
    )
    factcheck["provenance.order"] = _factcheck(path, "order", data, "order_factcheck")

    path = folder / "timeline.toml"
    timeline = _read(path)
    for name, item in timeline.items():
        factcheck[f"timeline.{name}"] = _factcheck(path, name, item)
    _check_timeline(path, timeline, case)

    path = folder / "library_trace.toml"
    trace = _read(path)
    _check_trace(path, trace, case)
    factcheck.update({f"library.{k}": tuple(v["factcheck"]) for k, v in trace.items()})

    distractors = tuple(d for d, entry in trace.items() if entry["role"] == "distractor")
    claims = {
        cid: ClaimKey(
            k.verdicts,
            k.evidence,
            k.verdict_hints,
            k.evidence_hints,
            tuple(dict.fromkeys(k.distractors + distractors)),
        )
        for cid, k in claims.items()
    }
    assignments = {}
    for path in sorted((folder / "assignments").glob("*.toml")):
        assignments[path.stem] = _read(path)
        _check_assignment_keys(path, assignments[path.stem])
        for qid, entry in assignments[path.stem].items():
            factcheck[f"{path.stem}.{qid}"] = _factcheck(path, qid, entry)
    return KeySet(
        case.case_id, attribution, claims, order, links, timeline, trace, factcheck, assignments
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise KeyFileError(path, None, None, "file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise KeyFileError(path, None, None, f"not valid TOML ({exc})") from None


def _factcheck(
    path: Path, item: str, data: dict[str, Any], name: str = "factcheck"
) -> tuple[str, ...]:
    rows = data.get(name)
    if not isinstance(rows, list) or not rows:
        raise KeyFileError(
            path,
            item,
            name,
            "every key item must name the FACTCHECK.md rows (C1–C27, A1–A15) it rests on",
        )
    bad = [r for r in rows if not isinstance(r, str) or not FACTCHECK_ROW.match(r)]
    if bad:
        raise KeyFileError(
            path, item, name, f"{bad[0]!r} is not a FACTCHECK.md row id (C1–C27, A1–A15)"
        )
    return tuple(rows)


def _known(
    path: Path, item: str, field_name: str, values: list[str], vocab: Any
) -> tuple[str, ...]:
    if not isinstance(values, list) or not values:
        raise KeyFileError(path, item, field_name, "must be a non-empty list")
    for value in values:
        if value not in vocab:
            raise KeyFileError(
                path,
                item,
                field_name,
                f"'{value}' is unknown; choose from: {', '.join(sorted(vocab))}",
            )
    return tuple(values)


def _hints(
    path: Path, item: str, name: str, hints: Any, vocab: Any, accept: tuple[str, ...]
) -> dict[str, str]:
    hints = hints or {}
    for option, text in hints.items():
        if option not in vocab:
            raise KeyFileError(path, item, name, f"hint for unknown option '{option}'")
        if option in accept:
            raise KeyFileError(
                path, item, name, f"hint for '{option}', which is an accepted answer"
            )
        if not isinstance(text, str) or not text.strip():
            raise KeyFileError(path, item, name, f"hint for '{option}' is empty")
    return dict(hints)


def _choice_items(
    path: Path, data: dict[str, Any], ids: set[str], vocab: dict[str, str], what: str
) -> dict[str, ChoiceKey]:
    items = {}
    for item_id, entry in data.items():
        if item_id not in ids:
            raise KeyFileError(path, item_id, None, f"no {what} '{item_id}' in the case file")
        accept = _known(path, item_id, "accept", entry.get("accept"), vocab)
        _factcheck(path, item_id, entry)
        items[item_id] = ChoiceKey(
            accept, _hints(path, item_id, "hints", entry.get("hints"), vocab, accept)
        )
    if not items:
        raise KeyFileError(path, None, None, "holds no key items")
    return items


def _claim_items(path: Path, data: dict[str, Any], case: Case) -> dict[str, ClaimKey]:
    claim_ids = {c.claim_id for c in case.claim_records}
    items = {}
    for claim_id, entry in data.items():
        if claim_id not in claim_ids:
            raise KeyFileError(path, claim_id, None, "no such claim in claims.csv")
        _factcheck(path, claim_id, entry)
        verdicts = _known(path, claim_id, "verdicts", entry.get("verdicts"), VERDICTS)
        evidence = _ids(path, claim_id, "evidence", entry.get("evidence", []), case.documents)
        weak = _ids(path, claim_id, "weak", entry.get("weak", []), case.documents)
        evidence_hints = entry.get("evidence_hints") or {}
        _ids(path, claim_id, "evidence_hints", list(evidence_hints), case.documents)
        items[claim_id] = ClaimKey(
            verdicts,
            evidence,
            _hints(path, claim_id, "verdict_hints", entry.get("verdict_hints"), VERDICTS, verdicts),
            dict(evidence_hints),
            weak,
        )
    return items


def _ids(path: Path, item: str, field_name: str, values: Any, known: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise KeyFileError(path, item, field_name, "must be a list (it may be empty)")
    for value in values:
        if value not in known:
            raise KeyFileError(path, item, field_name, f"no library document '{value}'")
    return tuple(values)


def _check_timeline(path: Path, timeline: dict[str, Any], case: Case) -> None:
    anachronism = timeline.get("anachronism")
    if not isinstance(anachronism, dict):
        raise KeyFileError(path, "anachronism", None, "the [anachronism] table is missing")
    claim_ids = {c.claim_id for c in case.claim_records}
    if anachronism.get("claim") not in claim_ids:
        raise KeyFileError(path, "anachronism", "claim", "must name a claim id from claims.csv")
    for option in anachronism.get("hints", {}):
        if option not in claim_ids or option == anachronism["claim"]:
            raise KeyFileError(path, "anachronism", "hints", f"'{option}' is not a wrong claim id")


def _check_trace(path: Path, trace: dict[str, Any], case: Case) -> None:
    missing = sorted(set(case.documents) - set(trace))
    extra = sorted(set(trace) - set(case.documents))
    if missing or extra:
        raise KeyFileError(
            path,
            (missing or extra)[0],
            None,
            "every library document needs exactly one trace entry "
            f"(missing: {missing or 'none'}; unknown: {extra or 'none'})",
        )
    for doc_id, entry in trace.items():
        _factcheck(path, doc_id, entry)
        if entry.get("role") not in ("evidence", "context", "distractor"):
            raise KeyFileError(path, doc_id, "role", "must be evidence, context or distractor")


def _check_assignment_keys(path: Path, entries: dict[str, Any]) -> None:
    """Keys for choice and code questions must fit the assignment's question spec."""
    from course.questions import QuestionSpecError, load_assignment

    try:
        assignment = load_assignment(path.stem)
    except QuestionSpecError as exc:
        raise KeyFileError(path, None, None, f"no matching assignment ({exc})") from None
    for qid, entry in entries.items():
        question = assignment.questions.get(qid)
        if question is None:
            raise KeyFileError(path, qid, None, f"no question '{qid}' in {path.stem}")
        if question.item_type == "choice":
            accept = _known(path, qid, "accept", entry.get("accept"), question.options)
            if not question.multiple and len(accept) != 1:
                raise KeyFileError(path, qid, "accept", "a single choice accepts one option")
            _hints(path, qid, "hints", entry.get("hints"), question.options, accept)
        elif question.item_type == "code_value":
            if "expected" not in entry and "expected_from" not in entry:
                raise KeyFileError(path, qid, "expected", "give expected or expected_from")
        else:
            raise KeyFileError(path, qid, None, f"a {question.item_type} item is keyed elsewhere")
