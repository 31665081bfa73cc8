"""What the classroom's single-user servers run, and the proxy in front of them.

A student's server runs as that student's system user. On machines where this checkout's
Python lives in a private folder (pyenv under ``/root``, mode 700), another user cannot even
start the checkout's ``.venv``; and a student must not be able to read the repository (it holds
the answer keys). So, when users are separated, the servers get their own *runtime*: a virtual
environment made with the system Python (``/usr/bin/python3``) in a world-readable folder, with
the kit installed from a wheel built from a copy of the checkout (never the checkout itself) and
JupyterHub's single-user server. It is cached by what it contains, so only the first class on a
machine pays for the install (~1 min); later ones only reinstall the kit's wheels
(``sourcing_lab.wheels``: the student runtime and the instructor side).

configurable-http-proxy comes from the npm registry, pinned, into a cache folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sourcing_lab.hub import HubSetupError
from sourcing_lab.wheels import WheelBuildError, build_wheels, requirements

JUPYTERHUB_PIN = "jupyterhub==6.1.1"
CHP_VERSION = "5.3.0"
SYSTEM_PYTHON = Path("/usr/bin/python3")
RUNTIME_CACHE = Path(os.environ.get("SOURCING_LAB_HUB_RUNTIME", "/var/cache/sourcing-lab"))
# JupyterLab settings for every user of the classroom: no news or update pop-ups (there is no
# internet), and every cell kept in the page (the kit's widgets stay live when scrolled away).
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


@dataclass(frozen=True)
class Runtime:
    """A Python environment the single-user servers run from."""

    prefix: Path

    @property
    def bin(self) -> Path:
        return self.prefix / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @property
    def singleuser(self) -> Path:
        return self.bin / "jupyterhub-singleuser"

    @property
    def config_dir(self) -> Path:
        """``{sys.prefix}/etc/jupyter``: a config folder every server of this runtime reads."""
        return self.prefix / "etc" / "jupyter"

    def kit_config(self) -> Path:
        """The kit's grading settings as installed in this runtime."""
        out = subprocess.run(
            [str(self.python), "-c", "import sourcing_lab, os; print(sourcing_lab.__file__)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return Path(out).parent / "grading" / "kit_config.py"


def this_environment() -> Runtime:
    """The running virtual environment (for a classroom whose users are all this OS user)."""
    return Runtime(Path(sys.prefix))


def shared_runtime(checkout: Path, cache: Path = RUNTIME_CACHE) -> Runtime:
    """A world-readable runtime with this checkout's kit installed from a wheel (root only)."""
    if not SYSTEM_PYTHON.exists():
        raise HubSetupError(f"{SYSTEM_PYTHON} is missing: apt-get install -y python3 python3-venv")
    old_umask = os.umask(0o022)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        cache.chmod(0o755)
        check_traversable(cache)
        with tempfile.TemporaryDirectory(prefix="sourcing-lab-wheels-") as tmp:
            try:
                wheels = build_wheels(checkout, Path(tmp))
            except WheelBuildError as error:
                raise HubSetupError(str(error)) from error
            wanted = [*requirements(wheels), JUPYTERHUB_PIN]
            key = hashlib.sha256(json.dumps([str(SYSTEM_PYTHON), wanted]).encode()).hexdigest()
            runtime = Runtime(cache / f"hub-runtime-{key[:12]}")
            with _locked(cache / f"{runtime.prefix.name}.lock"):
                if not (runtime.prefix / ".complete").exists():
                    _create(runtime, wanted)
                _run(
                    [
                        str(runtime.python),
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--no-deps",
                        "--force-reinstall",
                        *map(str, wheels),
                    ],
                    "installing the kit's wheels",
                )
                _write_lab_overrides(runtime)
    finally:
        os.umask(old_umask)
    return runtime


def _create(runtime: Runtime, requirements: list[str]) -> None:
    shutil.rmtree(runtime.prefix, ignore_errors=True)
    result = subprocess.run(
        [str(SYSTEM_PYTHON), "-m", "venv", str(runtime.prefix)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise HubSetupError(
            f"{SYSTEM_PYTHON} -m venv {runtime.prefix} failed (is python3-venv installed? "
            f"apt-get install -y python3-venv):\n{result.stderr[-2000:]}"
        )
    _run(
        [str(runtime.python), "-m", "pip", "install", "--quiet", *requirements],
        f"installing the servers' packages into {runtime.prefix}",
    )
    (runtime.prefix / ".complete").write_text("\n".join(requirements) + "\n", encoding="utf-8")


def _write_lab_overrides(runtime: Runtime) -> None:
    target = runtime.prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(LAB_OVERRIDES, indent=2), encoding="utf-8")


def check_traversable(path: Path) -> None:
    """Every folder from / down to ``path`` must let other users through (o+x)."""
    for folder in [path, *path.parents]:
        if not folder.stat().st_mode & stat.S_IXOTH:
            raise HubSetupError(
                f"{folder} does not let other users through (mode "
                f"{stat.filemode(folder.stat().st_mode)}), so the classroom's users cannot reach "
                f"{path}; choose a folder under /tmp, /srv or /var/cache instead"
            )


def proxy_command(cache: Path | None = None) -> list[str]:
    """configurable-http-proxy, installed from the npm registry on first use."""
    base = cache or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "sourcing-lab" / f"configurable-http-proxy-{CHP_VERSION}"
    script = folder / "node_modules" / ".bin" / "configurable-http-proxy"
    if script.exists():
        return [str(script)]
    npm = shutil.which("npm")
    if not npm:
        raise HubSetupError(
            "npm is missing (configurable-http-proxy comes from npm): apt-get install -y nodejs npm"
        )
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / ".lock"):
        if not script.exists():
            _run(
                [
                    npm,
                    "install",
                    "--prefix",
                    str(folder),
                    "--no-audit",
                    "--no-fund",
                    "--no-save",
                    f"configurable-http-proxy@{CHP_VERSION}",
                ],
                f"npm install configurable-http-proxy@{CHP_VERSION}",
            )
    return [str(script)]


@contextlib.contextmanager
def _locked(path: Path):
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise HubSetupError(
            f"{what} failed (exit {result.returncode}):\n{(result.stdout + result.stderr)[-3000:]}"
        )
