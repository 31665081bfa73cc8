"""What a student does in JupyterLab 4.6, as playwright steps (menus, keys, waits).

Facts these helpers rely on (measured with JupyterLab 4.6.6, ipywidgets 8.1.9, Chromium 156):

- A Dropdown's ``<select>`` has ``value`` = the option's label and is linked to its
  description by ``<label for=...>``; a Dropdown whose value is None shows no option
  (``selectedIndex`` -1), so the "— choose —" placeholder is never visible.
- In command mode JupyterLab treats a focused ``<select>``, radio or checkbox as "not
  editable": ArrowUp/ArrowDown move to another cell and single letters run notebook commands
  (B inserts a cell, X cuts one...). Space, Enter or Alt+ArrowDown open the dropdown's list;
  inside the open list the arrows, Home and Enter work. ``choose_by_keyboard`` does that.
- After "Run All" on a fresh (or restarted) kernel the prompts read [1], [2], ... [n] in order.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from course.answers import MIME

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, headless, no sandbox (CI runs as root), nothing that reaches the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RUN_ALL_TIMEOUT = 90_000
# 1280 px: narrower folds the notebook toolbar.
VIEWPORT = {"width": 1280, "height": 1000}
# The prompts of the code cells that have source, and whether they read [1]..[n] (or an
# error is shown, so that the caller reports it instead of waiting for the timeout).
PROMPTS = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]
  .filter(c => c.querySelector('.cm-content')?.textContent.trim())
  .map(c => c.querySelector('.jp-InputPrompt')?.textContent.trim())"""
PROMPTS_DONE = f"""() => {{
  if (document.querySelector('.jp-Notebook .jp-OutputArea-output'
      + '[data-mime-type="application/vnd.jupyter.error"]')) return true;
  const prompts = ({PROMPTS})();
  return prompts.length > 0 && prompts.every((p, i) => p === `[${{i + 1}}]:`);
}}"""


def open_notebook(page: Any, server: Any, notebook: str) -> None:
    """Open ``notebook`` and wait until its kernel is connected and idle (the status bar says
    "Python 3 (ipykernel) | Idle"): a Run All before that runs nothing."""
    page.goto(server.page_url(notebook))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    kernel_idle(page)


def kernel_idle(page: Any) -> None:
    page.locator("#jp-main-statusbar").get_by_text("| Idle").wait_for(timeout=60_000)


def menu(page: Any, top: str, item: str) -> None:
    """Click a main-menu entry with the mouse, e.g. Run > Run All Cells."""
    page.locator("#jp-MainMenu").get_by_role("menuitem", name=top, exact=True).click()
    page.locator(".lm-Menu").get_by_role("menuitem", name=item, exact=True).click()


def wait_run_all(page: Any, timeout: float = RUN_ALL_TIMEOUT) -> None:
    """Wait until every non-empty code cell ran, in order, on a fresh kernel; no errors."""
    try:
        page.wait_for_function(PROMPTS_DONE, timeout=timeout)
    except Exception as error:
        prompts = page.evaluate(PROMPTS)
        raise AssertionError(f"Run All did not finish: prompts {prompts}") from error
    errors = page.locator(
        ".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    )
    assert errors.count() == 0, f"a cell raised:\n{errors.first.inner_text()}"
    kernel_idle(page)


def run_all(page: Any) -> float:
    started = time.monotonic()
    menu(page, "Run", "Run All Cells")
    wait_run_all(page)
    return time.monotonic() - started


def restart_and_run_all(page: Any) -> float:
    started = time.monotonic()
    menu(page, "Kernel", "Restart Kernel and Run All Cells…")
    page.locator(".jp-Dialog").get_by_role("button", name="Confirm Kernel Restart").click()
    wait_run_all(page)
    return time.monotonic() - started


def save(page: Any) -> None:
    """Ctrl+S, as a student saves; the tab's "unsaved" mark clears."""
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.jp-mod-current.jp-mod-dirty, .lm-TabBar-tab"
        ".lm-mod-current.jp-mod-dirty')",
        timeout=30_000,
    )


def code_cell(page: Any, source: str) -> Any:
    """The code cell whose source is exactly ``source``."""
    return page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".cm-content", has_text=source)
    )


def rerun_cell(page: Any, source: str) -> str:
    """Click into a cell, run it with Ctrl+Enter (stay on it) and return its new output text."""
    cell = code_cell(page, source)
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.inner_text()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "([el, before]) => { const t = el.textContent.trim(); return t !== before.trim() "
        "&& /^\\[\\d+\\]:$/.test(t); }",
        arg=[prompt.element_handle(), before],
        timeout=30_000,
    )
    page.keyboard.press("Escape")  # back to command mode, as after a normal run
    return cell.locator(".jp-OutputArea").inner_text()


def item(page: Any, item_type: str, index: int = 0) -> Any:
    """A Sourcing Lab item widget by type, e.g. ``span-tagger`` (nth one on the page)."""
    return page.locator(f".sourcing-lab-item.sourcing-lab-{item_type}").nth(index)


def feedback(widget: Any) -> Any:
    """The feedback region: the 4th child of the item box (prompt, body, buttons, feedback)."""
    return widget.locator(":scope > :nth-child(4)")


def status_line(widget: Any) -> Any:
    return widget.locator(":scope > :nth-child(5)")


def choose_by_keyboard(page: Any, select: Any, label: str, opener: str = "Space") -> None:
    """Pick ``label`` in a focused dropdown with keys only: open the list, Home, arrows, Enter."""
    labels = select.locator("option").all_inner_texts()
    labels = [" ".join(text.split()) for text in labels]
    steps = labels.index(label)
    assert page.evaluate("el => document.activeElement === el", select.element_handle())
    page.keyboard.press(opener)
    page.keyboard.press("Home")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def click_and_time_feedback(page: Any, widget: Any, press: Callable[[], None]) -> float:
    """Run ``press`` (a click or a key on the Check button) and return the milliseconds from
    the button's click event to the feedback region's text changing (measured in the page)."""
    page.evaluate(
        """(item) => {
          const region = item.children[3];
          const before = region.textContent;
          window.__slClick = null; window.__slFeedback = null;
          const observer = new MutationObserver(() => {
            if (region.textContent !== before && region.textContent.trim()) {
              window.__slFeedback = performance.now(); observer.disconnect();
            }
          });
          observer.observe(region, {subtree: true, childList: true, characterData: true});
          item.addEventListener('click', () => { window.__slClick = performance.now(); },
                                {capture: true, once: true});
        }""",
        widget.element_handle(),
    )
    press()
    page.wait_for_function("window.__slFeedback !== null && window.__slClick !== null")
    return page.evaluate("window.__slFeedback - window.__slClick")


def notebook_records(path: Path) -> dict[str, Any]:
    """Answer records embedded in a saved notebook (question id -> value)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(MIME)
            if record:
                found[record["question_id"]] = record["value"]
    return found


def disk_answer(folder: Path, question_id: str) -> Any:
    path = folder / "answers" / f"{question_id}.json"
    return json.loads(path.read_text(encoding="utf-8"))["value"]


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
    """Poll ``predicate``. A file that is missing, or read while the server writes it (empty
    or cut short: not JSON yet), counts as "not yet"; the last such error is in the message."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while True:
        try:
            value = predicate()
        except (FileNotFoundError, json.JSONDecodeError) as error:
            value, last = None, error
        if value:
            return value
        if time.monotonic() > deadline:
            also = f" (last read: {last!r})" if last else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{also}")
        time.sleep(0.1)


def screenshot(page: Any, folder: Path, name: str, report: Any, target: Any = None) -> Path:
    """A viewport screenshot with ``target`` scrolled into view; the path goes to the report."""
    if target is not None:
        target.scroll_into_view_if_needed()
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    report.screenshots.append(path)
    print(f"screenshot: {path}")
    return path


# -- the answer's way into the saved notebook (record_status.js) -----------------------------
def notice(widget: Any) -> Any:
    """The notice the page shows under an item when its link is lost (hidden otherwise)."""
    return status_line(widget).locator(".sourcing-lab-notice")


def page_stats(page: Any) -> dict[str, int]:
    """What the page's answer link counted: saves, saves that started before an answer came
    back, saves that waited for another, refused changes, downloads."""
    return page.evaluate("() => ({...(globalThis.__sourcingLab?.stats || {})})")


def settle(page: Any, timeout: float = 15.0) -> None:
    """Wait until no answer given on the page is on its way and no save is running or due,
    and the tab is not marked unsaved."""
    page.wait_for_function(
        """() => { const s = globalThis.__sourcingLab; if (!s) return true;
          const busy = [...document.querySelectorAll('.sourcing-lab-status')]
            .map(el => s.views.get(el)?.link).filter(Boolean)
            .some(l => l.busy() || l.waiting());
          const dirty = '.lm-TabBar-tab.jp-mod-current.jp-mod-dirty';
          return !busy && !document.querySelector(dirty); }""",
        timeout=timeout * 1000,
    )


def restart_kernel(page: Any) -> None:
    """Kernel > Restart Kernel… and confirm; the cells are not run again."""
    page.locator("#jp-MainMenu").get_by_role("menuitem", name="Kernel", exact=True).click()
    # The entry's name includes its shortcut ("Restart Kernel… 0, 0").
    page.locator(".lm-Menu").get_by_role("menuitem", name=re.compile(r"^Restart Kernel…")).click()
    page.locator(".jp-Dialog").get_by_role("button", name="Confirm Kernel Restart").click()
    page.locator("#jp-main-statusbar").get_by_text("| Idle").wait_for(timeout=60_000)


def file_changed(page: Any, choice: str, timeout: float = 4.0) -> bool:
    """If JupyterLab asks "File Changed", answer ``choice`` (Overwrite or Revert)."""
    dialog = page.locator(".jp-Dialog").filter(has_text="File Changed")
    try:
        dialog.wait_for(timeout=timeout * 1000)
    except Exception:
        return False
    dialog.get_by_role("button", name=choice, exact=True).click()
    dialog.wait_for(state="detached")
    return True


def metadata_records(path: Path) -> dict[str, Any]:
    """Answer records in a saved notebook's metadata (question id -> value)."""
    from course.answers import NOTEBOOK_KEY

    nb = json.loads(path.read_text(encoding="utf-8"))
    answers = nb.get("metadata", {}).get(NOTEBOOK_KEY, {}).get("answers", {})
    return {record["question_id"]: record["value"] for record in answers.values()}


# -- themes ------------------------------------------------------------------------------------
LIGHT, DARK, HIGH_CONTRAST = "JupyterLab Light", "JupyterLab Dark", "JupyterLab Dark High Contrast"


def set_theme(page: Any, name: str) -> None:
    """Settings > Theme > ``name`` with the mouse; waits until the theme's CSS is applied.
    The choice is a user setting: it stays for later pages of the same server."""
    if page.evaluate("() => document.body.dataset.jpThemeName") == name:
        return
    page.locator("#jp-MainMenu").get_by_role("menuitem", name="Settings", exact=True).click()
    # A submenu's entry has no ARIA role in Lumino 2: find it by its text.
    page.locator(".lm-Menu .lm-Menu-item", has_text=re.compile(r"^Theme$")).click()
    themes = page.locator(".lm-Menu [data-command='apputils:change-theme']")
    themes.filter(has_text=re.compile(f"^\\s*{re.escape(name)}\\s*$")).click()
    page.wait_for_function(
        "(name) => document.body.dataset.jpThemeName === name", arg=name, timeout=30_000
    )
    page.wait_for_timeout(500)  # the theme's stylesheet is swapped in, then laid out


# -- ordering lists (timeline, provenance chain) and the keyboard's path -----------------------
def order_rows(widget: Any) -> Any:
    """The rows of an item's ordering list (``items.js`` ``renderOrder``), in the order shown."""
    return widget.locator("ol.sl-order > li")


def order_labels(widget: Any) -> list[str]:
    """The rows' labels, top to bottom, with white space collapsed."""
    texts = order_rows(widget).locator(".sl-order-label").all_inner_texts()
    return [" ".join(text.split()) for text in texts]


def is_focused(page: Any, locator: Any) -> bool:
    return page.evaluate("el => document.activeElement === el", locator.element_handle())


def wait_focus(page: Any, locator: Any, where: str) -> None:
    """The widget moves the focus with a moved row (after the kernel's echo, the row is drawn
    again and the focus kept): wait until ``locator`` has it."""
    wait_until(lambda: is_focused(page, locator), what=f"the focus to be on {where}")


def tab_to(page: Any, target: Any, *, back: bool = False, limit: int = 20) -> int:
    """Press Tab (Shift+Tab with ``back``) until ``target`` has the focus; return the number
    of presses. Fails after ``limit`` presses, naming where the focus went instead."""
    key = "Shift+Tab" if back else "Tab"
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if is_focused(page, target):
            return presses
    where = page.evaluate(
        "() => { const a = document.activeElement; return a ? a.outerHTML.slice(0, 120) : ''; }"
    )
    raise AssertionError(f"{limit} x {key} did not reach the target; the focus is on {where}")
