"""The one error a broken case folder raises."""

from __future__ import annotations

from pathlib import Path


class CaseFileError(ValueError):
    """A case file is missing or malformed.

    The message names the file, the row (or document) and the field, says what is wrong and how
    to fix it, so an author can go straight to the spot.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        row: int | None = None,
        row_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.row = row
        self.row_id = row_id
        self.field = field
        self.problem = problem
        where = [str(self.path)]
        if row is not None:
            label = f"row {row}"
            if row_id:
                label += f" ({row_id})"
            where.append(label)
        elif row_id:
            where.append(row_id)
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(", ".join(where) + ": " + problem)
