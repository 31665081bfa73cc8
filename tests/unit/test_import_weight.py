"""``import course`` stays light, and the pure layers never import widgets."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "ipywidgets", "IPython", "nbgrader", "numpy")


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        "import course",
        "import course.vocab",
        "import course.checks",
        "import course.checks.dispatch",
        "import course.answers",
        "import course.questions",
        "import course.items",
        "import course.grade_ids",
        "import course.progress",
    ],
)
def test_import_course_imports_no_heavy_library(statement):
    loaded = _modules_after(statement)
    assert not loaded & set(HEAVY), f"{statement} pulled in {sorted(loaded & set(HEAVY))}"


def test_loading_the_case_needs_no_pandas_until_a_frame_is_asked_for():
    loaded = _modules_after("from course.casefile import load_case\ncase = load_case()")
    assert "pandas" not in loaded
    assert "ipywidgets" not in loaded and "IPython" not in loaded
    loaded = _modules_after("from course.casefile import load_case\nload_case().library()")
    assert "pandas" in loaded


@pytest.mark.parametrize(
    "statement",
    [
        "import course.lab",
        "import sourcing_lab.keys",
        "import sourcing_lab.key_lookup",
        "import sourcing_lab.items",
    ],
)
def test_the_lab_and_the_grader_side_never_import_widgets_at_import_time(statement):
    loaded = _modules_after(statement)
    assert "ipywidgets" not in loaded and "IPython" not in loaded
