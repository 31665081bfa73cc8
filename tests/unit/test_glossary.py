"""The glossary and the toolbox: every specialist term the course uses, offline, in any notebook."""

from __future__ import annotations

import pytest

from course.glossary import GlossaryError, _load, glossary, methods

TERMS = (
    "KFOR",
    "UNMIK",
    "Attribution",
    "Hedge",
    "Provenance",
    "Anachronism",
    "MNNA",
    "PfP",
    "KSF",
    "Lateral reading",
    "Mirror",
    "Weasel word",
)


@pytest.mark.parametrize("term", TERMS)
def test_each_specialist_term_has_an_entry(term):
    card = glossary(term.lower())
    assert card.entries, term
    assert term.casefold() in card.entries[0].heading.casefold()


def test_the_glossary_shows_as_markdown_and_as_plain_text():
    card = glossary()
    markdown, plain = card._repr_markdown_(), repr(card)
    assert markdown.startswith("### Glossary") and "**KFOR (Kosovo Force)**" in markdown
    assert "KFOR (Kosovo Force): The NATO-led" in plain
    assert "https://jfcnaples.nato.int/kfor/about-us/welcome-to-kfor/mission" in plain


def test_an_unknown_term_lists_the_terms_there_are():
    card = glossary("zeppelin")
    assert not card.entries and "No entry for 'zeppelin'" in card.note and "Hedge" in card.note


def test_the_toolbox_maps_every_method_to_the_three_questions():
    card = methods()
    names = " ".join(e.heading for e in card.entries)
    for method in ("Civic Online Reasoning", "SIFT", "First Draft", "Reading Like a Historian"):
        assert method in names
    sift = next(e for e in card.entries if e.heading.startswith("SIFT"))
    assert "Trace claims, quotes and media to the original context" in sift.lines[0]
    assert all(
        e.sources and any(line.startswith("Serves:") for line in e.lines) for e in card.entries
    )
    assert "Who is behind the information?" in card.note


def test_a_broken_glossary_names_the_entry_and_field(tmp_path):
    path = tmp_path / "glossary.toml"
    path.write_text('[terms.kfor]\nterm = "KFOR"\n[methods.x]\nname = "X"\n', encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"entry 'terms.kfor', field 'means'"):
        _load(path)
    path.write_text(
        '[terms.kfor]\nterm = "KFOR"\nmeans = "A force."\nsources = ["nato.int"]\n',
        encoding="utf-8",
    )
    with pytest.raises(GlossaryError, match="field 'sources'"):
        _load(path)
