"""Arrows point one way (STYLE.md): the student package ``course`` never imports the
instructor package ``sourcing_lab`` — not at the top of a module, not inside a function, not by
``importlib.import_module`` with a dotted name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support import REPO

INSTRUCTOR = "sourcing_lab"


def instructor_imports(path: Path) -> list[str]:
    """``module:line name`` for every import of the instructor package in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(
            node.func, "attr", getattr(node.func, "id", "")
        ) in (
            "import_module",
            "__import__",
        ):
            names = [a.value for a in node.args if isinstance(a, ast.Constant)]
        for name in names:
            if isinstance(name, str) and name.split(".")[0] == INSTRUCTOR:
                found.append(f"{path.name}:{node.lineno} {name}")
    return found


def _modules() -> list[object]:
    return [
        pytest.param(path, id=path.relative_to(REPO).as_posix())
        for path in sorted((REPO / "course").rglob("*.py"))
    ]


@pytest.mark.parametrize("path", _modules())
def test_course_never_imports_the_instructor_package(path: Path):
    assert instructor_imports(path) == []


def test_the_check_sees_every_kind_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sourcing_lab\n"
        "def f():\n"
        "    from sourcing_lab.keys import load_keys\n"
        "    import importlib\n"
        "    importlib.import_module('sourcing_lab.key_lookup')\n"
        "    from course import checks\n",
        encoding="utf-8",
    )
    found = instructor_imports(sample)
    assert [f.split(" ", 1)[1] for f in found] == [
        "sourcing_lab",
        "sourcing_lab.keys",
        "sourcing_lab.key_lookup",
    ]
