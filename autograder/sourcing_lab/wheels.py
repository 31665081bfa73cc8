"""The kit's two wheels, built from a copy of a checkout (nothing is written into it).

``sourcing-lab-course`` (the student runtime, the repository root) and ``sourcing-lab`` (the
instructor side, ``autograder/``, with the course template as package data). Used by the
classroom runtime (``hub.runtime``), the fresh-install test and the self-study site
(``lite_site``, the student runtime's wheel alone).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

# Folders of the checkout that never go into the wheels' build copy.
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".venv-lite",
    "_site",
    "workspace",
    "test-artifacts",
    "__pycache__",
    "build",
    "dist",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    "gradebook.db*",
)
# (distribution's wheel file prefix, its project folder inside the checkout)
COURSE_PROJECT = ("sourcing_lab_course", ".")
PROJECTS = (COURSE_PROJECT, ("sourcing_lab", "autograder"))


class WheelBuildError(RuntimeError):
    pass


def build_wheels(
    checkout: Path, out: Path, projects: tuple[tuple[str, str], ...] = PROJECTS
) -> list[Path]:
    """The wheels in ``out``: by default both, the student runtime first, then the instructor
    side; ``projects=(COURSE_PROJECT,)`` builds the student runtime's alone."""
    out.mkdir(parents=True, exist_ok=True)
    wheels = []
    with tempfile.TemporaryDirectory(prefix="sourcing-lab-wheel-") as tmp:
        source = Path(tmp) / "src"
        shutil.copytree(checkout, source, ignore=NOT_COPIED)
        for prefix, folder in projects:
            command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
            result = subprocess.run(
                [*command, "-w", str(out), str(source / folder)], capture_output=True, text=True
            )
            found = sorted(out.glob(f"{prefix}-*.whl"))
            if result.returncode != 0 or not found:
                raise WheelBuildError(
                    f"building the {prefix} wheel from {checkout / folder} failed:\n"
                    f"{(result.stdout + result.stderr)[-3000:]}"
                )
            wheels.append(found[-1])
    return wheels


def requirements(wheels: list[Path]) -> list[str]:
    """What the wheels need from the package index: their base requirements, without the
    kit's own distributions (they are the wheels)."""
    own = {prefix.replace("_", "-") for prefix, _folder in PROJECTS}
    wanted: set[str] = set()
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            lines = archive.read(name).decode().splitlines()
        for line in lines:
            if line.startswith("Requires-Dist:"):
                requirement = line.split(":", 1)[1].strip()
                project = requirement.split("==")[0].split(";")[0].split("[")[0].strip()
                if "extra ==" not in requirement and project.lower() not in own:
                    wanted.add(requirement)
    return sorted(wanted)
