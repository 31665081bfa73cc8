"""The article display: every sentence once, in order, numbered, inside the part it belongs to,
with the long body's start and end marked (content review 3.4.10)."""

from __future__ import annotations

import html
import re

from course.article_view import article_html
from course.casefile import load_case


def test_every_sentence_appears_once_in_order_inside_its_part():
    case = load_case()
    page = article_html(case)
    sentences = [s for s in case.segment_records if s.level == "sentence"]
    shown = re.findall(r"<p><b>\[(\d+)\]</b> (.*?)</p>", page)
    assert [int(n) for n, _ in shown] == list(range(1, len(sentences) + 1))
    assert [html.unescape(text) for _, text in shown] == [s.text for s in sentences]
    parts = [s for s in case.segment_records if s.level == "part"]
    sections = re.findall(r"<section aria-label='Part (\d+) of (\d+)'>(.*?)</section>", page)
    assert len(sections) == len(parts)
    for number, ((index, total, body), part) in enumerate(zip(sections, parts, strict=True), 1):
        assert int(index) == number
        assert int(total) == len(parts)
        inside = [s.text for s in sentences if s.parent_id == part.segment_id]
        assert [html.unescape(t) for t in re.findall(r"</b> (.*?)</p>", body)] == inside


def test_the_run_on_body_is_marked_where_it_begins_and_ends():
    page = article_html(load_case())
    body = re.search(r"<section aria-label='Part 3 of 5'>(.*?)</section>", page).group(1)
    assert "sentences 3–10, posted as one paragraph" in body
    assert body.rstrip().endswith("<i>End of part 3.</i></p>")
    one = re.search(r"<section aria-label='Part 1 of 5'>(.*?)</section>", page).group(1)
    assert "End of part" not in one and "sentence 1<" in one
