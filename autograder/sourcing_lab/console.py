"""What `sourcing-lab grade` shows on the console: nbgrader's real warnings, not its noise.

- SQLAlchemy's "Object of type <SubmittedAssignment> not in session, add operation along … will
  not proceed" comes from nbgrader 0.9's own gradebook code on every new submission (autoflush
  while it creates the rows); it changes nothing and is silenced, by that exact message only.
- nbgrader's log of each submission is captured by its API; its WARNING lines are passed on,
  except "Removing existing assignment" (the kit always regrades with ``force``). The checksum
  false alarm for hidden regions is not logged at all (``grading.overwrite_cells``).
"""

from __future__ import annotations

import re
import warnings

KNOWN_SQLALCHEMY_NOISE = r"Object of type <\w+> not in session, add operation along"
EXPECTED_WARNINGS = ("Removing existing assignment",)


def quiet_known_noise() -> None:
    """Silence the known, harmless SQLAlchemy warnings (in this process)."""
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", message=KNOWN_SQLALCHEMY_NOISE, category=SAWarning)


def nbgrader_warnings(log: str) -> list[str]:
    """The WARNING (and ERROR) lines of a captured nbgrader log that are worth showing."""
    shown = []
    for line in log.splitlines():
        match = re.match(r"\[(WARNING|ERROR|CRITICAL)\] (.*)", line)
        if match and not match.group(2).startswith(EXPECTED_WARNINGS):
            shown.append(match.group(2))
    return shown
