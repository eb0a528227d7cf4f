"""Exact analysis of a rule set with binary decision diagrams: the symbolic verifier.

The walk-through of one rule file over the answer space (see `answerspace`) becomes BDDs: which
questions are asked (skip logic, early stops), which rules fire (Kleene logic on the leaves known
when the walk stops, as the engine does), and which outcome is the headline. Gaps, dead and
shadowed rules are then empty-or-not tests, each with a complete witness, and counts are exact.
It fills the same `Report` as the depth-first search that the tests keep as the reference
(reference_verifier.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from ..evaluation.ruleset import RuleSet
from ..evaluation.walk import Flow
from .answerspace import Cond, Space, balanced, holds, leaf_keys, parse
from .report import Report

LOADER_BUDGET_SECONDS = 5.0


class VerifyTimeout(Exception):
    """The analysis ran past its time budget."""


class Clock:
    def __init__(self, budget: float | None):
        self.deadline = None if budget is None else time.perf_counter() + budget

    def tick(self) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise VerifyTimeout


class FileWalk:
    """One rule file's walk-through over a shared answer space, as BDDs."""

    def __init__(self, space: Space, file: int, clock: Clock | None = None):
        self.space, self.file = space, file
        self.rs: RuleSet = space.rulesets[file]
        clock = clock or Clock(None)
        bdd = self.bdd = space.bdd
        rs = self.rs
        self.order = [q.id for q in rs.questions]
        self.step_of = rs.step_of
        self._leaf: dict[tuple, Any] = {}
        self.conditional = {q.id for q in rs.questions if q.show_if is not None}
        self.shown: dict[str, Any] = {}  # question -> BDD: its skip logic lets it show
        for q in rs.questions:
            self.shown[q.id] = bdd.true if q.show_if is None else self.value(parse(q.show_if))
        self.rules = [parse(r.when) for r in rs.file.rules]
        # The steps after which the engine's walk checks stopping rules, and which it checks.
        tuple_of = {id(c): t for c, t in zip(rs.when, self.rules, strict=True)}
        checks = [(rs.step_of[q.id], q.stop_checks) for q in Flow(rs).questions if q.stop_checks]
        self.boundaries = [b for b, _ in checks]
        self.stops = []  # BDD per boundary: a stop is certain once that step is answered
        for b, conds in checks:
            known = {q for q in self.order if rs.step_of[q] <= b}
            u = bdd.false
            for cond in conds:
                u |= self.kleene(tuple_of[id(cond)], known)[0]
            self.stops.append(u)
            clock.tick()
        self.fires = []
        for cond in self.rules:
            self.fires.append(self.fire(cond))
            clock.tick()
        rank = rs.outcome_rank()
        by_level: list[list] = [[] for _ in rs.file.outcomes]
        for fires, rule in zip(self.fires, rs.file.rules, strict=True):
            if rule.outcome is not None:
                by_level[rank[rule.outcome]].append(fires)
        # levels[r]: some rule of outcome r fires
        self.levels = [balanced(fires, "or", bdd) for fires in by_level]
        self.higher = [bdd.false]  # higher[r]: an outcome ranked above r fires
        for level in self.levels:
            self.higher.append(self.higher[-1] | level)
            clock.tick()

    # --- conditions ---------------------------------------------------------------------------

    def leaf(self, key: tuple):
        """A leaf in this file: on a skipped question it has its 'not asked' truth."""
        if key not in self._leaf:
            real = self.space.leaf(key, self.file)
            skipped = self.space.none_truth[key[0]][key, self.file]
            shown = self.shown[key[0]]
            self._leaf[key] = (shown & real) | (~shown if skipped else self.bdd.false)
        return self._leaf[key]

    def value(self, cond: Cond):
        """Two-valued truth when every question it reads is known."""
        kind = cond[0]
        if kind == "leaf":
            return self.leaf(cond[1])
        if kind == "always":
            return self.bdd.true if cond[1] else self.bdd.false
        if kind == "not":
            return ~self.value(cond[1])
        parts = [self.value(c) for c in cond[1]]
        u = parts[0]
        for p in parts[1:]:
            u = (u & p) if kind == "all" else (u | p)
        return u

    def kleene(self, cond: Cond, known: set[str]):
        """(certainly true, certainly false) when only the `known` questions are answered."""
        bdd, kind = self.bdd, cond[0]
        if kind == "leaf":
            if cond[1][0] not in known:
                return bdd.false, bdd.false
            u = self.leaf(cond[1])
            return u, ~u
        if kind == "always":
            return (bdd.true, bdd.false) if cond[1] else (bdd.false, bdd.true)
        if kind == "not":
            true, false = self.kleene(cond[1], known)
            return false, true
        parts = [self.kleene(c, known) for c in cond[1]]
        true, false = parts[0]
        for t, f in parts[1:]:
            if kind == "all":
                true, false = true & t, false | f
            else:
                true, false = true | t, false & f
        return true, false

    def fire(self, cond: Cond):
        """BDD: the rule fires, on the walk as the engine takes it (early stops included)."""
        reads = {k[0] for k in leaf_keys(cond)}
        u, before = self.bdd.false, self.bdd.false  # `before`: stopped at an earlier boundary
        for b, stop in zip(self.boundaries, self.stops, strict=True):
            known = {q for q in self.order if self.step_of[q] <= b}
            if reads <= known:  # from here on the condition reads only known answers
                return u | (~before & self.value(cond))
            u |= stop & ~before & self.kleene(cond, known)[0]
            before |= stop
        return u | (~before & self.value(cond))

    # --- the walk -----------------------------------------------------------------------------

    def asked(self) -> dict[str, Any]:
        """Question -> BDD: the walk-through asks it (not skipped, not after an early stop)."""
        out = {}
        for qid in self.order:
            reached = self.bdd.true
            for b, stop in zip(self.boundaries, self.stops, strict=True):
                if b < self.step_of[qid]:
                    reached &= ~stop
            out[qid] = reached & self.shown[qid]
        return out

    def asked_in(self, assignment: dict[str, bool]) -> list[str]:
        """The questions the walk asks for one assignment, in order."""
        last = None
        for b, stop in zip(self.boundaries, self.stops, strict=True):
            if holds(stop, assignment):
                last = b
                break
        out = []
        for qid in self.order:
            if last is not None and self.step_of[qid] > last:
                break
            if qid in self.conditional and not holds(self.shown[qid], assignment):
                continue
            out.append(qid)
        return out

    def headline(self, rank: int):
        """BDD: outcome number `rank` is the headline."""
        return self.levels[rank] & ~self.higher[rank]

    def gap(self):
        return ~self.higher[-1]


def examples(walks: list[FileWalk], u, limit: int = 1) -> list[dict[str, Any]]:
    """Up to `limit` different complete sets of answers in `u`: every question a walk asks."""
    space = walks[0].space
    bdd, found = space.bdd, []
    for _ in range(limit):
        assignment = bdd.pick(u)
        if assignment is None:
            break
        asked: set[str] = set()
        for walk in walks:
            asked.update(walk.asked_in(assignment))
        found.append(space.answers(assignment, [q for q in space.questions if q in asked]))
        if limit > 1:
            u &= ~bdd.cube(assignment)
    return found


def pick(walk: FileWalk, u) -> dict[str, Any] | None:
    """One complete set of answers in `u`, or None if it is empty."""
    found = examples([walk], u)
    return found[0] if found else None


def closure(rs: RuleSet, reads: Iterable[str], walk: FileWalk) -> set[str]:
    """Questions that decide these: add skip-logic and early-stop questions."""
    needed = set(reads)
    needed |= {
        k[0]
        for i, r in enumerate(rs.file.rules)
        if _stops(rs, r.outcome)
        for k in leaf_keys(walk.rules[i])
    }
    changed = True
    while changed:
        changed = False
        for q in rs.questions:
            if q.id in needed and q.show_if is not None:
                for k in leaf_keys(parse(q.show_if)):
                    if k[0] not in needed:
                        needed.add(k[0])
                        changed = True
    return needed


def _stops(rs: RuleSet, outcome: str | None) -> bool:
    return any(o.id == outcome and o.stop for o in rs.file.outcomes)


def verify(rs: RuleSet, *, max_examples: int = 3, budget: float | None = None) -> Report:
    """Prove that every valid set of answers gets a headline; find dead and shadowed rules."""
    started, clock = time.perf_counter(), Clock(budget)
    space = Space([rs])
    walk = FileWalk(space, 0, clock)
    asked = walk.asked()
    report = Report()
    gap = walk.gap()
    if gap != space.bdd.false:
        report.gaps = examples([walk], gap, max_examples)
        outcome_reads = {
            k[0]
            for i, r in enumerate(rs.file.rules)
            if r.outcome is not None
            for k in leaf_keys(walk.rules[i])
        }
        report.gap_count = space.count(gap, asked, closure(rs, outcome_reads, walk))
    rank = rs.outcome_rank()
    for rule, fires in zip(rs.file.rules, walk.fires, strict=True):
        clock.tick()
        witness = pick(walk, fires)
        if witness is None:
            report.never_match.append(rule.id)
            if rule.outcome is not None:
                report.never_win[rule.id] = {}
            continue
        report.witnesses[rule.id] = witness
        if rule.outcome is None:
            continue
        win = pick(walk, fires & ~walk.higher[rank[rule.outcome]])
        if win is None:
            report.never_win[rule.id] = witness
        else:
            report.wins[rule.id] = win
    report.answer_sets = space.count(space.bdd.true, asked)
    report.seconds = time.perf_counter() - started
    return report


def check_complete(rs: RuleSet, budget: float = LOADER_BUDGET_SECONDS) -> list[dict[str, Any]]:
    """Up to three answer sets that get no headline (empty when complete), within a budget.

    Raises VerifyTimeout past the budget, so the loader never hangs on a large rule file.
    """
    clock = Clock(budget)
    space = Space([rs])
    walk = FileWalk(space, 0, clock)
    gap = walk.gap()
    return [] if gap == space.bdd.false else examples([walk], gap, 3)
