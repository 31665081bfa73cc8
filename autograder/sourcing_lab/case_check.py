"""``sourcing-lab case check``: a case, its keys and the specs that use it, every problem at once.

The messages are the loaders' own (``CaseFileError``, ``KeyFileError``, ``QuestionSpecError``:
file, row, field, fix). The loaders stop at the first problem, so a table is checked again
with the bad row set aside (in a scratch copy; the instructor's files are never changed) until
it passes, and each file is checked on its own; a file that needs another (claims need the
segments) waits until that one is clean. Then a summary of what is still missing.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.casefile import Case, CaseFileError, load_case
from course.casefile import loader as case_loader
from course.casefile.library_reader import read_library
from course.casefile.tables import read_claims, read_segments, read_timeline
from course.questions import QuestionSpecError
from sourcing_lab.key_fields import KeyFileError

MAX_PER_FILE = 25


@dataclass
class CheckReport:
    case_id: str
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = [f"case '{self.case_id}': " + ("no problems" if self.ok else "problems found")]
        lines += [f"  checked: {c}" for c in self.checked]
        lines += [f"problem: {p}" for p in self.problems]
        lines += [f"missing: {m}" for m in self.missing]
        count = f"{len(self.problems)} problem(s), {len(self.missing)} thing(s) missing"
        return "\n".join([*lines, count])


def check_case(
    folder: Path, keys_folder: Path | None = None, specs: Path | None = None
) -> CheckReport:
    """Check ``folder`` (a case), then its keys and the specs in ``specs`` that name it."""
    folder = Path(folder).resolve()
    report = CheckReport(folder.name)
    case = _check_case_files(folder, report)
    if case is None:
        report.missing.append("the keys and specs are checked once the case itself loads")
        return report
    report.case_id = case.case_id
    specs_found = _check_specs(case, specs, report)
    if keys_folder is not None:
        _check_keys(case, keys_folder, specs_found, report)
    else:
        report.missing.append(f"no keys folder for '{case.case_id}' (keys/{case.case_id}/)")
    return report


# -- the case ------------------------------------------------------------------------------
def _check_case_files(folder: Path, report: CheckReport) -> Case | None:
    if not (folder / "case.toml").is_file():
        report.problems.append(f"{folder / 'case.toml'}: file is missing. Every case needs one")
        return None
    meta = _meta(folder, report)
    article = None
    if meta is not None and isinstance(meta.get("article"), str):
        article = _once(report, lambda: case_loader._read_article(folder / meta["article"]))
    with tempfile.TemporaryDirectory(prefix="case-check-") as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy)
        segments = None
        if article is not None:
            segments = _rows_set_aside(
                report, copy / "segments.csv", lambda: read_segments(copy / "segments.csv", article)
            )
        claims_ok = None
        if segments is not None:
            ids = {s.segment_id: s for s in segments}
            claims_ok = _rows_set_aside(
                report, copy / "claims.csv", lambda: read_claims(copy / "claims.csv", ids)
            )
        documents = _documents_set_aside(report, copy / "library")
        if documents is not None:
            timeline = copy / "timeline.csv"
            _rows_set_aside(report, timeline, lambda: read_timeline(timeline, documents))
        if meta is not None and not meta.get("chain"):
            report.missing.append(
                f"{folder / 'case.toml'}: no [chain.<step_id>] tables, so no provenance_chain "
                "question can be asked and provenance.toml cannot be keyed"
            )
        report.problems = [p.replace(str(copy), str(folder)) for p in report.problems]
        if segments is None:
            report.missing.append("claims.csv is checked once segments.csv has no problems")
        if report.problems or segments is None or claims_ok is None:
            return None
    case = _once(report, lambda: load_case(folder))
    if case is not None:
        report.checked.append(
            f"case: {len(case.segment_records)} segments, {len(case.claim_records)} claims, "
            f"{len(case.documents)} documents, {len(case.events)} events, "
            f"{len(case.chain)} chain steps"
        )
    return case


def _meta(folder: Path, report: CheckReport) -> dict[str, Any] | None:
    path = folder / "case.toml"
    meta = _once(report, lambda: case_loader._read_toml(path))
    if meta is None:
        return None
    for name in ("id", "title", "article"):
        _once(report, lambda name=name: case_loader._require_str(meta, name, path))
    if meta.get("id") not in (None, folder.name):
        report.problems.append(
            f"{path}, field 'id': is '{meta.get('id')}' but the folder is '{folder.name}'. "
            "Give the folder and the id the same name"
        )
    _once(report, lambda: case_loader._read_as_posted(meta, path))
    _once(report, lambda: case_loader._read_chain(meta, path))
    return meta


def _once(report: CheckReport, step: Callable[[], Any]) -> Any:
    try:
        return step()
    except (CaseFileError, KeyFileError, QuestionSpecError) as exc:
        report.problems.append(str(exc))
        return None


def _rows_set_aside(report: CheckReport, path: Path, read: Callable[[], Any]) -> Any:
    """Run ``read`` until it passes, setting aside each row it names (at most MAX_PER_FILE).

    Returns what ``read`` returned once it passed with no row set aside, else None.
    """
    original_rows: list[int] | None = None  # remaining record -> its row number in the file
    for _ in range(MAX_PER_FILE):
        try:
            result = read()
        except CaseFileError as exc:
            message = str(exc)
            if original_rows is not None and exc.row:
                message = message.replace(f"row {exc.row}", f"row {original_rows[exc.row - 1]}")
            report.problems.append(message)
            if not exc.row:  # a header or file-level problem: nothing to set aside
                return None
            original_rows = _drop_record(path, exc.row, original_rows)
            continue
        return result if original_rows is None else None
    report.problems.append(f"{path.name}: more than {MAX_PER_FILE} problems; fix these first")
    return None


def _drop_record(path: Path, row: int, original: list[int] | None) -> list[int]:
    text = path.read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(text)))
    header, body = records[0], records[1:]
    original = original or list(range(1, len(body) + 1))
    del body[row - 1]
    del original[row - 1]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    path.write_text(out.getvalue(), encoding="utf-8")
    return original


def _documents_set_aside(report: CheckReport, library: Path) -> dict[str, Any] | None:
    clean = True
    for _ in range(MAX_PER_FILE):
        try:
            documents = read_library(library)
        except CaseFileError as exc:
            report.problems.append(str(exc))
            if exc.path.parent != library or not exc.path.is_file():
                return None
            exc.path.unlink()
            clean = False
            continue
        return documents if clean else None
    return None


# -- specs and keys ------------------------------------------------------------------------
def _check_specs(case: Case, specs: Path | None, report: CheckReport) -> list[Any]:
    from course.questions import load_assignment

    found = []
    paths = sorted(specs.glob("*.toml")) if specs is not None and specs.is_dir() else []
    for path in paths:
        try:
            named = tomllib.loads(path.read_text(encoding="utf-8")).get("case")
        except tomllib.TOMLDecodeError as exc:
            report.problems.append(f"{path}: not valid TOML ({exc})")
            continue
        if named != case.case_id:
            continue
        assignment = _once(report, lambda path=path: load_assignment(path.stem, path.parent))
        if assignment is not None:
            found.append(assignment)
            report.checked.append(
                f"spec {path.name}: {len(assignment.questions)} questions, "
                f"{assignment.total_points:g} points"
            )
    if not found:
        report.missing.append(f'no assignment spec names case = "{case.case_id}"')
    return found


def _check_keys(case: Case, folder: Path, specs: list[Any], report: CheckReport) -> None:
    from course.items import REGISTRY
    from sourcing_lab.key_lookup import key_for_question

    keys = _key_files_one_by_one(case, folder, report)
    if keys is None:
        return
    report.checked.append(f"keys: {keys.summary()}")
    for segment in case.leaf_segments():
        if segment.segment_id not in keys.attribution:
            report.missing.append(f"no key for segment {segment.segment_id} (it cannot be tagged)")
    report.missing += [
        f"no key for claim {c.claim_id} (it cannot be asked)"
        for c in case.claim_records
        if c.claim_id not in keys.claims
    ]
    for assignment in specs:
        for question in assignment.questions.values():
            if not REGISTRY[question.item_type].auto_scored:
                continue
            try:
                key_for_question(keys, assignment.assignment_id, question, case)
            except (KeyError, LookupError) as exc:
                name = exc.args[0] if exc.args else exc
                report.problems.append(
                    f"{assignment.assignment_id}, question '{question.question_id}': no key for "
                    f"{name}. Add it to {folder}"
                )


def _key_files_one_by_one(case: Case, folder: Path, report: CheckReport) -> Any:
    """Load the keys; on a problem, check each key file on its own to report every one."""
    from sourcing_lab.keys import check_key_files, load_keys

    try:
        return load_keys(case, keys_root=folder.parent)
    except KeyFileError as first:
        report.problems.append(str(first))
        if not folder.is_dir():
            return None
    for problem in check_key_files(case, folder):
        if problem not in report.problems:
            report.problems.append(problem)
    return None
