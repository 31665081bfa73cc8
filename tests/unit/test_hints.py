"""Hints never point at the answer, and no feedback text contradicts its hint.

Every hint in every key (attribution, claims, chain, timeline, choice and code questions) and
every generic feedback message in ``course/messages.py`` is checked against the answer it must
not give away. "Contains the keyed answer" means any of:

- the keyed option's id (``named_unverifiable``, ``c_ryder_title``, ``gaming_forum``);
- its label text (``"Partly accurate or imprecise"``), or, for an option that quotes the
  article, the quoted words;
- a word that tells the keyed option apart from the other options (``imprecise`` for "Partly
  accurate or imprecise", ``forum`` for "On a forum run by a video-game community"), matched on
  its stem, so ``verify`` also finds ``verified``;
- the everyday names of the verdicts and link statuses (``wrong`` for *False*, ``judgement``
  for *Opinion presented as fact*, ``no trace`` for *Unverified*) and of the keyed anachronism
  (a job ``title``, ``rank`` or ``post``: the one option that is about a person);
- for evidence, the title or id of a document that settles or supports the claim;
- for a computed value, the value itself (``661``, ``Monday``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from course.casefile import load_case
from course.checks import check_timeline
from course.messages import MESSAGES, say
from course.questions import load_assignment
from course.vocab import ATTRIBUTION_TYPES, LINK_STATUSES, VERDICTS
from sourcing_lab.keys import load_keys

STOP_WORDS = (
    "a an and are as at be been but by can could did do does for from has have he his how if "
    "in into is it its itself not of on one only or other our over so than that the their "
    "them then there these they this those to up was were what when where whether which who "
    "whose why will with would you your any some more most much many very just own also "
    "each every cannot look"
)
STOP = frozenset(STOP_WORDS.split())
# Everyday words that name a verdict or a status without quoting its label.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "accurate": ("correct", "true"),
    "partly_accurate": ("imprecise", "partly", "loose"),
    "false": ("wrong", "untrue", "contradicted", "disproved"),
    "misleading": ("misleads", "slanted"),
    "unverifiable": ("unverifiable", "verify", "no trace"),
    "opinion": ("judgement", "judgment", "opinion"),
    "inconsistent": ("contradicts itself", "inconsistent"),
    "anachronistic": ("anachronism", "anachronistic", "out of place in time", "for the date"),
    "verified": ("confirms", "confirmed"),
    "unverified": ("no trace", "either way"),
    "contradicted": ("contradict", "cannot be right", "proof"),
    "c_ryder_title": ("title", "rank", "job", "post", "spokesperson", "press secretary"),
}
# Frames that wrap a hint may say only that the choice is not the keyed one.
TRUTH_CLAIMS = re.compile(
    r"\b(could be true|is true|is false|could be right|is right|is correct|true at|false at)\b"
)
AFFIRMS_THE_CHOICE = re.compile(
    r"\b(that is right|this is right|you are right|is correct|is an anachronism|"
    r"could be true at its date)\b",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['-][a-z0-9]+)*", text.casefold())


def same_word(a: str, b: str) -> bool:
    """Equal, or sharing a long stem (verify / verified, forum / forums)."""
    if a == b:
        return True
    stem = max(5, min(len(a), len(b)) - 2)
    return len(a) >= stem and len(b) >= stem and a[:stem] == b[:stem]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if len(w) >= 4 and w not in STOP]


@dataclass
class Answer:
    """What a hint must not contain: phrases (matched whole) and words (matched on stems)."""

    what: str
    phrases: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)

    def found_in(self, text: str) -> list[str]:
        flat = " " + " ".join(words(text)) + " "
        hits = [p for p in self.phrases if words(p) and f" {' '.join(words(p))} " in flat]
        hits += [s for s in self.stems if any(same_word(s, w) for w in words(text))]
        return hits


def _quoted(label: str) -> list[str]:
    """The article's words inside an option label that quotes it, split at ellipses."""
    parts = re.findall(r"[\"'“‘]([^\"'”’]+)[\"'”’]", label)
    return [p.strip() for part in parts for p in part.split("…") if len(words(p)) >= 2]


def option_answer(
    option: str, options: dict[str, str], keyed: tuple[str, ...] = (), *, distinctive: bool = True
) -> Answer:
    """``keyed`` lists the other right options: a word they share is still a give-away."""
    label = options[option]
    answer = Answer(f"{option} ({label})", {option.replace("_", " "), label})
    quoted = _quoted(label)
    if quoted:
        answer.phrases.update(quoted)
    elif distinctive:
        others = [
            w
            for o, text in options.items()
            if o not in (option, *keyed)
            for w in content_words(text)
        ]
        answer.stems.update(
            w for w in content_words(label) if not any(same_word(w, o) for o in others)
        )
    for synonym in SYNONYMS.get(option, ()):
        (answer.phrases if " " in synonym else answer.stems).add(synonym)
    return answer


def attribution_answer(type_id: str) -> Answer:
    """An attribution type's label, and each of its parts that is two words or more."""
    label = ATTRIBUTION_TYPES[type_id]
    parts = [p.strip() for p in re.split(r"[,()]", label) if len(words(p)) >= 2]
    return Answer(f"{type_id} ({label})", {type_id.replace("_", " "), label, *parts})


def _keyed(keys, case) -> list[tuple[str, str, list[Answer]]]:
    """(where, hint text, the answers it must not contain) for every hint in every key."""
    found = []
    for seg, key in keys.attribution.items():
        answers = [attribution_answer(t) for t in key.accept]
        found += [(f"attribution {seg}.{o}", h, answers) for o, h in key.hints.items()]
    for claim_id, key in keys.claims.items():
        answers = [option_answer(v, VERDICTS, key.verdicts) for v in key.verdicts]
        found += [(f"claim {claim_id}.{o}", h, answers) for o, h in key.verdict_hints.items()]
        docs = [Answer(d, {d.replace("_", " "), case.document(d).title}) for d in key.evidence]
        found += [(f"evidence {claim_id}.{d}", h, docs) for d, h in key.evidence_hints.items()]
    for link, key in keys.provenance_links.items():
        answers = [option_answer(s, {s: LINK_STATUSES[s]}, distinctive=False) for s in key.accept]
        found += [(f"chain {link}.{o}", h, answers) for o, h in key.hints.items()]
    return found + _timeline_hints(keys, case) + _assignment_hints(keys)


def _anachronism_answer(keys, case) -> Answer:
    claim_id = keys.timeline["anachronism"]["claim"]
    options = load_assignment("a04_time").question("q2_timeline").options
    answer = option_answer(claim_id, options)
    claim = next(c for c in case.claim_records if c.claim_id == claim_id)
    answer.phrases.update({claim.label, claim.quote})
    return answer


def _timeline_hints(keys, case) -> list[tuple[str, str, list[Answer]]]:
    answer = _anachronism_answer(keys, case)
    hints = keys.timeline["anachronism"].get("hints", {})
    return [(f"timeline anachronism.{o}", h, [answer]) for o, h in hints.items()]


def _assignment_hints(keys) -> list[tuple[str, str, list[Answer]]]:
    found = []
    for assignment_id, entries in keys.assignments.items():
        questions = load_assignment(assignment_id).questions
        for qid, entry in entries.items():
            where = f"{assignment_id} {qid}"
            if questions[qid].item_type == "choice":
                options = questions[qid].options
                keyed = tuple(entry["accept"])
                answers = [option_answer(o, options, keyed) for o in keyed]
                found += [(f"{where}.{o}", h, answers) for o, h in entry.get("hints", {}).items()]
            elif isinstance(entry.get("expected"), int | str) and "hint" in entry:
                value = str(entry["expected"])
                found.append((where, entry["hint"], [Answer(value, {value})]))
    return found


KEYS, CASE = load_keys(), load_case()
HINTS = _keyed(KEYS, CASE)


def test_every_kind_of_hint_is_collected():
    kinds = {where.split()[0] for where, _hint, _answers in HINTS}
    assert kinds >= {"attribution", "claim", "evidence", "chain", "timeline", "a01_provenance"}
    assert len(HINTS) > 120


@pytest.mark.parametrize(("where", "hint", "answers"), HINTS, ids=[h[0] for h in HINTS])
def test_no_hint_contains_the_keyed_answer(where, hint, answers):
    for answer in answers:
        assert not answer.found_in(hint), f"{where}: {hint!r} names {answer.what}"


def test_the_matcher_finds_the_give_aways_the_review_found():
    """The ways a hint can give the answer away (content review, K12) are all caught."""
    partly = option_answer("partly_accurate", VERDICTS)
    assert partly.found_in("Is it wrong, or only imprecise?")
    assert option_answer("opinion", VERDICTS).found_in("Which verdict fits a judgement?")
    assert option_answer("false", VERDICTS).found_in("Is it plainly contradicted by NATO?")
    assert option_answer("unverified", LINK_STATUSES, distinctive=False).found_in(
        "…or only no trace of it?"
    )
    checkable = load_assignment("a01_provenance").question("q5_checkable").options
    keyed = ("original_link", "author_page", "archived_copy")
    assert option_answer("original_link", checkable, keyed).found_in("Find the original.")
    assert option_answer("anachronistic", VERDICTS).found_in("Check the article's date.")
    anachronism = _anachronism_answer(KEYS, CASE)
    assert anachronism.found_in("Look for a person's job title and check when they held it.")
    assert not anachronism.found_in("Look for a detail that fits a later date.")
    assert Answer("661", {"661"}).found_in("It is 661 days.")


GENERIC = {
    "tag_wrong_generic": [],
    "verdict_wrong_generic": [option_answer(v, VERDICTS) for v in VERDICTS],
    "evidence_weak": [],
    "evidence_partial": [],
    "evidence_distractor_generic": [],
    "anachronism_wrong_generic": [_anachronism_answer(KEYS, CASE)],
    "choice_wrong_generic": [],
    "choice_partly": [],
    "choice_none_right": [],
    "choice_missed": [],
}


@pytest.mark.parametrize("message", sorted(GENERIC))
def test_generic_feedback_names_no_answer(message):
    text = MESSAGES[message]
    for answer in GENERIC[message]:
        assert not answer.found_in(text), f"{message}: {text!r} names {answer.what}"
    vocab = [*ATTRIBUTION_TYPES.values(), *VERDICTS.values(), *LINK_STATUSES.values()]
    assert not [label for label in vocab if label.casefold() in text.casefold()]


FRAMES = sorted(key for key, text in MESSAGES.items() if "{hint}" in text)


@pytest.mark.parametrize("frame", FRAMES)
def test_a_frame_around_a_hint_makes_no_claim_a_hint_could_contradict(frame):
    """A frame says only that the choice is not the keyed one (always true for a wrong choice),
    never whether the chosen item is true or false (K13: "could be true at its date" around a
    hint that says "false at any date")."""
    fixed = re.sub(r"'?\{\w+\}'?", " ", MESSAGES[frame]).casefold()
    assert not TRUTH_CLAIMS.search(fixed), f"{frame}: {MESSAGES[frame]!r}"


@pytest.mark.parametrize(("where", "hint", "answers"), HINTS, ids=[h[0] for h in HINTS])
def test_no_hint_tells_a_learner_that_the_wrong_choice_is_right(where, hint, answers):
    assert not AFFIRMS_THE_CHOICE.search(hint), f"{where}: {hint!r}"


def test_anachronism_feedback_agrees_with_its_hints_end_to_end():
    question = load_assignment("a04_time").question("q2_timeline")
    order = sorted(question.parts)
    anachronism = KEYS.timeline["anachronism"]
    from sourcing_lab.key_lookup import key_for_question

    key = key_for_question(KEYS, "a04_time", question, CASE)
    for option, hint in anachronism["hints"].items():
        result = check_timeline(
            {"order": order, "marked": option},
            dict.fromkeys(question.parts, ""),
            key,
            mark_options=question.options,
        )
        text = " ".join(result.messages)
        assert say("anachronism_wrong", hint=hint) in text
        assert "could be true" not in text
