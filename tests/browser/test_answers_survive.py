"""Answers that survive the browser (issue 11), in real JupyterLab and Chromium.

Six paths a student takes: reload the page, close the tab and reopen it, restart the kernel
without running the cells again, work in two tabs, save within a second of answering, and
File > Download straight after answering. Each ends by grading the saved .ipynb *alone* (no
answers/ folder) with real ``nbgrader autograde`` and the kit's configuration, and asserts that
what was graded is what the page shows. Each path's outcome is appended to
``test-artifacts/browser/survival.jsonl`` (for the figure in the closing note).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from lab_ui import (
    disk_answer,
    file_changed,
    item,
    kernel_idle,
    menu,
    metadata_records,
    notebook_records,
    notice,
    open_notebook,
    page_stats,
    rerun_cell,
    restart_kernel,
    run_all,
    save,
    settle,
    status_line,
    wait_until,
)

from course.answers import read_notebook_records
from course.casefile import load_case
from course.checks.dispatch import evaluate
from course.questions import load_assignment
from course.vocab import ATTRIBUTION_TYPES
from support import REPO

pytestmark = pytest.mark.slow

A02 = "a02_attribution"
NAME = "attribution.ipynb"
SPEC = load_assignment(A02)
HEDGES = SPEC.question("q3_hedges").options  # key -> label, in the order shown
RULE = SPEC.question("q4_anonymous_rule").options
PARTS = SPEC.question("q2_tags").parts
TAG_KEYS = {label: key for key, label in ATTRIBUTION_TYPES.items()}
WIDGET_ANSWERS = ("q2_tags", "q3_hedges", "q4_anonymous_rule", "q7_written")
KEYED = {"q2_tags": 8, "q3_hedges": 2, "q4_anonymous_rule": 1}
OUTCOMES = REPO / "test-artifacts" / "browser" / "survival.jsonl"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from grading.kit import make_course

    return make_course(tmp_path_factory.mktemp("survival"), [A02])


# -- what the student does -----------------------------------------------------------------
def started(page: Any, server: Any, name: str) -> tuple[Path, str]:
    """A fresh copy of the a02 exercise in its own folder (its own answers/), opened in
    ``page`` and run from the top: (its path on disk, its path in JupyterLab)."""
    shutil.copytree(REPO / "exercises" / A02, server.root / name)
    open_notebook(page, server, f"{name}/{NAME}")
    run_all(page)
    return server.root / name / NAME, f"{name}/{NAME}"


def pick_rule(page: Any, key: str) -> None:
    item(page, "choice", 1).get_by_role("radio", name=RULE[key], exact=False).click()


def tick_hedge(page: Any, key: str) -> None:
    item(page, "choice", 0).get_by_role("checkbox", name=HEDGES[key], exact=True).click()


def tag(page: Any, part: int, key: str) -> None:
    select = item(page, "span-tagger").get_by_label(f"Part {part}: source type", exact=True)
    select.select_option(label=ATTRIBUTION_TYPES[key])


def write(page: Any, text: str) -> Any:
    box = item(page, "written").locator("textarea")
    box.click()
    page.keyboard.type(text)
    return box


def reopened(page: Any) -> None:
    """Wait for a page that was reloaded or reopened: cells drawn, kernel idle, widgets live."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    kernel_idle(page)
    notice(item(page, "choice", 1)).wait_for(timeout=30_000)


# -- what the page shows and what the grader graded -----------------------------------------
def _answered(values: dict[str, Any]) -> dict[str, Any]:
    return {
        qid: sorted(value) if isinstance(value, list) else value
        for qid, value in values.items()
        if qid in WIDGET_ANSWERS and value not in (None, "", [], {})
    }


def on_screen(page: Any) -> dict[str, Any]:
    shown = item(page, "span-tagger").locator("select").evaluate_all("s => s.map(e => e.value)")
    ticked = (
        item(page, "choice", 0)
        .get_by_role("checkbox")
        .evaluate_all("boxes => boxes.map(b => b.checked)")
    )
    chosen = (
        item(page, "choice", 1)
        .get_by_role("radio")
        .evaluate_all("radios => radios.map(r => r.checked)")
    )
    return _answered(
        {
            "q2_tags": {p: TAG_KEYS[v] for p, v in zip(PARTS, shown, strict=True) if v},
            "q3_hedges": [k for k, on in zip(HEDGES, ticked, strict=True) if on],
            "q4_anonymous_rule": next((k for k, on in zip(RULE, chosen, strict=True) if on), ""),
            "q7_written": item(page, "written").locator("textarea").input_value(),
        }
    )


def grade_alone(course: Path, student: str, notebook: Path | bytes) -> tuple[dict, dict]:
    """Grade the .ipynb alone with real nbgrader; (harvested answers, item scores)."""
    from grading.kit import item_scores, nbgrader, place_submission, result_of

    data = notebook.read_bytes() if isinstance(notebook, Path) else notebook
    place_submission(course, student, A02, data, answers_dir=False)
    nbgrader(course, "autograde", A02, "--student", student, "--force")
    return _answered(result_of(course, A02, student)["answers"]), item_scores(course, A02, student)


def expected_scores(answers: dict[str, Any]) -> dict[str, float]:
    from sourcing_lab.key_lookup import key_for_question
    from sourcing_lab.keys import load_keys

    case, keys = load_case(), load_keys()
    scores = {}
    for qid, points in KEYED.items():
        question = SPEC.question(qid)
        key = key_for_question(keys, A02, question, case, answers)
        scores[f"{qid}_check"] = evaluate(question, answers.get(qid), case, key).scaled(points)
    return scores


def graded_as_shown(
    course: Path, student: str, notebook: Path | bytes, shown: dict
) -> tuple[bool, str]:
    """Grade the .ipynb alone: (whether what was graded is what the page shows, what differs)."""
    graded, scores = grade_alone(course, student, notebook)
    problems = [] if graded == shown else [f"graded {graded}, shown {shown}"]
    for grade_id, score in expected_scores(shown).items():
        if scores.get(grade_id) != pytest.approx(score):
            problems.append(f"{grade_id} scored {scores.get(grade_id)}, expected {score:g}")
    return not problems, "; ".join(problems)


def outcome(report: Any, scenario: str, *, held: bool, page: Any, **more: Any) -> None:
    line = {"scenario": scenario, "held": held, **page_stats(page), **more}
    OUTCOMES.parent.mkdir(parents=True, exist_ok=True)
    with OUTCOMES.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), **line}) + "\n")
    report.notes.append(f"survival {scenario}: " + ", ".join(f"{k}={v}" for k, v in line.items()))


def graded_alone_as_shown(
    course: Path, report: Any, page: Any, scenario: str, notebook: Path | bytes, **more: Any
) -> None:
    """The path's last step: grade the .ipynb alone, note the outcome, assert it held."""
    student = "s" + scenario.split()[0]
    held, why = graded_as_shown(course, student, notebook, on_screen(page))
    outcome(report, scenario, held=held, page=page, **more)
    assert held, why


def newest_in_file(path: Path | bytes, qid: str) -> Any:
    if isinstance(path, bytes):
        nb = json.loads(path)
        from course.answers import records_in_notebook

        record = records_in_notebook(nb, A02).get(qid)
    else:
        record = read_notebook_records(path, A02).get(qid)
    return record.value if record else None


# -- 1 ---------------------------------------------------------------------------------------
def test_1_reload_the_page_without_running_the_cells(page, lab_server, course, report):
    path, _notebook = started(page, lab_server, "s1_reload")
    folder = path.parent
    pick_rule(page, "not_enough")
    wait_until(lambda: disk_answer(folder, "q4_anonymous_rule") == "not_enough", what="q4")
    save(page)
    settle(page)

    page.reload()
    reopened(page)
    told = notice(item(page, "choice", 1)).inner_text()
    assert "This page was reloaded after this cell ran. Your answers here still save." in told
    pick_rule(page, "named")  # change an answer
    tick_hedge(page, "sources_say")  # and answer another
    wait_until(lambda: disk_answer(folder, "q3_hedges") == ["sources_say"], what="q3")
    wait_until(lambda: disk_answer(folder, "q4_anonymous_rule") == "named", what="q4 changed")
    save(page)
    settle(page)
    # The reload is real: the kernel could no longer update the answer lines (outputs) ...
    assert notebook_records(path)["q4_anonymous_rule"] == "not_enough"
    # ... but the notebook's metadata, kept by the page, holds the answers on screen.
    assert metadata_records(path)["q4_anonymous_rule"] == "named"
    assert on_screen(page) == {"q3_hedges": ["sources_say"], "q4_anonymous_rule": "named"}
    graded_alone_as_shown(course, report, page, "1 reload", path, told=told)

    # Running the cell again brings the answer line up to date, and the notice goes.
    rerun_cell(page, 'lab.show("q4_anonymous_rule")')
    rule = item(page, "choice", 1)
    assert rule.get_by_role("radio", name=RULE["named"], exact=False).is_checked()
    assert notice(rule).is_hidden()
    save(page)
    wait_until(lambda: notebook_records(path)["q4_anonymous_rule"] == "named", what="outputs")


# -- 2 ---------------------------------------------------------------------------------------
def test_2_close_the_tab_and_open_the_notebook_again(page, lab_server, course, report):
    first = page.context.new_page()
    path, notebook = started(first, lab_server, "s2_reopen")
    folder = path.parent
    pick_rule(first, "not_enough")
    tag(first, 1, "named_unverifiable")
    wait_until(lambda: disk_answer(folder, "q2_tags") == {"s01": "named_unverifiable"}, what="q2")
    settle(first)
    first.close()  # the kernel keeps running

    open_notebook(page, lab_server, notebook)
    notice(item(page, "choice", 1)).wait_for()
    told = notice(item(page, "choice", 1)).inner_text()
    assert "This page was reloaded" in told
    pick_rule(page, "fine_insiders")
    tag(page, 2, "institutional")
    wanted = {"s01": "named_unverifiable", "s02": "institutional"}
    wait_until(lambda: disk_answer(folder, "q2_tags") == wanted, what="q2 after reopening")
    save(page)
    settle(page)
    assert on_screen(page) == {"q2_tags": wanted, "q4_anonymous_rule": "fine_insiders"}
    graded_alone_as_shown(course, report, page, "2 close and reopen", path, told=told)


# -- 3 ---------------------------------------------------------------------------------------
def test_3_restart_the_kernel_and_try_to_answer_without_running(page, lab_server, course, report):
    path, _notebook = started(page, lab_server, "s3_restart")
    folder = path.parent
    pick_rule(page, "not_enough")
    box = write(page, "The writer is not checkable.")
    page.keyboard.press("Escape")
    wait_until(lambda: disk_answer(folder, "q7_written") == "The writer is not checkable.")
    settle(page)

    restart_kernel(page)
    rule = item(page, "choice", 1)
    notice(rule).wait_for()
    told = notice(rule).inner_text()
    assert told.startswith("Not connected: Python was restarted or stopped")
    assert "Run > Run All Cells" in told
    assert "Answer recorded" not in rule.inner_text()
    refused = page_stats(page)["refused"]
    rule.get_by_role("radio", name=RULE["named"], exact=False).click()
    box.click()
    page.keyboard.type(" More.")
    assert rule.get_by_role("radio", name=RULE["not_enough"], exact=False).is_checked()
    assert not rule.get_by_role("radio", name=RULE["named"], exact=False).is_checked()
    assert box.input_value() == "The writer is not checkable."
    assert page_stats(page)["refused"] > refused
    assert "sourcing-lab-refused" in (notice(rule).get_attribute("class") or "")
    assert disk_answer(folder, "q4_anonymous_rule") == "not_enough"
    save(page)
    settle(page)
    assert on_screen(page) == {
        "q4_anonymous_rule": "not_enough",
        "q7_written": "The writer is not checkable.",
    }
    graded_alone_as_shown(course, report, page, "3 restart, no re-run", path, told=told)

    # Doing what the notice says brings the answers back, and answering works again.
    run_all(page)
    rule = item(page, "choice", 1)
    assert rule.get_by_role("radio", name=RULE["not_enough"], exact=False).is_checked()
    assert notice(rule).is_hidden()
    pick_rule(page, "named")
    wait_until(lambda: disk_answer(folder, "q4_anonymous_rule") == "named", what="after Run All")

    # A kernel that is shut down (or dies) ends the link the same way.
    menu(page, "Kernel", "Shut Down Kernel")
    rule = item(page, "choice", 1)
    notice(rule).wait_for()
    assert notice(rule).inner_text().startswith("Not connected")
    rule.get_by_role("radio", name=RULE["fine_insiders"], exact=False).click()
    assert rule.get_by_role("radio", name=RULE["named"], exact=False).is_checked()


# -- 4 ---------------------------------------------------------------------------------------
def test_4_one_notebook_in_two_tabs(page, lab_server, course, report):
    tab_a = page
    path, notebook = started(tab_a, lab_server, "s4_two_tabs")
    folder = path.parent
    pick_rule(tab_a, "not_enough")
    wait_until(lambda: disk_answer(folder, "q4_anonymous_rule") == "not_enough", what="q4 in A")
    settle(tab_a)

    tab_b = tab_a.context.new_page()
    open_notebook(tab_b, lab_server, notebook)
    notice(item(tab_b, "choice", 1)).wait_for()
    told = notice(item(tab_b, "choice", 1)).inner_text()
    tick_hedge(tab_b, "sources_say")
    pick_rule(tab_b, "named")
    wait_until(lambda: disk_answer(folder, "q4_anonymous_rule") == "named", what="q4 in B")
    settle(tab_b)
    wait_until(lambda: on_screen(tab_a) == on_screen(tab_b), what="tab A to show tab B's answers")

    time.sleep(1)  # later than JupyterLab's margin for "the file changed on disk"
    tab_a.bring_to_front()
    tag(tab_a, 1, "none")
    wait_until(lambda: disk_answer(folder, "q2_tags") == {"s01": "none"}, what="q2 in A")
    dialogs = {"A": file_changed(tab_a, "Overwrite")}
    settle(tab_a)
    time.sleep(1)
    tab_b.bring_to_front()
    write(tab_b, "Written in the second tab.")
    tab_b.keyboard.press("Escape")
    wait_until(lambda: disk_answer(folder, "q7_written") == "Written in the second tab.")
    dialogs["B"] = file_changed(tab_b, "Revert")
    settle(tab_b)

    wait_until(lambda: on_screen(tab_a) == on_screen(tab_b), what="both tabs to agree")
    assert on_screen(tab_b) == {
        "q2_tags": {"s01": "none"},
        "q3_hedges": ["sources_say"],
        "q4_anonymous_rule": "named",
        "q7_written": "Written in the second tab.",
    }
    graded_alone_as_shown(
        course, report, tab_b, "4 two tabs", path, told=told, file_changed=dialogs
    )
    tab_b.close()


# -- 5 ---------------------------------------------------------------------------------------
AUTOSAVE = "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"


def test_5_save_within_a_second_of_answering(page, lab_server, course, report):
    settings = lab_server.home / ".jupyter" / "lab" / "user-settings" / AUTOSAVE
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"autosave": True, "autosaveInterval": 1}))
    try:
        _save_within_a_second(page, lab_server, course, report)
    finally:
        settings.unlink()


def _save_within_a_second(page, lab_server, course, report) -> None:
    path, _notebook = started(page, lab_server, "s5_quick_save")
    tries = ["named", "fine_insiders", "not_enough"] * 4
    for number, key in enumerate(tries):
        pick_rule(page, key)
        if number % 2 == 0:
            page.keyboard.press("Control+s")  # straight after the click
        else:
            time.sleep(0.1 * number)  # JupyterLab's autosave runs every second here
        settle(page)
        assert newest_in_file(path, "q4_anonymous_rule") == key, f"try {number}"

    # In the written-answer box: Ctrl+S saves from inside it, Escape leaves it.
    write(page, "Saved from inside the box.")
    page.keyboard.press("Control+s")
    settle(page)
    assert newest_in_file(path, "q7_written") == "Saved from inside the box."
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.tagName") != "TEXTAREA"
    assert page.locator(".jp-Notebook.jp-mod-commandMode").count() == 1
    stats = page_stats(page)
    assert stats["savesBeforeAnswer"] >= 1, stats  # the race really happened
    assert on_screen(page) == {
        "q4_anonymous_rule": tries[-1],
        "q7_written": "Saved from inside the box.",
    }
    graded_alone_as_shown(course, report, page, "5 save within a second", path, tries=len(tries))


# -- 6 ---------------------------------------------------------------------------------------
def test_6_download_straight_after_answering(page, lab_server, course, report):
    started(page, lab_server, "s6_download")

    def download() -> bytes:
        with page.expect_download() as info:
            menu(page, "File", "Download")
        return Path(info.value.path()).read_bytes()

    pick_rule(page, "named")
    first = download()  # no save in between
    assert newest_in_file(first, "q4_anonymous_rule") == "named"
    write(page, "Downloaded straight after typing.")
    second = download()  # the menu takes the focus from the box
    assert newest_in_file(second, "q7_written") == "Downloaded straight after typing."
    settle(page)
    assert on_screen(page) == {
        "q4_anonymous_rule": "named",
        "q7_written": "Downloaded straight after typing.",
    }
    graded_alone_as_shown(course, report, page, "6 download", second)
    assert re.search(rb'"sourcing_lab"', second)  # the download carries the metadata channel
    assert "Answer recorded" in status_line(item(page, "choice", 1)).inner_text()
