"""nbgrader's cell-metadata check, with its JSON schema checked once per process.

nbgrader 0.9.6 validates every cell with ``jsonschema.validate(meta, schema)``, which first
checks the *schema itself* against the JSON Schema meta-schema: about 2.5 ms per cell, 150 ms
per submission (the check runs after sanitizing and again after autograding), the largest part
of grading a widget-only submission. :class:`CheckCellMetadata` runs nbgrader's own validator
(every rule of ``MetadataValidatorV3``: grade ids, points, cell types, duplicate ids, schema
versions) with one compiled schema validator in place of that per-cell call: the same errors
for the same metadata (``tests/grading/test_metadata_check.py``).

How: ``MetadataValidatorV3.validate_cell`` calls ``super().validate_cell`` for the schema part;
:class:`_CompiledSchema` sits between it and nbgrader's base class in the method resolution
order, so that call lands here. No nbgrader code is patched.
"""

from __future__ import annotations

import traceback
from typing import Any

import jsonschema
from nbformat.notebooknode import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import (
    BaseMetadataValidator,
    SchemaTooNewError,
    SchemaTooOldError,
)
from nbgrader.preprocessors import CheckCellMetadata as StockCheckCellMetadata

_VALIDATORS: dict[int, Any] = {}  # schema version -> compiled validator


def _compiled(version: int, schema: dict) -> Any:
    if version not in _VALIDATORS:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)  # what jsonschema.validate does on every call
        _VALIDATORS[version] = cls(schema)
    return _VALIDATORS[version]


class _CompiledSchema(BaseMetadataValidator):
    def validate_cell(self, cell: NotebookNode) -> None:
        """nbgrader's ``BaseMetadataValidator.validate_cell``, with a compiled validator."""
        if "nbgrader" not in cell.metadata:
            return
        schema = cell.metadata["nbgrader"].get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(
                f"Outdated schema version: {schema} (expected {self.schema_version})",
                schema,
                self.schema_version,
            )
        if schema > self.schema_version:
            raise SchemaTooNewError(
                f"Schema version is too new: {schema} (expected {self.schema_version})",
                schema,
                self.schema_version,
            )
        validator = _compiled(self.schema_version, self.schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class CompiledMetadataValidator(MetadataValidator, _CompiledSchema):
    """``MetadataValidatorV3`` whose schema step is :class:`_CompiledSchema`."""


class CheckCellMetadata(StockCheckCellMetadata):
    """nbgrader's ``CheckCellMetadata`` (same checks, same log, same error)."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        try:
            CompiledMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources
