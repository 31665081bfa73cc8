"""Shared fixtures and the ``--update-goldens`` option."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support import GOLDENS, REPO


@pytest.fixture(scope="session", autouse=True)
def open_keys_exported():
    """Self-study mode in this checkout reads the exported open keys file (``make lab`` writes
    it too); export it once per run so a fresh clone's tests see the current keys."""
    from sourcing_lab.open_keys import export_open_keys

    return export_open_keys()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the expected outputs in tests/goldens/ from the current results",
    )


@pytest.fixture(autouse=True)
def _no_course_folder_from_another_test(monkeypatch):
    """A course's nbgrader_config.py names its folder in SOURCING_LAB_COURSE when nbgrader
    loads it, and tests load several courses in one process: each test starts without one
    (set it in the test when it matters)."""
    monkeypatch.delenv("SOURCING_LAB_COURSE", raising=False)


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare a JSON-able value with tests/goldens/<name>.json.

    A missing golden fails (it is never created silently); ``--update-goldens`` writes it.
    """
    update = request.config.getoption("--update-goldens")

    def check(name: str, actual: object) -> None:
        path = GOLDENS / f"{name}.json"
        text = json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if update:
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden {path.name} is missing; run pytest --update-goldens to create it")
        expected = json.loads(path.read_text(encoding="utf-8"))
        if expected != json.loads(text):
            actual_path = path.with_suffix(".actual.json")
            actual_path.write_text(text, encoding="utf-8")
            pytest.fail(f"{path.name} differs; actual result saved to {actual_path.name}")

    return check


@pytest.fixture
def case_copy(tmp_path: Path) -> Path:
    """A writable copy of the kit's case folder, for breaking on purpose."""
    from course.casefile import DEFAULT_CASE

    target = tmp_path / "case"
    shutil.copytree(DEFAULT_CASE, target)
    return target


@pytest.fixture(scope="session")
def kit_wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The kit's two wheels, built from a copy of this checkout once per test session:
    ``course`` (the student runtime) and ``instructor`` (the ``sourcing-lab`` command)."""
    from sourcing_lab.wheels import build_wheels

    student, instructor = build_wheels(REPO, tmp_path_factory.mktemp("wheels"))
    return {"course": student, "instructor": instructor}
