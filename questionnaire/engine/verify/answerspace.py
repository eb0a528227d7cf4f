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

from ..evaluation.conditions import Parser
from ..evaluation.ruleset import RuleSet

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
        return lambda answer: leaf.op.holds(info, leaf.value, answer)

    def test(answer: Any) -> bool:  # the engine's key for a multi-select: a frozenset
        return leaf.op.holds(info, leaf.value, None if answer is None else frozenset(answer))

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
        if index < len(self.patterns):
            return self.patterns[index]
        return {v: bool(index >> b & 1) for b, v in enumerate(self.bits)}

    def __post_init__(self) -> None:
        self.patterns: list[dict[str, bool]] = []
        self.patterns = [self.pattern(i) for i in range(len(self.reps))]


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
        return [(p, 1) for p in ordered] + [
            (a + 1, b - a - 1) for a, b in zip(ordered, ordered[1:], strict=False) if b - a > 1
        ]
    choices = [c for c in q.choices if span is None or c.value in span]
    alone = [(c.value,) for c in choices if c.exclusive]
    plain = [c.value for c in choices if not c.exclusive]
    said = set(_mentioned(keys))
    mentioned = [c for c in plain if c in said]
    others = [c for c in plain if c not in mentioned]
    units = _units(mentioned, keys)
    if 1 << len(units) > MAX_MULTI_SUBSETS:  # pragma: no cover - the loader caps choices
        raise ValueError(f"'{q.id}' has too many choices for the exact analysis")
    domain = [(a, 1) for a in alone]
    free = 2 ** len(others)
    for subset in range(1 << len(units)):
        chosen = [u for j, u in enumerate(units) if subset >> j & 1]
        if chosen:
            weight = free
            for unit in chosen:
                weight *= 2 ** len(unit) - 1
            domain.append((tuple(u[0] for u in chosen), weight))
        elif others:
            domain.append(((others[0],), free - 1))
    return domain


def _units(mentioned: list[Any], keys: Sequence[tuple]) -> list[list[Any]]:
    """The mentioned choices in groups that every leaf tells apart only as "some ticked": choices
    named by exactly the same leaves, all of them `has_any`. Ticking one of a group or several
    makes every leaf the same, so a group is one unit (its first choice stands for it)."""
    named_by: dict[Any, set[tuple]] = {c: set() for c in mentioned}
    for key in keys:
        loaded = json.loads(key[2])
        for item in loaded if isinstance(loaded, list) else [loaded]:
            if item in named_by:
                named_by[item].add(key)
    groups: dict[Any, list[Any]] = {}
    for c in mentioned:
        same = all(key[1] == "has_any" for key in named_by[c])
        groups.setdefault(frozenset(named_by[c]) if same else c, []).append(c)
    return list(groups.values())


class Space:
    """The answer classes of the questions several rule files share, as BDD variables."""

    def __init__(self, rulesets: Sequence[RuleSet]):
        self.bdd = BDD()
        self.bdd.configure(reordering=False)  # questions in order suit the walk; sifting costs more
        self.rulesets = list(rulesets)
        first = rulesets[0]
        shared = [
            q
            for q in first.questions
            if all(q.id in rs.catalogue and rs.catalogue[q.id].type == q.type for rs in rulesets)
        ]
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
        self.first: dict[str, Any] = {}  # question -> the answer of its first class
        self.block_of: dict[str, int] = {}  # BDD variable -> index of its question
        self.cubes: dict[str, list] = {}  # question -> BDD of each class
        self.bit_of: dict[str, tuple[str, int]] = {}  # class variable -> (question, bit value)
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
        self.questions[q.id] = Question(
            q.id,
            [g[0] for g in grouped.values()],
            [g[1] for g in grouped.values()],
            bits,
            count_var,
        )
        self.classes_of[q.id] = list(grouped)
        question = self.questions[q.id]
        # Every bit pattern is a class: one past the last stands for the class without its top
        # bit, so no pattern needs excluding (counting enumerates the real classes only).
        cubes = [self.bdd.false] * n
        for pattern in range(1 << len(bits)):
            cubes[alias(pattern, n)] |= self.bdd.cube(question.pattern(pattern))
        self.cubes[q.id] = cubes
        self.first[q.id] = question.reps[0]
        self.bit_of.update({v: (q.id, 1 << b) for b, v in enumerate(bits)})
        for var in (count_var, *bits):
            self.block_of[var] = len(self.questions) - 1
        self.position[q.id] = {test: i for i, test in enumerate(tests)}
        self.none_truth[q.id] = {test: t(None) for test, t in tests.items()}

    def is_class(self, qid: str, index: int):
        return self.cubes[qid][index]

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
        index: dict[str, int] = {}
        for var, value in assignment.items():
            if value:
                qid, bit = self.bit_of[var]
                index[qid] = index.get(qid, 0) | bit
        out: dict[str, Any] = {}
        for qid in asked:
            pattern = index.get(qid)
            if pattern is None:
                first = self.first[qid]
                out[qid] = list(first) if isinstance(first, tuple) else first
                continue
            reps = self.questions[qid].reps
            rep = reps[alias(pattern, len(reps))]
            out[qid] = list(rep) if isinstance(rep, tuple) else rep
        return out

    def count(self, u, asked: dict[str, Any], only: set[str] | None = None) -> int:
        """Weighted model count of `u`: answers to questions asked (a BDD each) are counted.

        Questions outside `only` (when given) must not matter to `u` and count once. A level by
        level walk over the diagram (variables stay in question order: no reordering).
        """
        bdd = self.bdd
        parts = [u]
        for qid, cond in asked.items():
            if only is None or qid in only:
                var = bdd.var(self.questions[qid].count_var)
                parts.append((var & cond) | (~var & ~cond))
        frontier = {balanced(parts, "and", bdd): 1}
        for block, question in enumerate(self.questions.values()):
            counted = only is None or question.id in only
            step: dict[Any, int] = {}
            for node, times in frontier.items():
                if not counted or node.var is None or self.block_of[node.var] > block:
                    whole = sum(question.weights) + 1 if counted else 1
                    step[node] = step.get(node, 0) + times * whole
                    continue
                asked = descend(node, {question.count_var: True})
                for child, weight in self._classes(question, asked, block):
                    step[child] = step.get(child, 0) + times * weight
                skipped = descend(descend(node, {question.count_var: False}), question.pattern(0))
                step[skipped] = step.get(skipped, 0) + times
            frontier = {node: times for node, times in step.items() if node != bdd.false}
        return sum(times for node, times in frontier.items() if node == bdd.true)

    def _classes(self, question: Question, node, block: int):
        """(node below the question, weight) for each class, when the question is asked."""
        if node.var is None or self.block_of[node.var] > block:
            return [(node, sum(question.weights))]
        return [(descend(node, question.pattern(i)), w) for i, w in enumerate(question.weights)]


def balanced(parts: list, op: str, bdd):
    """The conjunction or disjunction of many diagrams, pairwise (much faster than a chain)."""
    if not parts:
        return bdd.true if op == "and" else bdd.false
    while len(parts) > 1:
        paired = [
            (a & b) if op == "and" else (a | b)
            for a, b in zip(parts[::2], parts[1::2], strict=False)
        ]
        parts = paired + ([parts[-1]] if len(parts) % 2 else [])
    return parts[0]


def alias(pattern: int, classes: int) -> int:
    """The class a bit pattern stands for."""
    return pattern if pattern < classes else pattern - (1 << (classes - 1).bit_length() - 1)


def descend(u, assignment: dict[str, bool]):
    """Follow a diagram down while its variables are in `assignment` (missing: False)."""
    while u.var is not None and u.var in assignment:
        child = u.high if assignment[u.var] else u.low
        u = ~child if u.negated else child
    return u


def holds(u, assignment: dict[str, bool]) -> bool:
    """Whether a diagram is true for an assignment (variables left out are False)."""
    while u.var is not None:
        child = u.high if assignment.get(u.var) else u.low
        u = ~child if u.negated else child
    return u == u.bdd.true


def _span(q, rulesets: Sequence[RuleSet]) -> tuple | None:
    """The answers every rule file accepts for a question (None when the files agree)."""
    others = [rs.catalogue[q.id] for rs in rulesets[1:]]
    if not others:
        return None
    if q.type == "integer":
        return (max([q.min] + [o.min for o in others]), min([q.max] + [o.max for o in others]))
    return tuple(c.value for c in q.choices if all(c.value in o.choices for o in others))
