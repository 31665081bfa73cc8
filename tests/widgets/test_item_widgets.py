"""Build each item widget, set values, click; assert the recorded data, the in-notebook record,
the restored state and the feedback."""

from __future__ import annotations

import html
import json

from course.answers import MIME
from course.lab import Lab


def _recorded(tmp_path, qid):
    return json.loads((tmp_path / "answers" / f"{qid}.json").read_text())


def _bundle(frontend, qid):
    """The latest answer-record bundle displayed for ``qid``."""
    for _kind, obj in reversed(frontend):
        if isinstance(obj, dict) and obj.get(MIME, {}).get("question_id") == qid:
            return obj
    return None


def test_span_tagger_records_restores_and_checks(tmp_path, frontend):
    lab = Lab("a02_attribution", folder=tmp_path)
    view = lab.show("q2_tags")
    pieces = [x for para in view.tagger.spec["paragraphs"] for x in para]
    assert [x["part"] for x in pieces if "part" in x] == list(lab.question("q2_tags").parts)
    assert "".join(x["text"] for x in pieces).startswith("W. McMuster Posted")  # the article
    view.tag("s05b", "named_on_record")
    view.tag("s07", "anonymous")
    record = _recorded(tmp_path, "q2_tags")
    assert record["value"] == {"s05b": "named_on_record", "s07": "anonymous"}
    assert record["sequence"] == 2 and record["item_type"] == "span_tagger"
    assert _bundle(frontend, "q2_tags")[MIME]["value"] == record["value"]
    assert "Answer recorded" in view.status.value

    view.check_button.click()
    feedback = html.unescape(view.feedback.value)
    assert "Look at who held this post on the article's date." in feedback  # per-distractor hint
    assert "✘ Not yet" in feedback and view.feedback.kind == "feedback"  # the live region
    assert "named_unverifiable" not in feedback

    again = Lab("a02_attribution", folder=tmp_path).show("q2_tags")
    assert again.tagger.value.get("s05b") == "named_on_record"
    assert "s01" not in again.tagger.value
    assert "restored" in again.status.value


def test_show_answer_opens_only_after_three_checks(tmp_path, frontend):
    view = Lab("a04_time", folder=tmp_path).show("q3_window")
    assert view.answer_button is not None and view.answer_button.disabled
    view.choose("march2021")
    for _ in range(3):
        view.check_button.click()
    assert "Who gave the Pentagon briefings in March 2021?" in html.unescape(view.feedback.value)
    assert not view.answer_button.disabled
    view.answer_button.click()
    assert "From August 2022 to December 2023" in html.unescape(view.feedback.value)


def test_claim_verdicts_need_evidence_and_score_it(tmp_path, frontend):
    lab = Lab("a03_claims", folder=tmp_path)
    view = lab.show("q2_verdicts")
    view.set_verdict("c_kfor_ended", "false")
    assert lab.result("q2_verdicts", scored=False).complete is False
    assert "verdict given but no evidence chosen" in " ".join(
        lab.result("q2_verdicts", scored=False).messages
    )
    desk = lab.show("q1_desk")
    desk.open("blog_balkan_notes")
    desk.cite("c_kfor_ended")  # "Cite for claim 1" under the opened document
    assert "Cited" in desk.cited.value and "claim 1" in desk.cited.value
    view.cite("c_kfor_ended", "nato_kfor_topic")  # the card's own "add evidence" chooser
    view.cite("c_kfor_ended", "nato_kfor_topic")  # cited once only
    value = _recorded(tmp_path, "q2_verdicts")["value"]
    assert value["c_kfor_ended"] == {
        "verdict": "false",
        "evidence": ["blog_balkan_notes", "nato_kfor_topic"],
    }
    scored = lab.result("q2_verdicts")
    parts = {p.part_id: p for p in scored.parts}
    assert parts["c_kfor_ended.verdict"].status == "correct"
    assert parts["c_kfor_ended.evidence"].status == "partial"  # a weak blog beside NATO
    view.uncite("c_kfor_ended", "blog_balkan_notes")  # a chip's Remove button
    assert _recorded(tmp_path, "q2_verdicts")["value"]["c_kfor_ended"]["evidence"] == [
        "nato_kfor_topic"
    ]
    assert [b.description for b in desk.cite_buttons][:2] == [
        "Cite for claim 1",
        "Cite for claim 2",
    ]


def test_the_desk_cites_into_the_claims_answer_when_the_claims_cell_has_not_run(tmp_path, frontend):
    lab = Lab("a03_claims", folder=tmp_path)
    desk = lab.show("q1_desk")
    desk.open("nato_kfor_topic")
    desk.cite("c_kfor_ended")
    assert _recorded(tmp_path, "q2_verdicts")["value"] == {
        "c_kfor_ended": {"verdict": "", "evidence": ["nato_kfor_topic"]}
    }
    shown = lab.show("q2_verdicts")
    assert shown.verdicts.value["c_kfor_ended"]["evidence"] == ["nato_kfor_topic"]


def test_timeline_order_by_buttons_and_the_anachronism(tmp_path, frontend):
    lab = Lab("a04_time", folder=tmp_path)
    view = lab.show("q2_timeline")
    assert lab.answer("q2_timeline") is None  # the starting order is not an answer
    first = view.order.order[0]
    assert view.order.widget.spec["items"][0][0] == first  # the page starts from this order
    view.order.move(first, +1)  # "Move down" on the first event
    assert view.order.order[1] == first
    view.order.move(view.order.order[0], -1)  # "Move up" on the top row does nothing
    assert view.order.order[1] == first
    view.mark("c_ryder_title")
    value = _recorded(tmp_path, "q2_timeline")["value"]
    assert value["marked"] == "c_ryder_title" and len(value["order"]) == 10
    restored = Lab("a04_time", folder=tmp_path).show("q2_timeline")
    assert restored.order.order == value["order"] and restored.marked.value == "c_ryder_title"
    assert restored.order.widget.value == value["order"]  # what the page draws


def test_provenance_chain_records_order_and_statuses(tmp_path, frontend):
    lab = Lab("a01_provenance", folder=tmp_path)
    view = lab.show("q4_chain")
    view.order.confirm()
    view.set_status("forum_post", "verified")
    value = _recorded(tmp_path, "q4_chain")["value"]
    assert sorted(value["order"]) == sorted(lab.case.chain)
    assert value["status"] == {"forum_post": "verified"}
    assert lab.result("q4_chain", scored=False).complete is False


def test_source_desk_logs_searches_and_opened_documents(tmp_path, frontend):
    lab = Lab("a03_claims", folder=tmp_path)
    view = lab.show("q1_desk")
    found = view.search("KFOR 2015")
    assert found, "the library should answer a search for KFOR 2015"
    view.open(found[0])
    assert "Publisher:" in view.reader.value
    view.search("zzzz nothing")
    assert "No document in the library matches" in view.reader.value
    log = _recorded(tmp_path, "q1_desk")["value"]
    assert [e["action"] for e in log] == ["search", "open", "search"]
    assert log[1]["doc_id"] == found[0] and log[0]["question"] == "q2_verdicts"
    assert all(e["at"].endswith("Z") for e in log)


def test_the_desk_shows_where_a_result_comes_from_and_leaves_its_kind_to_the_learner(
    tmp_path, frontend
):
    # Content review 3.4.4: "[blog]" after a result hands over the judgement a03 asks for.
    lab = Lab("a03_claims", folder=tmp_path)
    desk = lab.show("q1_desk")
    found = desk.search("KFOR")
    labels = {doc: text for text, doc in desk.results.options}
    kinds = {lab.case.document(d).kind for d in found}
    assert len(kinds) > 1, "the search should reach documents of several kinds"
    for doc_id in found:
        doc = lab.case.document(doc_id)
        assert f"[{doc.kind}]" not in labels[doc_id]
        assert doc.url.split("/")[2] in labels[doc_id]  # the site, e.g. www.nato.int
    desk.open(found[0])
    assert "Kind:" not in desk.reader.value
    assert html.escape(lab.case.document(found[0]).url) in desk.reader.value


def test_the_desk_and_the_evidence_list_mark_the_invented_examples(tmp_path, frontend):
    lab = Lab("a03_claims", folder=tmp_path)
    desk = lab.show("q1_desk")
    desk.search("Kosovo Force 2015")
    labels = {doc: text for text, doc in desk.results.options}
    assert labels["blog_balkan_notes"].endswith("[invented example]")
    assert "invented" not in labels["bondsteel_toa_2015"]
    desk.open("defense_daily_lookalike")
    assert "Invented example: this page was made up" in html.unescape(desk.reader.value)
    desk.open("nato_kfor_topic")
    assert "Invented example" not in desk.reader.value
    verdicts = lab.show("q2_verdicts")
    options = dict(verdicts.verdicts.spec["documents"])
    assert options["defense_daily_lookalike"].endswith("(undated, invented example)")


def test_choice_and_written_answers(tmp_path, frontend):
    lab = Lab("a05_verdict", folder=tmp_path)
    choice = lab.show("q1_loaded")
    choice.choose(["revanchist"])
    choice.choose(["small_nation", "revanchist"])  # kept in the options' order
    assert _recorded(tmp_path, "q1_loaded")["value"] == ["revanchist", "small_nation"]
    written = lab.show("q5_assessment")
    written.text.value = "The text has no traceable origin."
    assert _recorded(tmp_path, "q5_assessment")["value"] == "The text has no traceable origin."
    assert "The text has no traceable origin." in _bundle(frontend, "q5_assessment")["text/plain"]
    assert written.count.value == "6 words"
    written.check_button.click()
    assert "aim for at least 150" in html.unescape(written.feedback.value)


def test_graded_mode_gives_form_feedback_only(tmp_path, frontend, graded_mode):
    lab = Lab("a02_attribution", folder=tmp_path)
    assert not lab.self_study
    view = lab.show("q2_tags")
    assert view.answer_button is None
    for part in lab.question("q2_tags").parts:
        view.tag(part, "anonymous")
    view.check_button.click()
    feedback = html.unescape(view.feedback.value)
    assert "Every part has a label" in feedback
    assert "Not yet" not in feedback and "Right" not in feedback and "correct" not in feedback
    assert "checked when your teacher grades it" in feedback


def test_a_corrupt_record_starts_empty_with_a_message_and_spares_neighbours(tmp_path, frontend):
    lab = Lab("a05_verdict", folder=tmp_path)
    lab.show("q1_loaded").choose(["revanchist"])
    lab.show("q2_contradictions").choose(["years"])
    (tmp_path / "answers" / "q1_loaded.json").write_text('{"question_id": "q1_lo')
    hand_edited = _recorded(tmp_path, "q2_contradictions")
    fresh = Lab("a05_verdict", folder=tmp_path)
    broken = fresh.show("q1_loaded")
    assert broken.choices.value == []
    assert "could not be read" in broken.status.value
    assert fresh.show("q2_contradictions").choices.value == ["years"]
    hand_edited["value"] = ["years", "made_up_option"]
    (tmp_path / "answers" / "q2_contradictions.json").write_text(json.dumps(hand_edited))
    view = Lab("a05_verdict", folder=tmp_path).show("q2_contradictions")
    assert view.choices.value == []
    assert "did not fit the question" in view.status.value


def test_an_unwritable_folder_says_the_answer_was_not_saved(tmp_path, frontend):
    (tmp_path / "answers").write_text("a file where the folder should be")
    view = Lab("a01_provenance", folder=tmp_path).show("q2_posted_where")
    view.choose("gaming_forum")
    assert "could not be saved" in view.status.value
