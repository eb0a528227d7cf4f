"""Answers -> Summary: headline outcome, findings, notes, and a trace of every rule.

Speed comes from work done once at load: each answer is turned into the truth of every leaf on
its question by a table lookup, all leaf truths form one integer, and the decision for that
integer (which rules fire, which outcome wins) is computed once and then reused.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from . import model
from .conditions import (
    UNKNOWN,
    answer_bits,
    because,
    compile_bits,
    did_you_mean,
    eval3,
    questions_of,
)
from .errors import AnswerProblem, AnswersError, QuestionnaireError
from .loader import RuleSet
from .reasons import Reason, SaidAnswer, answers_of, deciding

_MISSING = object()
_MEMO_LIMIT = 1 << 16  # distinct decisions kept; the shipped rules have far fewer


@dataclass(frozen=True, slots=True)
class FoundFinding:
    """A line of the summary, from one rule that fired."""

    rule: str
    criterion: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """Whether one rule matched, and why, in plain English."""

    rule: str
    matched: bool
    because: str
    outcome: str | None = None


@dataclass(slots=True)
class Summary:
    """Everything the patient page, clinician page, API and CLI show about one set of answers.

    Treat it as read-only. It is not frozen because a frozen dataclass costs a third of an
    evaluation to build (docs/benchmarks.md).
    """

    outcome: model.Outcome
    findings: tuple[FoundFinding, ...]
    notes: tuple[model.Note, ...]
    trace: tuple[TraceEntry, ...] | None
    answers: dict[str, Any]  # the answers used, multi-selects as lists
    dropped: tuple[str, ...] = ()  # answers removed because their question no longer applies
    stopped_after: str | None = None  # step id where a stopping outcome became certain
    rules_version: str = ""
    fired: tuple[str, ...] = field(default=())  # ids of the rules that matched
    because: tuple[Reason, ...] = ()  # the rules that decided the headline, with their answers

    @property
    def said(self) -> tuple[SaidAnswer, ...]:
        """The answers that decided the headline, once each: "Because you said: ..."."""
        return answers_of(self.because)

    def cited(self, notes: tuple[model.Note, ...] | list[model.Note] | None = None) -> list[str]:
        """Source ids of the findings and of the notes (all, or the ones shown), once each."""
        shown = self.notes if notes is None else notes
        return list(dict.fromkeys([f.source for f in self.findings] + [n.source for n in shown]))


@dataclass(frozen=True)
class Walk:
    """How far a (possibly partial) set of answers goes through the questionnaire."""

    shown: tuple[str, ...]  # questions asked, in order, up to the end or an early stop
    answers: dict[str, Any]  # the valid answers to shown questions, multi-selects as lists
    missing: tuple[str, ...]  # shown questions with no answer yet
    problems: tuple[AnswerProblem, ...]  # answers that are not valid
    dropped: tuple[str, ...]  # answered questions that no longer apply
    stopped_after: str | None  # step after which a stopping outcome is certain

    @property
    def complete(self) -> bool:
        """Whether the answers can be evaluated as they are."""
        return not self.missing and not self.problems


class _Question:
    """One question compiled for reading answers: validation and leaf truth by lookup."""

    __slots__ = ("id", "type", "info", "errors", "step", "show_if", "leaves", "table",
                 "choice_bits", "none_bit", "last_in_step", "kind", "seen", "stop_after",
                 "absent", "mask")

    def __init__(self, rs: RuleSet, question: model.Question, step: int, last: bool):
        self.id, self.type, self.step, self.last_in_step = question.id, question.type, step, last
        self.info = rs.catalogue[question.id]
        self.errors = question.errors
        cond = rs.show_if.get(question.id)
        self.show_if = compile_bits(cond) if cond is not None else None
        self.leaves = rs.leaves_of(question.id)
        self.absent = answer_bits(self.leaves, self.info, None)  # not asked: `answered: false`
        self.mask = 0
        for leaf in self.leaves:
            self.mask |= leaf.bit
        self.choice_bits = {c: 1 << i for i, c in enumerate(self.info.choices)}
        self.none_bit = self.choice_bits.get("none", 0)
        # Answer key -> leaf bits; single choices and integers up front, multi-selects on demand.
        self.table: dict[Any, int] = {}
        if self.type == "single":
            self.table = {c: answer_bits(self.leaves, self.info, c) for c in self.info.choices}
        elif self.type == "integer" and self.info.max - self.info.min <= 1000:
            self.table = {v: answer_bits(self.leaves, self.info, v)
                          for v in range(self.info.min, self.info.max + 1)}
        # The fast path: raw answer as sent (a list as a tuple) -> (key, leaf bits, readable).
        # Exact types only: True == 1 in a dict, but True is not a pain score.
        self.kind = {"single": str, "integer": int, "multi": list}[self.type]
        self.seen: dict[Any, tuple[Any, int, Any]] = {}
        self.stop_after = False  # set by the Engine: check for an early stop after this one

    def read(self, raw: Any) -> tuple[Any, AnswerProblem | None]:
        """(answer key, None) or (None, problem)."""
        info = self.info
        if self.type == "single":
            if isinstance(raw, str) and raw in self.table:
                return raw, None
            if not isinstance(raw, str):
                return None, AnswerProblem(self.id, "wrong_type",
                                           f"expected one choice as text, got {_kind(raw)}")
            return None, AnswerProblem(self.id, "unknown_choice", f"'{raw}' is not a choice"
                                       + did_you_mean(raw, info.choices)
                                       + f" (expected one of: {', '.join(info.choices)})")
        if self.type == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int):
                return None, AnswerProblem(self.id, "wrong_type",
                                           f"expected a whole number, got {_kind(raw)}")
            if not info.min <= raw <= info.max:
                return None, AnswerProblem(self.id, "out_of_range", self.errors.range
                                           or f"expected {info.min} to {info.max}")
            return raw, None
        if not isinstance(raw, list | tuple):
            return None, AnswerProblem(self.id, "wrong_type",
                                       f"expected a list of choices, got {_kind(raw)}")
        mask = 0
        for value in raw:
            bit = self.choice_bits.get(value) if isinstance(value, str) else None
            if bit is None:
                return None, AnswerProblem(self.id, "unknown_choice", f"'{value}' is not a choice"
                                           + did_you_mean(value, info.choices)
                                           + f" (expected any of: {', '.join(info.choices)})")
            mask |= bit
        if mask & self.none_bit and mask != self.none_bit:
            return None, AnswerProblem(self.id, "exclusive", self.errors.exclusive
                                       or "'none' cannot be chosen with other choices")
        return mask, None

    def bits(self, key: Any) -> int:
        found = self.table.get(key)
        if found is None:
            found = answer_bits(self.leaves, self.info, key)
            if len(self.table) < _MEMO_LIMIT:
                self.table[key] = found
        return found

    def readable(self, key: Any) -> Any:
        return list(self.info.decode(key)) if self.type == "multi" else key

    def lookup(self, raw: Any) -> tuple[Any, int, Any] | None:
        """(key, bits, readable) for a valid, non-empty raw answer, else None; remembered."""
        if type(raw) is not self.kind:
            return None
        hashable = tuple(raw) if self.kind is list else raw
        try:
            hit = self.seen.get(hashable)
        except TypeError:  # a list or object inside the list: the slow path words the problem
            return None
        if hit is None:
            if _empty(raw):
                return None
            key, problem = self.read(raw)
            if problem is not None:
                return None
            readable = self.readable(key)
            hit = (key, self.bits(key), tuple(readable) if self.kind is list else readable)
            # A list longer than the choices repeats some: valid, but not worth remembering.
            if len(self.seen) < _MEMO_LIMIT and (self.kind is not list
                                                 or len(raw) <= len(self.choice_bits)):
                self.seen[hashable] = hit
        return hit


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true or false",
             float: "a decimal number", int: "a whole number", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def _empty(raw: Any) -> bool:
    return raw is None or raw == "" or (isinstance(raw, list | tuple) and not raw)


class Engine:
    """Evaluates answers against one checked rule set.

    Its rules never change after construction; it only fills caches (bounded), so one Engine
    can serve every request of a process.
    """

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        file = ruleset.file
        self.version = file.meta.version
        self.sources = file.meta.sources
        self._outcomes = file.outcomes
        rank = ruleset.outcome_rank()
        steps = file.steps
        self._questions = tuple(
            _Question(ruleset, q, s, k == len(step.questions) - 1)
            for s, step in enumerate(steps) for k, q in enumerate(step.questions)
        )
        self._ids = {q.id for q in self._questions}
        self._when = ruleset.when
        self._compiled = tuple(compile_bits(c) for c in ruleset.when)
        self._rule_ids = tuple(r.id for r in file.rules)
        self._rule_outcomes = tuple(rank.get(r.outcome) if r.outcome else None
                                    for r in file.rules)
        self._rule_questions = tuple(questions_of(c) for c in ruleset.when)
        # rule id -> the questions its condition reads, for "Why am I seeing this?"
        self.rule_questions = dict(zip(self._rule_ids, self._rule_questions, strict=True))
        self._findings = tuple(
            FoundFinding(r.id, r.finding.criterion, r.finding.text, r.source) if r.finding else None
            for r in file.rules)
        self._notes = file.notes
        self._rule_models = {r.id: r for r in file.rules}
        self._conditions = dict(zip(self._rule_ids, ruleset.when, strict=True))
        self._question_models = {q.id: q for q in ruleset.questions}
        stop_outcomes = {o.id for o in file.outcomes if o.stop}
        self._stop_rules = tuple(i for i, r in enumerate(file.rules) if r.outcome in stop_outcomes)
        # Leaves known once a step is answered: decides whether a stop is already certain.
        self._known_after: list[int] = []
        known = 0
        for s in range(len(steps)):
            for q in self._questions:
                if q.step == s:
                    for leaf in q.leaves:
                        known |= leaf.bit
            self._known_after.append(known)
        self._stop_memo: list[dict[int, bool]] = [{} for _ in steps]
        self._step_ids = tuple(s.id for s in steps)
        stop_questions = {q for i in self._stop_rules for q in self._rule_questions[i]}
        stop_steps = {q.step for q in self._questions if q.id in stop_questions}
        for q in self._questions:
            q.stop_after = q.last_in_step and q.step in stop_steps
        self._verdicts: dict[tuple[int | None, int], _Verdict] = {}
        # Trace: rules that read the same questions share one memo of ready-made entries.
        groups: dict[tuple[str, ...], list[int]] = {}
        for i, questions in enumerate(self._rule_questions):
            groups.setdefault(questions, []).append(i)
        # (the one question read, or None; the questions read; rule indices; memo)
        self._trace_groups = tuple((qs[0] if len(qs) == 1 else None, qs, tuple(ix), {})
                                   for qs, ix in groups.items())
        order = [i for *_, ix, _ in self._trace_groups for i in ix]
        self._plan = tuple((q.id, q.kind, q.seen, q.show_if, q.stop_after, q)
                           for q in self._questions)
        self._trace_order = operator.itemgetter(*(order.index(i) for i in range(len(order))))

    # --- reading answers ---------------------------------------------------------------------

    def check(self, answers: Any) -> list[AnswerProblem]:
        """Every problem with a set of answers (empty if they can be evaluated)."""
        try:
            self._read(answers)
        except AnswersError as exc:
            return list(exc.problems)
        return []

    def _read(self, answers: Any):
        if not isinstance(answers, Mapping):
            raise AnswersError([AnswerProblem(None, "wrong_type", "answers must be an object "
                                              "that maps question ids to answers")])
        bits, seen, stop = 0, 0, None
        keys: dict[str, Any] = {}
        problems: list[AnswerProblem] = []
        missing: list[AnswerProblem] = []
        dropped: list[str] = []
        for q in self._questions:
            raw = answers.get(q.id, _MISSING)
            if raw is not _MISSING:
                seen += 1
            if stop is not None:  # the walk has ended; later answers are checked, not used
                if raw is not _MISSING and not _empty(raw):
                    problem = q.read(raw)[1]
                    if problem:
                        problems.append(problem)
                continue
            if q.show_if is not None and not q.show_if(bits):
                keys[q.id] = None
                bits |= q.absent
                if raw is not _MISSING and not _empty(raw):
                    problem = q.read(raw)[1]  # a wrong answer is an error even if unused
                    if problem:
                        problems.append(problem)
                    dropped.append(q.id)
            elif raw is _MISSING or _empty(raw):
                missing.append(AnswerProblem(q.id, "missing", q.errors.required))
            else:
                key, problem = q.read(raw)
                if problem:
                    problems.append(problem)
                else:
                    keys[q.id] = key
                    bits |= q.bits(key)
            if q.last_in_step and self._stop_rules and not missing and not problems:
                if self._stops(q.step, bits):
                    stop = q.step
        if seen != len(answers):
            for name in answers:
                if name not in self._ids:
                    problems.append(AnswerProblem(
                        str(name), "unknown_question",
                        f"there is no question '{name}'" + did_you_mean(name, list(self._ids))))
        if stop is None:
            problems += missing
        if problems:
            order = {q.id: i for i, q in enumerate(self._questions)}
            problems.sort(key=lambda p: order.get(p.question or "", len(order)))
            raise AnswersError(problems)
        return bits, keys, stop, tuple(dropped)

    def _stops(self, step: int, bits: int) -> bool:
        known = self._known_after[step]
        memo = self._stop_memo[step]
        seen = bits & known
        result = memo.get(seen)
        if result is None:
            result = any(eval3(self._when[i], seen, known) is True for i in self._stop_rules)
            if len(memo) < _MEMO_LIMIT:
                memo[seen] = result
        return result

    def walk(self, answers: Mapping[str, Any]) -> Walk:
        """Follow answers through the questionnaire without raising: for the wizard's pages.

        A question whose skip logic depends on an unanswered question counts as shown.
        """
        bits = known = 0
        stop: int | None = None
        shown: list[str] = []
        valid: dict[str, Any] = {}
        missing: list[str] = []
        problems: list[AnswerProblem] = []
        dropped: list[str] = []
        for q in self._questions:
            raw = answers.get(q.id, _MISSING)
            if stop is not None:
                break
            cond = self.ruleset.show_if.get(q.id)
            if cond is not None and eval3(cond, bits, known) is False:
                bits |= q.absent
                known |= q.mask
                if raw is not _MISSING:
                    dropped.append(q.id)
            else:
                shown.append(q.id)
                if raw is _MISSING or _empty(raw):
                    missing.append(q.id)
                else:
                    key, problem = q.read(raw)
                    if problem:
                        problems.append(problem)
                    else:
                        valid[q.id] = q.readable(key)
                        bits |= q.bits(key)
                        known |= q.mask
            if q.last_in_step and self._stop_rules and not missing and not problems:
                if self._stops(q.step, bits):
                    stop = q.step
        return Walk(tuple(shown), valid, tuple(missing), tuple(problems), tuple(dropped),
                    self._step_ids[stop] if stop is not None else None)

    # --- deciding ----------------------------------------------------------------------------

    def _decide(self, bits: int, stop: int | None) -> tuple[int, tuple[int, ...]]:
        """(outcome index, indices of fired rules) for a set of leaf truths."""
        if stop is None:
            fired = tuple(i for i, f in enumerate(self._compiled) if f(bits))
        else:
            known = self._known_after[stop]
            fired = tuple(i for i, c in enumerate(self._when) if eval3(c, bits, known) is True)
        ranks = [self._rule_outcomes[i] for i in fired if self._rule_outcomes[i] is not None]
        if not ranks:
            raise QuestionnaireError("the rules give no headline for these answers; run "
                                     "'flask rules verify' to find the gap")
        return min(ranks), fired

    def _read_fast(self, answers: Any):
        """(bits, keys, stop, used answers) when every answer is valid and applies, else None.

        The common case, by one table lookup per answer; anything unusual (a problem, a dropped
        answer, an early stop) goes the slow way, which finds and words every problem. The loop
        is written flat on purpose: it is most of the cost of an evaluation (docs/benchmarks.md).
        """
        if type(answers) is not dict:
            return None
        get = answers.get
        bits = 0
        keys: dict[str, Any] = {}
        used: dict[str, Any] = {}
        for qid, kind, seen, show_if, stop_after, q in self._plan:
            raw = get(qid, _MISSING)
            if show_if is not None and not show_if(bits):
                if raw is not _MISSING:
                    return None
                keys[qid] = None
                bits |= q.absent
                if stop_after and self._stops(q.step, bits):
                    return self._after_stop(answers, q, bits, keys, used)
                continue
            if kind is list:
                if type(raw) is not list:
                    return None
                hit = q.lookup(raw)
                if hit is None:
                    return None
                used[qid] = list(hit[2])
            else:
                if type(raw) is not kind:
                    return None
                hit = seen.get(raw) or q.lookup(raw)
                if hit is None:
                    return None
                used[qid] = raw
            keys[qid] = hit[0]
            bits |= hit[1]
            if stop_after and self._stops(q.step, bits):
                return self._after_stop(answers, q, bits, keys, used)
        if len(used) != len(answers):
            return None
        return bits, keys, None, used

    def _after_stop(self, answers: dict, last, bits: int, keys: dict, used: dict):
        """The fast path after an early stop: later answers must be valid, and are not used."""
        later = self._questions[self._questions.index(last) + 1:]
        given = 0
        for q in later:
            raw = answers.get(q.id, _MISSING)
            if raw is not _MISSING:
                given += 1
                if q.lookup(raw) is None:
                    return None
        if len(used) + given != len(answers):
            return None
        return bits, keys, last.step, used

    def _verdict(self, bits: int, stop: int | None) -> _Verdict:
        verdict = self._verdicts.get((stop, bits))
        if verdict is None:
            outcome, fired = self._decide(bits, stop)
            verdict = _Verdict(
                self._outcomes[outcome],
                tuple(f for f in (self._findings[i] for i in fired) if f is not None),
                tuple(self._rule_ids[i] for i in fired),
                self._step_ids[stop] if stop is not None else None)
            if len(self._verdicts) < _MEMO_LIMIT:
                self._verdicts[(stop, bits)] = verdict
        return verdict

    def evaluate(self, answers: Mapping[str, Any], *, trace: bool = True) -> Summary:
        """Evaluate one set of answers; raise AnswersError listing every problem."""
        fast = self._read_fast(answers)
        if fast is not None:
            bits, keys, stop, used = fast
            dropped: tuple[str, ...] = ()
        else:
            bits, keys, stop, dropped = self._read(answers)
            used = {q.id: q.readable(keys[q.id]) for q in self._questions
                    if keys.get(q.id) is not None}
        verdict = self._verdict(bits, stop)
        because = deciding(verdict.outcome.id, verdict.fired, self._rule_models,
                           self._conditions, self._question_models, used)
        return Summary(verdict.outcome, verdict.findings, self._notes,
                       self._trace(keys) if trace else None, used, dropped,
                       verdict.stopped_after, self.version, verdict.fired, because)

    def _trace(self, keys: dict[str, Any]) -> tuple[TraceEntry, ...]:
        parts = []
        for question, questions, rules, memo in self._trace_groups:
            memo_key = (keys.get(question, UNKNOWN) if question is not None
                        else tuple([keys.get(q, UNKNOWN) for q in questions]))
            entries = memo.get(memo_key)
            if entries is None:
                entries = tuple(self._entry(i, keys) for i in rules)
                if len(memo) < _MEMO_LIMIT:
                    memo[memo_key] = entries
            parts.append(entries)
        return self._trace_order(tuple(chain.from_iterable(parts)))

    def _entry(self, i: int, keys: dict[str, Any]) -> TraceEntry:
        value, text = because(self._when[i], keys, self.ruleset.catalogue)
        outcome = self._rule_outcomes[i]
        return TraceEntry(self._rule_ids[i], value is True, text,
                          self._outcomes[outcome].id if outcome is not None else None)


@dataclass(frozen=True, slots=True)
class _Verdict:
    """What a set of leaf truths decides; computed once per distinct set."""

    outcome: model.Outcome
    findings: tuple[FoundFinding, ...]
    fired: tuple[str, ...]
    stopped_after: str | None
