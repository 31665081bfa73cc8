"""The article as the learner reads it: numbered sentences, grouped by the parts of the post.

Each part of the post (the forum header, the byline, the body, ...) is a block with its own
heading, so the learner sees where the long run-on body begins and ends (content review 3.4.10).
Pure: builds HTML from the case; the notebook's ``Lab.show_article`` displays it.
"""

from __future__ import annotations

import html

from course.casefile.model import Case


def article_html(case: Case) -> str:
    parts = [s for s in case.segment_records if s.level == "part"]
    sentences = [s for s in case.segment_records if s.level == "sentence"]
    number = {s.segment_id: n for n, s in enumerate(sentences, start=1)}
    blocks = []
    for index, part in enumerate(parts, start=1):
        inside = [s for s in sentences if s.parent_id == part.segment_id]
        if not inside:
            continue
        first, last = number[inside[0].segment_id], number[inside[-1].segment_id]
        where = f"sentence {first}" if first == last else f"sentences {first}–{last}"
        heading = f"Part {index} of {len(parts)} · {where}"
        if len(inside) > 1:
            heading += ", posted as one paragraph"
        rows = "".join(
            f"<p><b>[{number[s.segment_id]}]</b> {html.escape(s.text)}</p>" for s in inside
        )
        end = (
            f"<p class='sourcing-lab-part-end'><i>End of part {index}.</i></p>"
            if len(inside) > 1
            else ""
        )
        blocks.append(
            f"<section aria-label='Part {index} of {len(parts)}'>"
            f"<p class='sourcing-lab-part'><i>{heading}</i></p>{rows}{end}</section>"
        )
    return "<div class='sourcing-lab-article'>" + "".join(blocks) + "</div>"
