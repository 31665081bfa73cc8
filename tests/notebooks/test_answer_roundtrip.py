"""Answers survive real kernels: set in one run, restored in a fresh kernel, restored from the
notebook alone when answers/ is lost, and a corrupt record spoils only itself (nbclient)."""

from __future__ import annotations

import json
import shutil
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

LABS = textwrap.dedent(
    """
    import json
    from course.lab import Lab
    NB = {notebook!r}
    labs = {{
        "a01": Lab("a01_provenance", notebook=NB, folder="a01"),
        "a02": Lab("a02_attribution", notebook=NB, folder="a02"),
        "a03": Lab("a03_claims", notebook=NB, folder="a03"),
        "a04": Lab("a04_time", notebook=NB, folder="a04"),
    }}
    """
)
SHOW = [
    'chain = labs["a01"].show("q4_chain")',
    'tags = labs["a02"].show("q2_tags")',
    'written = labs["a02"].show("q7_written")',
    'desk = labs["a03"].show("q1_desk")',
    'verdicts = labs["a03"].show("q2_verdicts")',
    'timeline = labs["a04"].show("q2_timeline")',
    'window = labs["a04"].show("q3_window")',
]
SET = [
    'chain.order.confirm(); chain.set_status("forum_post", "verified")',
    'tags.tag("s01", "named_unverifiable"); tags.tag("s07", "anonymous")',
    'written.text.value = "No original can be found for this text."',
    'desk.open(desk.search("Ryder")[0])',
    'verdicts.set_verdict("c_major_ally", "false")\n'
    'verdicts.cite("c_major_ally", "mnna_regulation")',
    'timeline.order.move(timeline.order.order[0], +1); timeline.mark("c_ryder_title")',
    'window.choose("aug2022_dec2023")',
    'weekday = "Monday"\nlabs["a04"].record_value("q4_weekday", lambda: weekday)',
]
REPORT = textwrap.dedent(
    """
    print("ANSWERS=" + json.dumps({
        "chain": labs["a01"].answer("q4_chain"), "tags": labs["a02"].answer("q2_tags"),
        "written": labs["a02"].answer("q7_written"),
        "desk": [e["action"] for e in labs["a03"].answer("q1_desk") or []],
        "verdicts": labs["a03"].answer("q2_verdicts"),
        "timeline": labs["a04"].answer("q2_timeline"), "window": labs["a04"].answer("q3_window"),
        "weekday": labs["a04"].answer("q4_weekday"),
    }, sort_keys=True))
    print("STATUS=" + json.dumps({"window": window.status.value, "tags": tags.status.value}))
    """
)


def _run(folder, cells, notebook_name):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    nbformat.write(nb, folder / notebook_name)
    printed = "".join(
        out.get("text", "")
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    )
    assert "Traceback" not in printed
    lines = dict(line.split("=", 1) for line in printed.splitlines() if "=" in line[:8])
    return json.loads(lines["ANSWERS"]), json.loads(lines["STATUS"])


def test_answers_survive_restarts_lost_folders_and_corruption(tmp_path):
    saved = str(tmp_path / "work.ipynb")
    first, _ = _run(tmp_path, [LABS.format(notebook=saved), *SHOW, *SET, REPORT], "work.ipynb")
    assert first["window"] == "aug2022_dec2023" and first["weekday"] == "Monday"
    assert first["tags"] == {"s01": "named_unverifiable", "s07": "anonymous"}
    assert first["desk"] == ["search", "open"]
    assert first["verdicts"]["c_major_ally"] == {
        "verdict": "false",
        "evidence": ["mnna_regulation"],
    }
    assert first["timeline"]["marked"] == "c_ryder_title"

    # A fresh kernel, running the notebook from the top without touching any widget.
    other = str(tmp_path / "other.ipynb")
    second, status = _run(tmp_path, [LABS.format(notebook=other), *SHOW, REPORT], "other.ipynb")
    assert second == first
    assert "restored" in status["window"]

    # answers/ is lost (an .ipynb uploaded alone): the saved notebook still carries them.
    for folder in ("a01", "a02", "a03", "a04"):
        shutil.rmtree(tmp_path / folder / "answers")
    third, _ = _run(tmp_path, [LABS.format(notebook=saved), *SHOW, REPORT], "third.ipynb")
    assert third == first

    # A corrupt record: that question starts empty with a message; its neighbours are intact.
    _run(tmp_path, [LABS.format(notebook=other), *SHOW, *SET, REPORT], "fourth.ipynb")
    (tmp_path / "a04" / "answers" / "q3_window.json").write_text('{"question_id": "q3_wi')
    fifth, status = _run(tmp_path, [LABS.format(notebook=None), *SHOW, REPORT], "fifth.ipynb")
    assert fifth["window"] is None
    assert "could not be read" in status["window"]
    assert fifth["weekday"] == "Monday" and fifth["tags"] == first["tags"]
