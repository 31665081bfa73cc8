"""The same notebook in Notebook 7 (``jupyter notebook``): a02 opened, run and answered by
mouse and by keyboard only; the widgets draw, keys stay in them, answers are recorded and the
page keeps them in the saved notebook (the widget manager's context exists there too)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from lab_ui import (
    PROMPTS,
    PROMPTS_DONE,
    RUN_ALL_TIMEOUT,
    click_and_time_feedback,
    disk_answer,
    feedback,
    item,
    metadata_records,
    screenshot,
    wait_until,
)

from course.questions import load_assignment
from course.vocab import ATTRIBUTION_TYPES

pytestmark = pytest.mark.slow

A02 = load_assignment("a02_attribution")
RULE = A02.question("q4_anonymous_rule").options
TYPES = list(ATTRIBUTION_TYPES)


def kernel_idle(server: Any, timeout: float = 60) -> None:
    """Notebook 7 has no status bar: ask the server for the kernel's state."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sessions = server.api("GET", "/api/sessions") or []
        if sessions and all(s["kernel"]["execution_state"] == "idle" for s in sessions):
            return
        time.sleep(0.3)
    raise AssertionError("the kernel did not become idle")


def test_a02_in_notebook_7_by_mouse_and_keyboard(browser, notebook_server, shots, report):
    server = notebook_server
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(30_000)
    try:
        path = server.root / "a02_attribution" / "attribution.ipynb"
        page.goto(f"{server.url}/notebooks/a02_attribution/attribution.ipynb?token={server.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        kernel_idle(server)
        page.locator(".lm-MenuBar").get_by_role("menuitem", name="Run", exact=True).click()
        page.locator(".lm-Menu").get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(PROMPTS_DONE, timeout=RUN_ALL_TIMEOUT)
        except Exception as error:
            raise AssertionError(f"Run All: prompts {page.evaluate(PROMPTS)}") from error
        assert page.locator("[data-mime-type='application/vnd.jupyter.error']").count() == 0
        folder = path.parent

        # Mouse: a radio in the rule's fieldset.
        rule = item(page, "choice", 1)
        rule.get_by_role("radio", name=RULE["not_enough"], exact=False).click()
        wait_until(lambda: disk_answer(folder, "q4_anonymous_rule") == "not_enough", what="q4")

        # Keyboard only: in the article, "3" labels part 1; ArrowRight goes to part 2, where
        # ArrowDown picks the first type. No key reaches the notebook's shortcuts.
        cells = page.locator(".jp-Notebook .jp-Cell").count()
        tagger = item(page, "span-tagger")
        tagger.get_by_label("Part 1: source type", exact=True).focus()
        page.keyboard.press("3")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        for key in ("b", "x", "m"):
            page.keyboard.press(key)
        wanted = {"s01": TYPES[2], "s02": TYPES[0]}
        wait_until(lambda: disk_answer(folder, "q2_tags") == wanted, what="q2 by keyboard")
        assert page.locator(".jp-Notebook .jp-Cell").count() == cells
        assert tagger.get_by_text("2 of 17 parts labelled.").count() == 1

        check = tagger.get_by_role("button", name="Check")
        check.focus()
        ms = click_and_time_feedback(page, tagger, lambda: page.keyboard.press("Enter"))
        report.latencies.append(("span tagger in Notebook 7, Enter on a focused Check", ms))
        assert "17" in feedback(tagger).inner_text()
        screenshot(page, shots, "nb7_a02_span_tagger", report, target=tagger)

        page.keyboard.press("Control+s")
        wait_until(
            lambda: metadata_records(path).get("q2_tags") == wanted,
            what="the answers in the saved notebook's metadata",
        )
        assert metadata_records(path)["q4_anonymous_rule"] == "not_enough"
    finally:
        page.close()
        server.shutdown_kernels()
