"""'Export my answers' and 'Import answers' in real JupyterLab (issue 15; the self-study site's
own test is tests/lite): the button downloads one file of the course's answers, and the upload
restores it into each assignment's answers/ folder, here for another assignment's notebook."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from lab_ui import item, open_notebook, run_all, wait_until

from support import REPO

pytestmark = pytest.mark.slow


AXE = """async (selector) => { const r = await axe.run({include: [[selector]]});
  return {passes: r.passes.length, violations: r.violations.map(
    v => `${v.id}: ${v.help} (${v.nodes.map(n => n.html.slice(0, 60))})`)}; }"""


def test_export_downloads_the_answers_and_import_restores_them(
    page, lab_server, tmp_path, axe_source
):
    # A course folder of its own on the session's server: the other tests' notebooks stay as
    # they are. Its assignments are siblings, as in a student's workspace.
    course = lab_server.root / "t-export"
    for aid in ("a01_provenance", "a02_attribution"):
        shutil.copytree(REPO / "exercises" / aid, course / aid)

    open_notebook(page, lab_server, "t-export/a01_provenance/provenance.ipynb")
    run_all(page)
    widget = item(page, "choice", 0)
    widget.scroll_into_view_if_needed()
    option = widget.locator("input[type=radio]").nth(2)
    option.check()
    widget.get_by_text("Answer recorded").wait_for()
    chosen = option.get_attribute("value")

    export = page.get_by_role("button", name="Export my answers")
    export.scroll_into_view_if_needed()
    page.add_script_tag(content=axe_source)
    audit = page.evaluate(AXE, ".sourcing-lab-progress")
    assert audit["passes"] > 0 and audit["violations"] == [], audit
    with page.expect_download() as caught:
        export.click()
    kept = tmp_path / caught.value.suggested_filename
    caught.value.save_as(kept)
    document = json.loads(kept.read_text(encoding="utf-8"))
    assert document["format"] == "sourcing-lab-answers"
    assert document["assignments"]["a01_provenance"]["q2_posted_where"]["value"] == chosen
    assert page.get_by_text(f"in {kept.name}.").count() == 1  # the status line says so

    # With the keyboard: Enter on the focused button exports again and runs no notebook
    # command (the notebook stays in command mode, the cells as they were).
    cells = page.locator(".jp-Notebook .jp-Cell").count()
    export.focus()
    with page.expect_download():
        page.keyboard.press("Enter")
    assert page.locator(".jp-Notebook.jp-mod-editMode").count() == 0
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells

    # Another computer: a01's answers are gone. Import the file from a02's notebook.
    shutil.rmtree(course / "a01_provenance" / "answers")
    assert not (course / "a01_provenance" / "answers").exists()
    open_notebook(page, lab_server, "t-export/a02_attribution/attribution.ipynb")
    run_all(page)
    upload = page.get_by_role("button", name="Import answers")
    upload.scroll_into_view_if_needed()
    with page.expect_file_chooser() as chooser:
        upload.click()
    chooser.value.set_files(str(kept))
    page.get_by_text(re.compile(r"Restored \d+ answer\(s\) from the file")).wait_for()
    stored = course / "a01_provenance" / "answers" / "q2_posted_where.json"
    wait_until(lambda: stored.is_file(), what="the restored answer file")
    assert json.loads(stored.read_text(encoding="utf-8"))["value"] == chosen
