"""One student in real Chromium, through the hub: log in, Assignments tab, fetch, open the
notebook, run it, answer a widget with the mouse, save, submit (nbgrader's lab extension)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from lab_ui import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, item, kernel_idle, run_all, save, wait_until

from support import REPO

ARTIFACTS = REPO / "test-artifacts" / "hub"
ASSIGNMENT = "a01_provenance"


def assignments_panel(page: Any) -> Any:
    """Nbgrader > Assignment List: nbgrader's list of released, fetched and submitted work."""
    page.locator("#jp-MainMenu").get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.locator(".lm-Menu").get_by_role("menuitem", name="Assignment List").click()
    panel = page.locator("#nbgrader-assignment-list")
    panel.wait_for(timeout=30_000)
    return panel


def work_in_browser(url: str, name: str, password: str, answer_label: str) -> dict[str, Any]:
    """The whole student path, in a child process: the browser tests keep one playwright
    session open for the whole pytest run, and playwright's sync API allows one per process."""
    here = Path(__file__).resolve().parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(here.parent), str(here.parent / "browser"), str(here)]),
    }
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), url, name, password, answer_label],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, f"the browser student failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _browse(url: str, name: str, password: str, answer_label: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport=VIEWPORT).new_page()
        page.set_default_timeout(60_000)
        try:
            return _steps(page, url, name, password, answer_label)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "FAILED-browser-student.png"))
            raise
        finally:
            browser.close()


def _steps(page: Any, url: str, name: str, password: str, answer_label: str) -> dict[str, Any]:
    page.goto(f"{url}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(password)
    page.locator("#login_submit").click()
    page.wait_for_url(f"**/user/{name}/lab**", timeout=120_000)
    page.locator("#jp-main-statusbar").wait_for()

    panel = assignments_panel(page)
    released = panel.locator("#released_assignments_list")
    released.get_by_role("button", name="Fetch").click()
    fetched = panel.locator("#fetched_assignments_list")
    fetched.get_by_text(ASSIGNMENT).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "1-fetched.png"))
    fetched.locator(".assignment-notebooks-link").first.click()  # unfold: its notebooks
    fetched.get_by_text("provenance", exact=True).click()
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    kernel_idle(page)
    run_all(page)

    chooser = item(page, "choice", 0)
    chooser.get_by_role("radio", name=answer_label).click()
    wait_until(lambda: "Answer recorded" in chooser.inner_text(), what="the answer record line")
    save(page)
    page.screenshot(path=str(ARTIFACTS / "2-answered.png"))

    panel = assignments_panel(page)
    fetched = panel.locator("#fetched_assignments_list")
    fetched.get_by_role("button", name="Submit").click()
    submitted = panel.locator("#submitted_assignments_list")
    submitted.get_by_text(ASSIGNMENT).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "3-submitted.png"))
    return {"submitted_text": submitted.inner_text()}


if __name__ == "__main__":
    print(json.dumps(_browse(*sys.argv[1:5])))
