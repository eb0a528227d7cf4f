"""Why the headline is what it is: the rules that decided it and the answers behind them, in words.

The patient reads these inside the outcome card ("Because you said: ..."), the API returns them as
`outcome.because`, and the clinician preview shows them beside the trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import model
from .conditions import Condition

_PICKING = ("has", "has_any", "has_all")  # multi-select operators that name the choices they test


@dataclass(frozen=True, slots=True)
class SaidAnswer:
    """One answer the patient gave, in words."""

    question: str  # question id
    prompt: str  # the question as the patient read it
    answer: str  # the answer as the patient read it (choice labels, or the number)


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule that proposed the headline, and the patient's answers that made it match."""

    rule: str
    answers: tuple[SaidAnswer, ...]


Reads = tuple[tuple[str, frozenset[Any]], ...]  # (question id, the choices named), in order


def reads(cond: Condition, order: Sequence[str]) -> Reads:
    """The questions a condition reads, in question order, each with the choices it names
    (for a multi-select tested by `has`, `has_any` or `has_all`). Worked out once per rule."""
    named: dict[str, set[Any]] = {}
    for leaf in cond.leaves():
        chosen = named.setdefault(leaf.question, set())
        if leaf.name in _PICKING:
            chosen.update(leaf.value if isinstance(leaf.value, tuple) else (leaf.value,))
    return tuple((qid, frozenset(named[qid])) for qid in order if qid in named)


def deciding(
    rules: Iterable[Any], questions: Mapping[str, model.Question], answers: Mapping[str, Any]
) -> tuple[Reason, ...]:
    """The deciding rules (records with `id` and `reads`), each with the answers it read."""
    return tuple(Reason(rule.id, said(rule.reads, questions, answers)) for rule in rules)


def answers_of(reasons: Iterable[Reason]) -> tuple[SaidAnswer, ...]:
    """Every answer behind the reasons, once each, in the order given."""
    return tuple(dict.fromkeys(a for r in reasons for a in r.answers))


def said(
    read: Reads, questions: Mapping[str, model.Question], answers: Mapping[str, Any]
) -> tuple[SaidAnswer, ...]:
    """The answers a rule read, in question order. For a multi-select, only the ticked
    choices the condition names, when it names any of them, one answer each."""
    result: list[SaidAnswer] = []
    for qid, chosen in read:
        if qid not in answers:
            continue  # not asked (skip logic) or after an early stop
        question = questions[qid]
        given = answers[qid]
        # One line per ticked box, in box order: each `said` is a sentence of its own.
        picked = _picked(question, given, chosen) if isinstance(given, list) else [given]
        result += [SaidAnswer(qid, question.prompt, _label(question, v)) for v in picked]
    return tuple(result)


def _picked(
    question: model.Question, given: list[Any], chosen: set[Any] | frozenset[Any]
) -> list[Any]:
    """The ticked boxes that explain a match: those the condition names; else, when it names
    boxes the patient left unticked (`not has_any`), only a ticked "none"; else every box."""
    picked = [v for v in given if v in chosen]
    if picked:
        return picked
    exclusive = {c.value for c in question.choices if c.exclusive}
    if chosen - exclusive:
        return [v for v in given if v in exclusive]
    return list(given)


def _label(question: model.Question, value: Any) -> str:
    """The answer as it reads after "Because you said:": the choice's `said`, else its label."""
    for choice in question.choices:
        if choice.value == value:
            return choice.said or choice.label
    if question.said:
        return question.said.replace("{answer}", str(value))
    return str(value)
