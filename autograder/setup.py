"""Put the course template into the instructor wheel (the rest is in pyproject.toml).

``sourcing-lab course init`` copies the solution notebooks (``../solutions``) and the keys
(``keys/``) into a new course. In a checkout it reads them where they are; a wheel carries a
copy as ``sourcing_lab/template/`` (see ``sourcing_lab.kit_files``). setuptools' package data
cannot reach a folder outside this project, hence this one build step.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TEMPLATE = {"solutions": HERE.parent / "solutions", "keys": HERE / "keys"}
SKIPPED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


class BuildWithTemplate(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "sourcing_lab" / "template"
        for name, source in TEMPLATE.items():
            if not source.is_dir():
                raise SystemExit(f"cannot build the instructor wheel: {source} is missing")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=SKIPPED)


setup(cmdclass={"build_py": BuildWithTemplate})
