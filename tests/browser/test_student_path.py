"""The student path in a real browser: answer with mouse and keyboard, check, save, restart,
get every answer back, and submit for grading (issue 7).

Self-study mode is on (this checkout has the keys), so Check explains mistakes; the notebook's
check cells still give form feedback only.
"""

from __future__ import annotations

import shutil

import pytest
from lab_ui import (
    choose_by_keyboard,
    click_and_time_feedback,
    disk_answer,
    feedback,
    item,
    notebook_records,
    open_notebook,
    order_labels,
    order_rows,
    rerun_cell,
    restart_and_run_all,
    run_all,
    save,
    screenshot,
    status_line,
    wait_focus,
    wait_until,
)

from course.casefile import load_case
from course.checks.dispatch import evaluate
from course.questions import load_assignment, part_labels
from course.vocab import ATTRIBUTION_TYPES, VERDICTS
from course.widgets.claim_verdicts import document_label

pytestmark = pytest.mark.slow

NOT_YET = "✘ Not yet"


def _expected_score(assignment_id: str, question_id: str, value: object) -> float:
    """What the kit's grader should give: the key applied to the recorded value."""
    from sourcing_lab.key_lookup import key_for_question
    from sourcing_lab.keys import load_keys

    assignment, case = load_assignment(assignment_id), load_case()
    question = assignment.question(question_id)
    key = key_for_question(load_keys(), assignment_id, question, case, {question_id: value})
    points = {"q2_tags": 8, "q3_hedges": 2, "q4_anonymous_rule": 1}[question_id]
    assert question.points == points
    return evaluate(question, value, case, key).scaled(points)


# -- 1, 4, 5: attribution: tags by mouse and keyboard, restart, grade ----------------------
def test_attribution_answers_survive_restart_and_grade(page, lab_server, shots, report, tmp_path):
    folder = lab_server.root / "a02_attribution"
    notebook = folder / "attribution.ipynb"
    open_notebook(page, lab_server, "a02_attribution/attribution.ipynb")
    assert page.locator(".Toastify__toast").count() == 0  # no news or update pop-up
    report.notes.append(f"a02 Run All (menu Run > Run All Cells): {run_all(page):.1f} s")

    tagger = item(page, "span-tagger")
    part = {n: tagger.get_by_label(f"Part {n}: source type", exact=True) for n in range(1, 6)}
    # By mouse: Part 1 right, Part 2 wrong (the outlet is named, but so is a writer).
    for n, tag in ((1, "named_unverifiable"), (2, "institutional")):
        part[n].click()
        page.keyboard.press("Escape")  # close the native list the click opened
        part[n].select_option(label=ATTRIBUTION_TYPES[tag])
    # By keyboard: Tab from Part 2 to Part 3, open the list with Space, arrows, Enter.
    part[2].focus()
    page.keyboard.press("Tab")
    choose_by_keyboard(page, part[3], ATTRIBUTION_TYPES["institutional"], opener="Space")
    page.keyboard.press("Tab")  # Part 4 stays unanswered
    page.keyboard.press("Tab")
    choose_by_keyboard(page, part[5], ATTRIBUTION_TYPES["none"], opener="Alt+ArrowDown")
    tags = {"s01": "named_unverifiable", "s02": "institutional", "s03a": "institutional"}
    tags["s04"] = "none"
    wait_until(lambda: disk_answer(folder, "q2_tags") == tags, what="answers/q2_tags.json")
    assert "Answer recorded" in status_line(tagger).inner_text()

    # Hedges: checkboxes ticked with the keyboard (Tab to it, Space); one right choice only.
    hedges = item(page, "choice", 0)
    box = hedges.get_by_role("checkbox", name='"Sources say"')
    box.focus()
    page.keyboard.press("Space")
    wait_until(lambda: disk_answer(folder, "q3_hedges") == ["sources_say"], what="q3_hedges")
    # The anonymous-source rule: a radio button clicked with the mouse (the right answer).
    rule = item(page, "choice", 1)
    rule.get_by_role("radio", name="It falls short", exact=False).click()
    wait_until(lambda: disk_answer(folder, "q4_anonymous_rule") == "not_enough", what="q4")

    # The notebook's check cell, re-run: form feedback only, never correctness.
    form = rerun_cell(page, 'lab.check("q2_tags")')
    assert "13 of 17 parts still have no label." in form
    assert "right" not in form.lower() and NOT_YET not in form

    # Self-study Check (mouse): a wrong tag gets "✘ Not yet" and a hint sentence.
    assert tagger.get_by_role("button", name="Show answer").is_visible()
    ms = click_and_time_feedback(
        page, tagger, lambda: tagger.get_by_role("button", name="Check").click()
    )
    report.latencies.append(("span tagger, mouse click on Check", ms))
    text = feedback(tagger).inner_text()
    assert "3 of 17 right." in text
    assert f"{NOT_YET}: 'Bruce Mathews for Defense Daily" in text
    assert "A person is named as the writer, not only an organisation." in text
    assert feedback(tagger).locator("[role=status][aria-live=polite]").count() == 1
    screenshot(page, shots, "s1_a02_span_tagger_feedback", report, target=feedback(tagger))

    # Check by keyboard (Enter on the focused button): the right answer says so.
    rule.get_by_role("button", name="Check").focus()
    ms = click_and_time_feedback(page, rule, lambda: page.keyboard.press("Enter"))
    report.latencies.append(("choice, Enter on a focused Check", ms))
    text = feedback(rule).inner_text()
    assert text.strip() == "✔ Right: Right."
    ms = click_and_time_feedback(
        page, hedges, lambda: hedges.get_by_role("button", name="Check").click()
    )
    report.latencies.append(("choice (checkboxes), mouse click on Check", ms))
    # One right option ticked, none wrong: right minus wrong gives 1/5, and the feedback says
    # what is missing without naming it.
    assert "you have not found them all yet" in feedback(hedges).inner_text()

    # Save with Ctrl+S: the notebook on disk carries the answers too.
    save(page)
    answers = {"q2_tags": tags, "q3_hedges": ["sources_say"], "q4_anonymous_rule": "not_enough"}
    wait_until(
        lambda: all(notebook_records(notebook).get(q) == v for q, v in answers.items()),
        what="the saved notebook's answer records",
    )

    # Restart the kernel and run everything again: every answer comes back.
    report.notes.append(f"a02 Restart Kernel and Run All: {restart_and_run_all(page):.1f} s")
    tagger = item(page, "span-tagger")
    hedges, rule = item(page, "choice", 0), item(page, "choice", 1)
    assert status_line(tagger).inner_text() == "Your earlier answer was restored."
    shown = tagger.locator("select").evaluate_all("els => els.map(e => e.value)")
    labels = {label: key for key, label in ATTRIBUTION_TYPES.items()}
    parts = load_assignment("a02_attribution").question("q2_tags").parts
    assert {sid: labels[v] for sid, v in zip(parts, shown, strict=True) if v} == tags
    ticked = hedges.get_by_role("checkbox").evaluate_all("els => els.map(e => e.checked)")
    assert ticked == [False, False, True, False, False, False, False]  # "Sources say" only
    assert rule.get_by_role("radio", name="It falls short", exact=False).is_checked()
    for qid, value in answers.items():
        assert disk_answer(folder, qid) == value
    save(page)
    wait_until(
        lambda: all(notebook_records(notebook).get(q) == v for q, v in answers.items()),
        what="the answers in the notebook saved after the restart",
    )
    screenshot(page, shots, "s1_a02_restored_after_restart", report, target=tagger)

    # Submit: the saved notebook (with and without its answers/ folder) through the kit's
    # grading in stock `nbgrader autograde`.
    from grading.kit import item_scores, make_course, nbgrader

    root = make_course(tmp_path, ["a02_attribution"])
    for student, with_folder in (("browser_full", True), ("browser_notebook_only", False)):
        target = root / "submitted" / student / "a02_attribution"
        target.mkdir(parents=True)
        shutil.copy2(notebook, target / notebook.name)
        if with_folder:
            shutil.copytree(folder / "answers", target / "answers")
        (target / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
    nbgrader(root, "autograde", "a02_attribution", "--force")
    for student in ("browser_full", "browser_notebook_only"):
        scores = item_scores(root, "a02_attribution", student)
        for qid, value in answers.items():
            expected = _expected_score("a02_attribution", qid, value)
            assert scores[f"{qid}_check"] == pytest.approx(expected), (student, qid, scores)
    assert _expected_score("a02_attribution", "q2_tags", tags) == pytest.approx(8 * 3 / 17, 0.01)
    assert _expected_score("a02_attribution", "q4_anonymous_rule", "not_enough") == 1.0


# -- 2: claims: the library desk, evidence, verdicts ----------------------------------------
def test_claims_desk_search_open_cite_and_verdict(page, lab_server, shots, report):
    folder = lab_server.root / "a03_claims"
    case = load_case()
    open_notebook(page, lab_server, "a03_claims/claims.ipynb")
    run_all(page)

    desk = item(page, "source-desk")
    query = desk.get_by_label("Search the library")
    query.click()
    page.keyboard.type("KFOR 2015")
    desk.get_by_role("button", name="Search").click()
    results = desk.get_by_label("Results")
    doc = case.document("bondsteel_toa_2015")
    results.locator("option", has_text=doc.title).click()  # a mouse click in the list
    open_button = desk.get_by_role("button", name="Open document")
    wait_until(open_button.is_enabled, what="Open document to be enabled")
    open_button.click()
    reader = desk.get_by_role("article", name=doc.title)
    reader.wait_for()
    assert doc.publisher in reader.inner_text()
    screenshot(page, shots, "s2_a03_desk_document_open", report, target=reader)

    def opened() -> list[dict[str, str]] | None:
        log = disk_answer(folder, "q1_desk")
        return log if any(e.get("doc_id") == doc.doc_id for e in log or []) else None

    log = wait_until(opened, what="the desk's investigation log on disk")
    searches = [e for e in log if e["action"] == "search"]
    assert searches and all(e["query"] == "KFOR 2015" for e in searches)
    assert [e["doc_id"] for e in log if e["action"] == "open"] == [doc.doc_id]
    assert all(e["question"] == "q2_verdicts" and e["at"] for e in log)
    if len(searches) > 1:
        report.notes.append(
            f"source desk: typing a query then pressing Search logs {len(searches)} searches "
            "(the text box's change on blur and the button both search)"
        )

    claims = item(page, "claim-verdicts")
    # Claim 1 (KFOR ended in 2015): cite the document just read, from the desk (mouse) ...
    desk.get_by_role("button", name="Cite for claim 1").click()
    chips = claims.get_by_role("list", name="Claim 1 evidence", exact=True)
    chips.get_by_text(doc.title).wait_for()
    desk.get_by_text(f"Cited “{doc.title}” for claim 1.").wait_for()
    # ... then NATO's page, and a weak blog by mistake, from the card's chooser; the blog's
    # chip is removed again with the keyboard (Tab to its Remove button, Enter).
    nato, blog = case.document("nato_kfor_topic"), case.document("blog_balkan_notes")
    add = claims.get_by_label("Add evidence for claim 1", exact=True)
    add.select_option(label=document_label(nato))
    chips.get_by_text(nato.title).wait_for()
    add.select_option(label=document_label(blog))
    remove_blog = chips.get_by_role("button", name=f"Remove {document_label(blog)} from claim 1")
    remove_blog.focus()
    page.keyboard.press("Enter")
    remove_blog.wait_for(state="detached")
    assert chips.get_by_role("listitem").count() == 2
    verdict = claims.get_by_label("Claim 1 verdict", exact=True)
    verdict.click()
    page.keyboard.press("Escape")
    verdict.select_option(label=VERDICTS["false"])
    # Claim 2 (first support): a wrong verdict chosen with the keyboard, and a weak source.
    claims.get_by_label("Claim 2 verdict", exact=True).focus()
    choose_by_keyboard(
        page, claims.get_by_label("Claim 2 verdict", exact=True), VERDICTS["accurate"]
    )
    claims.get_by_label("Add evidence for claim 2", exact=True).select_option(
        label=document_label(blog)
    )
    expected = {
        "c_kfor_ended": {"verdict": "false", "evidence": sorted([doc.doc_id, nato.doc_id])},
        "c_first_support": {"verdict": "accurate", "evidence": [blog.doc_id]},
    }

    def recorded() -> dict:
        value = disk_answer(folder, "q2_verdicts")
        return {k: {**v, "evidence": sorted(v["evidence"])} for k, v in value.items()}

    wait_until(lambda: recorded() == expected, what="answers/q2_verdicts.json")

    ms = click_and_time_feedback(
        page, claims, lambda: claims.get_by_role("button", name="Check").click()
    )
    report.latencies.append(("claim verdicts, mouse click on Check", ms))
    text = feedback(claims).inner_text()
    assert NOT_YET in text
    assert "Search the library for earlier US help to Kosovo's forces, before 2021." in text
    assert "This blog repeats the article's story without sources." in text
    assert "2 of 12 right." in text  # claim 1: verdict and evidence right
    screenshot(page, shots, "s2_a03_claim_feedback", report, target=feedback(claims))

    desk.get_by_role("button", name="Check").click()
    wait_until(lambda: "opened 1 documents" in feedback(desk).inner_text(), what="desk check")


# -- 3: timeline: drag, Move up / Move down by mouse and keyboard, the anachronism radio -----
def test_timeline_move_buttons_and_anachronism(page, lab_server, shots, report):
    folder = lab_server.root / "a04_time"
    assignment, case = load_assignment("a04_time"), load_case()
    question = assignment.question("q2_timeline")
    ids = {" ".join(label.split()): key for key, label in part_labels(question, case).items()}
    open_notebook(page, lab_server, "a04_time/time.ipynb")
    run_all(page)

    timeline = item(page, "timeline")
    start = order_labels(timeline)
    assert len(start) == len(question.parts)

    def row_button(position: int, name: str):
        return order_rows(timeline).nth(position - 1).get_by_role("button", name=name)

    # Mouse: move the first event down one place.
    row_button(1, "Move down").click()
    expected = [start[1], start[0], *start[2:]]
    wait_until(lambda: order_labels(timeline) == expected, what="the order after a mouse click")
    wait_focus(page, row_button(2, "Move down"), "row 2's Move down, with the moved event")
    # Keyboard: Enter on a focused Move up (row 4), twice: the focus follows the event, so
    # the second Enter moves the same event again. Then Space on a focused Move down (row 6).
    row_button(4, "Move up").focus()
    page.keyboard.press("Enter")
    expected.insert(2, expected.pop(3))
    wait_until(lambda: order_labels(timeline) == expected, what="the order after Enter")
    wait_focus(page, row_button(3, "Move up"), "row 3's Move up, with the moved event")
    page.keyboard.press("Enter")
    expected.insert(1, expected.pop(2))
    wait_until(lambda: order_labels(timeline) == expected, what="the order after a second Enter")
    row_button(6, "Move down").focus()
    page.keyboard.press("Space")
    expected[5], expected[6] = expected[6], expected[5]
    wait_until(lambda: order_labels(timeline) == expected, what="the order after Space")
    wait_focus(page, row_button(7, "Move down"), "row 7's Move down, with the moved event")

    # Mouse: drag the last event onto the first row; it takes that place.
    order_rows(timeline).nth(len(expected) - 1).drag_to(order_rows(timeline).nth(0))
    expected.insert(0, expected.pop())
    wait_until(lambda: order_labels(timeline) == expected, what="the order after a drag")

    # The claim that cannot be true at its date: a radio in a fieldset, by mouse.
    group = timeline.get_by_role("group", name="Cannot be true at its date:")
    assert group.get_by_role("radio").count() == len(question.options)
    timeline.get_by_role("radio", name="It calls Pat Ryder", exact=False).click()
    answer = {"order": [ids[label] for label in expected], "marked": "c_ryder_title"}
    wait_until(lambda: disk_answer(folder, "q2_timeline") == answer, what="q2_timeline on disk")

    ms = click_and_time_feedback(
        page, timeline, lambda: timeline.get_by_role("button", name="Check").click()
    )
    report.latencies.append(("timeline, mouse click on Check", ms))
    text = feedback(timeline).inner_text()
    assert "items are out of place" in text and (NOT_YET in text or "◐ Partly" in text)
    assert "1 of 2 right." in text  # the mark is right, the order not yet
    screenshot(page, shots, "s3_a04_timeline_feedback", report, target=timeline)
