"""Release: what a student's kernel needs of a course's own case, beside the notebook.

A preprocessor of ``nbgrader generate_assignment`` (the kit's ``kit_config.py`` lists it). For
every notebook it loads the assignment's question spec and its case through the same lookup as
the grader (``course.lookup``), so a missing or broken spec or case stops the release with the
loader's message instead of failing later at grading. When the spec or the case is the
course's own (not the kit's), it copies both into ``release/<assignment>/course_data/``
(``assignments/<id>.toml`` and ``cases/<case_id>/``): the student's kernel finds them there.
Keys are never copied: they are not in the lookup's released layout at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor

from course import lookup
from course.questions import QuestionSpecError, load_assignment


class ReleaseError(ValueError):
    """The assignment cannot be released as it is; the message says what to fix."""


class BundleCourseData(NbGraderPreprocessor):
    def preprocess(self, nb: Any, resources: dict[str, Any]) -> Any:
        assignment_id = resources["nbgrader"]["assignment"]
        try:
            assignment = load_assignment(assignment_id)
            spec = lookup.spec_path(assignment_id)
        except (QuestionSpecError, lookup.CaseLookupError) as exc:
            raise ReleaseError(
                f"{assignment_id} cannot be released: {exc}. Fix it (sourcing-lab case check "
                "cases/<case_id> lists every problem) and run generate_assignment again"
            ) from None
        case_dir = assignment.case_folder or lookup.case_folder(assignment.case_id)
        if _inside(spec, lookup.KIT) and _inside(case_dir, lookup.KIT):
            return nb, resources  # the kit's own: installed with the course package
        target = self._release_folder(resources) / lookup.RELEASED_DATA
        (target / "assignments").mkdir(parents=True, exist_ok=True)
        shutil.copy2(spec, target / "assignments" / spec.name)
        cases = target / "cases" / assignment.case_id
        if cases.exists():
            shutil.rmtree(cases)
        shutil.copytree(case_dir, cases, ignore=shutil.ignore_patterns("*.txt~", ".*"))
        return nb, resources

    def _release_folder(self, resources: dict[str, Any]) -> Path:
        converter = self.parent.parent  # exporter -> GenerateAssignment
        info = resources["nbgrader"]
        return Path(converter._format_dest(info["assignment"], info["student"]))


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())
