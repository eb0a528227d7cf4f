"""The answer space of rule files as binary decision diagrams (the `dd` package, CUDD inside).

Every question's answers are split into classes that no leaf of any condition can tell apart: the
answers that matter come from the operators (`Operator.points`: the choices a leaf names, the
numbers at its edges), and each class's truth on every leaf from the leaf itself (`Leaf.holds`).
A class index is a few BDD variables; a full answer set (every question answered) is one
assignment. Counting weights each class by how many answers it stands for, and counts an answer
only where the question is really asked (see `symbolic` for the walk).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

try:  # CUDD, in C, from the PyPI wheel; the pure-Python twin has the same interface
    from dd.cudd import BDD
except ImportError:  # pragma: no cover - only where the wheel does not install
    from dd.autoref import BDD

from .. import model
from ..evaluation.conditions import Leaf
from ..evaluation.questions import QuestionInfo
from ..evaluation.ruleset import RuleSet

MAX_MULTI_SUBSETS = 1 << 16
# Not a question: whether the person went on past a stop that may be continued (`may_continue`)
CONTINUED = "#continued"
Test = tuple[Leaf, int]  # a leaf of one rule file (its index among the space's files)
Diagram = Any  # a node of a decision diagram (dd ships no type information)
Span = tuple[Any, ...] | None  # the answers every file accepts (None: the files agree)


@dataclass
class Domain:
    """One question of the shared space: its answer classes and their BDD variables."""

    id: str
    keys: list[Any]  # a representative answer key per class (see questions.py)
    weights: list[int]  # how many answers each class stands for
    bits: list[str]  # BDD variable names, least significant first
    count_var: str  # variable that says "this question is asked" (for counting)
    patterns: list[dict[str, bool]] = field(default_factory=list)  # bit values of each class

    def __post_init__(self) -> None:
        self.patterns = [self.pattern(i) for i in range(len(self.keys))]

    def pattern(self, index: int) -> dict[str, bool]:
        return {v: bool(index >> b & 1) for b, v in enumerate(self.bits)}


def _integers(info: QuestionInfo, points: set[Any], span: Span) -> list[tuple[int, int]]:
    """Every number a leaf names (and its neighbours) alone; the gaps between as one class."""
    low, high = span if span else info.bounds
    ordered = sorted({low, high} | {p for p in points if low <= p <= high})
    return [(p, 1) for p in ordered] + [
        (a + 1, b - a - 1) for a, b in zip(ordered, ordered[1:], strict=False) if b - a > 1
    ]


def _multi(
    q: model.Question, tests: Sequence[Test], points: set[Any], span: Span
) -> list[tuple[frozenset[str], int]]:
    """The exclusive choice alone; every subset of the units of choices a leaf names (see
    `_units`), with any of the others; some of the others alone."""
    choices = [c for c in q.choices if span is None or c.value in span]
    plain = [c.value for c in choices if not c.exclusive]
    named = [c for c in plain if c in points]
    others = [c for c in plain if c not in points]
    units = _units(named, tests)
    if 1 << len(units) > MAX_MULTI_SUBSETS:  # pragma: no cover - the loader caps choices
        raise ValueError(f"'{q.id}' has too many choices for the exact analysis")
    domain = [(frozenset({c.value}), 1) for c in choices if c.exclusive]
    free = 2 ** len(others)
    for subset in range(1 << len(units)):
        chosen = [u for j, u in enumerate(units) if subset >> j & 1]
        if chosen:
            weight = free
            for unit in chosen:
                weight *= 2 ** len(unit) - 1
            domain.append((frozenset(u[0] for u in chosen), weight))
        elif others:
            domain.append((frozenset(others[:1]), free - 1))
    return domain


def _units(named: list[Any], tests: Sequence[Test]) -> list[list[Any]]:
    """The named choices in groups that every leaf tells apart only as "some ticked": choices
    named by exactly the same leaves, all of them `has_any`. Ticking one of a group or several
    makes every leaf the same, so a group is one unit (its first choice stands for it)."""
    named_by: dict[Any, set[Test]] = {c: set() for c in named}
    for test in tests:
        leaf = test[0]
        for item in leaf.op.points(leaf.info, leaf.value):
            if item in named_by:
                named_by[item].add(test)
    groups: dict[Any, list[Any]] = {}
    for c in named:
        same = all(test[0].name == "has_any" for test in named_by[c])
        groups.setdefault(frozenset(named_by[c]) if same else c, []).append(c)
    return list(groups.values())


def _domain(
    q: model.Question, info: QuestionInfo, tests: Sequence[Test], span: Span
) -> list[tuple[Any, int]]:
    """(answer key, how many answers it stands for) covering every answer to a question once."""
    points = {p for leaf, _ in tests for p in leaf.op.points(leaf.info, leaf.value)}
    if info.type == "integer":
        return _integers(info, points, span)
    if info.type == "multi":
        return _multi(q, tests, points, span)
    return [(c, 1) for c in info.choices if span is None or c in span]


class Space:
    """The answer classes of the questions several rule files share, as BDD variables."""

    def __init__(self, rulesets: Sequence[RuleSet]):
        self.bdd = BDD()
        self.bdd.configure(reordering=False)  # questions in order suit the walk; sifting costs more
        self.rulesets = list(rulesets)
        shared = self._questions()
        tests: dict[str, list[Test]] = {q.id: [] for q, _, _ in shared}
        for file, rs in enumerate(rulesets):
            for leaf in rs.leaves:
                if leaf.question in tests:
                    tests[leaf.question].append((leaf, file))
        self.domains: dict[str, Domain] = {}
        self.classes_of: dict[str, list[tuple[bool, ...]]] = {}  # truth vector of each class
        self.position: dict[Test, int] = {}  # leaf of a file -> its place in the vectors
        self.block_of: dict[str, int] = {}  # BDD variable -> index of its question
        self.cubes: dict[str, list[Diagram]] = {}  # question -> BDD of each class
        self.bit_of: dict[str, tuple[str, int]] = {}  # class variable -> (question, bit value)
        self.readable: dict[str, list[Any]] = {}  # question -> answer of each bit pattern
        self.continued: Diagram | None = None  # the CONTINUED variable, when a file needs it
        if any(rs.may_continue for rs in rulesets):
            self._add_continued()
        for q, info, span in shared:
            self._add(q, info, tests[q.id], span)

    def _questions(self) -> list[tuple[model.Question, QuestionInfo, Span]]:
        """The questions every file asks (same id and type), each with the answers all accept
        (`jointspace` overrides it to take every question of either file)."""
        rulesets = self.rulesets
        first = rulesets[0]
        return [
            (q, first.catalogue[q.id], _span(q, rulesets))
            for q in first.questions
            if all(q.id in rs.catalogue and rs.catalogue[q.id].type == q.type for rs in rulesets)
        ]

    def _holds(self, leaf: Leaf, file: int, key: Any) -> bool:
        """Whether a leaf of one file holds for an answer class (`jointspace`: as that file
        reads an answer it may not offer)."""
        return leaf.holds(key)

    def _add(self, q: model.Question, info: QuestionInfo, tests: list[Test], span: Span) -> None:
        grouped: dict[tuple[bool, ...], list[Any]] = {}
        for key, count in _domain(q, info, tests, span):
            vector = tuple(self._holds(leaf, file, key) for leaf, file in tests)
            if vector in grouped:
                grouped[vector][1] += count
            else:
                grouped[vector] = [key, count]
        n = len(grouped)
        bits = [f"{q.id}#{b}" for b in range(max(0, (n - 1).bit_length()))]
        count_var = f"{q.id}#asked"
        self.bdd.declare(count_var, *bits)
        domain = Domain(
            q.id,
            [g[0] for g in grouped.values()],
            [g[1] for g in grouped.values()],
            bits,
            count_var,
        )
        self.domains[q.id] = domain
        self.classes_of[q.id] = list(grouped)
        # Every bit pattern is a class: one past the last stands for the class without its top
        # bit, so no pattern needs excluding (counting enumerates the real classes only).
        patterns = [self.bdd.true]  # the diagram of each bit pattern, one bit at a time
        for var in bits:
            bit = self.bdd.var(var)
            patterns = [p & ~bit for p in patterns] + [p & bit for p in patterns]
        cubes = [self.bdd.false] * n
        for pattern, cube in enumerate(patterns):
            cubes[alias(pattern, n)] |= cube
        self.cubes[q.id] = cubes
        self.readable[q.id] = [
            info.readable(domain.keys[alias(p, n)]) for p in range(1 << len(bits))
        ]
        self.bit_of.update({v: (q.id, 1 << b) for b, v in enumerate(bits)})
        for var in (count_var, *bits):
            self.block_of[var] = len(self.domains) - 1
        self.position.update({test: i for i, test in enumerate(tests)})

    def _add_continued(self) -> None:
        """CONTINUED as a yes-or-no "question" of its own (first in the order), asked where a
        walk may go on past a stop, so counting sees both walks there and one elsewhere."""
        bit, count_var = f"{CONTINUED}#0", f"{CONTINUED}#asked"
        self.bdd.declare(count_var, bit)
        self.domains[CONTINUED] = Domain(CONTINUED, [False, True], [1, 1], [bit], count_var)
        self.block_of.update({count_var: 0, bit: 0})
        self.continued = self.bdd.var(bit)

    def leaf(self, leaf: Leaf, file: int) -> Diagram:
        """BDD of a leaf of one rule file, on its question's answers (as if asked)."""
        qid = leaf.question
        position = self.position[leaf, file]
        u = self.bdd.false
        for index, vector in enumerate(self.classes_of[qid]):
            if vector[position]:
                u |= self.cubes[qid][index]
        return u

    def answers(self, assignment: dict[str, bool], asked: Iterable[str]) -> dict[str, Any]:
        """The answers of one BDD assignment, for the questions that are asked (variables left
        out of the assignment are False: the first class)."""
        index: dict[str, int] = {}
        bit_of = self.bit_of
        for var, value in assignment.items():
            if value and var in bit_of:
                qid, bit = bit_of[var]
                index[qid] = index.get(qid, 0) | bit
        readable = self.readable
        out = {qid: readable[qid][index.get(qid, 0)] for qid in asked}
        return {qid: list(v) if isinstance(v, list) else v for qid, v in out.items()}

    def count(self, u: Diagram, asked: dict[str, Diagram], only: set[str] | None = None) -> int:
        """Weighted model count of `u`: answers to questions asked (a BDD each) are counted.

        Questions outside `only` (when given) must not matter to `u` and count once. A level by
        level walk over the diagram (variables stay in question order: no reordering).
        """
        bdd = self.bdd
        parts = [u]
        for qid, cond in asked.items():
            if only is None or qid in only:
                var = bdd.var(self.domains[qid].count_var)
                parts.append((var & cond) | (~var & ~cond))
        frontier = {balanced(parts, "and", bdd): 1}
        for block, domain in enumerate(self.domains.values()):
            counted = only is None or domain.id in only
            step: dict[Any, int] = {}
            for node, times in frontier.items():
                if not counted or node.var is None or self.block_of[node.var] > block:
                    whole = sum(domain.weights) + 1 if counted else 1
                    step[node] = step.get(node, 0) + times * whole
                    continue
                asked_node = descend(node, {domain.count_var: True})
                for child, weight in self._classes(domain, asked_node, block):
                    step[child] = step.get(child, 0) + times * weight
                skipped = descend(descend(node, {domain.count_var: False}), domain.patterns[0])
                step[skipped] = step.get(skipped, 0) + times
            frontier = {node: times for node, times in step.items() if node != bdd.false}
        return sum(times for node, times in frontier.items() if node == bdd.true)

    def _classes(self, domain: Domain, node: Diagram, block: int) -> list[tuple[Diagram, int]]:
        """(node below the question, weight) for each class, when the question is asked."""
        if node.var is None or self.block_of[node.var] > block:
            return [(node, sum(domain.weights))]
        return [(descend(node, domain.patterns[i]), w) for i, w in enumerate(domain.weights)]


def balanced(parts: Sequence[Diagram], op: str, bdd: Any) -> Diagram:
    """The conjunction or disjunction of many diagrams, pairwise (much faster than a chain)."""
    if not parts:
        return bdd.true if op == "and" else bdd.false
    parts = list(parts)
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


def descend(u: Diagram, assignment: dict[str, bool]) -> Diagram:
    """Follow a diagram down while its variables are in `assignment` (missing: False)."""
    while u.var is not None and u.var in assignment:
        child = u.high if assignment[u.var] else u.low
        u = ~child if u.negated else child
    return u


def holds(u: Diagram, assignment: dict[str, bool]) -> bool:
    """Whether a diagram is true for an assignment (variables left out are False)."""
    while u.var is not None:
        child = u.high if assignment.get(u.var) else u.low
        u = ~child if u.negated else child
    return bool(u == u.bdd.true)


def _span(q: model.Question, rulesets: Sequence[RuleSet]) -> Span:
    """The answers every rule file accepts for a question (None when the files agree)."""
    others = [rs.catalogue[q.id] for rs in rulesets[1:]]
    if not others:
        return None
    if q.type == "integer":
        infos = [rulesets[0].catalogue[q.id], *others]
        return max(i.bounds[0] for i in infos), min(i.bounds[1] for i in infos)
    return tuple(c.value for c in q.choices if all(c.value in o.choices for o in others))
