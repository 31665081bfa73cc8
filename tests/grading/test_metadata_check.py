"""The kit's CheckCellMetadata (schema compiled once) rejects and accepts exactly what
nbgrader's own does, with the same error."""

from __future__ import annotations

import copy
import json

import nbformat
import pytest
from cases import ASSIGNMENT
from kit import make_course
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import SchemaMismatchError

from sourcing_lab.grading.metadata import CheckCellMetadata, CompiledMetadataValidator


@pytest.fixture(scope="module")
def source_nb(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("meta"), [ASSIGNMENT])
    path = next((root / "source" / ASSIGNMENT).glob("*.ipynb"))
    return nbformat.read(path, as_version=4)


def _grade_cell(nb):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))


def _breakages():
    def meta(change):
        def apply(nb):
            change(_grade_cell(nb).metadata.nbgrader)

        return apply

    def other_type(nb):
        _grade_cell(nb).metadata.nbgrader["cell_type"] = "raw"
        _grade_cell(nb).cell_type = "markdown"

    def duplicate(nb):
        nb.cells.append(copy.deepcopy(_grade_cell(nb)))

    return {
        "points as text": meta(lambda m: m.update(points="lots")),
        "no points": meta(lambda m: m.pop("points")),
        "empty grade id": meta(lambda m: m.update(grade_id="")),
        "unknown key": meta(lambda m: m.update(sneaky=1)),
        "grade not a bool": meta(lambda m: m.update(grade="yes")),
        "old schema": meta(lambda m: m.update(schema_version=1)),
        "new schema": meta(lambda m: m.update(schema_version=9)),
        "markdown grade cell, no solution": other_type,
        "duplicate grade id": duplicate,
    }


def _outcome(validator_class, nb) -> str:
    try:
        validator_class().validate_nb(nb)
    except (ValidationError, SchemaMismatchError) as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return "valid"


def test_a_sound_notebook_passes_both(source_nb):
    assert _outcome(MetadataValidator, source_nb) == "valid"
    assert _outcome(CompiledMetadataValidator, source_nb) == "valid"
    nb, _ = CheckCellMetadata().preprocess(copy.deepcopy(source_nb), {})
    assert json.dumps(nb, sort_keys=True) == json.dumps(source_nb, sort_keys=True)


@pytest.mark.parametrize("breakage", sorted(_breakages()))
def test_each_broken_notebook_fails_both_the_same_way(source_nb, breakage):
    nb = copy.deepcopy(source_nb)
    _breakages()[breakage](nb)
    stock = _outcome(MetadataValidator, nb)
    assert stock != "valid", breakage  # the breakage is one nbgrader rejects
    assert _outcome(CompiledMetadataValidator, copy.deepcopy(nb)) == stock
    with pytest.raises((ValidationError, SchemaMismatchError)):
        CheckCellMetadata().preprocess(nb, {})
