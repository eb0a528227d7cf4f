"""The one walk through the questionnaire: steps, skip logic and early stops, written once.

`Flow.read` takes a set of raw answers question by question and says each question's `State`.
`check`, `evaluate` and the wizard's `walk` read answers through it; the verifier follows the
same `Flow` (its questions, their skip logic and the stopping rules each step checks) over
every answer set at once (verify/symbolic.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

from .. import model
from ..errors import AnswerProblem
from .conditions import Condition, questions_of
from .questions import Contradiction, QuestionInfo, is_empty, read_answer
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


NOTHING = _Offer.NOTHING


@dataclass(frozen=True, slots=True)
class FlowQuestion:
    """One question as the walk needs it."""

    id: str
    info: QuestionInfo
    errors: model.QuestionErrors
    show_if: Condition | None
    step: str  # id of its step
    stop_checks: tuple[Condition, ...]  # stopping rules to check once it is answered
    # for each stop check, its outcome's may_continue (None: that stop is final)
    continue_checks: tuple[Condition | None, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()  # answers refused as contradicting earlier ones


class QuestionState(NamedTuple):
    """What the walk made of one question (a named tuple: immutable and cheap to make)."""

    question: FlowQuestion
    state: State
    key: Any = None  # the answer key, when answered
    problem: AnswerProblem | None = None  # when the answer given is not valid


@dataclass(frozen=True, slots=True)
class Point:
    """Where a walk ended: after question `index`, with the answer keys it knows."""

    index: int
    keys: dict[str, Any]  # question id -> answer key; None: not asked
    complete: bool = True  # every question asked so far has a valid answer
    stopped_after: str | None = None  # step after which a stopping outcome became certain
    continuable: bool = False  # that stop may be continued (its outcome's may_continue holds)


class Flow:
    """The questionnaire's order, skip logic and stopping rules, from a checked RuleSet."""

    def __init__(self, rs: RuleSet):
        stopping = {o.id for o in rs.file.outcomes if o.stop}
        self.stop_rules = tuple(
            cond
            for cond, rule in zip(rs.when, rs.file.rules, strict=True)
            if rule.outcome in stopping
        )
        may_continue = {
            cond: rs.may_continue.get(rule.outcome)
            for cond, rule in zip(rs.when, rs.file.rules, strict=True)
            if rule.outcome in stopping
        }
        # A rule's truth changes only when a question it reads becomes known, so after each step
        # only the stopping rules that read that step's questions are checked again (all of them
        # after the first step, which also catches rules that read no question at all).
        first = rs.file.steps[0].id
        checks = {
            step.id: tuple(
                c
                for c in self.stop_rules
                if step.id == first or ({q.id for q in step.questions} & set(questions_of(c)))
            )
            for step in rs.file.steps
        }
        self.questions = tuple(
            FlowQuestion(
                q.id,
                rs.catalogue[q.id],
                q.errors,
                rs.show_if.get(q.id),
                step.id,
                checks[step.id] if k == len(step.questions) - 1 else (),
                tuple(may_continue[c] for c in checks[step.id])
                if k == len(step.questions) - 1
                else (),
                _contradictions(rs, q),
            )
            for step in rs.file.steps
            for k, q in enumerate(step.questions)
        )
        # step id -> the questions after it, to see whether a stop was continued
        self._after = {
            step.id: tuple(q.id for q in self.questions if rs.step_of[q.id] > i)
            for i, step in enumerate(rs.file.steps)
        }

    @staticmethod
    def stops(question: FlowQuestion, keys: Mapping[str, Any]) -> bool:
        """Whether, once `question` (the last of its step) is answered, a stopping rule is
        certain to match whatever the unknown answers are."""
        return any(cond.truth(keys) is True for cond in question.stop_checks)

    @staticmethod
    def may_continue(question: FlowQuestion, keys: Mapping[str, Any]) -> bool:
        """Whether every stop that is certain here may be continued (its may_continue holds)."""
        return all(
            then is not None and then.truth(keys) is True
            for cond, then in zip(question.stop_checks, question.continue_checks, strict=True)
            if cond.truth(keys) is True
        )

    def read(self, answers: Mapping[str, Any]) -> tuple[list[QuestionState], Point]:
        """Walk raw answers (as the API or the session holds them), question by question. A
        stop that may be continued is walked past when any question after it has an answer."""
        states, end = self._read(answers, continuing=False)
        if end.stopped_after is not None and end.continuable:
            if any(not is_empty(answers.get(q)) for q in self._after[end.stopped_after]):
                return self._read(answers, continuing=True)
        return states, end

    def _read(
        self, answers: Mapping[str, Any], continuing: bool
    ) -> tuple[list[QuestionState], Point]:
        get = answers.get
        keys: dict[str, Any] = {}  # question id -> answer key; None: not asked
        states: list[QuestionState] = []
        complete, stopped, continuable = True, None, False
        for q in self.questions:
            raw = get(q.id)
            offer = NOTHING if not raw and is_empty(raw) else read_answer(q.info, q.errors, raw)
            problem = offer if isinstance(offer, AnswerProblem) else None
            if stopped is not None:
                states.append(QuestionState(q, State.AFTER_STOP, None, problem))
                continue
            state = self._state(q, offer, problem, keys)
            states.append(state)
            complete = complete and state.state not in (State.MISSING, State.INVALID)
            if q.stop_checks and complete and self.stops(q, keys):
                continuable = self.may_continue(q, keys)
                if not (continuing and continuable):
                    stopped = q.step
        return states, Point(len(self.questions), keys, complete, stopped, continuable)

    @staticmethod
    def _state(
        q: FlowQuestion, offer: Any, problem: AnswerProblem | None, keys: dict[str, Any]
    ) -> QuestionState:
        """One question's state before any stop; records its answer key in `keys`."""
        if q.show_if is not None and q.show_if.truth(keys) is False:
            keys[q.id] = None
            return QuestionState(
                q, State.HIDDEN if offer is NOTHING else State.DROPPED, None, problem
            )
        if offer is NOTHING or problem is not None:
            return QuestionState(
                q, State.MISSING if problem is None else State.INVALID, None, problem
            )
        keys[q.id] = offer
        for contradiction in q.contradictions:  # refused like an answer out of range
            problem = contradiction.problem(q.id, keys)
            if problem is not None:
                del keys[q.id]
                return QuestionState(q, State.INVALID, None, problem)
        return QuestionState(q, State.ANSWERED, offer)


def _contradictions(rs: RuleSet, q: model.Question) -> tuple[Contradiction, ...]:
    """A question's contradictions: the parsed conditions with the file's words (a translated
    rule set keeps the English conditions and its own messages)."""
    return tuple(
        Contradiction(c.id, when, c.message, tuple(x for x in questions_of(when) if x != q.id))
        for c, when in zip(q.contradictions, rs.contradictions.get(q.id, ()), strict=True)
    )


@dataclass(frozen=True)
class Walk:
    """How far a (possibly partial) set of answers goes, for the wizard's pages."""

    shown: tuple[str, ...]  # questions asked, in order, up to the end or an early stop
    answers: dict[str, Any]  # the valid answers to shown questions, multi-selects as lists
    missing: tuple[str, ...]  # shown questions with no answer yet
    problems: tuple[AnswerProblem, ...]  # answers to shown questions that are not valid
    dropped: tuple[str, ...]  # answered questions that no longer apply
    stopped_after: str | None  # step after which a stopping outcome is certain
    continuable: bool = False  # a stop that may be continued (the answers so far allow it)
    # The reading it was made from, so that evaluating the walk (`Engine.summary`) does not read
    # the answers again; and the names answered that are no question here (ignored).
    states: tuple[QuestionState, ...] = field(default=(), repr=False, compare=False)
    end: Point | None = field(default=None, repr=False, compare=False)
    unknown: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether the answers can be evaluated as they are."""
        return not self.missing and not self.problems

    @classmethod
    def of(cls, states: list[QuestionState], end: Point, unknown: tuple[str, ...] = ()) -> Walk:
        def ids(*wanted: State) -> tuple[str, ...]:
            return tuple(s.question.id for s in states if s.state in wanted)

        return cls(
            ids(*ASKED),
            {
                s.question.id: s.question.info.readable(s.key)
                for s in states
                if s.state is State.ANSWERED
            },
            ids(State.MISSING),
            tuple(s.problem for s in states if s.problem is not None and s.state is State.INVALID),
            ids(State.DROPPED),
            end.stopped_after,
            end.continuable,
            tuple(states),
            end,
            unknown,
        )
