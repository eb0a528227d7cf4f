"""Answers -> Summary: headline outcome, findings, notes, and a trace of every rule.

The answers go through the one walk (`walk.Flow`); each rule is then one record whose condition
is evaluated on the answer keys the walk collected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import model
from ..errors import AnswerProblem, AnswersError, QuestionnaireError
from .conditions import Condition, questions_of
from .questions import did_you_mean
from .reasons import Reads, Reason, SaidAnswer, answers_of, deciding, reads
from .ruleset import RuleSet
from .walk import Flow, Point, QuestionState, State, Walk

__all__ = ["Engine", "FoundFinding", "Summary", "TraceEntry", "Walk"]


@dataclass(frozen=True, slots=True)
class FoundFinding:
    """A line of the summary, from one rule that fired."""

    rule: str
    criterion: str
    text: str
    sources: tuple[str, ...]  # the sources that say it, the main one first

    @property
    def source(self) -> str:
        return self.sources[0]


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """Whether one rule matched, and why, in plain English."""

    rule: str
    matched: bool
    because: str
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """Everything the patient page, clinician page, API and CLI show about one set of answers."""

    outcome: model.Outcome
    findings: tuple[FoundFinding, ...]
    notes: tuple[model.Note, ...]
    trace: tuple[TraceEntry, ...] | None
    answers: dict[str, Any]  # the answers used, multi-selects as lists
    dropped: tuple[str, ...] = ()  # answers removed because their question no longer applies
    stopped_after: str | None = None  # step id where a stopping outcome became certain
    rules_version: str = ""
    fired: tuple[str, ...] = ()  # ids of the rules that matched
    because: tuple[Reason, ...] = ()  # the rules that decided the headline, with their answers
    continuable: bool = False  # a stop its outcome's may_continue allows to continue
    unanswered: tuple[str, ...] = ()  # shown questions without an answer (a settled headline)
    # The answer keys the rules were evaluated on (question id -> key; None: not asked), for
    # conditions read later on the same answers (the studies' main criteria).
    keys: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def said(self) -> tuple[SaidAnswer, ...]:
        """The answers that decided the headline, once each: "Because you said: ..."."""
        return answers_of(self.because)

    def cited(self, notes: tuple[model.Note, ...] | list[model.Note] | None = None) -> list[str]:
        """Source ids of the findings and of the notes (all, or the ones shown), once each."""
        shown = self.notes if notes is None else notes
        cited = [s for f in self.findings for s in f.sources]
        return list(dict.fromkeys(cited + [s for n in shown for s in n.sources]))


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One rule, ready to evaluate."""

    id: str
    when: Condition
    outcome: model.Outcome | None
    rank: int | None  # the outcome's priority, 0 the highest
    finding: FoundFinding | None
    questions: tuple[str, ...]  # the questions its condition reads
    reads: Reads  # the same in question order, with the choices it names ("Because you said")


class Engine:
    """Evaluates answers against one checked rule set; immutable, so one serves every request."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        file = ruleset.file
        self.version = file.meta.version
        self.sources = file.meta.sources
        self.flow = Flow(ruleset)
        outcomes = {o.id: (i, o) for i, o in enumerate(file.outcomes)}
        order = [q.id for q in ruleset.questions]
        self.rules = tuple(
            CompiledRule(
                r.id,
                cond,
                outcomes[r.outcome][1] if r.outcome else None,
                outcomes[r.outcome][0] if r.outcome else None,
                FoundFinding(r.id, r.finding.criterion, r.finding.text, r.sources)
                if r.finding
                else None,
                questions_of(cond),
                reads(cond, order),
            )
            for r, cond in zip(file.rules, ruleset.when, strict=True)
        )
        # rule id -> the questions its condition reads, for "Why am I seeing this?"
        self.rule_questions = {r.id: r.questions for r in self.rules}
        self._notes = file.notes
        self._ids = {q.id for q in self.flow.questions}
        self._question_models = {q.id: q for q in ruleset.questions}

    def _read(self, answers: Any) -> tuple[list[QuestionState], Point]:
        """Walk the answers; raise AnswersError listing every problem, in question order."""
        if not isinstance(answers, Mapping):
            raise AnswersError(
                [
                    AnswerProblem(
                        None,
                        "wrong_type",
                        "answers must be an object that maps question ids to answers",
                    )
                ]
            )
        states, end = self.flow.read(answers)
        problems = [
            s.problem or AnswerProblem(s.question.id, "missing", s.question.errors.required)
            for s in states
            if s.problem is not None or s.state is State.MISSING
        ]
        problems += [
            AnswerProblem(
                str(name),
                "unknown_question",
                f"there is no question '{name}'" + did_you_mean(name, list(self._ids)),
            )
            for name in answers
            if name not in self._ids
        ]
        if problems:
            raise AnswersError(problems)
        return states, end

    def check(self, answers: Any) -> list[AnswerProblem]:
        """Every problem with a set of answers (empty if they can be evaluated): what the API and
        `rules eval` tell when `settled` gives no Summary (unanswered questions are "missing")."""
        try:
            self._read(answers)
        except AnswersError as exc:
            return list(exc.problems)
        return []

    def walk(self, answers: Mapping[str, Any]) -> Walk:
        """Follow answers through the questionnaire without raising: for the wizard's pages.

        A question whose skip logic depends on an unanswered question counts as shown.
        """
        unknown = tuple(str(name) for name in answers if name not in self._ids)
        return Walk.of(*self.flow.read(answers), unknown)

    def summary(self, walk: Walk, *, trace: bool = True) -> Summary | None:
        """The Summary of the answers a walk read, without reading them again (the patient's
        summary page: one walk per request). Where the walk ended, or stopped early, with every
        question asked validly answered: their evaluation, as `evaluate(walk.answers)` (with
        the answers the walk dropped named). Before that: as `settled`, the headline if the
        answers so far already make it certain, else None."""
        if walk.end is None:
            raise ValueError("the walk carries no reading: make it with Engine.walk")
        states = list(walk.states)
        if walk.stopped_after is not None or walk.complete:
            return self._evaluated(states, walk.end, trace)
        return None if walk.unknown else self._settled(states, walk.end, trace)

    def evaluate(self, answers: Mapping[str, Any], *, trace: bool = True) -> Summary:
        """Evaluate one set of answers; raise AnswersError listing every problem. Without
        `trace` (the patient's pages), no rule's reasoning is written out in words."""
        return self._evaluated(*self._read(answers), trace)

    def _evaluated(self, states: list[QuestionState], end: Point, trace: bool) -> Summary:
        """The Summary of a walk with every shown question validly answered."""
        entries = self.trace(end.keys) if trace else None
        fired = (
            [rule for rule, entry in zip(self.rules, entries, strict=True) if entry.matched]
            if entries is not None
            else [rule for rule in self.rules if rule.when.truth(end.keys) is True]
        )
        if not any(r.rank is not None for r in fired):
            raise QuestionnaireError(
                "the rules give no headline for these answers; run "
                "'flask rules verify' to find the gap"
            )
        return self._summary(states, end, fired, entries)

    def settled(self, answers: Mapping[str, Any], *, trace: bool = True) -> Summary | None:
        """The Summary of a partial answer set whose headline is already certain, whatever the
        unanswered questions' answers are (`unanswered` lists them); None when it is not, or
        when an answer given is not valid. A complete answer set gives its usual Summary.

        Certain means, in the conditions' three-valued logic over the answers so far: a rule
        of some outcome matches for sure, and no rule of a higher outcome could still match.
        An answer refused as a contradiction counts as unanswered when the headline is then
        certain to be emergency or urgent care: asking it back must never hold up that card."""
        if not isinstance(answers, Mapping) or any(name not in self._ids for name in answers):
            return None
        return self._settled(*self.flow.read(answers), trace)

    def _settled(self, states: list[QuestionState], end: Point, trace: bool) -> Summary | None:
        problems = [s.problem for s in states if s.problem is not None]
        if any(p.code != "contradiction" for p in problems):  # a bad answer, even after a stop
            return None
        summary = self._certain(states, end, trace)
        if problems and summary is not None and summary.outcome.urgency == "routine":
            return None  # the contradiction is asked back first
        return summary

    def _certain(self, states: list[QuestionState], end: Point, trace: bool) -> Summary | None:
        unanswered = (State.MISSING, State.INVALID)
        missing = tuple(s.question.id for s in states if s.state in unanswered)
        if not missing:
            return self._evaluated(states, end, trace)
        truths = [(rule, rule.when.truth(end.keys)) for rule in self.rules]
        sure = [r.rank for r, t in truths if t is True and r.rank is not None]
        possible = [r.rank for r, t in truths if t is not False and r.rank is not None]
        if not sure or min(possible) < min(sure):
            return None
        fired = [r for r, t in truths if t is True]
        entries = self.trace(end.keys) if trace else None
        summary = self._summary(states, end, fired, entries)
        return dataclasses.replace(summary, unanswered=missing)

    def _summary(
        self,
        states: list[QuestionState],
        end: Point,
        fired: list[CompiledRule],
        entries: tuple[TraceEntry, ...] | None,
    ) -> Summary:
        ranked = [r for r in fired if r.rank is not None]
        headline = min(ranked, key=lambda r: r.rank if r.rank is not None else len(self.rules))
        used = {
            s.question.id: s.question.info.readable(s.key)
            for s in states
            if s.state is State.ANSWERED
        }
        because = deciding(
            [r for r in ranked if r.rank == headline.rank], self._question_models, used
        )
        stopped = end.stopped_after is not None
        assert headline.outcome is not None  # a ranked rule names its outcome
        return Summary(
            headline.outcome,
            tuple(r.finding for r in fired if r.finding is not None),
            # After a stop, only the notes the rule file marks `after_stop`: an emergency card
            # stands alone, with nothing about the treatment beside it.
            tuple(n for n in self._notes if n.after_stop) if stopped else self._notes,
            entries,
            used,
            tuple(s.question.id for s in states if s.state is State.DROPPED),
            end.stopped_after,
            self.version,
            tuple(r.id for r in fired),
            because,
            end.continuable,
            keys=end.keys,
        )

    def trace(self, keys: Mapping[str, Any]) -> tuple[TraceEntry, ...]:
        """Whether each rule matched the answer keys, and why, in rule order."""
        return tuple(_entry(rule, keys) for rule in self.rules)


def _entry(rule: CompiledRule, keys: Mapping[str, Any]) -> TraceEntry:
    value, text = rule.when.because(keys)
    return TraceEntry(rule.id, value is True, text, rule.outcome.id if rule.outcome else None)
