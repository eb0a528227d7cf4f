"""The answer space of rule files as binary decision diagrams (the `dd` package, CUDD inside).

Every question's possible answers are split into classes that no leaf of any condition can tell
apart; a class index is a few BDD variables. A full answer set (every question answered) is one
assignment. Counting weights each class by how many answers it stands for, and counts an
answer only where the question is really asked (see `symbolic` for the walk-through).

This module knows the engine's operators in one place only, `leaf_test` (the truth of one leaf
for one concrete answer): re-point it when the operators move.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

try:  # CUDD, in C, from the PyPI wheel; the pure-Python twin has the same interface
    from dd.cudd import BDD
except ImportError:  # pragma: no cover - only where the wheel does not install
    from dd.autoref import BDD

from .conditions import Parser, leaf_true
from .loader import RuleSet

# A condition as plain tuples: ("leaf", key) | ("all", kids) | ("any", kids) | ("not", kid)
# | ("always", bool). A leaf key is (question id, operator, value as JSON).
Cond = tuple
MAX_MULTI_SUBSETS = 1 << 16


# --- The one adapter onto the engine's operators --------------------------------------------


def leaf_test(rs: RuleSet, raw_leaf: dict[str, Any]) -> Callable[[Any], bool]:
    """ADAPTER: truth of one leaf `{q: ..., op: value}` for a concrete answer (None: not asked).

    Answers are as a patient sends them: a choice value, a number, or a list of choice values.
    This is the only function that knows how the engine evaluates an operator.
    """
    leaf = Parser(rs.catalogue).parse(raw_leaf, ())
    assert leaf is not None, raw_leaf  # the loader has already checked every condition
    info = rs.catalogue[leaf.question]
    if info.type != "multi":
        return lambda answer: leaf_true(leaf, info, answer)

    def test(answer: Any) -> bool:
        if answer is None:
            return leaf_true(leaf, info, None)
        mask = 0
        for value in answer:
            mask |= info.choice_bit(value)
        return leaf_true(leaf, info, mask)

    return test


# --- Conditions as data ----------------------------------------------------------------------


def parse(raw: dict[str, Any]) -> Cond:
    """A checked raw condition as nested tuples (the loader has validated its shape)."""
    for name in ("all", "any"):
        if name in raw:
            return (name, tuple(parse(c) for c in raw[name]))
    if "not" in raw:
        return ("not", parse(raw["not"]))
    if "always" in raw:
        return ("always", bool(raw["always"]))
    op = next(k for k in raw if k != "q")
    return ("leaf", (raw["q"], op, json.dumps(raw[op], sort_keys=True)))


def leaf_keys(cond: Cond) -> Iterable[tuple]:
    if cond[0] == "leaf":
        yield cond[1]
    elif cond[0] in ("all", "any"):
        for child in cond[1]:
            yield from leaf_keys(child)
    elif cond[0] == "not":
        yield from leaf_keys(cond[1])


def raw_leaf(key: tuple) -> dict[str, Any]:
    return {"q": key[0], key[1]: json.loads(key[2])}


# --- Answer classes --------------------------------------------------------------------------


@dataclass
class Question:
    """One question of the shared space: its answer classes and BDD variables."""

    id: str
    reps: list[Any]  # a representative answer per class
    weights: list[int]  # how many answers each class stands for
    bits: list[str]  # BDD variable names, least significant first
    count_var: str  # variable that says "this question is asked" (for counting)

    def pattern(self, index: int) -> dict[str, bool]:
        return {v: bool(index >> b & 1) for b, v in enumerate(self.bits)}


def _mentioned(keys: Iterable[tuple]) -> list[Any]:
    found: list[Any] = []
    for _, _, value in keys:
        loaded = json.loads(value)
        for item in loaded if isinstance(loaded, list) else [loaded]:
            if not isinstance(item, bool):
                found.append(item)
    return found


def _domain(q, keys: Sequence[tuple], span: tuple | None) -> list[tuple[Any, int]]:
    """(answer, how many answers it stands for) covering every answer to a question exactly."""
    if q.type == "single":
        return [(c.value, 1) for c in q.choices if span is None or c.value in span]
    if q.type == "integer":
        low, high = span if span else (q.min, q.max)
        points = {low, high}
        for v in _mentioned(keys):
            if isinstance(v, int):
                points.update(p for p in (v - 1, v, v + 1) if low <= p <= high)
        ordered = sorted(points)
        return [(p, 1) for p in ordered] + [(a + 1, b - a - 1) for a, b in
                                            zip(ordered, ordered[1:], strict=False) if b - a > 1]
    choices = [c for c in q.choices if span is None or c.value in span]
    alone = [(c.value,) for c in choices if c.exclusive]
    plain = [c.value for c in choices if not c.exclusive]
    mentioned = [c for c in plain if c in set(_mentioned(keys))]
    others = [c for c in plain if c not in mentioned]
    if 1 << len(mentioned) > MAX_MULTI_SUBSETS:  # pragma: no cover - the loader caps choices
        raise ValueError(f"'{q.id}' has too many choices for the exact analysis")
    domain = [(a, 1) for a in alone]
    free = 2 ** len(others)
    for subset in range(1 << len(mentioned)):
        picked = tuple(c for j, c in enumerate(mentioned) if subset >> j & 1)
        if picked:
            domain.append((picked, free))
        elif others:
            domain.append(((others[0],), free - 1))
    return domain


class Space:
    """The answer classes of the questions several rule files share, as BDD variables."""

    def __init__(self, rulesets: Sequence[RuleSet]):
        self.bdd = BDD()
        self.rulesets = list(rulesets)
        first = rulesets[0]
        shared = [q for q in first.questions
                  if all(q.id in rs.catalogue and rs.catalogue[q.id].type == q.type
                         for rs in rulesets)]
        keys: dict[str, dict[tuple[tuple, int], Callable]] = {q.id: {} for q in shared}
        for file, rs in enumerate(rulesets):
            conds = [parse(r.when) for r in rs.file.rules]
            conds += [parse(q.show_if) for q in rs.questions if q.show_if is not None]
            for cond in conds:
                for key in leaf_keys(cond):
                    tests = keys.get(key[0])
                    if tests is not None and (key, file) not in tests:
                        tests[key, file] = leaf_test(rs, raw_leaf(key))
        self.tests = keys  # question -> leaf key -> test per rule file
        self.questions: dict[str, Question] = {}
        self.classes_of: dict[str, list[tuple]] = {}  # truth vector of each class
        self.position: dict[str, dict[tuple, int]] = {}  # (leaf key, file) -> vector index
        self.none_truth: dict[str, dict[tuple, bool]] = {}  # (leaf key, file) -> truth if skipped
        self.valid = self.bdd.true  # every variable pattern is some class
        for q in shared:
            self._add(q, keys[q.id], _span(q, rulesets))

    def _add(self, q, tests: dict[tuple[tuple, int], Callable], span) -> None:
        grouped: dict[tuple, list] = {}
        for answer, count in _domain(q, [key for key, _ in tests], span):
            vector = tuple(t(answer) for t in tests.values())
            if vector in grouped:
                grouped[vector][1] += count
            else:
                grouped[vector] = [answer, count]
        n = len(grouped)
        bits = [f"{q.id}#{b}" for b in range(max(0, (n - 1).bit_length()))]
        count_var = f"{q.id}#asked"
        self.bdd.declare(count_var, *bits)
        self.questions[q.id] = Question(q.id, [g[0] for g in grouped.values()],
                                        [g[1] for g in grouped.values()], bits, count_var)
        self.classes_of[q.id] = list(grouped)
        self.position[q.id] = {test: i for i, test in enumerate(tests)}
        self.none_truth[q.id] = {test: t(None) for test, t in tests.items()}
        valid = self.bdd.false
        for index in range(n):
            valid |= self.is_class(q.id, index)
        self.valid &= valid

    def is_class(self, qid: str, index: int):
        bdd, u = self.bdd, self.bdd.true
        for var, value in self.questions[qid].pattern(index).items():
            u &= bdd.var(var) if value else ~bdd.var(var)
        return u

    def leaf(self, key: tuple, file: int):
        """BDD of a leaf on a (asked) question, for one rule file."""
        qid = key[0]
        position = self.position[qid][key, file]
        u = self.bdd.false
        for index, vector in enumerate(self.classes_of[qid]):
            if vector[position]:
                u |= self.is_class(qid, index)
        return u

    def answers(self, assignment: dict[str, bool], asked: Iterable[str]) -> dict[str, Any]:
        """The answers of one BDD assignment, for the questions that are asked."""
        out: dict[str, Any] = {}
        for qid in asked:
            question = self.questions[qid]
            index = sum(1 << b for b, v in enumerate(question.bits) if assignment.get(v))
            rep = question.reps[index]
            out[qid] = list(rep) if isinstance(rep, tuple) else rep
        return out

    def count(self, u, asked: dict[str, Any], only: set[str] | None = None) -> int:
        """Weighted model count of `u`: answers to questions asked (a BDD each) are counted.

        Questions outside `only` (when given) must not matter to `u` and count once.
        """
        bdd = self.bdd
        for qid, cond in asked.items():
            if only is None or qid in only:
                var = bdd.var(self.questions[qid].count_var)
                u &= (var & cond) | (~var & ~cond)
        frontier = {u: 1}
        for qid, question in self.questions.items():
            if only is not None and qid not in only:
                continue
            step: dict[Any, int] = {}
            for node, times in frontier.items():
                for is_asked in (True, False):
                    node_a = bdd.let({question.count_var: is_asked}, node)
                    if node_a == bdd.false:
                        continue
                    for index, weight in enumerate(question.weights):
                        if not is_asked and index:
                            break
                        sub = bdd.let(question.pattern(index), node_a) if question.bits \
                            else node_a
                        if sub != bdd.false:
                            step[sub] = step.get(sub, 0) + times * (weight if is_asked else 1)
            frontier = step
        total = 0
        for node, times in frontier.items():
            node = bdd.exist([q.count_var for q in self.questions.values()], node)
            node = bdd.exist([v for q in self.questions.values() for v in q.bits], node)
            if node == bdd.true:
                total += times
        return total


def _span(q, rulesets: Sequence[RuleSet]) -> tuple | None:
    """The answers every rule file accepts for a question (None when the files agree)."""
    others = [rs.catalogue[q.id] for rs in rulesets[1:]]
    if not others:
        return None
    if q.type == "integer":
        return (max([q.min] + [o.min for o in others]), min([q.max] + [o.max for o in others]))
    return tuple(c.value for c in q.choices if all(c.value in o.choices for o in others))
