"""The self-study site: built by `make lite`, served on 127.0.0.1, used in real Chromium.

Every request the page makes is checked: anything not on 127.0.0.1 is blocked and the test
fails when one was attempted (the site must need no CDN and no PyPI at run time).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lab_ui import CHROMIUM

from support import REPO, free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lite") / "site"
    subprocess.run(["make", "--no-print-directory", "lite", f"SITE={folder}"], cwd=REPO,
                   check=True, capture_output=True)  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def served(site):
    port = free_port()
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_the_site_holds_everything_and_no_instructor_code(site):
    wheels = sorted(p.name for p in (site / "pypi").glob("*.whl"))
    assert any(w.startswith("sourcing_lab_course-") for w in wheels)
    assert any(w.startswith("ipywidgets-8.1.9") for w in wheels)
    assert any(w.startswith("anywidget-0.11.0") for w in wheels)
    assert (site / "static" / "pyodide" / "pyodide.asm.wasm").is_file()
    lock = json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    for entry in lock["packages"].values():
        assert (site / "static" / "pyodide" / entry["file_name"]).is_file()
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"].startswith("./")
    assert kernel["disablePyPIFallback"] is True
    import zipfile

    course = next((site / "pypi").glob("sourcing_lab_course-*.whl"))
    names = zipfile.ZipFile(course).namelist()
    assert not [n for n in names if n.startswith(("sourcing_lab/", "autograder/"))]
    metadata = next(n for n in names if n.endswith("METADATA"))
    requires = [
        line.lower()
        for line in zipfile.ZipFile(course).read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist:")
    ]
    assert requires and not [r for r in requires if "nbgrader" in r or "jupyterlab" in r]
    version = (site / "COURSE_VERSION").read_text().strip()
    assert (site / "files" / version / "a01_provenance" / "provenance.ipynb").is_file()
    assert (site / "files" / "open-keys" / "kosovo_ksf.json").is_file()
    assert (site / "files" / "course-version.txt").read_text().strip() == version


def test_each_notebook_installs_the_course_wheel_and_nothing_the_browser_lacks(site):
    version = (site / "COURSE_VERSION").read_text().strip()
    for notebook in sorted((site / "files" / version).glob("*/*.ipynb")):
        first = json.loads(notebook.read_text())["cells"][0]
        source = "".join(first["source"])
        assert "%pip install -q --no-deps sourcing-lab-course" in source, notebook
        assert "ipywidgets==8.1.9" in source and "pandas" not in source, notebook
        assert "prepare()" in source  # answers go to my-answers/, outside the version's folder


def test_a01_keeps_answers_across_page_loads_exports_and_imports_them_with_no_network(site, served):
    """Answer two items with feedback, load the page again (answers in the browser's storage
    and back in the widgets), Export my answers, import the file in a new browser."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    here = Path(__file__).resolve().parent
    path = [str(here.parent), str(here.parent / "browser"), str(here)]
    done = subprocess.run(
        [sys.executable, str(here / "lite_browser.py"), str(site), served],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
    )
    assert done.returncode == 0, f"the browser learner failed:\n{done.stdout}\n{done.stderr}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["attempted"] == [], f"requests beyond 127.0.0.1 were attempted: {result}"
    # Measurements, not thresholds (also in test-artifacts/lite-timings.json).
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"\nself-study site: {size / 1e6:.1f} MB; timings (s): {result['timings']}")
