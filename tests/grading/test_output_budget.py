"""The grader's output budget, message by message (no kernel): what is kept, what is dropped,
and which limit the marker names."""

from __future__ import annotations

import pytest

from sourcing_lab.grading.output_budget import OutputBudget, content_size


def stream(text: str) -> dict:
    return {"name": "stdout", "text": text}


def image(n_bytes: int) -> dict:
    return {"data": {"image/png": "A" * n_bytes}, "metadata": {}}


@pytest.fixture
def budget() -> OutputBudget:
    return OutputBudget(cell_bytes=1_000, notebook_bytes=3_000, check_bytes=1_500)


def test_messages_that_fit_are_kept_whole(budget):
    for _ in range(3):
        kept, marker = budget.admit(0, "stream", stream("x" * 200))
        assert kept == stream("x" * 200) and marker is None


def test_a_long_stream_keeps_its_head_then_one_marker_names_the_cell_limit(budget):
    budget.admit(0, "stream", stream("a\n" * 100))
    text = "".join(f"line {i}\n" for i in range(1_000))
    kept, marker = budget.admit(0, "stream", stream(text))
    assert kept is not None and text.startswith(kept["text"]) and kept["text"].endswith("\n")
    assert 0 < content_size(kept) < 1_000 - content_size(stream("a\n" * 100))
    assert "this cell printed more than 1,000 bytes" in marker
    assert budget.admit(0, "stream", stream("more\n")) == (None, None)  # said once per cell
    assert budget.admit(1, "stream", stream("next cell\n"))[0] is not None


def test_a_huge_display_is_dropped_whole(budget):
    kept, marker = budget.admit(0, "display_data", image(50_000_000 // 10_000))
    assert kept is None and "truncated by the grader" in marker


def test_the_notebook_limit_is_named_when_it_is_the_one_reached(budget):
    for cell in range(3):
        assert budget.admit(cell, "stream", stream("y" * 900))[1] is None
    kept, marker = budget.admit(3, "stream", stream("y" * 900))
    assert "the notebook printed more than 3,000 bytes in all" in marker
    assert kept is None or content_size(kept) <= 3_000 - 3 * content_size(stream("y" * 900))


def test_check_cells_still_record_after_the_notebook_was_flooded(budget):
    for cell in range(4):
        budget.admit(cell, "stream", stream("z" * 950))
    record = {"data": {"application/vnd.sourcing-lab.answer+json": {"value": 661}}}
    assert budget.admit(10, "display_data", record, check_cell=True) == (record, None)
    assert budget.admit(11, "display_data", record, check_cell=False)[0] is None


def test_check_cells_share_one_bounded_pool(budget):
    kept = [budget.admit(c, "stream", stream("c" * 600), check_cell=True) for c in range(3)]
    assert [k is not None for k, _ in kept[:2]] == [True, True]
    assert "the check cells printed more than 1,500 bytes in all" in kept[2][1]


def test_heads_count_json_escapes_and_never_split_a_character():
    budget = OutputBudget(cell_bytes=500, notebook_bytes=10_000, check_bytes=500)
    text = '"\\\n' * 400 + "é" * 400  # each of '"', '\\' and newline is two bytes as JSON
    kept, _ = budget.admit(0, "stream", stream(text))
    assert content_size(kept) <= 500 and text.startswith(kept["text"])
    text = "é" * 1_000
    kept, _ = budget.admit(1, "stream", stream(text))
    assert set(kept["text"]) == {"é"} and content_size(kept) <= 500


def test_display_updates_are_capped_and_count_every_copy(budget):
    small = image(100)
    assert budget.admit_update(small, copies=2) == small
    replaced = budget.admit_update(image(2_000), copies=1)
    assert replaced["data"] == {"text/plain": replaced["data"]["text/plain"]}
    assert "truncated by the grader" in replaced["data"]["text/plain"]
    many = budget.admit_update(image(400), copies=10)  # 10 copies overrun the notebook budget
    assert "image/png" not in many["data"]
