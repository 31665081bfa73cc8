"""Accessibility audit of every item type in a real JupyterLab (issue 7).

One scratch notebook in the served workspace shows one item of each type (both kinds of
choice). After some answers and a Check on each, axe-core (installed from npm into a cache
folder outside the repository) audits each item type's containers only: JupyterLab's own chrome
is out of scope. Then: every control is reachable with Tab and has a name, every radio group has
a group name (fieldset + legend or aria-labelledby), and feedback does not rely on colour.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import nbformat
import pytest
from lab_ui import (
    DARK,
    HIGH_CONTRAST,
    LIGHT,
    VIEWPORT,
    choose_by_keyboard,
    feedback,
    item,
    open_notebook,
    run_all,
    screenshot,
    set_theme,
    wait_until,
)

from course.vocab import ATTRIBUTION_TYPES

pytestmark = pytest.mark.slow

# item type (CSS suffix) -> (assignment, question); the notebook shows them in this order.
ITEMS = {
    "source-desk": ("a03_claims", "q1_desk"),
    "span-tagger": ("a02_attribution", "q2_tags"),
    "claim-verdicts": ("a03_claims", "q2_verdicts"),
    "timeline": ("a04_time", "q2_timeline"),
    "provenance-chain": ("a01_provenance", "q4_chain"),
    "choice": ("a02_attribution", "q4_anonymous_rule"),  # radio buttons
    "choice-multiple": ("a02_attribution", "q3_hedges"),  # checkboxes
    "written": ("a02_attribution", "q7_written"),
}
SERIOUS = ("serious", "critical")
MARK_SYMBOLS = ("✔ Right", "◐ Partly", "✘ Not yet", "○ Missing")
NOTEBOOK = "a11y_audit/items.ipynb"


def _write_notebook(folder) -> None:
    """Each assignment's answers go to their own sub-folder (question ids repeat)."""
    folder.mkdir(exist_ok=True)
    assignments = sorted({a for a, _ in ITEMS.values()})
    cells = [
        nbformat.v4.new_code_cell(
            f"from course.lab import Lab\nlabs = {{a: Lab(a, folder=a) for a in {assignments!r}}}"
        )
    ]
    cells += [nbformat.v4.new_code_cell(f"labs[{a!r}].show({q!r})") for a, q in ITEMS.values()]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "items.ipynb")


def _items(page: Any) -> dict[str, Any]:
    found = {name: item(page, name) for name in ITEMS if name != "choice-multiple"}
    found["choice"] = item(page, "choice", 0)
    found["choice-multiple"] = item(page, "choice", 1)
    return found


@pytest.fixture(scope="module")
def audit_page(browser, lab_server, shots, report) -> Iterator[Any]:
    """The scratch notebook, run, with answers given and every item checked once."""
    _write_notebook(lab_server.root / "a11y_audit")
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        open_notebook(page, lab_server, NOTEBOOK)
        run_all(page)
        items = _items(page)
        assert page.locator(".sourcing-lab-item").count() == len(ITEMS)
        desk = items["source-desk"]
        desk.get_by_label("Search the library").fill("KFOR")
        desk.get_by_role("button", name="Search").click()
        desk.get_by_label("Results").locator("option").first.click()
        desk.get_by_role("button", name="Open document").click()
        desk.get_by_role("article").wait_for()
        items["span-tagger"].get_by_label("Part 1: source type", exact=True).select_option(
            label=ATTRIBUTION_TYPES["named_on_record"]
        )
        items["timeline"].get_by_role("button", name="Move down").first.click()
        items["choice"].get_by_role("radio").first.click()
        items["choice-multiple"].get_by_role("checkbox").first.click()
        items["written"].get_by_label("Your answer").fill("Too short to pass.")
        for widget in items.values():
            before = feedback(widget).inner_text()
            widget.get_by_role("button", name="Check").click()
            wait_until(
                lambda w=widget, b=before: feedback(w).inner_text().strip() not in ("", b),
                what="feedback after Check",
            )
        screenshot(page, shots, "a11y_items_checked", report, target=items["span-tagger"])
        yield page
    finally:
        context.close()
        lab_server.shutdown_kernels()


AXE_RUN = """async (selector) => {
  const r = await axe.run({include: [[selector]]},
                          {resultTypes: ['violations', 'passes', 'incomplete']});
  return {
    passes: r.passes.map(p => p.id),
    incomplete: r.incomplete.map(p => `${p.id} (${p.nodes.length} nodes, e.g. `
      + `${p.nodes[0].html.slice(0, 40)}: ${p.nodes[0].any[0]?.message})`),
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    })),
  };
}"""


def test_axe_finds_no_violations_in_any_item_type_in_every_theme(
    audit_page, axe_source, shots, report
):
    """axe-core on each item type's container, in the light, dark and dark high-contrast
    themes: no violation
    of any impact, the naming rules ran, contrast was computed (not left "needs review").
    Each item is also saved as a picture per theme (test-artifacts/browser/item-*.png)."""
    page = audit_page
    page.add_script_tag(content=axe_source)
    # JupyterLab's <html> and <body> are 0 px high (the shell is absolutely positioned), so
    # axe would take all text for off-screen and skip the contrast rule. Give them the
    # viewport's height, and make the viewport tall enough to show whole items at once.
    page.add_style_tag(content="html, body { height: 100%; }")
    found: dict[str, list[str]] = {}
    try:
        for theme in (LIGHT, DARK, HIGH_CONTRAST):
            page.set_viewport_size(VIEWPORT)
            set_theme(page, theme)
            page.set_viewport_size({"width": VIEWPORT["width"], "height": 8000})
            tag = {LIGHT: "light", DARK: "dark", HIGH_CONTRAST: "high-contrast"}[theme]
            for name, widget in _items(page).items():
                widget.scroll_into_view_if_needed()
                path = shots / f"item-{name}-{tag}.png"
                widget.screenshot(path=str(path))
                report.screenshots.append(path)
            for name in sorted({n.removesuffix("-multiple") for n in ITEMS}):
                selector = f".sourcing-lab-item.sourcing-lab-{name}"
                page.locator(selector).first.scroll_into_view_if_needed()
                result = page.evaluate(AXE_RUN, selector)
                impacts: dict[str, int] = {}
                for violation in result["violations"]:
                    impacts[violation["impact"]] = impacts.get(violation["impact"], 0) + 1
                report.axe[f"{name} ({tag})"] = {
                    "passes": len(result["passes"]),
                    "passed": result["passes"],
                    "incomplete": result["incomplete"],
                    "impacts": impacts,
                    "violations": [
                        f"{v['impact']}: {v['id']} ({v['nodes']} nodes) {v['help']}"
                        for v in result["violations"]
                    ],
                }
                # axe really looked at the controls: the naming rules ran and passed.
                assert {"button-name", "label"} & set(result["passes"]) or name == "written"
                assert "color-contrast" in result["passes"], (name, tag, result["incomplete"])
                problems = [json.dumps(v) for v in result["violations"]] + [
                    i for i in result["incomplete"] if i.startswith("color-contrast")
                ]
                if problems:
                    found[f"{name} ({tag})"] = problems
    finally:
        page.keyboard.press("Escape")  # closes a menu left open (and its submenu)
        page.keyboard.press("Escape")
        page.set_viewport_size(VIEWPORT)
        set_theme(page, LIGHT)
    assert not found, f"axe violations (or unmeasured contrast) in our widgets: {found}"


def test_every_control_has_a_visible_focus_ring(audit_page):
    """Tab onto each control: its outline (or box shadow) differs from the unfocused one."""
    page = audit_page
    for name, widget in _items(page).items():
        missing = widget.evaluate(
            """(item) => [...item.querySelectorAll('.sl-root select, .sl-root input, '
                  + '.sl-root button:not(:disabled)')].filter((el) => {
                el.blur();
                const ring = (s) => `${s.outlineStyle} ${s.outlineWidth} ${s.boxShadow}`;
                const before = ring(getComputedStyle(el));
                el.focus({focusVisible: true});
                const after = ring(getComputedStyle(el));
                el.blur();
                return before === after || after.startsWith('none');
              }).map((el) => el.outerHTML.slice(0, 80))"""
        )
        assert not missing, f"{name}: no visible focus ring on {missing}"


# What can take keyboard focus in an item (disabled controls cannot, by design).
CONTROLS = """(item) => {
  const controls = [...item.querySelectorAll(
      'input, select, textarea, button, a[href], [tabindex]:not([tabindex="-1"])')]
    .filter(el => !el.disabled && el.offsetParent !== null);
  return controls.map((el, i) => {
    el.dataset.slTab = String(i);
    const labelled = [...(el.labels || [])].map(l => l.textContent.trim()).join(' ');
    const name = (el.getAttribute('aria-label') || labelled
                  || (el.tagName === 'BUTTON' ? el.textContent.trim() : '')).trim();
    return {index: i, tag: el.tagName.toLowerCase(), type: el.type || '',
            group: el.type === 'radio' ? 'radio:' + el.name : '', name};
  });
}"""


# Each radio group (radios sharing a name): the fieldset or radiogroup holding all of them,
# and its accessible name (aria-labelledby, else aria-label, else the fieldset's legend).
RADIO_GROUPS = """(item) => {
  const byName = new Map();
  for (const radio of item.querySelectorAll('input[type=radio]')) {
    byName.set(radio.name, [...(byName.get(radio.name) || []), radio]);
  }
  const text = (el) => (el?.textContent || '').replace(/\\s+/g, ' ').trim();
  return [...byName].map(([group, radios]) => {
    let box = radios[0].closest('fieldset, [role=radiogroup]');
    while (box && !radios.every((r) => box.contains(r))) {
      box = box.parentElement?.closest('fieldset, [role=radiogroup]');
    }
    const ids = (box?.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const legend = [...(box?.children || [])].find((c) => c.tagName === 'LEGEND');
    const name = ids.length ? ids.map((id) => text(document.getElementById(id))).join(' ')
      : (box?.getAttribute('aria-label') || text(legend));
    return {group, radios: radios.map((r) => r.value), name: name.trim(),
            role: box?.getAttribute('role') === 'radiogroup' ? 'radiogroup' : 'group',
            container: box ? box.outerHTML.slice(0, 60) : ''};
  });
}"""


def test_every_control_is_reachable_by_tab_and_named(audit_page):
    page = audit_page
    for name, widget in _items(page).items():
        controls = widget.evaluate(CONTROLS)
        assert controls, name
        unnamed = [c for c in controls if not c["name"]]
        assert not unnamed, f"{name}: controls without an accessible name: {unnamed}"
        widget.locator("[data-sl-tab='0']").focus()
        visited: set[int] = set()
        for _ in range(len(controls) + 10):
            index = page.evaluate(
                "(item) => item.contains(document.activeElement) "
                "? Number(document.activeElement.dataset.slTab ?? -1) : null",
                widget.element_handle(),
            )
            if index is None:
                break
            visited.add(index)
            page.keyboard.press("Tab")
        # A radio group is one Tab stop (arrow keys move inside it): one member is enough.
        groups: dict[str, set[int]] = {}
        for control in controls:
            key = control["group"] or f"#{control['index']}"
            groups.setdefault(key, set()).add(control["index"])
        missed = [
            [controls[i] for i in members] for members in groups.values() if not members & visited
        ]
        assert not missed, f"{name}: not reachable with Tab: {missed}"
        # Every radio group has a group name (fieldset + legend, or aria-labelledby), so a
        # screen reader says the question with each option, and all its radios are in it.
        for group in widget.evaluate(RADIO_GROUPS):
            assert group["container"], f"{name}: radios {group['radios']} are in no fieldset"
            assert group["name"], f"{name}: the radio group {group['container']} has no name"
            named = widget.get_by_role(group["role"], name=group["name"], exact=True)
            assert named.get_by_role("radio").count() == len(group["radios"]), (name, group)


def test_state_is_not_shown_by_colour_alone(audit_page):
    page = audit_page
    items = _items(page)
    for name in ("span-tagger", "timeline", "choice", "choice-multiple"):
        region = feedback(items[name])
        text = region.inner_text()
        assert any(mark in text for mark in MARK_SYMBOLS), f"{name}: {text!r}"
        assert region.locator("[role=status][aria-live=polite]").count() == 1, name
        coloured = region.evaluate(
            "(r) => [...r.querySelectorAll('[style*=color], font, [class*=danger], "
            "[class*=success]')].map(e => e.outerHTML)"
        )
        assert not coloured, f"{name}: feedback uses colour: {coloured}"
        for line in region.locator("li").all_inner_texts():
            # A part's outcome line starts with its symbol and word; notes are plain sentences.
            if ": " in line and line.split(":", 1)[0].strip() in MARK_SYMBOLS:
                assert line.startswith(MARK_SYMBOLS), line
    assert "✘ Not yet" in feedback(items["span-tagger"]).inner_text()
    # The Check button looks the same whatever the result: no green/red button styles.
    styles = page.locator(".sourcing-lab-item button").evaluate_all(
        "els => [...new Set(els.map(e => [...e.classList].filter(c => c.startsWith('mod-'))"
        ".join(' ')))]"
    )
    assert not [s for s in styles if s and s != "mod-disabled"], styles


def test_arrow_keys_change_a_focused_dropdown(audit_page):
    """Keyboard containment: in command mode, keys a control uses stay with it (they used to
    move to another cell, and letters ran notebook commands); Escape still leaves."""
    page = audit_page
    cells = page.locator(".jp-Notebook .jp-Cell").count()
    select = _items(page)["span-tagger"].get_by_label("Part 2: source type", exact=True)
    select.focus()
    assert page.locator(".jp-Notebook.jp-mod-commandMode").count() == 1
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("(el) => document.activeElement === el", select.element_handle())
    assert focused and select.input_value(), "ArrowDown left the dropdown unchanged"
    for key in ("b", "a", "x", "d", "m"):  # insert below/above, cut, delete, to Markdown
        page.keyboard.press(key)
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells
    assert page.locator(".jp-Notebook .jp-MarkdownCell").count() == 0
    radio = _items(page)["choice"].get_by_role("radio").nth(1)
    radio.focus()
    page.keyboard.press("ArrowDown")  # inside the radio group: the next option
    assert page.evaluate("() => document.activeElement.type") == "radio"
    assert _items(page)["choice"].get_by_role("radio").nth(2).is_checked()
    page.keyboard.press("Escape")  # leaves the item: the notebook has the focus again
    left = page.evaluate(
        "() => !document.activeElement.closest('.sourcing-lab-item')"
        " && !!document.activeElement.closest('.jp-Notebook')"
    )
    assert left and page.locator(".jp-Notebook.jp-mod-commandMode").count() == 1


def test_dropdowns_work_with_keyboard_only(audit_page):
    """The documented keyboard path in JupyterLab: Space (or Alt+ArrowDown) opens the list."""
    page = audit_page
    tagger = _items(page)["span-tagger"]
    select = tagger.get_by_label("Part 3: source type", exact=True)
    tagger.get_by_label("Part 2: source type", exact=True).focus()
    page.keyboard.press("Tab")
    choose_by_keyboard(page, select, ATTRIBUTION_TYPES["institutional"], opener="Space")
    wait_until(lambda: select.input_value() == ATTRIBUTION_TYPES["institutional"], what="Space")
    choose_by_keyboard(page, select, ATTRIBUTION_TYPES["anonymous"], opener="Alt+ArrowDown")
    wait_until(lambda: select.input_value() == ATTRIBUTION_TYPES["anonymous"], what="Alt+Down")
