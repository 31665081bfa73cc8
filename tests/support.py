"""Paths and helpers shared by the tests (not shipped with the kit)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
GOLDENS = Path(__file__).resolve().parent / "goldens"
