"""Headlines of two rule files on their joint answer space (`jointspace`), counted in NEW's.

Both files' walks run over the joint space, each with its own questions, skip logic and stops.
An answer set is one of the NEW file: the answers to the questions NEW asks. The NEW headline is
its own. The OLD headline is the one OLD gives whatever the answers NEW does not ask (the
questions only OLD has, and those OLD asks where NEW stops or skips): settled, as the engine's
`settled` is for a partial answer set. Where those answers would change the OLD headline, it is
UNDECIDED: for example NEW stops at a new warning sign that OLD did not offer, while OLD went on
to ask about the pain. So every count is a number of the NEW file's answer sets, exactly, and
the pairs (OLD headline, NEW headline) split them without overlap.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..evaluation.ruleset import RuleSet
from .answerspace import Diagram, balanced
from .jointspace import NEW, OLD, JointSpace, read_as
from .symbolic import SymbolicWalk


class NotComparable(Exception):
    """The two files cannot be compared on one answer space; the message says why."""


UNDECIDED = "#undecided"  # the OLD headline depends on answers NEW does not ask
REFUSED = "#refused"  # OLD refuses these answers (one contradicts another), whatever the rest
UNSETTLED = (None, UNDECIDED, REFUSED)  # OLD headlines that are not an outcome
Heads = list[tuple[str | None, Diagram]]  # (outcome id, or None: no headline; where it is)


def heads(walk: SymbolicWalk) -> Heads:
    """Each outcome's headline region, then the gap's (no headline)."""
    out: Heads = [(o.id, walk.headline(i)) for i, o in enumerate(walk.rs.file.outcomes)]
    return out + [(None, walk.gap())]


class Joint:
    """OLD's and NEW's walks on the joint space, and what OLD's headline is for NEW's answers."""

    def __init__(self, old: RuleSet, new: RuleSet):
        retyped = [
            f"{q.id} ({old.catalogue[q.id].type} -> {q.type})"
            for q in new.questions
            if q.id in old.catalogue and old.catalogue[q.id].type != q.type
        ]
        if retyped:
            raise NotComparable(
                "a question keeps its id but takes another kind of answer, so the two files' "
                "answers to it cannot be matched: " + ", ".join(retyped)
            )
        space = self.space = JointSpace(old, new)
        self.walks = [SymbolicWalk(space, OLD), SymbolicWalk(space, NEW)]
        bdd = self.bdd = space.bdd
        asked = self.walks[NEW].asked()
        self.asked = {q: asked.get(q, bdd.false) for q in space.domains}  # NEW asks it
        self.valid = self.walks[NEW].valid
        # NEW's answer sets as if it refused none (see `refusals`): the same questions asked
        go_on = space.continued
        self.possible = bdd.true if go_on is None else ~go_on | self.walks[NEW].goes_on
        self.total = self.count(self.valid)
        self.new_heads = heads(self.walks[NEW])
        settled = [(a, self.settle(self.old_view(u))) for a, u in heads(self.walks[OLD])]
        # an answer set OLD refuses gets no walk there: no headline, no rule fires
        self.refused = self.settle(self.old_view(~self.walks[OLD].valid))
        decided = balanced([u for _, u in settled] + [self.refused], "or", bdd)
        self.old_heads: list[tuple[str | None, Diagram]] = [
            *settled,
            (REFUSED, self.refused),
            (UNDECIDED, ~decided),
        ]

    def count(self, u: Diagram) -> int:
        """How many of NEW's answer sets are in `u` (which reads only answers NEW asks)."""
        return self.space.count(u & self.valid, self.asked)

    def count_possible(self, u: Diagram) -> int:
        """As `count`, with the answer sets NEW refuses (one answer contradicts another)."""
        return self.space.count(u & self.possible, self.asked)

    def old_view(self, u: Diagram) -> Diagram:
        """A diagram of OLD's walk for NEW's answer sets: where the person went on past a stop
        (CONTINUED) but OLD offers no going on there, OLD's walk is the stopped one."""
        go_on = self.space.continued
        if go_on is None:
            return u
        stopped = self.bdd.let({str(go_on.var): False}, u)
        goes_on = self.walks[OLD].goes_on
        return (u & (~go_on | goes_on)) | (go_on & ~goes_on & stopped)

    def settle(self, u: Diagram, every: bool = True) -> Diagram:
        """Where `u` holds for every (every=False: some) answer to the questions NEW does not
        ask: question by question from the last, as what NEW asks depends on earlier answers
        only. Questions `u` does not read are passed over."""
        bdd = self.bdd
        quantify = bdd.forall if every else bdd.exist
        support = bdd.support(u)
        for qid, domain in reversed(self.space.domains.items()):
            asked = self.asked[qid]
            if asked == bdd.true or support.isdisjoint(domain.bits):
                continue
            whole = quantify(domain.bits, u)
            u = whole if asked == bdd.false else (asked & u) | (~asked & whole)
            support = bdd.support(u)
        return u

    def moves(self) -> Iterator[tuple[str | None, str | None, Diagram]]:
        """(OLD headline, NEW headline, answer sets) for each pair that differs, none empty."""
        false = self.bdd.false
        for a, before in self.old_heads:
            for b, after in self.new_heads:
                region = before & after
                if a != b and region != false:
                    yield a, b, region

    def old_fires(self, rule: int, every: bool = True) -> Diagram:
        """Where OLD's rule number `rule` fires for NEW's answer sets (whatever, or for some,
        answers NEW does not ask)."""
        return self.settle(self.old_view(self.walks[OLD].fires[rule]), every)

    def witnesses(self, assignment: dict[str, bool]) -> tuple[dict[str, Any], dict[str, Any]]:
        """NEW's complete answer set for an assignment, and the answers OLD would have got:
        the choices it offers, and its own questions (those NEW does not ask as assigned)."""
        new = self.walks[NEW].answers_in(assignment)
        asked = self.walks[OLD].answers_in(assignment)
        own = self.space.own[OLD]
        old = {}
        for qid, answer in asked.items():
            key = frozenset(answer) if isinstance(answer, list) else answer
            seen = read_as(own[qid], key)
            old[qid] = (
                [c.value for c in own[qid].choices if c.value in seen]
                if own[qid].type == "multi"
                else seen
            )
        return new, old


def joint_of(old: RuleSet, new: RuleSet) -> Joint | None:
    """Both files on their joint answer space, or None when they cannot be compared (`semantic`
    then says why)."""
    try:
        return Joint(old, new)
    except NotComparable:
        return None
