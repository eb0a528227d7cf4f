"""What changed, by cause: the headline changes of `joint` split by what is behind each.

A group "from may apply to usually ruled out" may hold several policy changes (osteoporosis,
neck-only pain, earlier surgery, a new age question). Each of the NEW file's answer sets whose
headline changes is put under the rule that now gives its headline, or, when that rule did not
change (or no rule gives one), under the rule that gave the old headline.

A rule that now gives the headline may do so because of what NEW asks that OLD did not: a new
question (`age`), or new choices of a question both ask (new warning signs). Its part is split
exactly: with the new questions and choices it reads taken in questionnaire order, the answer
sets where the rule fires once the first k of them are read as OLD reads answers, but not with
k - 1, go to the k-th ("the new age question: under 18 now -> usually_excluded"); those where it
fires even as OLD reads everything go to the rule's own change. Counts are exact (NEW's answer
sets, as `rules diff` counts them), and each cause's example is the answer set nearest to a
typical one (a scenario's), so a clinician reads "pain score 4", not "age 0, pain 0".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..evaluation.conditions import Leaf, questions_of
from ..evaluation.ruleset import RuleSet
from .answerspace import Diagram
from .joint import UNSETTLED, Joint
from .jointspace import NEW, OLD, read_as
from .symbolic import Known


@dataclass(frozen=True)
class Cause:
    rule: str  # the rule behind the change
    side: str  # "new": it now gives the headline; "old": it gave the old one
    from_: str | None  # headline with the old file (None: none; or joint.UNDECIDED, REFUSED)
    to: str | None
    answer_sets: int
    before: int  # answer sets that had the headline `from_` with the old file
    total: int  # every answer set of the new file
    witness: dict[str, Any]  # a complete answer set of the new file
    item: str = ""  # "question:<id>" or "choices:<id>": what NEW asks that OLD did not
    witness_old: dict[str, Any] = field(default_factory=dict)  # the same, as OLD asks it


def _distance(answer: Any, typical: Any) -> float:
    if typical is None:
        return 0
    if isinstance(answer, int) and isinstance(typical, int):
        return abs(answer - typical) / 10
    if isinstance(answer, list) and isinstance(typical, list):
        return len(set(answer) ^ set(typical))
    return 0 if answer == typical else 1


def preferences(joint: Joint, typical: dict[str, Any]) -> dict[str, list[int]]:
    """Question -> its bit patterns, nearest to the typical answer first (sorted once)."""
    readable = joint.space.readable
    return {
        qid: sorted(range(len(readable[qid])), key=lambda p: _distance(readable[qid][p], answer))
        for qid, answer in typical.items()
        if qid in readable
    }


def nearest(joint: Joint, region: Diagram, preferred: dict[str, list[int]]) -> dict[str, bool]:
    """An assignment in `region`, chosen question by question nearest to a typical answer set
    (`preferences`)."""
    space = joint.space
    bdd = space.bdd
    for qid, domain in space.domains.items():
        for p in preferred.get(qid, ()):
            narrowed = region & bdd.cube(domain.pattern(p))
            if narrowed != bdd.false:
                region = narrowed
                break
    found: dict[str, bool] = bdd.pick(region)
    return found


def _unchanged(old: RuleSet, new: RuleSet) -> set[str]:
    before = {r.id: r for r in old.file.rules}
    return {r.id for r in new.file.rules if r.id in before and before[r.id] == r}


class _AsOld(Known):
    """NEW's leaves with the questions in `removed` read as OLD reads answers: a question OLD
    lacks as not asked, a multi-select without the choices OLD does not offer."""

    def __init__(self, joint: Joint, removed: frozenset[str], cache: dict[Leaf, Diagram]):
        walk = joint.walks[NEW]
        super().__init__(walk, len(walk.order))
        self.joint, self.removed, self.cache = joint, removed, cache

    def leaf(self, leaf: Leaf) -> Any | None:
        if leaf.question not in self.removed:
            return super().leaf(leaf)
        u = self.cache.get(leaf)
        if u is None:
            u = self.cache[leaf] = self._as_old(leaf)
        return u

    def _as_old(self, leaf: Leaf) -> Diagram:
        joint, qid = self.joint, leaf.question
        bdd, space = joint.bdd, joint.space
        theirs = space.own[OLD].get(qid)
        if theirs is None:
            return bdd.true if leaf.holds(None) else bdd.false
        real = bdd.false
        for index, key in enumerate(space.domains[qid].keys):
            if leaf.holds(read_as(theirs, key)):
                real |= space.cubes[qid][index]
        shown = joint.walks[NEW].shown[qid]
        return (shown & real) | (~shown if leaf.holds(None) else bdd.false)


class _Attribution:
    """Splits the answer sets of changed headlines by cause (see the module's docstring)."""

    def __init__(self, joint: Joint):
        self.joint = joint
        space = joint.space
        new_choices = space.new_choices()
        order = [q.id for q in space.rulesets[NEW].questions]
        self.items = [
            (qid, f"question:{qid}" if qid not in space.own[OLD] else f"choices:{qid}")
            for qid in order
            if qid not in space.own[OLD] or qid in new_choices
        ]
        self.cache: dict[Leaf, Diagram] = {}
        self.steps: dict[int, list[tuple[str, Diagram]]] = {}
        self.same = _unchanged(space.rulesets[OLD], space.rulesets[NEW])
        self.old_fires: list[Diagram] | None = None  # OLD's rules, for some unasked answers

    def by_item(self, rule: int, part: Diagram) -> list[tuple[str, Diagram]]:
        """(item, or "" for the rule's own change; answer sets) within `part`."""
        bdd = self.joint.bdd
        out = [(item, part & u) for item, u in self._steps(rule)]
        return [(item, u) for item, u in out if u != bdd.false]

    def _steps(self, rule: int) -> list[tuple[str, Diagram]]:
        """A partition of the space for one NEW rule: (item k, where the rule fires once items
        1..k are read as NEW reads them but not with 1..k-1), and ("", the rest: it fires even
        as OLD reads every item, or on the walk's own terms only)."""
        found = self.steps.get(rule)
        if found is None:
            joint = self.joint
            cond = joint.space.rulesets[NEW].when[rule]
            read = set(questions_of(cond))
            items = [(qid, item) for qid, item in self.items if qid in read]
            levels = [  # levels[k]: the first k items read as NEW reads them, the rest as OLD
                cond.bdd(_AsOld(joint, frozenset(q for q, _ in items[k:]), self.cache))[0]
                for k in range(len(items) + 1)
            ]
            below, found = levels[0], []
            for (_, item), fires in zip(items, levels[1:], strict=True):
                found.append((item, fires & ~below))
                below |= fires
            found.insert(0, ("", levels[0] | ~below))
            self.steps[rule] = found
        return found

    def split_new(self, outcome: str | None, region: Diagram) -> list[tuple[int | None, Diagram]]:
        """(rule number, part of `region`) for each NEW rule of `outcome` that gives it."""
        walk = self.joint.walks[NEW]
        return _split(walk.rs, walk.fires, outcome, region, self.joint.bdd)

    def split_old(self, outcome: str | None, region: Diagram) -> list[tuple[int | None, Diagram]]:
        """As split_new for OLD's rules, each firing for some answers NEW does not ask."""
        joint = self.joint
        rs = joint.space.rulesets[OLD]
        if self.old_fires is None:
            self.old_fires = [joint.old_fires(i, every=False) for i in range(len(rs.file.rules))]
        return _split(rs, self.old_fires, outcome, region, joint.bdd)

    def regions(self) -> dict[Key, Diagram]:
        """(cause rule, side, old headline, new headline, item) -> the answer sets it covers."""
        joint = self.joint
        found: dict[Key, Diagram] = {}
        rules = [[r.id for r in rs.file.rules] for rs in joint.space.rulesets]
        for a, b, region in joint.moves():
            for rule, part in self.split_new(b, region):
                rid = "" if rule is None else rules[NEW][rule]
                if rule is None or (rid in self.same and a not in UNSETTLED):
                    parts = [
                        ("old", "" if r is None else rules[OLD][r], "", p)
                        for r, p in self.split_old(a, part)
                    ]
                else:
                    parts = [("new", rid, item, p) for item, p in self.by_item(rule, part)]
                for side, r, item, p in parts:
                    key = (r, side, a, b, item)
                    found[key] = found.get(key, joint.bdd.false) | p
        return found


Key = tuple[str, str, str | None, str | None, str]


def _split(
    rs: RuleSet, fires: list[Diagram], outcome: str | None, region: Diagram, bdd: Any
) -> list[tuple[int | None, Diagram]]:
    """(rule number, part of `region`) for each rule of `outcome` that gives it there, first
    first; what no rule covers (no headline, or not decided) under None."""
    if outcome in UNSETTLED:
        return [(None, region)]
    out: list[tuple[int | None, Diagram]] = []
    covered = bdd.false
    for i, (rule, fire) in enumerate(zip(rs.file.rules, fires, strict=True)):
        if rule.outcome == outcome:
            part = region & fire & ~covered
            covered |= fire
            if part != bdd.false:
                out.append((i, part))
    rest = region & ~covered
    return out + ([(None, rest)] if rest != bdd.false else [])


def plausible(
    joint: Joint, assignment: dict[str, bool], typical: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The witnesses of an assignment with each number moved nearest the typical answer (or
    the middle of its range) within its class: the same headlines, a likelier person."""
    new, old = joint.witnesses(assignment)
    space = joint.space
    for qid, value in new.items():
        if isinstance(value, int) and not isinstance(value, bool):
            low, high = space.infos[qid].bounds
            target = typical.get(qid, (low + high) // 2)
            new[qid] = space.nearby(qid, value, target if isinstance(target, int) else low)
            if qid in old:
                old[qid] = new[qid]
    return new, old


def causes(
    old: RuleSet, new: RuleSet, typical: dict[str, Any], joint: Joint | None = None
) -> list[Cause]:
    """Every headline change, one entry per (cause, old headline, new headline)."""
    joint = joint or Joint(old, new)
    before = {a: joint.count(u) for a, u in joint.old_heads}
    preferred = preferences(joint, typical)
    found = []
    for (rule, side, a, b, item), region in _Attribution(joint).regions().items():
        witness, witness_old = plausible(joint, nearest(joint, region, preferred), typical)
        found.append(
            Cause(
                rule,
                side,
                a,
                b,
                joint.count(region),
                before[a],
                joint.total,
                witness,
                item,
                witness_old,
            )
        )
    return sorted(found, key=lambda c: -c.answer_sets)
