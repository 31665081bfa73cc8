"""Answer keys: instructor side only, every item traced to a FACTCHECK.md row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sourcing_lab.keys import FACTCHECK_ROW, KEYS_ROOT, KeyFileError, load_keys
from support import REPO, SHARED

FACTCHECK = KEYS_ROOT / "kosovo_ksf" / "FACTCHECK.md"


@pytest.fixture(scope="module")
def keys():
    return load_keys()


def _rows_in_dossier() -> set[str]:
    text = FACTCHECK.read_text(encoding="utf-8")
    return set(re.findall(r"^\| ((?:C|A)\d+) \|", text, flags=re.MULTILINE))


def test_the_dossier_copy_is_the_shared_one():
    shared = SHARED / "casefile" / "FACTCHECK.md"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert FACTCHECK.read_bytes() == shared.read_bytes()


def test_the_dossier_has_every_row_the_keys_may_cite():
    rows = _rows_in_dossier()
    assert {f"C{i}" for i in range(1, 28)} <= rows
    assert {f"A{i}" for i in range(1, 16)} <= rows


def test_every_key_item_names_existing_factcheck_rows(keys):
    rows = _rows_in_dossier()
    assert len(keys.factcheck_by_item) >= 50
    for item, cited in keys.factcheck_by_item.items():
        assert cited, f"{item} cites no FACTCHECK row"
        for row in cited:
            assert FACTCHECK_ROW.match(row) and row in rows, f"{item}: unknown row {row}"


def test_every_key_file_item_has_a_comment_or_a_factcheck_field():
    for path in sorted(KEYS_ROOT.rglob("*.toml")):
        text = path.read_text(encoding="utf-8")
        tables = re.findall(r"(?m)^\[([a-z0-9_.]+)\]$", text)
        top_level = [t for t in tables if "." not in t or t.startswith("links.")]
        top_level = [t for t in top_level if not t.endswith(("hints",))]
        assert top_level, f"{path.name} has no items"
        assert text.count("factcheck") >= len(top_level), path.name


def test_every_attribution_leaf_is_keyed_except_the_forum_footer(keys):
    from course.casefile import load_case

    leaves = {s.segment_id for s in load_case().leaf_segments()}
    assert set(keys.attribution) == leaves - {"s12"}


def test_every_claim_and_library_document_is_keyed(keys):
    from course.casefile import load_case

    case = load_case()
    assert set(keys.claims) == {c.claim_id for c in case.claim_records}
    assert set(keys.library_trace) == set(case.documents)
    roles = {entry["role"] for entry in keys.library_trace.values()}
    assert roles == {"evidence", "context", "distractor"}


def test_no_key_file_lives_in_the_student_package():
    course = REPO / "course"
    assert not [p for p in course.rglob("*.toml") if p.parent.name == "keys"]
    for path in course.rglob("*"):
        if path.is_file() and path.suffix in {".toml", ".csv", ".md", ".py", ".txt"}:
            text = path.read_text(encoding="utf-8")
            assert "accept = [" not in text and "verdicts = [" not in text, path


def test_a_broken_key_file_names_file_item_and_field(tmp_path, monkeypatch):
    import shutil

    import sourcing_lab.keys as keys_module

    root = tmp_path / "keys"
    shutil.copytree(KEYS_ROOT, root)
    monkeypatch.setattr(keys_module, "KEYS_ROOT", root)
    path: Path = root / "kosovo_ksf" / "attribution.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('factcheck = ["A6", "C12", "C13"]', 'factcheck = ["Z9"]'))
    with pytest.raises(KeyFileError) as info:
        load_keys()
    message = str(info.value)
    assert "attribution.toml" in message and "item 's05b'" in message
    assert "field 'factcheck'" in message and "'Z9'" in message
    path.write_text(text.replace('accept = ["anonymous"]', 'accept = ["rumour"]', 1))
    with pytest.raises(KeyFileError, match="'rumour' is unknown; choose from"):
        load_keys()


@pytest.fixture
def key_copy(tmp_path, monkeypatch):
    """A writable copy of the kit's keys, loaded in place of the real ones."""
    import shutil

    import sourcing_lab.keys as keys_module

    root = tmp_path / "keys"
    shutil.copytree(KEYS_ROOT, root)
    monkeypatch.setattr(keys_module, "KEYS_ROOT", root)
    return root / "kosovo_ksf"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field", "fix"),
    [
        (
            'settles = ["mnna_regulation", "pfp_recognition_2022"]',
            'evidence = ["mnna_regulation", "pfp_recognition_2022"]',
            "evidence",
            "Move each document that settles the claim on its own to settles",
        ),
        (
            'settles = ["mnna_regulation", "pfp_recognition_2022"]\n'
            'supports = ["mnna_list_mirror"]',
            'settles = ["mnna_regulation", "mnna_list_mirror"]\nsupports = []',
            "settles",
            "'mnna_list_mirror' (mirror, trace role context) cannot settle a claim on its own",
        ),
        (
            'supports = ["mnna_list_mirror"]',
            'supports = ["mnna_list_mirror", "mnna_regulation"]',
            "settles",
            "'mnna_regulation' is listed in two tiers; keep it in one",
        ),
        (
            'supports = ["mnna_list_mirror"]',
            'supports = ["mnna_list_mirror", "blog_balkan_notes"]',
            "supports",
            "'blog_balkan_notes' is a distractor in library_trace.toml",
        ),
        (
            'supports = ["mnna_list_mirror"]',
            'supports = ["mnna_list_mirror"]\nreliable = true',
            "reliable",
            "unknown field; use only: factcheck, verdicts, settles",
        ),
    ],
    ids=["old-evidence-field", "mirror-settles", "two-tiers", "distractor-supports", "unknown"],
)
def test_a_broken_evidence_tier_names_file_claim_field_and_fix(key_copy, old, new, field, fix):
    _replace(key_copy / "claims.toml", old, new)
    with pytest.raises(KeyFileError) as info:
        load_keys()
    message = str(info.value)
    assert "claims.toml" in message and "item 'c_major_ally'" in message
    assert f"field '{field}'" in message and fix in message


def test_an_evidence_hint_for_a_document_that_is_not_weak_is_refused(key_copy):
    _replace(
        key_copy / "claims.toml",
        "[c_major_ally.evidence_hints]\n",
        '[c_major_ally.evidence_hints]\nmnna_regulation = "Look again."\n',
    )
    with pytest.raises(KeyFileError, match="'mnna_regulation', which is not weak for this claim"):
        load_keys()


def test_a_chain_order_must_list_every_step_once_with_groups_allowed(key_copy):
    path = key_copy / "provenance.toml"
    _replace(path, '["claimed_original", "quoted_official"]', '"claimed_original"')
    with pytest.raises(KeyFileError) as info:
        load_keys()
    assert "item 'order'" in str(info.value) and "each chain step once" in str(info.value)
    _replace(path, '"claimed_original"]', '["claimed_original", 3]]')
    with pytest.raises(KeyFileError, match="is not a step id or a list of step ids"):
        load_keys()
