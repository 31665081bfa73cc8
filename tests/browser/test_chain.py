"""The provenance chain (a01 ``q4_chain``) in real JupyterLab, answered by mouse and then by
keyboard only (issue 14): the recorded answer is what was done, in ``answers/`` and in the
saved notebook; Check's feedback reaches the live region; no key runs a notebook command.

The chain's two controls: an ordering list (``renderOrder`` in items.js, as the timeline's:
drag a row, or its Move up / Move down buttons, the focus following the moved step) and one
labelled status chooser (a ``<select>``) per step, in a fieldset.
"""

from __future__ import annotations

from typing import Any

import pytest
from lab_ui import (
    choose_by_keyboard,
    click_and_time_feedback,
    disk_answer,
    feedback,
    item,
    metadata_records,
    notebook_records,
    open_notebook,
    order_labels,
    order_rows,
    run_all,
    save,
    screenshot,
    tab_to,
    wait_focus,
    wait_until,
)

from course.casefile import load_case
from course.checks.dispatch import evaluate
from course.questions import load_assignment, part_labels
from course.vocab import LINK_STATUSES

pytestmark = pytest.mark.slow

ASSIGNMENT, QUESTION = "a01_provenance", "q4_chain"
NOT_YET = "✘ Not yet"
# What the notebook's cells look like from outside: keys pressed in the item change none of it.
NOTEBOOK_STATE = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  return {cells: cells.length,
          markdown: cells.filter(c => c.classList.contains('jp-MarkdownCell')).length,
          active: cells.findIndex(c => c.classList.contains('jp-mod-active')),
          commandMode: !!document.querySelector('.jp-Notebook.jp-mod-commandMode')};
}"""


def _result(value: dict[str, Any]) -> Any:
    """What the kit's check says of ``value`` with the case's key (as the grader scores it)."""
    from sourcing_lab.key_lookup import key_for_question
    from sourcing_lab.keys import load_keys

    assignment, case = load_assignment(ASSIGNMENT), load_case()
    question = assignment.question(QUESTION)
    key = key_for_question(load_keys(), ASSIGNMENT, question, case, {QUESTION: value})
    return evaluate(question, value, case, key)


def _feedback_says(region_text: str, value: dict[str, Any]) -> None:
    result = _result(value)
    text = " ".join(region_text.split())
    assert result.summary and result.summary in text, (result.summary, text)
    for part in result.parts:
        if part.message:
            assert " ".join(part.message.split()) in text, (part.message, text)


def test_chain_by_mouse_then_keyboard_only(page, lab_server, shots, report):
    folder = lab_server.root / ASSIGNMENT
    notebook = folder / "provenance.ipynb"
    case = load_case()
    question = load_assignment(ASSIGNMENT).question(QUESTION)
    labels = part_labels(question, case)
    ids = {" ".join(label.split()): key for key, label in labels.items()}
    open_notebook(page, lab_server, f"{ASSIGNMENT}/provenance.ipynb")
    run_all(page)

    chain = item(page, "provenance-chain")
    chain.scroll_into_view_if_needed()
    shown = order_labels(chain)
    assert sorted(shown) == sorted(ids) and len(shown) == len(case.chain) == 5

    def row_button(position: int, name: str) -> Any:
        return order_rows(chain).nth(position - 1).get_by_role("button", name=name)

    def status(step: str) -> Any:
        return chain.get_by_label(f"{labels[step]}:", exact=True)

    def moved(expected: list[str], button: str, position: int, what: str) -> None:
        """The order on the page is ``expected``; the focus is on ``button`` of the moved
        step, now at ``position``."""
        wait_until(lambda: order_labels(chain) == expected, what=f"the order after {what}")
        wait_focus(page, row_button(position, button), f"row {position}'s {button} ({what})")

    # -- mouse -------------------------------------------------------------------------------
    # Drag the forum post (third, alphabetically) onto the first row: it takes that place.
    expected = list(shown)
    forum = labels["forum_post"]
    assert expected.index(forum) == 2
    order_rows(chain).nth(2).drag_to(order_rows(chain).nth(0))
    expected.insert(0, expected.pop(2))
    wait_until(lambda: order_labels(chain) == expected, what="the order after a drag")
    # Click row 2's Move down: the step goes down one place and the focus goes with it.
    row_button(2, "Move down").click()
    expected[1], expected[2] = expected[2], expected[1]
    moved(expected, "Move down", 3, "a mouse click on Move down")
    # A status for every step, with the mouse (click the chooser, pick an option).
    by_mouse = {
        "forum_post": "verified",
        "claimed_outlet": "unverified",
        "claimed_author": "unverified",
        "claimed_original": "unverified",
        "quoted_official": "unverified",
    }
    for step, value in by_mouse.items():
        chooser = status(step)
        chooser.click()
        page.keyboard.press("Escape")  # closes the native list the click opened
        chooser.select_option(label=LINK_STATUSES[value])
    answer = {"order": [ids[label] for label in expected], "status": by_mouse}
    wait_until(lambda: disk_answer(folder, QUESTION) == answer, what="q4_chain after the mouse")

    ms = click_and_time_feedback(
        page, chain, lambda: chain.get_by_role("button", name="Check").click()
    )
    report.latencies.append(("provenance chain, mouse click on Check", ms))
    _feedback_says(feedback(chain).inner_text(), answer)
    assert NOT_YET in feedback(chain).inner_text()

    # -- keyboard only -----------------------------------------------------------------------
    # One programmatic focus to start from (the list's "This order is my answer" button);
    # from there on only keys.
    chain.get_by_role("button", name="This order is my answer").focus()
    before = page.evaluate(NOTEBOOK_STATE)
    author, outlet = labels["claimed_author"], labels["claimed_outlet"]
    assert expected[-1] == author
    # Shift+Tab back into the list lands on the last row's Move up (its Move down is
    # disabled); Enter three times takes the author from row 5 to row 2, the focus following.
    assert tab_to(page, row_button(5, "Move up"), back=True, limit=1) == 1
    for position in (4, 3, 2):
        page.keyboard.press("Enter")
        expected.insert(position - 1, expected.pop(position))
        moved(expected, "Move up", position, f"Enter (to row {position})")
    assert expected[1] == author
    # Tab on to the outlet's Move up (now row 5), Space three times: it goes to row 2.
    assert expected.index(outlet) == 4
    assert tab_to(page, row_button(5, "Move up"), limit=8) == 6  # 2 buttons a row, rows 2-4
    for position in (4, 3, 2):
        page.keyboard.press("Space")
        expected.insert(position - 1, expected.pop(position))
        moved(expected, "Move up", position, f"Space (to row {position})")
    # Single-key notebook shortcuts on a focused button: insert, cut, to Markdown, delete.
    for key in ("b", "a", "x", "m", "d", "d", "z"):
        page.keyboard.press(key)
    # Tab to the quoted official's status; ArrowDown picks the next option (Unverified ->
    # Contradicted) without leaving the chooser or moving to another cell.
    quoted = status("quoted_official")
    tab_to(page, quoted, limit=15)
    page.keyboard.press("ArrowDown")
    wait_until(lambda: quoted.input_value() == "contradicted", what="ArrowDown on a status")
    # Shift+Tab back to the author's status: open its list with Space, pick Verified.
    author_status = status("claimed_author")
    tab_to(page, author_status, back=True, limit=5)
    choose_by_keyboard(page, author_status, LINK_STATUSES["verified"], opener="Space")
    by_keys = {**by_mouse, "quoted_official": "contradicted", "claimed_author": "verified"}
    answer = {"order": [ids[label] for label in expected], "status": by_keys}
    wait_until(lambda: disk_answer(folder, QUESTION) == answer, what="q4_chain after the keys")
    assert page.evaluate(NOTEBOOK_STATE) == before, "a key reached the notebook's commands"

    # Tab to Check and press Enter: the live region says what the check says.
    check = chain.get_by_role("button", name="Check")
    tab_to(page, check, limit=10)
    ms = click_and_time_feedback(page, chain, lambda: page.keyboard.press("Enter"))
    report.latencies.append(("provenance chain, Enter on Check reached by Tab", ms))
    region = feedback(chain)
    assert region.locator("[role=status][aria-live=polite]").count() == 1
    _feedback_says(region.inner_text(), answer)
    result = _result(answer)
    assert result.parts[0].status == "correct"  # the order is right now ...
    assert [p.part_id for p in result.parts if p.status == "wrong"] == ["claimed_author"]
    assert NOT_YET in region.inner_text()  # ... the author's status is not
    assert page.evaluate(NOTEBOOK_STATE) == before
    screenshot(page, shots, "s4_a01_chain_feedback", report, target=chain)

    # Ctrl+S: the saved notebook carries the same answer, in its outputs and its metadata.
    save(page)
    wait_until(
        lambda: notebook_records(notebook).get(QUESTION) == answer,
        what="the answer record in the saved notebook",
    )
    assert metadata_records(notebook)[QUESTION] == answer
