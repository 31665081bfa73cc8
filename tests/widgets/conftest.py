"""Widget tests run without a browser: a fake frontend records what would be displayed."""

from __future__ import annotations

import pytest


class FakeHandle:
    def __init__(self, shown: list, bundle: object) -> None:
        self.shown, self.bundle = shown, bundle

    def update(self, bundle: object, raw: bool = False) -> None:
        self.bundle = bundle
        self.shown.append(("update", bundle))


@pytest.fixture
def frontend(monkeypatch):
    """Everything ``display`` was called with, and the live record handles."""
    import IPython.display

    shown: list = []

    def display(obj, raw=False, display_id=None):
        shown.append(("display", obj))
        return FakeHandle(shown, obj) if display_id else None

    monkeypatch.setattr(IPython.display, "display", display)
    return shown


@pytest.fixture
def graded_mode(monkeypatch, tmp_path):
    """A machine where the open keys are not installed (a student image)."""
    import course.selfstudy as selfstudy

    monkeypatch.setattr(selfstudy, "KEYS_BESIDE_PACKAGE", tmp_path / "no-keys-here")
    selfstudy.open_keys.cache_clear()
    yield
    selfstudy.open_keys.cache_clear()
