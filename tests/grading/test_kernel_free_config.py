"""Kernel-free grading runs only with settings it knows to handle as nbgrader does; any other
setting turns it off for the run (nbgrader's converter then grades everything), saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from sourcing_lab.exercises import load_nbgrader_config
from sourcing_lab.grading.kernel_free import KernelFreeGrader

pytestmark = pytest.mark.slow  # each test makes a gradebook with nbgrader
KIT_CONFIG = Path(__file__).parents[2] / "autograder/sourcing_lab/grading/kit_config.py"


def _grader(tmp_path: Path, change=None) -> KernelFreeGrader:
    config = load_nbgrader_config(KIT_CONFIG)
    config.merge(Config())
    config.CourseDirectory.root = str(tmp_path)
    config.CourseDirectory.db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    if change:
        change(config)
    with Gradebook(config.CourseDirectory.db_url) as gradebook:
        gradebook.update_or_create_assignment("a01_provenance")
    return KernelFreeGrader(CourseDirectory(config=config), "a01_provenance", config=config)


def _add_preprocessor(config: Config) -> None:
    config.Autograde.autograde_preprocessors = [
        *config.Autograde.autograde_preprocessors,
        "my_course.MyCheck",
    ]


CHANGES = [
    (_add_preprocessor, "a preprocessor it does not know: my_course.MyCheck"),
    (lambda c: setattr(c.KernelFreeGrader, "enabled", False), "enabled is False"),
    (lambda c: c.Autograde.pop("sanitize_preprocessors"), "sanitize_preprocessors is nbgrader's"),
    (
        lambda c: setattr(c.HardenedExecute, "skip_when_nothing_to_run", False),
        "skip_when_nothing_to_run is False",
    ),
    (lambda c: setattr(c.Autograde, "pre_convert_hook", "my_course.hook"), "pre_convert_hook"),
    (lambda c: setattr(c.Autograde, "exporter_class", "nbconvert.NotebookExporter"), "exporter"),
    (lambda c: setattr(c.CourseDirectory, "groupshared", True), "groupshared"),
    (lambda c: setattr(c.NotebookExporter, "nbformat_version", 3), "nbformat_version"),
]


@pytest.mark.parametrize(("change", "says"), CHANGES)
def test_a_setting_it_does_not_handle_turns_it_off(tmp_path, change, says):
    grader = _grader(tmp_path, change)
    assert says in grader.unavailable
    assert grader.grade("s1") is None


def test_the_kit_settings_turn_it_on_and_a_missing_submission_goes_to_nbgrader(tmp_path):
    grader = _grader(tmp_path)
    assert grader.unavailable == ""
    assert grader.grade("nobody") is None  # nothing submitted: nbgrader's run says so
