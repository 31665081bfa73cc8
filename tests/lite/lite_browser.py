"""The learner in real Chromium on the self-study site, in a child process: the browser tests keep
one playwright session open for the whole pytest run, and playwright's sync API allows one per
process. Prints, as the last line, JSON: the requests beyond the site that were attempted (all
blocked), the measured timings and where the exported file was kept.

The learner: opens a01, runs it, answers two items and checks them (feedback with
explanations), reloads the page, finds the answers in the browser's storage and back in the
widgets after Run All, exports them ("Export my answers"), then in a new browser (empty storage)
imports the file and sees the answers restored there too.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from lab_ui import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, feedback, item, menu, wait_run_all

from support import REPO

# Pyodide starts in about a minute on a loaded 2-core machine; the whole notebook then runs.
KERNEL_TIMEOUT = 240_000
ANSWERED = 2  # the first two choice items of a01
# A file in JupyterLite's browser storage (IndexedDB, via localforage): its database is
# "JupyterLite Storage" + the site's name, its store "files", keyed by the file's path; a file
# the kernel wrote is kept base64-encoded.
STORED_FILE = """async (path) => {
  const names = (await indexedDB.databases()).map(d => d.name)
    .filter(n => n && n.startsWith('JupyterLite Storage'));
  for (const name of names) {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = fail; });
    if (![...db.objectStoreNames].includes('files')) { db.close(); continue; }
    const found = await new Promise((ok, fail) => {
      const r = db.transaction('files').objectStore('files').get(path);
      r.onsuccess = () => ok(r.result); r.onerror = fail; });
    db.close();
    if (found) return found.format === 'base64' ? atob(found.content)
                                                : JSON.stringify(found.content);
  }
  return null;
}"""
KERNEL_READY = """() => { const s = document.querySelector('#jp-main-statusbar');
  return !!s && /\\| Idle/.test(s.textContent); }"""


def open_and_run(page, url: str, before_run=None) -> dict[str, float]:
    """Open the notebook, wait until its kernel is ready, Run All; the three times it took."""
    started = time.monotonic()
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(KERNEL_READY, timeout=KERNEL_TIMEOUT)
    ready = time.monotonic()
    if before_run is not None:
        before_run()
        ready = time.monotonic()
    menu(page, "Run", "Run All Cells")
    item(page, "choice", 0).wait_for(timeout=KERNEL_TIMEOUT)
    first_item = time.monotonic()
    wait_run_all(page, timeout=KERNEL_TIMEOUT)
    done = time.monotonic()
    return {
        "kernel_ready_s": round(ready - started, 2),
        "first_interactive_s": round(first_item - started, 2),
        "run_all_s": round(done - ready, 2),
    }


def answer_and_check(page) -> dict[str, str]:
    """Choose the second option of the first two choice items and check them; their values."""
    chosen = {}
    for index in range(ANSWERED):
        widget = item(page, "choice", index)
        widget.scroll_into_view_if_needed()
        option = widget.locator("input[type=radio], input[type=checkbox]").nth(1)
        option.check()
        widget.get_by_text("Answer recorded").wait_for(timeout=30_000)
        widget.get_by_role("button", name="Check").click()
        page.wait_for_function(
            "el => el.textContent.trim().length > 0", arg=feedback(widget).element_handle()
        )
        chosen[index] = option.get_attribute("value")
    return chosen


def shown_choices(page) -> dict[int, list[str]]:
    return {
        index: item(page, "choice", index)
        .locator("input:checked")
        .evaluate_all("els => els.map(e => e.value)")
        for index in range(ANSWERED)
    }


def browse(site: Path, served: str, out: Path) -> dict:
    from playwright.sync_api import sync_playwright

    version = (site / "COURSE_VERSION").read_text().strip()
    url = f"{served}/lab/index.html?path={version}/a01_provenance/provenance.ipynb"
    attempted: list[str] = []
    timings: dict[str, float] = {}

    def only_this_site(route):
        if route.request.url.startswith(served + "/"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.route("**/*", only_this_site)
        page = context.new_page()
        timings.update({f"cold_{k}": v for k, v in open_and_run(page, url).items()})

        # A pandas exercise says kindly that it is not available here (no traceback).
        assert page.get_by_text("Not in the browser version.").count() >= 1

        # Answer two items and check them: feedback appears, with explanations (open keys).
        chosen = answer_and_check(page)
        stored = page.evaluate(
            STORED_FILE, "my-answers/a01_provenance/answers/q2_posted_where.json"
        )
        assert stored and json.loads(stored)["value"] == chosen[0], stored

        # Load the page again: the answers are still in the browser's storage before anything
        # runs, and Run All restores them into the widgets.
        def still_stored():
            for qid, value in zip(("q2_posted_where", "q3_footer"), chosen.values(), strict=True):
                path = f"my-answers/a01_provenance/answers/{qid}.json"
                record = page.evaluate(STORED_FILE, path)
                assert record and json.loads(record)["value"] == value, (qid, record)

        warm = open_and_run(page, url, before_run=still_stored)
        timings.update({f"warm_{k}": v for k, v in warm.items()})
        assert shown_choices(page) == {i: [v] for i, v in chosen.items()}

        # Export my answers: one file, downloaded by the browser.
        export = page.get_by_role("button", name="Export my answers")
        export.scroll_into_view_if_needed()
        with page.expect_download(timeout=30_000) as caught:
            export.click()
        download = caught.value
        kept = out / download.suggested_filename
        download.save_as(kept)
        document = json.loads(kept.read_text(encoding="utf-8"))
        a01 = document["assignments"]["a01_provenance"]
        assert document["format"] == "sourcing-lab-answers" and document["format_version"] == 1
        assert a01["q2_posted_where"]["value"] == chosen[0]
        assert a01["q3_footer"]["value"] == chosen[1]
        page.get_by_text("Saved ").first.wait_for(timeout=10_000)

        # A new browser (nothing stored): import the file, run the notebook, answers are back.
        fresh = browser.new_context(viewport=VIEWPORT)
        fresh.route("**/*", only_this_site)
        other = fresh.new_page()
        open_and_run(other, url)
        assert shown_choices(other) == {i: [] for i in range(ANSWERED)}
        # ipywidgets' FileUpload opens the browser's file chooser from its button.
        upload = other.get_by_role("button", name="Import answers")
        upload.scroll_into_view_if_needed()
        with other.expect_file_chooser(timeout=30_000) as chooser:
            upload.click()
        chooser.value.set_files(str(kept))
        status = other.locator(".sourcing-lab-progress .sl-progress-status")
        other.wait_for_function(
            "el => el.textContent.trim().length > 0", arg=status.element_handle(), timeout=30_000
        )
        restored = f"Restored {len(a01)} answer(s)"  # the two, and q6's empty code value
        assert restored in status.inner_text(), status.inner_text()
        started = time.monotonic()
        menu(other, "Kernel", "Restart Kernel and Run All Cells…")
        other.locator(".jp-Dialog").get_by_role("button", name="Confirm Kernel Restart").click()
        wait_run_all(other, timeout=KERNEL_TIMEOUT)
        timings["restart_run_all_s"] = round(time.monotonic() - started, 2)
        assert shown_choices(other) == {i: [v] for i, v in chosen.items()}
        browser.close()
    return {"attempted": attempted, "timings": timings, "exported": str(kept)}


if __name__ == "__main__":
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else REPO / "test-artifacts"
    out.mkdir(parents=True, exist_ok=True)
    result = browse(Path(sys.argv[1]), sys.argv[2], out)
    (out / "lite-timings.json").write_text(json.dumps(result["timings"], indent=1))
    print(json.dumps(result))
