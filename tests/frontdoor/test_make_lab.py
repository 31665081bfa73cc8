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
        f"--IdentityProvider.token={token} --LabApp.news_url=None"
    )
    # No --allow-root here: `make lab` adds it itself when the user is root (as in CI).
    log_path = tmp_path / "make-lab.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"WORKSPACE={workspace}", f"LAB_ARGS={lab_args}"],
        cwd=REPO,
        env=isolated_env(tmp_path / "home"),
        stdout=log,
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
        output = log_path.read_text(encoding="utf-8", errors="replace")
        assert status is not None, (
            f"JupyterLab did not answer; make exited {process.poll()}:\n{output}"
        )
        # The URL to open is printed (a token given on the command line is shown as "...";
        # the one JupyterLab makes itself, as in a plain `make lab`, is printed in full).
        assert f"http://127.0.0.1:{port}/lab?token=" in output, output
        listing = _get(f"http://127.0.0.1:{port}/api/contents/", token)
        served = {item["name"] for item in listing["content"]}
        expected = {p.parts[0] for p in exercises}
        assert expected <= served
        lab_page = urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10)
        assert b"JupyterLab" in lab_page.read()
    finally:
        stop_process_group(process)
        log.close()
    if exercises:
        assert kept.read_text(encoding="utf-8") == '{"student": "work"}'
        for path in exercises[1:]:
            assert (workspace / path).exists()


def _lab_command(env: dict[str, str]) -> str:
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab", "WORKSPACE=/nonexistent-workspace"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return next(line for line in dry_run.stdout.splitlines() if "jupyter lab" in line)


@pytest.mark.parametrize("uid", ["0", "1000"])
def test_make_lab_passes_allow_root_only_for_root(tmp_path, uid):
    # A stand-in `id` first on PATH decides who `make` thinks the user is; the real jupyter
    # command line is what is checked (make -n prints it without running it).
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "id").write_text(f"#!/bin/sh\necho {uid}\n", encoding="utf-8")
    (fake_bin / "id").chmod(0o755)
    env = isolated_env(tmp_path / "home")
    env["PATH"] = f"{fake_bin}:{env['PATH']}"
    command = _lab_command(env)
    assert ("--allow-root" in command) == (uid == "0"), command
