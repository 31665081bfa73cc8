"""Browser tests: a fresh JupyterLab per session, driven by Debian's Chromium through playwright.

- The server serves a temporary copy of ``exercises/`` on 127.0.0.1 with a random port and
  token; HOME and every Jupyter/IPython folder live in the session's temp folder, so nothing is
  written into the real home or the repository.
- JupyterLab's news and update pop-ups are switched off through *user settings* in that
  isolated folder (``--LabApp.user_settings_dir``), not through ``overrides.json`` in the venv.
- The only reason to skip is a missing ``/usr/bin/chromium`` (CI installs it).
- Screenshots go to ``test-artifacts/browser/`` at the repository root; their paths, the
  click-to-feedback times and the axe results are printed in pytest's terminal summary.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lab_ui import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

from support import REPO, free_port, isolated_env, stop_process_group

ARTIFACTS = REPO / "test-artifacts" / "browser"
BIN = Path(sys.executable).parent
AXE_VERSION = "4"

# Settings a student never sees in tests: no news toast, no update check. Every cell is kept
# in the DOM (no windowing), so cells below the fold can be read without scrolling first.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


# -- what the tests measured, printed at the end of the run --------------------------------
@dataclass
class BrowserReport:
    screenshots: list[Path] = field(default_factory=list)
    latencies: list[tuple[str, float]] = field(default_factory=list)
    axe: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


REPORT = BrowserReport()


@pytest.fixture(scope="session")
def report() -> BrowserReport:
    return REPORT


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not (REPORT.screenshots or REPORT.latencies or REPORT.axe or REPORT.notes):
        return
    write = terminalreporter.write_line
    terminalreporter.section("browser: screenshots, click-to-feedback, axe")
    for path in REPORT.screenshots:
        write(f"screenshot: {path}")
    for label, ms in REPORT.latencies:
        write(f"click-to-feedback {label}: {ms:.0f} ms")
    for item_type, found in sorted(REPORT.axe.items()):
        counts = ", ".join(f"{k}={v}" for k, v in sorted(found["impacts"].items())) or "none"
        write(
            f"axe {item_type}: {found['passes']} rules passed, violations: {counts}"
            + "".join(f"\n    - {v}" for v in found["violations"])
        )
        if found["incomplete"]:
            write(f"    needs review (axe 'incomplete'): {', '.join(found['incomplete'])}")
    for note in REPORT.notes:
        write(f"note: {note}")


# -- the server ---------------------------------------------------------------------------
@dataclass
class LabServer:
    url: str
    token: str
    root: Path
    home: Path

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None

    def page_url(self, notebook: str) -> str:
        """The notebook alone in a fresh workspace (no tabs restored from earlier tests)."""
        workspace = f"t{secrets.token_hex(4)}"
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}"

    def shutdown_kernels(self) -> None:
        for session in self.api("GET", "/api/sessions") or []:
            self.api("DELETE", f"/api/sessions/{session['id']}")


def _serve(app: str, base: Path) -> Iterator[LabServer]:
    """``jupyter lab`` or ``jupyter notebook`` (Notebook 7) on a copy of ``exercises/``."""
    root, home = base / "workspace", base / "home"
    shutil.copytree(REPO / "exercises", root)
    settings = home / ".jupyter" / "lab" / "user-settings"
    for name, values in USER_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    log = (base / f"{app}.log").open("wb")
    prefix = "LabApp" if app == "lab" else "JupyterNotebookApp"
    process = subprocess.Popen(
        [
            str(BIN / "jupyter"),
            app,
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={token}",
            f"--{prefix}.news_url=None" if app == "lab" else "--ServerApp.open_browser=False",
            f"--{prefix}.user_settings_dir={settings}",
            f"--{prefix}.workspaces_dir={home / 'workspaces'}",
        ],
        cwd=root,
        env=isolated_env(home),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = LabServer(f"http://127.0.0.1:{port}", token, root, home)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                server.api("GET", "/api/status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = (base / f"{app}.log").read_text(errors="replace")[-3000:]
                    pytest.fail(f"jupyter {app} did not start (exit {process.poll()}):\n{tail}")
                time.sleep(0.3)
        yield server
    finally:
        stop_process_group(process)
        log.close()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    yield from _serve("lab", tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def notebook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """Notebook 7 (``jupyter notebook``, installed with nbgrader) on its own copy."""
    yield from _serve("notebook", tmp_path_factory.mktemp("notebook7"))


# -- the browser --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Any, lab_server: LabServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context per test; its kernels are shut down afterwards. A failed
    test leaves a screenshot of the page in test-artifacts/browser/FAILED-<test>.png."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"FAILED-{request.node.name}.png"
        page.screenshot(path=str(path))
        REPORT.screenshots.append(path)
    context.close()
    lab_server.shutdown_kernels()


@pytest.fixture(scope="session")
def shots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# -- axe-core, installed from npm into a cache folder outside the repository ----------------
@pytest.fixture(scope="session")
def axe_source() -> str:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "sourcing-lab" / f"axe-{AXE_VERSION}"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install axe-core for the accessibility audit"
        folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
             "--no-save", f"axe-core@{AXE_VERSION}"],
            capture_output=True,
            text=True,
            timeout=180,
        )  # fmt: skip
        assert result.returncode == 0 and script.exists(), (
            f"npm install axe-core@{AXE_VERSION} failed:\n{result.stdout}\n{result.stderr}"
        )
    return script.read_text(encoding="utf-8")
