"""Exact analysis of a rule set with binary decision diagrams: the symbolic verifier.

The engine's walk (`walk.Flow`: its questions in order, their skip logic, the stopping rules each
step checks) is followed over the answer space (see `answerspace`) once, for every answer set at
once: each condition gives its own truth as diagrams (`bdd` in `conditions`), on the questions
known at that point of the walk, as the engine's `truth` does. So the verifier knows which
questions are asked, which rules fire and which outcome is the headline. Gaps, dead and shadowed
rules are then empty-or-not tests, each with a complete witness, and counts are exact. It fills
the same `Report` as the depth-first search that the tests keep as the reference
(reference_verifier.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from ..evaluation.conditions import Condition, Leaf, questions_of
from ..evaluation.ruleset import RuleSet
from ..evaluation.walk import Flow, FlowQuestion
from .answerspace import CONTINUED, Diagram, Space, balanced, holds
from .report import Examples, Report

LOADER_BUDGET_SECONDS = 5.0


class VerifyTimeout(Exception):
    """The analysis ran past its time budget."""


class Clock:
    """A budget of the verifying thread's CPU time (a busy machine does not shrink it)."""

    def __init__(self, budget: float | None):
        self.deadline = None if budget is None else time.thread_time() + budget

    def tick(self) -> None:
        if self.deadline is not None and time.thread_time() > self.deadline:
            raise VerifyTimeout


class Known:
    """The `Symbols` a condition is evaluated with: the walk's leaves, on the questions known
    once the first `count` questions of the walk are behind it."""

    def __init__(self, walk: SymbolicWalk, count: int):
        self.walk, self.count = walk, count
        self.true, self.false = walk.bdd.true, walk.bdd.false

    def leaf(self, leaf: Leaf) -> Any | None:
        walk = self.walk
        return walk.leaf(leaf) if walk.position[leaf.question] < self.count else None

    def all(self, parts: Sequence[Any]) -> Any:
        return balanced(parts, "and", self.walk.bdd)

    def any(self, parts: Sequence[Any]) -> Any:
        return balanced(parts, "or", self.walk.bdd)


class SymbolicWalk:
    """One rule file's walk (the engine's `Flow`) over a shared answer space, as BDDs."""

    def __init__(self, space: Space, file: int, clock: Clock | None = None):
        clock = clock or Clock(None)
        self.space, self.file = space, file
        rs = self.rs = space.rulesets[file]
        bdd = self.bdd = space.bdd
        flow = Flow(rs)
        self.stop_rules = flow.stop_rules
        self.order = [q.id for q in flow.questions]
        self.position = {qid: i for i, qid in enumerate(self.order)}
        self.conditional = {q.id for q in flow.questions if q.show_if is not None}
        self._leaves: dict[Leaf, Any] = {}
        self.shown: dict[str, Any] = {}  # question -> BDD: its skip logic lets it show
        self.stops: list[tuple[int, Any]] = []  # (question index, BDD: the walk stops after it)
        # (question index, BDD: the walk's first stop is there and may be continued)
        self.continuable: list[tuple[int, Any]] = []
        first, stopped = bdd.false, bdd.false
        for i, q in enumerate(flow.questions):
            # As `Flow.read`: asked unless the skip logic is certainly false; a stop is
            # checked once the last question of a step is answered, with what is known then.
            known = Known(self, i)
            self.shown[q.id] = bdd.true if q.show_if is None else ~q.show_if.bdd(known)[1]
            if q.stop_checks:
                certain, passed = self._stop(q, Known(self, i + 1), first)
                self.stops.append((i, certain & ~passed & ~stopped))
                first, stopped = first | certain, stopped | (certain & ~passed)
                clock.tick()
        # BDD: the person may go on past the first stop and be asked something after it
        self.goes_on = self._goes_on()
        # answer sets the engine refuses: an answer contradicts an earlier one
        self.refused = self._refused(flow)
        # the answer sets there are: CONTINUED only where going on asks something more, and
        # none the engine refuses
        continued = bdd.true if space.continued is None else ~space.continued | self.goes_on
        self.valid = continued & ~self.refused
        self._examples = _Examples(self)
        self.fires: list[Diagram] = []  # BDD per rule: it fires
        for cond in rs.when:
            self.fires.append(self.fire(cond) & self.valid)
            clock.tick()
        rank = rs.outcome_rank()
        by_level: list[list[Diagram]] = [[] for _ in rs.file.outcomes]
        for fires, rule in zip(self.fires, rs.file.rules, strict=True):
            if rule.outcome is not None:
                by_level[rank[rule.outcome]].append(fires)
        # levels[r]: some rule of outcome r fires
        self.levels = [balanced(fires, "or", bdd) for fires in by_level]
        self.higher = [bdd.false]  # higher[r]: an outcome ranked above r fires
        for level in self.levels:
            self.higher.append(self.higher[-1] | level)
            clock.tick()

    def _stop(self, q: FlowQuestion, known: Known, first: Diagram) -> tuple[Diagram, Diagram]:
        """BDDs after `q` (the last of its step): a stopping rule is certain; the walk goes on
        past it. As `Flow.read`: a person who went on past the first stop (CONTINUED) passes
        every stop whose certain rules all may be continued, and stops at the first other."""
        certains = [cond.bdd(known)[0] for cond in q.stop_checks]
        certain = known.any(certains)
        go_on = self.space.continued
        if go_on is None or all(then is None for then in q.continue_checks):
            return certain, self.bdd.false
        may = known.all(
            [
                ~sure | (self.bdd.false if then is None else then.bdd(known)[0])
                for sure, then in zip(certains, q.continue_checks, strict=True)
            ]
        )
        self.continuable.append((self.position[q.id], certain & ~first & may))
        return certain, certain & may & go_on

    def _goes_on(self) -> Diagram:
        """BDD (free of CONTINUED): the walk's first stop may be continued, and going on asks
        a question after it (otherwise the answers are the stopped walk's)."""
        bdd, go_on = self.bdd, self.space.continued
        if go_on is None or not self.continuable:
            return bdd.false
        asked = self._asked()
        later, after = bdd.false, [bdd.false] * len(self.order)  # after[i]: a later one asked
        for i in range(len(self.order) - 1, -1, -1):
            after[i] = later
            later |= asked[self.order[i]]
        u = balanced([first & after[i] for i, first in self.continuable], "or", bdd)
        return bdd.let({str(go_on.var): True}, u)

    def _refused(self, flow: Flow) -> Diagram:
        """BDD: the walk asks a question whose answer contradicts the answers before it (a
        `contradictions` entry holds), which the engine refuses as it refuses a bad answer."""
        found = [(i, q, c) for i, q in enumerate(flow.questions) for c in q.contradictions]
        if not found:
            return self.bdd.false
        asked = self._asked()
        return balanced(
            [asked[q.id] & c.when.bdd(Known(self, i + 1))[0] for i, q, c in found],
            "or",
            self.bdd,
        )

    def leaf(self, leaf: Leaf) -> Diagram:
        """A leaf once its question is known: on a skipped question, its 'not asked' truth."""
        u = self._leaves.get(leaf)
        if u is None:
            real = self.space.leaf(leaf, self.file)
            shown = self.shown[leaf.question]
            u = (shown & real) | (~shown if leaf.holds(None) else self.bdd.false)
            self._leaves[leaf] = u
        return u

    def fire(self, cond: Condition) -> Diagram:
        """BDD: the rule fires, on the walk as the engine takes it (early stops included)."""
        last = max((self.position[q] for q in questions_of(cond)), default=-1)
        u, stopped = self.bdd.false, self.bdd.false
        for i, stop in self.stops:
            if last <= i:  # from here on the condition reads only known answers
                break
            known = Known(self, i + 1)
            u |= stop & cond.bdd(known)[0]
            stopped |= stop
        return u | (~stopped & cond.bdd(Known(self, len(self.order)))[0])

    def asked(self) -> dict[str, Any]:
        """Question -> BDD: the walk asks it (not skipped, not after an early stop); and
        CONTINUED, when the space has it, where the person may go on past a stop."""
        out = self._asked()
        if self.space.continued is not None:
            out[CONTINUED] = self.goes_on
        return out

    def _asked(self) -> dict[str, Any]:
        out, stopped, stop_at = {}, self.bdd.false, dict(self.stops)
        for i, qid in enumerate(self.order):
            out[qid] = ~stopped & self.shown[qid]
            if i in stop_at:
                stopped |= stop_at[i]
        return out

    def asked_in(self, assignment: dict[str, bool]) -> list[str]:
        """The questions the walk asks for one assignment, in order."""
        end = len(self.order)
        for i, stop in self.stops:
            if holds(stop, assignment):
                end = i + 1
                break
        conditional, shown = self.conditional, self.shown
        return [
            qid
            for qid in self.order[:end]
            if qid not in conditional or holds(shown[qid], assignment)
        ]

    def answers_in(self, assignment: dict[str, bool]) -> dict[str, Any]:
        """The complete answers of one assignment: every question the walk asks, in order."""
        return self._examples.answers(assignment)

    def headline(self, rank: int) -> Diagram:
        """BDD: outcome number `rank` is the headline."""
        return self.levels[rank] & ~self.higher[rank]

    def gap(self) -> Diagram:
        return ~self.higher[-1] & self.valid


class _Examples:
    """Complete answer sets from assignments, quickly: a file of 1,000 questions asks for one
    per rule (thousands), while an assignment sets only the few variables the rule decides on.
    So the answers of the all-false assignment are worked out once, and only the questions
    (and skip logic and stops) that the set variables touch are looked at again."""

    def __init__(self, walk: SymbolicWalk):
        self.walk, self.space = walk, walk.space
        bdd, shown = walk.bdd, walk.shown
        self.stop_vars = {v for _, stop in walk.stops for v in bdd.support(stop)}
        self.shown_by: dict[str, list[str]] = {}  # variable -> conditional questions it affects
        for qid in walk.conditional:
            for var in bdd.support(shown[qid]):
                self.shown_by.setdefault(var, []).append(qid)
        self.end = self._end({})
        self.hidden = frozenset(q for q in walk.conditional if not holds(shown[q], {}))
        self.multi = [q for q in walk.order if walk.rs.catalogue[q].type == "multi"]
        self.prefix: dict[int, dict[str, Any]] = {}  # end -> first answers of order[:end]

    def _end(self, assignment: dict[str, bool]) -> int:
        for i, stop in self.walk.stops:
            if holds(stop, assignment):
                return i + 1
        return len(self.walk.order)

    def _hidden(self, assignment: dict[str, bool], trues: list[str]) -> set[str]:
        """The questions skip logic hides: as with no variable set, but for those they touch."""
        hidden = set(self.hidden)
        for qid in {q for var in trues for q in self.shown_by.get(var, ())}:
            if holds(self.walk.shown[qid], assignment):
                hidden.discard(qid)
            else:
                hidden.add(qid)
        return hidden

    def answers(self, assignment: dict[str, bool]) -> dict[str, Any]:
        walk, readable, bit_of = self.walk, self.space.readable, self.space.bit_of
        trues = [var for var, value in assignment.items() if value]
        end = self._end(assignment) if not self.stop_vars.isdisjoint(trues) else self.end
        hidden = self._hidden(assignment, trues)
        if end not in self.prefix:
            self.prefix[end] = {q: readable[q][0] for q in walk.order[:end]}
        out = dict(self.prefix[end])
        for qid in hidden:
            out.pop(qid, None)
        index: dict[str, int] = {}
        for var in trues:
            if var in bit_of:
                qid, bit = bit_of[var]
                index[qid] = index.get(qid, 0) | bit
        for qid, pattern in index.items():
            if qid in out:
                out[qid] = readable[qid][pattern]
        for qid in self.multi:  # a list of its own in each example (YAML would alias a shared one)
            if qid in out:
                out[qid] = list(out[qid])
        return out


def examples(walks: list[SymbolicWalk], u: Diagram, limit: int = 1) -> list[dict[str, Any]]:
    """Up to `limit` different complete sets of answers in `u`: every question a walk asks."""
    space = walks[0].space
    bdd, found = space.bdd, []
    for _ in range(limit):
        assignment = bdd.pick(u)
        if assignment is None:
            break
        if len(walks) == 1:
            found.append(walks[0].answers_in(assignment))
        else:
            union = {q for walk in walks for q in walk.asked_in(assignment)}
            found.append(space.answers(assignment, [q for q in space.domains if q in union]))
        if limit > 1:
            u &= ~bdd.cube(assignment)
    return found


def pick(walk: SymbolicWalk, u: Diagram) -> dict[str, Any] | None:
    """One complete set of answers in `u`, or None if it is empty."""
    found = walk.bdd.pick(u)
    return None if found is None else walk.answers_in(found)


def closure(walk: SymbolicWalk, reads: Iterable[str]) -> set[str]:
    """Questions that decide these: add skip-logic and early-stop questions."""
    show_if = walk.rs.show_if
    needed: set[str] = set()
    todo: list[str] = []
    if walk.space.continued is not None:  # going on past a stop decides what is asked
        needed.add(CONTINUED)
        bit_of = walk.space.bit_of
        todo.extend(bit_of[v][0] for v in walk.bdd.support(walk.goes_on) if v in bit_of)
    todo += [*reads, *(q for cond in walk.stop_rules for q in questions_of(cond))]
    todo += [q for conds in walk.rs.contradictions.values() for c in conds for q in questions_of(c)]
    while todo:
        qid = todo.pop()
        if qid not in needed:
            needed.add(qid)
            todo.extend(questions_of(show_if[qid]) if qid in show_if else ())
    return needed


def verify(rs: RuleSet, *, max_examples: int = 3, budget: float | None = None) -> Report:
    """Prove that every valid set of answers gets a headline; find dead and shadowed rules."""
    started, clock = time.thread_time(), Clock(budget)
    space = Space([rs])
    walk = SymbolicWalk(space, 0, clock)
    asked = walk.asked()
    report = Report()
    gap = walk.gap()
    if gap != space.bdd.false:
        report.gaps = examples([walk], gap, max_examples)
        outcome_reads = [
            q
            for rule, cond in zip(rs.file.rules, rs.when, strict=True)
            if rule.outcome is not None
            for q in questions_of(cond)
        ]
        report.gap_count = space.count(gap, asked, closure(walk, outcome_reads))
    _examples(walk, report)
    report.answer_sets = space.count(walk.valid, asked)
    report.seconds = time.thread_time() - started
    return report


def _examples(walk: SymbolicWalk, report: Report) -> None:
    """A witness for every rule that can match, and answers where each outcome rule wins."""
    pick, rules = walk.bdd.pick, walk.rs.file.rules
    witnesses, wins, never_win = (Examples(walk.answers_in) for _ in range(3))
    rank = walk.rs.outcome_rank()
    for rule, fires in zip(rules, walk.fires, strict=True):
        found = pick(fires)
        if found is None:
            report.never_match.append(rule.id)
            if rule.outcome is not None:
                never_win.add(rule.id, None)
            continue
        witnesses.add(rule.id, found)
        if rule.outcome is None:
            continue
        win = pick(fires & ~walk.higher[rank[rule.outcome]])
        if win is None:
            never_win.add(rule.id, found)
        else:
            wins.add(rule.id, win)
    report.witnesses, report.wins, report.never_win = witnesses, wins, never_win


def check_complete(rs: RuleSet, budget: float = LOADER_BUDGET_SECONDS) -> list[dict[str, Any]]:
    """Up to three answer sets that get no headline (empty when complete), within a budget.

    Raises VerifyTimeout past the budget, so the loader never hangs on a large rule file.
    """
    clock = Clock(budget)
    space = Space([rs])
    walk = SymbolicWalk(space, 0, clock)
    gap = walk.gap()
    return [] if gap == space.bdd.false else examples([walk], gap, 3)
