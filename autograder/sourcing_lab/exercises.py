"""Generate the student notebooks (``exercises/``) from ``solutions/`` with real nbgrader.

``python -m sourcing_lab.exercises [--into DIR] [ASSIGNMENT ...]`` (``make exercises``) runs
nbgrader's ``generate_assignment`` with the kit's configuration for every assignment, using a
throw-away gradebook so that nothing is written beside the repository's files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

AUTOGRADER = Path(__file__).resolve().parent.parent
REPO = AUTOGRADER.parent
NBGRADER_CONFIG = AUTOGRADER / "nbgrader_config.py"


def load_nbgrader_config(path: Path = NBGRADER_CONFIG) -> Config:
    """The kit's nbgrader configuration as a traitlets Config (raises if the file is broken:
    nbgrader itself would silently ignore it)."""
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def assignment_ids(solutions: Path | None = None) -> list[str]:
    root = solutions or REPO / "solutions"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def generate_exercises(into: Path | None = None, assignments: list[str] | None = None) -> Path:
    """Run ``generate_assignment`` for each assignment; return the release folder."""
    from nbgrader.apps import NbGraderAPI

    config = load_nbgrader_config()
    release = Path(into) if into else REPO / config.CourseDirectory.release_directory
    config.CourseDirectory.release_directory = str(release.resolve())
    with tempfile.TemporaryDirectory(prefix="sourcing-lab-gb-") as scratch:
        config.CourseDirectory.db_url = f"sqlite:///{scratch}/gradebook.db"
        api = NbGraderAPI(config=config)
        for assignment_id in assignments or assignment_ids():
            result = api.generate_assignment(assignment_id, force=True)
            if not result["success"]:
                raise RuntimeError(
                    f"nbgrader generate_assignment {assignment_id} failed:\n"
                    f"{result.get('log', '')}\n{result.get('error', '')}"
                )
    return release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sourcing_lab.exercises", description=__doc__)
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--into", type=Path, help="release folder (default: exercises/)")
    args = parser.parse_args(argv)
    known = assignment_ids()
    unknown = [a for a in args.assignments if a not in known]
    if unknown:
        print(
            f"unknown assignment(s) {', '.join(unknown)}; known: {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    release = generate_exercises(args.into, args.assignments or None)
    print(f"exercises written to {release}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
