"""What the engine knows about a question, and how it reads one raw answer into an answer key.

Answer keys: a single choice is its value, an integer is itself, a multi-select is the frozenset
of its ticked choices. `None` means "not asked" (hidden by skip logic).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import AnswerProblem


def did_you_mean(word: Any, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def listing(options: Sequence[Any], limit: int = 12) -> str:
    shown = ", ".join(str(o) for o in list(options)[:limit])
    return shown + (", ..." if len(options) > limit else "")


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What conditions and the walk need to know about a question."""

    id: str
    type: str  # single | multi | integer
    index: int  # position in the questionnaire
    short: str
    choices: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    ordered: bool = False
    min: int | None = None
    max: int | None = None

    @property
    def bounds(self) -> tuple[int, int]:
        """The range of an integer question (the loader requires both ends)."""
        assert self.min is not None and self.max is not None, self.id
        return self.min, self.max

    def label(self, value: Any) -> str:
        return f"“{self.labels.get(value, value)}”" if self.type != "integer" else str(value)

    def rank(self, value: Any) -> int:
        """Position on the question's scale: the number itself, or the choice's place."""
        return value if self.type == "integer" else self.choices.index(value)

    def readable(self, key: Any) -> Any:
        """An answer key as the API and the session hold it (multi-selects as lists)."""
        if self.type == "multi":
            return [c for c in self.choices if c in key]
        return key


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A contradiction of rules.yaml, parsed: answers that cannot all be true. The walk refuses
    the answer of the question it belongs to when `when` is certainly true of the answers so far
    (the earlier ones and this one), as `read_answer` refuses a number out of range."""

    id: str
    when: Any  # a Condition (conditions.py imports this module)
    message: str
    earlier: tuple[str, ...]  # the earlier questions `when` reads: the answers to change

    def problem(self, question: str, keys: Any) -> AnswerProblem | None:
        """The AnswerProblem of `question`'s answer when these answer keys contradict."""
        if self.when.truth(keys) is not True:
            return None
        return AnswerProblem(question, "contradiction", self.message, self.earlier)


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true or false",
        float: "a decimal number",
        int: "a whole number",
        type(None): "nothing",
    }
    return names.get(type(value), type(value).__name__)


def is_empty(raw: Any) -> bool:
    """No answer: nothing, empty text or an empty list."""
    return raw is None or raw == "" or (isinstance(raw, list | tuple) and not raw)


def read_answer(info: QuestionInfo, errors: Any, raw: Any) -> Any:
    """The answer key of a non-empty raw answer, or the AnswerProblem that says what is wrong."""
    return _READERS[info.type](info, errors, raw)


def _read_single(info: QuestionInfo, errors: Any, raw: Any) -> Any:
    if not isinstance(raw, str):
        return AnswerProblem(
            info.id, "wrong_type", f"expected one choice as text, got {_kind(raw)}"
        )
    if raw not in info.choices:
        return AnswerProblem(
            info.id,
            "unknown_choice",
            f"'{raw}' is not a choice"
            + did_you_mean(raw, info.choices)
            + f" (expected one of: {', '.join(info.choices)})",
        )
    return raw


def _read_integer(info: QuestionInfo, errors: Any, raw: Any) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, int):
        return AnswerProblem(info.id, "wrong_type", f"expected a whole number, got {_kind(raw)}")
    low, high = info.bounds
    if not low <= raw <= high:
        return AnswerProblem(
            info.id, "out_of_range", errors.range or f"expected {info.min} to {info.max}"
        )
    return raw


def _read_multi(info: QuestionInfo, errors: Any, raw: Any) -> Any:
    if not isinstance(raw, list | tuple):
        return AnswerProblem(info.id, "wrong_type", f"expected a list of choices, got {_kind(raw)}")
    for value in raw:
        if not isinstance(value, str) or value not in info.choices:
            return AnswerProblem(
                info.id,
                "unknown_choice",
                f"'{value}' is not a choice"
                + did_you_mean(value, info.choices)
                + f" (expected any of: {', '.join(info.choices)})",
            )
    key = frozenset(raw)
    if "none" in key and len(key) > 1:
        return AnswerProblem(
            info.id, "exclusive", errors.exclusive or "'none' cannot be chosen with other choices"
        )
    return key


_READERS = {"single": _read_single, "integer": _read_integer, "multi": _read_multi}
