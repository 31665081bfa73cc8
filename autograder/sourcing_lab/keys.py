"""Answer keys: reviewed TOML files in ``keys/<case_id>/``, read only by the grader.

The keys of a case are found in the course folder's ``keys/`` first (``course.lookup``), then in
the kit's ``autograder/keys/``. Every key item names the rows of the case's own
``keys/<case_id>/FACTCHECK.md`` it rests on, and every id it mentions (segment, claim,
document, event, verdict, type) must exist in the case file and the vocabularies. Loading checks
all of it and raises :class:`KeyFileError` naming the file, item and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course import lookup
from course.casefile import Case, load_case
from course.checks.result import ChoiceKey, ClaimKey
from course.vocab import ATTRIBUTION_TYPES, LINK_STATUSES
from sourcing_lab.claim_keys import chain_order, claim_items
from sourcing_lab.key_fields import (
    FACTCHECK_ROW,
    KeyFileError,
    checked_hints,
    dossier_rows,
    factcheck_rows,
    known_values,
    read_key_file,
)
from sourcing_lab.kit_files import KEYS_ROOT

DEFAULT_CASE_ID = "kosovo_ksf"  # only for load_keys() without a case (tests, the kit's demo)
__all__ = ["FACTCHECK_ROW", "KEYS_ROOT", "KeyFileError", "KeySet", "keys_folder", "load_keys"]


@dataclass(frozen=True)
class KeySet:
    case_id: str
    attribution: dict[str, ChoiceKey]
    claims: dict[str, ClaimKey]
    provenance_order: tuple[str, ...]
    provenance_links: dict[str, ChoiceKey]
    provenance_tied: tuple[tuple[str, ...], ...]
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
    """``root/<case_id>`` (default: the course folder's keys, else the kit's)."""
    return Path(root or lookup.keys_root_for(case_id) or KEYS_ROOT) / case_id


def load_keys(
    case: Case | None = None,
    *,
    case_folder: str | Path | None = None,
    keys_root: str | Path | None = None,
) -> KeySet:
    """Load and cross-check every key file for ``case`` (the kit's own case when neither
    ``case`` nor ``case_folder`` is given, as tests and the demo use it).

    ``keys_root`` is the folder holding one key folder per case (default: the course folder's
    ``keys/`` when it has this case, else the kit's own).
    """
    if case is None:
        case = load_case(case_folder or lookup.case_folder(DEFAULT_CASE_ID))
    folder = keys_folder(case.case_id, keys_root)
    if not folder.is_dir():
        raise KeyFileError(
            folder,
            None,
            None,
            "no keys for this case. Create the folder and "
            "its TOML files (`sourcing-lab case new` writes templates; "
            "see autograder/keys/README.md)",
        )
    rows = dossier_rows(folder / "FACTCHECK.md")
    factcheck: dict[str, tuple[str, ...]] = {}

    path = folder / "attribution.toml"
    segments = {s.segment_id for s in case.segment_records}
    attribution = _choice_items(path, read_key_file(path), segments, ATTRIBUTION_TYPES, "segment")
    factcheck.update(
        {f"attribution.{k}": tuple(v["factcheck"]) for k, v in read_key_file(path).items()}
    )

    path = folder / "library_trace.toml"
    trace = read_key_file(path)
    _check_trace(path, trace, case)
    factcheck.update({f"library.{k}": tuple(v["factcheck"]) for k, v in trace.items()})

    path = folder / "claims.toml"
    claims = claim_items(path, read_key_file(path), case, trace)
    factcheck.update({f"claims.{k}": tuple(v["factcheck"]) for k, v in read_key_file(path).items()})

    path = folder / "provenance.toml"
    data = read_key_file(path)
    links = _choice_items(path, data.get("links", {}), set(case.chain), LINK_STATUSES, "chain step")
    order, tied = chain_order(path, data.get("order"), case)
    factcheck.update(
        {f"provenance.{k}": tuple(v["factcheck"]) for k, v in data.get("links", {}).items()}
    )
    factcheck["provenance.order"] = factcheck_rows(path, "order", data, "order_factcheck")

    path = folder / "timeline.toml"
    timeline = read_key_file(path)
    for name, item in timeline.items():
        factcheck[f"timeline.{name}"] = factcheck_rows(path, name, item)
    _check_timeline(path, timeline, case)

    distractors = tuple(d for d, entry in trace.items() if entry["role"] == "distractor")
    claims = {
        cid: ClaimKey(
            k.verdicts,
            k.settles,
            k.verdict_hints,
            k.evidence_hints,
            tuple(dict.fromkeys(k.distractors + distractors)),
            k.supports,
        )
        for cid, k in claims.items()
    }
    assignments = {}
    for path in sorted((folder / "assignments").glob("*.toml")):
        assignments[path.stem] = read_key_file(path)
        _check_assignment_keys(path, assignments[path.stem], case.case_id)
        for qid, entry in assignments[path.stem].items():
            factcheck[f"{path.stem}.{qid}"] = factcheck_rows(path, qid, entry)
    _check_cited_rows(folder, factcheck, rows)
    return KeySet(
        case.case_id,
        attribution,
        claims,
        order,
        links,
        tied,
        timeline,
        trace,
        factcheck,
        assignments,
    )


def _choice_items(
    path: Path, data: dict[str, Any], ids: set[str], vocab: dict[str, str], what: str
) -> dict[str, ChoiceKey]:
    items = {}
    for item_id, entry in data.items():
        if item_id not in ids:
            raise KeyFileError(path, item_id, None, f"no {what} '{item_id}' in the case file")
        accept = known_values(path, item_id, "accept", entry.get("accept"), vocab)
        factcheck_rows(path, item_id, entry)
        items[item_id] = ChoiceKey(
            accept, checked_hints(path, item_id, "hints", entry.get("hints"), vocab, accept)
        )
    if not items:
        raise KeyFileError(path, None, None, "holds no key items")
    return items


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
        factcheck_rows(path, doc_id, entry)
        if entry.get("role") not in ("evidence", "context", "distractor"):
            raise KeyFileError(path, doc_id, "role", "must be evidence, context or distractor")


def _check_cited_rows(folder: Path, factcheck: dict[str, tuple[str, ...]], rows: Any) -> None:
    """Every cited row must be a row of the case's own FACTCHECK.md."""
    files = {"attribution": "attribution.toml", "library": "library_trace.toml"}
    files |= {"claims": "claims.toml", "provenance": "provenance.toml", "timeline": "timeline.toml"}
    for item, cited in factcheck.items():
        unknown = [r for r in cited if r not in rows]
        if unknown:
            prefix, name = item.split(".", 1)
            path = folder / files.get(prefix, f"assignments/{prefix}.toml")
            raise KeyFileError(
                path,
                name,
                "factcheck",
                f"row '{unknown[0]}' is not in {folder / 'FACTCHECK.md'}. Cite a row id from "
                "the first column of its tables, or add the row to the dossier",
            )


def _check_assignment_keys(path: Path, entries: dict[str, Any], case_id: str) -> None:
    """Keys for choice and code questions must fit the assignment's question spec."""
    from course.questions import QuestionSpecError, load_assignment
    from sourcing_lab.items import INSTRUCTOR_REGISTRY

    try:
        assignment = load_assignment(path.stem)
    except QuestionSpecError as exc:
        raise KeyFileError(path, None, None, f"no matching assignment ({exc})") from None
    if assignment.case_id != case_id:
        raise KeyFileError(
            path,
            None,
            None,
            f"the spec of {path.stem} is about case '{assignment.case_id}', not '{case_id}'. "
            f"Move this file to keys/{assignment.case_id}/assignments/",
        )
    for qid, entry in entries.items():
        question = assignment.questions.get(qid)
        if question is None:
            raise KeyFileError(path, qid, None, f"no question '{qid}' in {path.stem}")
        check_entry = INSTRUCTOR_REGISTRY[question.item_type].check_key_entry
        if check_entry is None:
            raise KeyFileError(path, qid, None, f"a {question.item_type} item is keyed elsewhere")
        check_entry(path, qid, entry, question)


def check_key_files(case: Case, folder: Path) -> list[str]:
    """Every problem in the case's key files, each file checked on its own (for ``case
    check``; ``load_keys`` stops at the first)."""
    problems: list[str] = []

    def step(run: Any) -> Any:
        try:
            return run()
        except KeyFileError as exc:
            problems.append(str(exc))
            return None

    step(lambda: dossier_rows(folder / "FACTCHECK.md"))
    segments = {s.segment_id for s in case.segment_records}
    path = folder / "attribution.toml"
    step(lambda: _choice_items(path, read_key_file(path), segments, ATTRIBUTION_TYPES, "segment"))
    trace_path = folder / "library_trace.toml"
    trace = step(lambda: read_key_file(trace_path))
    if trace is not None and step(lambda: _check_trace(trace_path, trace, case) or True):
        claims_path = folder / "claims.toml"
        step(lambda: claim_items(claims_path, read_key_file(claims_path), case, trace))
    chain_path = folder / "provenance.toml"
    chain = step(lambda: read_key_file(chain_path))
    if chain is not None:
        links = chain.get("links", {})
        step(lambda: _choice_items(chain_path, links, set(case.chain), LINK_STATUSES, "chain step"))
        step(lambda: chain_order(chain_path, chain.get("order"), case))
    timeline_path = folder / "timeline.toml"
    step(lambda: _check_timeline(timeline_path, read_key_file(timeline_path), case))
    for spec in sorted((folder / "assignments").glob("*.toml")):
        step(lambda spec=spec: _check_assignment_keys(spec, read_key_file(spec), case.case_id))
    return problems
