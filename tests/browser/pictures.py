"""Pictures of every item type as a student sees it in JupyterLab (light theme), for the
README and the closing notes: one PNG per item, cropped to the item, about 800 px wide.

Not part of ``make test``. Run it with the virtual environment of the checkout to draw (the
``course`` package it imports is the one drawn), e.g. for the current tree and for an older
commit in a second worktree::

    .venv/bin/python -m pip install pillow        # once: the PNGs are shrunk with Pillow
    .venv/bin/python tests/browser/pictures.py docs/pictures/after
    git worktree add ../wt-before 6139a11^1 && make -C ../wt-before .venv/.installed-test
    ../wt-before/.venv/bin/python -m pip install pillow
    ../wt-before/.venv/bin/python tests/browser/pictures.py docs/pictures/before

A scratch notebook shows one item of each type; each starts from the same answers (written
to its ``answers/`` folder first, so the item restores them) and is checked once, so the
pictures show labels, a chain, verdicts and feedback. The notebooks, item ids and answer
values are the same in both trees; only the widgets' DOM differs.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # lab_ui, conftest (the server), support
# ruff: noqa: E402 (the imports below need the path above)

import nbformat
from conftest import _serve
from lab_ui import (
    CHROMIUM,
    CHROMIUM_ARGS,
    feedback,
    item,
    open_notebook,
    run_all,
    status_line,
)

import course
from course.answers import AnswerRecord, AnswerStore, now_iso
from support import REPO

WIDTH = 800  # the item's width in the picture, in CSS pixels
MAX_BYTES = 120_000
# picture name -> (assignment, question, answer the item starts from, or None)
ITEMS: dict[str, tuple[str, str, Any]] = {
    "span-tagger": (
        "a02_attribution",
        "q2_tags",
        {"s01": "named_unverifiable", "s02": "institutional", "s03a": "institutional"},
    ),
    "choice": ("a02_attribution", "q4_anonymous_rule", "not_enough"),
    "choice-multiple": ("a02_attribution", "q3_hedges", ["sources_say", "released_brief"]),
    "written": (
        "a02_attribution",
        "q7_written",
        "The only named source is a writer nobody can find, and the quoted official did not "
        "hold that job on the date the text gives.",
    ),
    "source-desk": ("a03_claims", "q1_desk", None),
    "claim-verdicts": (
        "a03_claims",
        "q2_verdicts",
        {
            "c_kfor_ended": {"verdict": "false", "evidence": ["nato_kfor_topic"]},
            "c_first_support": {"verdict": "accurate", "evidence": ["blog_balkan_notes"]},
        },
    ),
    "timeline": ("a04_time", "q2_timeline", {"order": [], "marked": "c_ryder_title"}),
    "provenance-chain": (
        "a01_provenance",
        "q4_chain",
        {
            "order": [
                "forum_post",
                "claimed_outlet",
                "claimed_author",
                "claimed_original",
                "quoted_official",
            ],
            "status": {"forum_post": "verified", "claimed_author": "verified"},
        },
    ),
}
LIGHT_THEME = {
    "@jupyterlab/apputils-extension/themes.jupyterlab-settings": {"theme": "JupyterLab Light"}
}


def write_scratch(folder: Path) -> str:
    """The notebook and, per assignment, an ``answers/`` folder with the starting answers."""
    folder.mkdir(parents=True)
    assignments = sorted({a for a, _, _ in ITEMS.values()})
    for name, (assignment, question, value) in ITEMS.items():
        if value is None:
            continue
        record = AnswerRecord(
            question_id=question,
            item_type=name.removesuffix("-multiple").replace("-", "_"),
            value=value,
            sequence=1,
            recorded_at=now_iso(),
            assignment_id=assignment,
        )
        AnswerStore(folder / assignment).write(record)
    setup = f"from course.lab import Lab\nlabs = {{a: Lab(a, folder=a) for a in {assignments!r}}}"
    cells = [nbformat.v4.new_code_cell(setup)]
    cells += [nbformat.v4.new_code_cell(f"labs[{a!r}].show({q!r})") for a, q, _ in ITEMS.values()]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "items.ipynb")
    return f"{folder.name}/items.ipynb"


def shrink(png: bytes) -> bytes:
    """Scale to WIDTH px if wider, then the fewest palette colours that keep text smooth
    (256, fewer only when the file is over MAX_BYTES)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width > WIDTH:
        height = round(image.height * WIDTH / image.width)
        image = image.resize((WIDTH, height), Image.Resampling.LANCZOS)
    best = b""
    for colors in (256, 128, 64, 32):
        out = io.BytesIO()
        image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(
            out, format="PNG", optimize=True
        )
        best = out.getvalue()
        if len(best) <= MAX_BYTES:
            break
    return best


def item_locators(page: Any) -> dict[str, Any]:
    found = {}
    for name in ITEMS:
        if name == "choice-multiple":
            found[name] = item(page, "choice", 1)
        else:
            found[name] = item(page, name, 0)
    return found


def draw(page: Any, server: Any, notebook: str, out: Path, sizes: dict[str, list[int]]) -> None:
    """Run the scratch notebook, check each answered item, save each item's picture."""
    open_notebook(page, server, notebook)
    assert page.evaluate("() => document.body.dataset.jpThemeName") == "JupyterLab Light"
    run_all(page)
    items = item_locators(page)
    for name, widget in items.items():
        if ITEMS[name][2] is None:
            continue
        said = status_line(widget).inner_text()
        assert "restored" in said, f"{name}: the starting answer was not restored: {said}"
        # (not exact: the older widgets put an icon before the word)
        widget.get_by_role("button", name="Check").first.click()
        region = feedback(widget)
        page.wait_for_function(
            "(el) => el.textContent.trim().length > 0", arg=region.element_handle()
        )
    # The item ~WIDTH px wide, and the page tall enough to show a whole item.
    width = items["span-tagger"].bounding_box()["width"]
    page.set_viewport_size({"width": round(1280 + WIDTH - width), "height": 6000})
    page.evaluate("() => document.activeElement?.blur()")  # no focus ring in the pictures
    page.wait_for_timeout(1000)  # JupyterLab lays the notebook out again
    for name, widget in items.items():
        widget.scroll_into_view_if_needed()
        png = shrink(widget.screenshot(animations="disabled"))
        (out / f"{name}.png").write_bytes(png)
        box = widget.bounding_box()
        sizes[name] = [round(box["width"]), round(box["height"]), len(png)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the PNGs (created)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    repo = Path(course.__file__).resolve().parents[1]
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    args.out.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="sl-pictures-") as tmp:
        servers = _serve("lab", Path(tmp))
        server = next(servers)
        try:
            settings = server.home / ".jupyter" / "lab" / "user-settings"
            for name, values in LIGHT_THEME.items():
                (settings / name).parent.mkdir(parents=True, exist_ok=True)
                (settings / name).write_text(json.dumps(values), encoding="utf-8")
            notebook = write_scratch(server.root / "pictures")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.set_default_timeout(60_000)
                try:
                    draw(page, server, notebook, args.out, sizes)
                except Exception:
                    failed = REPO / "test-artifacts" / "browser" / "pictures-FAILED.png"
                    failed.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(failed))
                    print(f"failed; the page is in {failed}", file=sys.stderr)
                    raise
                browser.close()
        finally:
            servers.close()  # stops the server and its kernels
    for name, (w, h, size) in sizes.items():
        print(f"{args.out / (name + '.png')}: item {w}x{h} px, {size / 1000:.0f} KB")
    print(f"drawn from {repo} at commit {commit or '?'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
