"""The kit's own case loads, is complete, and says exactly what the shared case file says."""

from __future__ import annotations

import hashlib
import itertools
import re

import pandas as pd
import pytest

from course.casefile import DEFAULT_CASE, load_case
from course.casefile.model import DOCUMENT_KINDS
from support import SHARED

# The article as posted; pinned so that no edit can slip in even where ../shared is absent.
ARTICLE_SHA256 = "ef4075aa99e01a21e748d31aae4d47c56e8b884426488f2c41a1c647956148aa"


@pytest.fixture(scope="module")
def case():
    return load_case()


def test_article_is_byte_identical_to_the_shared_case_file(case):
    ours = (DEFAULT_CASE / "article.txt").read_bytes()
    assert ours.decode("utf-8") == case.article_text
    assert ours.endswith(b"Recommended Posts"), "the forum footer is part of the text as posted"
    shared = SHARED / "casefile" / "article.txt"
    if shared.exists():
        assert ours == shared.read_bytes()
    assert hashlib.sha256(ours).hexdigest() == ARTICLE_SHA256


def test_segment_ids_are_stable(case, golden):
    golden(
        "segment_ids",
        [[s.segment_id, s.level, s.parent_id, s.start, s.end] for s in case.segment_records],
    )


def test_every_segment_text_is_the_article_slice(case):
    for seg in case.segment_records:
        assert case.article_text[seg.start : seg.end] == seg.text


def test_parts_and_sentences_cover_the_article_in_order(case):
    parts = [s for s in case.segment_records if s.level == "part"]
    joined = " ".join(p.text for p in parts)
    assert re.sub(r"\s+", " ", joined) == re.sub(r"\s+", " ", case.article_text)
    for part in parts:
        sentences = [s for s in case.segment_records if s.parent_id == part.segment_id]
        assert " ".join(s.text for s in sentences) == part.text


def test_leaf_segments_are_in_reading_order_and_do_not_overlap(case):
    leaves = case.leaf_segments()
    assert [s.start for s in leaves] == sorted(s.start for s in leaves)
    for before, after in itertools.pairwise(leaves):
        assert before.end <= after.start


def test_every_library_document_has_url_publisher_date_and_kind(case):
    assert len(case.documents) >= 30
    for doc in case.documents.values():
        assert doc.url.startswith(("https://", "http://")), doc.doc_id
        assert doc.publisher.strip(), doc.doc_id
        assert doc.date == "undated" or doc.date_start is not None, doc.doc_id
        assert doc.kind in DOCUMENT_KINDS, doc.doc_id
        assert doc.facts, doc.doc_id
        assert 40 <= len(doc.body.split()) <= 400, f"{doc.doc_id}: body should be a short document"


def test_library_holds_the_documents_a_student_must_find(case):
    urls = " ".join(d.url for d in case.documents.values())
    for needle in (
        "nato.int/cps/en/natohq/topics_48818",  # NATO's KFOR page
        "defense.gov/Newsroom/Transcripts/Transcript/Article/2533947",  # Kirby, 8 Mar 2021
        "stylemagazine.com/news/2022/aug/04",  # Ryder named
        "state.gov/secretary/rm/2008/02/100973",  # US recognition
        "nationalguard.mil/News/State-Partnership-Program",  # Iowa–Kosovo
        "120-32",  # the MNNA list
        "3dmrbru.com/forums/topic/7288",  # the forum thread
        "defensedaily.com",  # the claimed outlet
    ):
        assert needle in urls, f"no library document for {needle}"


def test_library_includes_undated_and_invented_distractors(case):
    undated = [d for d in case.documents.values() if d.date == "undated"]
    invented = [d for d in case.documents.values() if ".example/" in d.url]
    assert undated, "an undated source teaches students to notice missing dates"
    assert len(invented) >= 2, "invented look-alike sources use the reserved .example domain"


def test_every_timeline_event_has_a_source_and_a_parseable_date(case):
    assert len(case.events) >= 30
    for event in case.events:
        assert event.source_url.startswith(("https://", "http://")), event.event_id
        assert event.date_start.year >= 1990
        if event.doc_id:
            assert event.doc_id in case.documents


def test_timeline_contains_the_dates_the_anachronism_rests_on(case):
    by_date = {e.date for e in case.events}
    for date in ("2021-01-14", "2021-03-15", "2022-08-04", "2023-01-05", "2023-12-05"):
        assert date in by_date, f"timeline lacks {date}"


def test_claims_quote_their_segment_exactly(case):
    for claim in case.claim_records:
        assert claim.quote in case.segment(claim.segment_id).text


def test_dataframes_use_pandas_3_dtypes(case):
    library = case.library()
    timeline = case.timeline()
    segments = case.segments()
    assert isinstance(library, pd.DataFrame) and library.index.name == "doc_id"
    assert pd.api.types.is_string_dtype(library["title"])
    assert pd.api.types.is_datetime64_any_dtype(timeline["date_start"])
    assert timeline["date_start"].is_monotonic_increasing
    assert segments.loc["s02", "text"].startswith("Bruce Mathews for Defense Daily")
    assert pd.api.types.is_integer_dtype(segments["start"])


def test_as_posted_matches_the_header_and_byline(case):
    posted = case.as_posted
    assert posted.posted_on.isoformat() == "2023-01-05"
    assert posted.claimed_date.isoformat() == "2021-03-15"
    assert posted.claimed_author in case.segment("s02").text
    assert posted.poster in case.segment("s01").text
