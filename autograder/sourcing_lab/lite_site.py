"""Build the zero-install self-study site with JupyterLite (``make lite``).

The site is static: JupyterLite's app, the Pyodide kernel, Pyodide itself (the npm registry's
``pyodide`` core distribution), every Python wheel the course needs (from PyPI, pinned in
``lite/requirements-pyodide.txt``), the kit's student package ``course`` as its own wheel, the
five self-study notebooks and the open keys file. Nothing is fetched from a CDN at run time:
``disablePyPIFallback`` is on and Pyodide's lock file lists only the files the site holds.

Steps (each a plain function, run in order by :func:`build`):

1. ``pyodide_dist``: unpack the npm tarball into ``<lite>/static/pyodide`` (JupyterLite's
   well-known place for a local Pyodide), add micropip and packaging from PyPI, and rewrite
   ``pyodide-lock.json`` to the packages that are really there (with their sha256).
2. ``wheels``: download the pinned pure-Python wheels and the student runtime's own wheel
   (``sourcing_lab.wheels``: no nbgrader or JupyterLab in its requirements) into
   ``<lite>/pypi``, piplite's local index.
3. ``contents``: the exercises under a versioned folder (``course-<version>/``, so an updated
   course never meets a stale browser copy: jupyterlite#638/#407), each with an install cell
   first, and ``open-keys/<case>.json`` at the root of the files.
4. ``jupyter lite build`` with the lite environment's JupyterLite.

Usage: ``python -m sourcing_lab.lite_site --jupyter .venv-lite/bin/jupyter --output _site``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LITE = REPO / "lite"
PYODIDE_NPM = "pyodide@314.0.6"  # the version jupyterlite-pyodide-kernel 0.8.6 is built for
PYODIDE_PYTHON = "3.14"
# Pyodide's lock lists these for the kernel's start-up; the npm core ships none of their wheels.
LOCK_PACKAGES = {"micropip": "0.11.1", "packaging": "26.1"}
COURSE_WHEEL_NAME = "sourcing-lab-course"
INSTALL_CELL_ID = "lite-install"
VERSION_FILE = "course-version.txt"  # at the root of the files; read by course.lite
# The course wheel needs pandas, which the browser cannot have (course.lite): its other
# requirements are installed by name and the wheel itself without its requirements.
NOT_IN_BROWSER = {"pandas"}


def install_source(requirements: list[str]) -> str:
    return (
        "# Self-study in the browser: installs the course into this page's Python (from this "
        "site).\n"
        f"%pip install -q {' '.join(requirements)}\n"
        f"%pip install -q --no-deps {COURSE_WHEEL_NAME}\n"
        "from course.lite import prepare\n"
        "\n"
        "prepare()"
    )


def run(command: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def pip_download(dest: Path, requirements: list[str]) -> None:
    """Pure-Python wheels for Pyodide's Python, never a wheel built for this machine."""
    run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--python-version", PYODIDE_PYTHON, "--platform", "any", "--implementation", "py",
         "--abi", "none", "-d", str(dest), *requirements]
    )  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pyodide_dist(lite_dir: Path, work: Path) -> None:
    """Pyodide from the npm registry into the site, with a lock that matches its files."""
    target = lite_dir / "static" / "pyodide"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    run(["npm", "pack", "--silent", PYODIDE_NPM, "--pack-destination", str(work)], cwd=work)
    tarball = next(work.glob("pyodide-*.tgz"))
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and not name.endswith((".map", ".d.ts", ".html")):
                (target / name).write_bytes(archive.extractfile(member).read())
    pip_download(target, [f"{name}=={version}" for name, version in LOCK_PACKAGES.items()])
    lock_path = target / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    kept = {}
    for name, version in LOCK_PACKAGES.items():
        entry = dict(lock["packages"][name])
        wheel = next(target.glob(f"{name}-{version}-*.whl"))
        entry.update(file_name=wheel.name, sha256=sha256(wheel), version=version, depends=[])
        kept[name] = entry
    # Everything else the full distribution would hold is absent; listing it would make micropip
    # try to load it from here (a 404) instead of from piplite's index.
    lock["packages"] = kept
    lock_path.write_text(json.dumps(lock), encoding="utf-8")


def course_wheel(dest: Path) -> Path:
    """The student runtime's wheel, as ``sourcing_lab.wheels`` builds it for every install."""
    from sourcing_lab.wheels import COURSE_PROJECT, build_wheels

    (wheel,) = build_wheels(REPO, dest, (COURSE_PROJECT,))
    return wheel


def browser_requirements(wheel: Path) -> list[str]:
    """What the course wheel needs that the browser can have (pandas cannot: course.lite)."""
    from sourcing_lab.wheels import requirements

    return [r for r in requirements([wheel]) if r.split("==")[0].lower() not in NOT_IN_BROWSER]


def wheels(lite_dir: Path) -> list[str]:
    """The site's package index; returns what the install cell installs beside the course."""
    target = lite_dir / "pypi"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    pins = [
        line.split("#")[0].strip()
        for line in (LITE / "requirements-pyodide.txt").read_text(encoding="utf-8").splitlines()
    ]
    pip_download(target, [p for p in pins if p])
    needed = browser_requirements(course_wheel(target))
    missing = [r for r in needed if r.lower() not in {p.lower() for p in pins}]
    if missing:
        raise SystemExit(
            f"lite/requirements-pyodide.txt: the course needs {', '.join(missing)}; pin it there"
        )
    return needed


def content_version() -> str:
    """A short hash of everything learners see: a new course gets a new folder."""
    digest = hashlib.sha256()
    for path in sorted([*(REPO / "exercises").rglob("*"), *(REPO / "course").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def with_install_cell(notebook: dict, requirements: list[str]) -> dict:
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": INSTALL_CELL_ID,
        "metadata": {"tags": ["lite-install"]},
        "outputs": [],
        "source": install_source(requirements),
    }
    notebook["cells"] = [cell, *notebook["cells"]]
    return notebook


def contents(lite_dir: Path, open_keys: Path, requirements: list[str]) -> str:
    files = lite_dir / "files"
    shutil.rmtree(files, ignore_errors=True)
    version = f"course-{content_version()}"
    for source in sorted((REPO / "exercises").rglob("*")):
        if not source.is_file() or "answers" in source.parts:
            continue
        target = files / version / source.relative_to(REPO / "exercises")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            notebook = with_install_cell(
                json.loads(source.read_text(encoding="utf-8")), requirements
            )
            target.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        else:
            shutil.copy2(source, target)
    # The notebooks' first cell reads it: a notebook from an older version, kept in a learner's
    # browser, then says where the current one is (course.lite.prepare).
    (files / VERSION_FILE).write_text(version + "\n", encoding="utf-8")
    keys = json.loads(open_keys.read_text(encoding="utf-8"))
    keys_target = files / "open-keys" / f"{keys['case_id']}.json"
    keys_target.parent.mkdir(parents=True)
    shutil.copy2(open_keys, keys_target)
    return version


def write_config(lite_dir: Path, version: str) -> None:
    kernel = {
        "disablePyPIFallback": True,
        "pipliteUrls": ["./pypi/all.json"],
    }
    config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Sourcing Lab (self-study)",
            "defaultKernelName": "python",
            "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel},
            # Where the course opens: the current version's first assignment.
            "sourcingLabCourseFolder": version,
        },
    }
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


def build(jupyter: str, output: Path, open_keys: Path) -> Path:
    output = output.resolve()
    with tempfile.TemporaryDirectory(prefix="sourcing-lab-lite-") as tmp:
        work = Path(tmp)
        lite_dir = work / "lite"
        lite_dir.mkdir()
        pyodide_dist(lite_dir, work)
        requirements = wheels(lite_dir)
        version = contents(lite_dir, open_keys, requirements)
        write_config(lite_dir, version)
        shutil.rmtree(output, ignore_errors=True)
        run(
            [jupyter, "lite", "build", "--lite-dir", str(lite_dir), "--contents",
             str(lite_dir / "files"), "--output-dir", str(output), "--no-sourcemaps"],
            cwd=lite_dir,
        )  # fmt: skip
    (output / "COURSE_VERSION").write_text(version + "\n", encoding="utf-8")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jupyter", required=True, help="the lite environment's jupyter")
    parser.add_argument("--output", default=str(REPO / "_site"), help="the site folder")
    parser.add_argument("--open-keys", default=None, help="the exported open keys file")
    args = parser.parse_args(argv)
    from sourcing_lab.open_keys import export_open_keys

    keys = Path(args.open_keys) if args.open_keys else export_open_keys()
    site = build(args.jupyter, Path(args.output), keys)
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"Self-study site in {site} ({size / 1e6:.1f} MB); serve it with:")
    print(f"  python -m http.server --directory {site} 8000   # then open http://127.0.0.1:8000/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
