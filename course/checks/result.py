"""What a check returns: small documented records, plain enough to print, store or grade."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class PartStatus(StrEnum):
    """The outcome of one part of an answer (a ``str``: it prints and stores as its value).

    correct, partial and wrong come from a scored check (a key was given); missing and
    answered from a form check, which only asks whether the part has an answer.
    """

    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    MISSING = "missing"
    ANSWERED = "answered"


@dataclass(frozen=True)
class PartResult:
    """One part of an answer (a segment's tag, a claim's verdict, a chain step's status).

    ``status`` is a :class:`PartStatus`: correct, partial, wrong (scored), or missing, answered
    (form only).
    ``message`` is a learner-facing sentence, empty when there is nothing to say.
    """

    part_id: str
    status: PartStatus
    score: float = 0.0
    max_score: float = 0.0
    message: str = ""


@dataclass(frozen=True)
class Result:
    """A whole item's outcome.

    ``scored`` is False for a form check (no key: only "is everything answered?"), and then
    ``score`` is 0 and only ``complete`` and the messages mean anything.
    """

    item_type: str
    scored: bool
    complete: bool
    parts: tuple[PartResult, ...]
    score: float = 0.0
    max_score: float = 0.0
    summary: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def messages(self) -> list[str]:
        """The summary, then each part's message, then notes: what a learner reads."""
        lines = [self.summary] if self.summary else []
        lines += [p.message for p in self.parts if p.message]
        return lines + list(self.notes)

    def scaled(self, points: float) -> float:
        """The score as a share of ``points`` (rounded to 2 decimals)."""
        if not self.max_score:
            return 0.0
        return round(points * self.score / self.max_score, 2)


@dataclass(frozen=True)
class ChoiceKey:
    """The key for one part whose answer is an id from a vocabulary.

    ``accept`` lists the right ids; ``hints`` maps a wrong id to one sentence that points the
    learner at what to look at (never at the right id).
    """

    accept: tuple[str, ...]
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimKey:
    """The key for one claim: accepted verdicts, the evidence in two tiers, and hints.

    ``settles`` lists documents that settle the claim on their own (the full evidence point);
    ``supports`` lists documents that bear on it but leave it open alone, such as a mirror or
    a report that covers only part of the claim (half the point when cited without a document
    that settles it). Each document in ``distractors`` (weak for this claim) that a learner
    cites costs half the point.
    """

    verdicts: tuple[str, ...]
    settles: tuple[str, ...]
    verdict_hints: dict[str, str] = field(default_factory=dict)
    evidence_hints: dict[str, str] = field(default_factory=dict)
    distractors: tuple[str, ...] = ()
    supports: tuple[str, ...] = ()

    @property
    def evidence(self) -> tuple[str, ...]:
        """Every document worth citing: those that settle the claim, then those that support."""
        return self.settles + self.supports


@dataclass(frozen=True)
class OrderKey:
    """The key for an ordering item: ids in one true order, plus an optional marked item.

    ``tied`` lists groups of ids whose order among themselves does not matter (two steps that
    are one hand-off, or two sources side by side); ``order`` shows one valid order.
    """

    order: tuple[str, ...]
    marked: str = ""
    marked_hints: dict[str, str] = field(default_factory=dict)
    tied: tuple[tuple[str, ...], ...] = ()
