"""`sourcing-lab demo` runs the whole instructor path on a simulated class."""

from __future__ import annotations

import csv

import pytest

from sourcing_lab.cli import main

pytestmark = pytest.mark.slow


def test_demo_builds_feedback_report_and_exports(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--students", "5"]) == 0
    printed = capsys.readouterr().out
    root = tmp_path / "classroom"
    assert str(root) in printed and "report:" in printed and "export:" in printed
    assert "isolation: " in printed  # how isolated the grading kernels were
    for assignment in ("a01_provenance", "a03_claims"):
        feedback = list((root / "feedback").glob(f"*/{assignment}/*.html"))
        assert len(feedback) >= 4, feedback  # the blank student may have nothing to show
        for folder in (root / "feedback").glob(f"*/{assignment}"):  # only what the kit made
            assert {p.suffix for p in folder.iterdir()} <= {".html", ".txt"}, folder
        report = root / "reports" / assignment / "report.html"
        assert "<svg" in report.read_text(encoding="utf-8")
        with (root / "exports" / f"{assignment}-csv.csv").open(encoding="utf-8-sig") as handle:
            rows = {row["student_id"]: row for row in csv.DictReader(handle)}
        auto_points = {"a01_provenance": 10.0, "a03_claims": 15.0}[assignment]
        assert float(rows["s01_perfect"]["score"]) == auto_points
        assert float(rows["s02_blank"]["score"]) == 0.0
        assert (root / "exports" / f"{assignment}-canvas.csv").exists()
        assert (root / "exports" / f"{assignment}-moodle.csv").exists()
