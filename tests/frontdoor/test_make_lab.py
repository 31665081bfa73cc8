"""`make lab` really starts JupyterLab on the student workspace (headless here)."""

from __future__ import annotations

import json
import secrets
import subprocess
import time
import urllib.request

import pytest

from support import REPO, free_port, isolated_env, stop_process_group

pytestmark = pytest.mark.slow


def _get(url: str, token: str) -> object:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def test_make_lab_serves_the_workspace_and_keeps_student_work(tmp_path):
    workspace = tmp_path / "workspace"
    exercises = sorted(
        p.relative_to(REPO / "exercises") for p in (REPO / "exercises").rglob("*.ipynb")
    )
    # A student's earlier work in the workspace must survive `make lab`.
    if exercises:
        kept = workspace / exercises[0]
        kept.parent.mkdir(parents=True)
        kept.write_text('{"student": "work"}', encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    lab_args = (
        f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} "
        f"--IdentityProvider.token={token} --LabApp.news_url=None --allow-root"
    )
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"WORKSPACE={workspace}", f"LAB_ARGS={lab_args}"],
        cwd=REPO,
        env=isolated_env(tmp_path / "home"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status = _get(f"http://127.0.0.1:{port}/api/status", token)
                break
            except OSError:
                time.sleep(0.5)
        assert status is not None, f"JupyterLab did not answer; make exited {process.poll()}"
        listing = _get(f"http://127.0.0.1:{port}/api/contents/", token)
        served = {item["name"] for item in listing["content"]}
        expected = {p.parts[0] for p in exercises}
        assert expected <= served
        lab_page = urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10)
        assert b"JupyterLab" in lab_page.read()
    finally:
        stop_process_group(process)
    if exercises:
        assert kept.read_text(encoding="utf-8") == '{"student": "work"}'
        for path in exercises[1:]:
            assert (workspace / path).exists()
