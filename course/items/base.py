"""What an item type is, on the student (pure) side, and the registry that finds one by name.

An :class:`ItemType` says everything ``course`` needs to know about one kind of question: which
part ids a spec may list, how its parts are labelled, which ids a recorded value may use, how a
value is cleaned and checked, and which widget shows it (a dotted path, imported only by
``course.widgets`` when a notebook shows the item). No widgets, no IPython, no keys here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from course.casefile import Case
    from course.checks.result import Result
    from course.questions import Question

Allowed = Mapping[str, Collection[str]]
Table = tuple[list[str], list[dict[str, Any]]]  # (columns, rows)


def no_parts(case: Case) -> set[str]:
    """For item types whose spec lists no parts."""
    return set()


def no_labels(question: Question, case: Case) -> dict[str, str]:
    return {}


def no_ids(question: Question, case: Case) -> dict[str, tuple[str, ...]]:
    return {}


def no_spec_problem(question: Question, case: Case) -> tuple[str, str] | None:
    return None


@dataclass(frozen=True)
class ItemType:
    """One kind of question (``type = "<name>"`` in an assignment spec).

    - ``known_parts(case)``: the ids a spec's ``parts`` may list (empty: the type has none).
    - ``labels(question, case)``: a short, recognisable label for each part, in order.
    - ``allowed(question, case)``: the ids a recorded value may use, by role (``clean``'s).
    - ``clean(value, allowed)``: a plain copy of a recorded value, or ``ValueProblem``.
    - ``check(question, value, labels, key)``: the form check (key None) or the score.
    - ``widget``: ``"module.Class"`` of its view, imported lazily; empty when the notebook's own
      code cell is the item (a code answer).
    - ``spec_problem(question, case)``: (field, problem) when a spec entry cannot work.
    - ``table(question, value, case)``: the answer as (columns, rows) for ``Lab.answer_table``.
    - ``graded``: False when the value is kept for the report only (never scored or required).
    - ``auto_scored``: the kit scores it from a key, in a ``<qid>_check`` cell; a graded item
      that is not auto-scored is graded by a person (``manual``) and has no check cell.
    - ``value_from_code``: the value is computed by the learner's code when the check cell
      runs, so the grading run (not the recorded copies) decides it.
    """

    name: str
    known_parts: Callable[[Case], set[str]]
    labels: Callable[[Question, Case], dict[str, str]]
    allowed: Callable[[Question, Case], dict[str, tuple[str, ...]]]
    clean: Callable[[Any, Allowed], Any]
    check: Callable[[Question, Any, Mapping[str, str], Any], Result]
    widget: str = ""
    spec_problem: Callable[[Question, Case], tuple[str, str] | None] = no_spec_problem
    table: Callable[[Question, Any, Case], Table] | None = None
    graded: bool = True
    auto_scored: bool = True
    value_from_code: bool = False

    @property
    def manual(self) -> bool:
        """Graded by a person (a written answer): its text is shown to the grader."""
        return self.graded and not self.auto_scored


class UnknownItemType(KeyError):
    """A name that is no item type; the message lists the item types there are.

    A ``KeyError`` (so ``in`` and ``.get`` work as on a dict) that prints as plain text.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """Item types by name, in the order given; an unknown name raises :class:`UnknownItemType`
    with a message that names it and lists the known ones."""

    def __init__(self, what: str, entries: Mapping[str, T]) -> None:
        self._what = what
        self._entries = dict(entries)

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except (KeyError, TypeError):  # TypeError: a name that is not even hashable
            known = ", ".join(self._entries)
            raise UnknownItemType(
                f"'{name}' is not an item type{self._what}; item types: {known}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def opening(text: str, words: int = 7) -> str:
    """The first few words of a text, as a label."""
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")
