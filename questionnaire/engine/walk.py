"""The one walk through the questionnaire: steps, skip logic and early stops, written once.

`Flow.advance` moves one question forward from a `Point` given what was offered for that question
(an answer key, a problem, nothing, or `ANY` answer), and says the question's `State`. `Flow.follow`
repeats it over a whole answer set. `check`, `evaluate`, the wizard's `walk` and the verifier's
search (which branches over answer classes from any Point) all go through `advance`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from . import model
from .conditions import Condition
from .errors import AnswerProblem
from .questions import QuestionInfo, is_empty, read_answer
from .ruleset import RuleSet


class State(Enum):
    ANSWERED = "answered"  # asked, with a valid answer
    MISSING = "missing"  # asked, no answer yet
    INVALID = "invalid"  # asked, the answer is not valid
    HIDDEN = "hidden"  # not asked (skip logic), no answer given
    DROPPED = "dropped"  # not asked (skip logic), but an answer was given: it is not used
    AFTER_STOP = "after_stop"  # after an early stop: not asked; an answer given is only checked


ASKED = (State.ANSWERED, State.MISSING, State.INVALID)


class _Offer(Enum):
    NOTHING = "nothing"  # no answer given for the question
    ANY = "any"  # the verifier: stands for every answer, none of them known


NOTHING, ANY = _Offer.NOTHING, _Offer.ANY


@dataclass(frozen=True, slots=True)
class Question:
    """One question as the walk needs it."""

    info: QuestionInfo
    errors: model.QuestionErrors
    show_if: Condition | None
    step: str  # id of its step
    ends_step: bool  # the last question of its step: an early stop is checked after it

    @property
    def id(self) -> str:
        return self.info.id


@dataclass(frozen=True, slots=True)
class QuestionState:
    """What the walk made of one question."""

    question: Question
    state: State
    key: Any = None  # the answer key, when answered
    problem: AnswerProblem | None = None  # when the answer given is not valid


@dataclass(frozen=True, slots=True)
class Point:
    """Where a walk stands: before question `index`, with the answer keys known so far."""

    index: int = 0
    keys: Mapping[str, Any] = field(default_factory=dict)  # None: not asked
    complete: bool = True  # every question asked so far has a valid answer
    stopped_after: str | None = None  # step after which a stopping outcome became certain


class Flow:
    """The questionnaire's order, skip logic and stopping rules, from a checked RuleSet."""

    def __init__(self, rs: RuleSet):
        self.questions = tuple(
            Question(rs.catalogue[q.id], q.errors, rs.show_if.get(q.id), step.id,
                     k == len(step.questions) - 1)
            for step in rs.file.steps for k, q in enumerate(step.questions))
        stopping = {o.id for o in rs.file.outcomes if o.stop}
        self.stop_rules = tuple(cond for cond, rule in zip(rs.when, rs.file.rules, strict=True)
                                if rule.outcome in stopping)

    def asks(self, question: Question, keys: Mapping[str, Any]) -> bool:
        """Whether the question is asked: skip logic not certainly false on what is known."""
        return question.show_if is None or question.show_if.truth(keys) is not False

    def stops(self, keys: Mapping[str, Any]) -> bool:
        """Whether a stopping rule is certain to match, whatever the unknown answers are."""
        return any(cond.truth(keys) is True for cond in self.stop_rules)

    def advance(self, at: Point, offer: Any) -> tuple[QuestionState, Point]:
        """One question forward. `offer`: an answer key, an AnswerProblem, NOTHING or ANY."""
        q = self.questions[at.index]
        problem = offer if isinstance(offer, AnswerProblem) else None
        if at.stopped_after is not None:
            return QuestionState(q, State.AFTER_STOP, problem=problem), \
                Point(at.index + 1, at.keys, at.complete, at.stopped_after)
        keys, complete = at.keys, at.complete
        if not self.asks(q, keys):
            state = QuestionState(q, State.HIDDEN if offer is NOTHING else State.DROPPED,
                                  problem=problem)
            keys = {**keys, q.id: None}
        elif offer is NOTHING or problem is not None:
            state = QuestionState(q, State.MISSING if problem is None else State.INVALID,
                                  problem=problem)
            complete = False
        else:
            state = QuestionState(q, State.ANSWERED, None if offer is ANY else offer)
            if offer is not ANY:
                keys = {**keys, q.id: offer}
        stopped = q.step if q.ends_step and complete and self.stops(keys) else None
        return state, Point(at.index + 1, keys, complete, stopped)

    def follow(self, offer: Callable[[Question], Any]) -> tuple[list[QuestionState], Point]:
        """Walk the whole questionnaire, asking `offer` for each question's answer."""
        at, states = Point(), []
        for q in self.questions:
            state, at = self.advance(at, offer(q))
            states.append(state)
        return states, at

    def read(self, answers: Mapping[str, Any]) -> tuple[list[QuestionState], Point]:
        """Walk raw answers (as the API or the session holds them)."""
        def offer(q: Question) -> Any:
            raw = answers.get(q.id)
            return NOTHING if is_empty(raw) else read_answer(q.info, q.errors, raw)
        return self.follow(offer)


@dataclass(frozen=True)
class Walk:
    """How far a (possibly partial) set of answers goes, for the wizard's pages."""

    shown: tuple[str, ...]  # questions asked, in order, up to the end or an early stop
    answers: dict[str, Any]  # the valid answers to shown questions, multi-selects as lists
    missing: tuple[str, ...]  # shown questions with no answer yet
    problems: tuple[AnswerProblem, ...]  # answers to shown questions that are not valid
    dropped: tuple[str, ...]  # answered questions that no longer apply
    stopped_after: str | None  # step after which a stopping outcome is certain

    @property
    def complete(self) -> bool:
        """Whether the answers can be evaluated as they are."""
        return not self.missing and not self.problems

    @classmethod
    def of(cls, states: list[QuestionState], end: Point) -> Walk:
        def ids(*wanted: State) -> tuple[str, ...]:
            return tuple(s.question.id for s in states if s.state in wanted)
        return cls(ids(*ASKED),
                   {s.question.id: s.question.info.readable(s.key)
                    for s in states if s.state is State.ANSWERED},
                   ids(State.MISSING),
                   tuple(s.problem for s in states if s.state is State.INVALID),
                   ids(State.DROPPED), end.stopped_after)
