"""The joint answer space of an OLD and a NEW rule file that may ask different questions.

`Space` takes the questions both files ask, with the answers both accept. For "What changed"
between files whose questions differ (3.0.0 adds `age`, `disc_count` and new warning signs), the
joint space takes every question of either file, in the NEW file's order (a question only OLD
asks after the one OLD asks before it), with the NEW file's answers: an answer set of the joint
space is an answer set of the NEW file (plus, for OLD's sake, answers to questions only OLD asks).

Each file reads an answer as it would have been given to it:
- a question a file does not have is never asked by it, so it does not affect its headline;
- a multi-select choice a file does not offer cannot be ticked there: the file reads the ticked
  choices it offers, or its exclusive choice ("none") when that leaves nothing.
So that each answer class reads the same to both files, a multi-select whose choices differ is
split between the choices OLD offers and those it does not (two extra tests, never a rule's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import model
from ..evaluation.conditions import Leaf
from ..evaluation.operators import REGISTRY
from ..evaluation.questions import QuestionInfo
from ..evaluation.ruleset import RuleSet
from .answerspace import Diagram, Domain, Space, Span, Test

OLD, NEW = 0, 1


def merged_order(old: RuleSet, new: RuleSet) -> list[tuple[model.Question, QuestionInfo]]:
    """Every question of either file: NEW's order, a question only OLD asks after the question
    OLD asks before it (or first). Each with the NEW file's meaning where NEW has it."""
    found = [(q, new.catalogue[q.id]) for q in new.questions]
    for q in old.questions:
        if q.id in new.catalogue:
            continue
        ids = [p.id for p, _ in found]
        before = [p.id for p in old.questions[: old.questions.index(q)] if p.id in ids]
        place = ids.index(before[-1]) + 1 if before else 0
        found.insert(place, (q, old.catalogue[q.id]))
    return found


def read_as(q: model.Question | None, key: Any) -> Any:
    """An answer class as a file with question `q` reads it (None: it lacks the question)."""
    if q is None or q.type != "multi" or not key:
        return key
    return _read_multi(_choices(q), key)


def _choices(q: model.Question) -> tuple[frozenset[str], frozenset[str]]:
    """A multi-select's choices, and its exclusive ones."""
    return frozenset(c.value for c in q.choices), frozenset(
        c.value for c in q.choices if c.exclusive
    )


def _read_multi(choices: tuple[frozenset[str], frozenset[str]], key: frozenset[str]) -> Any:
    return key & choices[0] or choices[1]


def _split_tests(q: model.Question, info: QuestionInfo, rulesets: Sequence[RuleSet]) -> list[Test]:
    """For a multi-select whose choices differ between the files: per file lacking some, one
    test on the choices it offers and one on those it lacks (see the module's docstring)."""
    if info.type != "multi":
        return []
    has_any = REGISTRY["has_any"]
    tests: list[Test] = []
    plain = [c.value for c in q.choices if not c.exclusive]
    for file, rs in enumerate(rulesets):
        theirs = rs.catalogue.get(q.id)
        if theirs is None or theirs.type != "multi":
            continue
        lacked = tuple(c for c in plain if c not in theirs.choices)
        offered = tuple(c for c in plain if c in theirs.choices)
        if lacked:
            for values in (lacked, offered):
                if values:
                    tests.append(
                        (Leaf(q.id, has_any, values, info, "has_any"), len(rulesets) + file)
                    )
    return tests


class JointSpace(Space):
    """The answer space of [OLD, NEW]: every question of either file, NEW's answers."""

    def __init__(self, old: RuleSet, new: RuleSet):
        self.own = [{q.id: q for q in rs.questions} for rs in (old, new)]
        self.tests_of: dict[str, list[Test]] = {}  # question -> the tests that split it
        self.infos: dict[str, QuestionInfo] = {}
        self._multi = [  # file -> its multi-selects' choices
            {q.id: _choices(q) for q in rs.questions if q.type == "multi"} for rs in (old, new)
        ]
        self._key: Any = None  # the class `_holds` last read, and how each file reads it
        self._qid, self._seen = "", dict[int, Any]()
        self._weights: dict[str, list[dict[int, int]]] = {}  # see _sums
        super().__init__([old, new])

    def _questions(self) -> list[tuple[model.Question, QuestionInfo, Span]]:
        old, new = self.rulesets
        return [(q, info, None) for q, info in merged_order(old, new)]

    def _add(self, q: model.Question, info: QuestionInfo, tests: list[Test], span: Span) -> None:
        tests = [*tests, *_split_tests(q, info, self.rulesets)]
        self.tests_of[q.id] = tests
        self.infos[q.id] = info
        super()._add(q, info, tests, span)

    def nearby(self, qid: str, value: Any, target: int) -> Any:
        """For a number: the one nearest `target` that no test of either file tells apart from
        `value` (an example says "age 17", not the class's first number, "age 0")."""
        info = self.infos[qid]
        if info.type != "integer":
            return value
        tests = self.tests_of[qid]

        def vector(number: int) -> tuple[bool, ...]:
            return tuple(self._holds(leaf, file, number) for leaf, file in tests)

        low, high = info.bounds
        same = vector(value)
        return min(
            (n for n in range(low, high + 1) if vector(n) == same),
            key=lambda n: (abs(n - target), n),
        )

    def _holds(self, leaf: Leaf, file: int, key: Any) -> bool:
        if file >= len(self.own):  # a splitting test: on the NEW file's answer
            return leaf.holds(key)
        if key is not self._key or leaf.question != self._qid:  # one class, some 40 leaves
            self._key, self._qid, self._seen = key, leaf.question, {}
        seen = self._seen.get(file)
        if seen is None:
            choices = self._multi[file].get(leaf.question)
            seen = key if choices is None or not key else _read_multi(choices, key)
            self._seen[file] = seen
        return leaf.holds(seen)

    def _classes(self, domain: Domain, node: Diagram, block: int) -> list[tuple[Diagram, int]]:
        """As `Space._classes`, bit by bit: a warning-signs question read by both files has
        some 20,000 classes, and a diagram usually reads a few of their bits; below the last
        bit it reads, the classes that share the bits above are weighed at once."""
        if node.var is None or self.block_of[node.var] > block:
            return [(node, sum(domain.weights))]
        bits, found = domain.bits, dict[Diagram, int]()
        sums = self._sums(domain)
        todo = [(node, 0, 0)]  # (node, bits read, class index so far)
        while todo:
            u, depth, index = todo.pop()
            if u.var is None or self.block_of[u.var] > block:
                found[u] = found.get(u, 0) + sums[depth].get(index, 0)
                continue
            low = high = u
            if u.var == bits[depth]:
                low, high = (~u.low, ~u.high) if u.negated else (u.low, u.high)
            todo += [(low, depth + 1, index), (high, depth + 1, index | 1 << depth)]
        return list(found.items())

    def _sums(self, domain: Domain) -> list[dict[int, int]]:
        """sums[d][r]: the weight of the classes whose index has r as its lowest d bits."""
        found = self._weights.get(domain.id)
        if found is None:
            found = [{} for _ in range(len(domain.bits) + 1)]
            for index, weight in enumerate(domain.weights):
                for depth, sums in enumerate(found):
                    low = index & ((1 << depth) - 1)
                    sums[low] = sums.get(low, 0) + weight
            self._weights[domain.id] = found
        return found

    def new_only(self) -> list[str]:
        """The questions only NEW asks, in its order."""
        return [q.id for q in self.rulesets[NEW].questions if q.id not in self.own[OLD]]

    def old_only(self) -> list[str]:
        return [q.id for q in self.rulesets[OLD].questions if q.id not in self.own[NEW]]

    def new_choices(self) -> dict[str, list[str]]:
        """Question -> the choices NEW offers that OLD does not, for questions both ask."""
        out: dict[str, list[str]] = {}
        for qid, q in self.own[NEW].items():
            theirs = self.own[OLD].get(qid)
            if theirs is not None and theirs.type == q.type == "multi":
                known = {c.value for c in theirs.choices}
                added = [c.value for c in q.choices if c.value not in known]
                if added:
                    out[qid] = added
        return out
