"""What changed, by cause: the headline changes of `diff.semantic` split by the rule behind each.

A group "from may apply to usually ruled out" may hold several policy changes (osteoporosis,
neck-only pain, earlier surgery). Each answer set whose headline changes is put under the rule
that now gives its headline, or, when that rule did not change (or no rule gives one), under the
rule that gave the old headline. Counts are exact (the same weighted count as `rules diff`), and
each cause's example is the answer set nearest to a typical one (a scenario's), so a clinician
reads "pain score 4", not "age 0, pain 0".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..evaluation.ruleset import RuleSet
from .answerspace import Diagram, Space
from .symbolic import SymbolicWalk, examples


@dataclass(frozen=True)
class Cause:
    rule: str  # the rule behind the change
    side: str  # "new": it now gives the headline; "old": it gave the old one
    from_: str | None  # headline with the old file (None: none)
    to: str | None
    answer_sets: int
    before: int  # answer sets that had the headline `from_` with the old file
    total: int  # every answer set
    witness: dict[str, Any]


def _distance(answer: Any, typical: Any) -> float:
    if typical is None:
        return 0
    if isinstance(answer, int) and isinstance(typical, int):
        return abs(answer - typical) / 10
    if isinstance(answer, list) and isinstance(typical, list):
        return len(set(answer) ^ set(typical))
    return 0 if answer == typical else 1


def nearest(
    space: Space, walks: list[SymbolicWalk], region: Diagram, typical: dict[str, Any]
) -> dict[str, Any]:
    """An answer set in `region`, chosen question by question nearest to `typical`."""
    bdd = space.bdd
    for qid, domain in space.domains.items():
        if qid not in typical:
            continue
        patterns = sorted(
            range(len(space.readable[qid])),
            key=lambda p: _distance(space.readable[qid][p], typical[qid]),
        )
        for p in patterns:
            narrowed = region & bdd.cube(domain.pattern(p))
            if narrowed != bdd.false:
                region = narrowed
                break
    return examples(walks, region)[0]


def _unchanged(old: RuleSet, new: RuleSet) -> set[str]:
    before = {r.id: r for r in old.file.rules}
    return {r.id for r in new.file.rules if r.id in before and before[r.id] == r}


def _split(
    walk: SymbolicWalk, outcome: str | None, region: Diagram
) -> list[tuple[str | None, Diagram]]:
    """(rule id, part of `region`) for each rule of `outcome` that gives it there, first first."""
    bdd = walk.bdd
    if outcome is None:
        return [(None, region)]
    out: list[tuple[str | None, Diagram]] = []
    covered = bdd.false
    for rule, fires in zip(walk.rs.file.rules, walk.fires, strict=True):
        if rule.outcome == outcome:
            part = region & fires & ~covered
            covered |= fires
            if part != bdd.false:
                out.append((rule.id, part))
    return out


Key = tuple[str, str, str | None, str | None]  # (cause rule, side, old headline, new headline)


def _regions(walks: list[SymbolicWalk], same: set[str]) -> dict[Key, Diagram]:
    """(cause rule, side, old headline, new headline) -> the answer sets it covers."""
    bdd = walks[0].bdd
    found: dict[Key, Diagram] = {}
    for a, before in _heads(walks[0]):
        for b, after in _heads(walks[1]):
            region = before & after
            if a == b or region == bdd.false:
                continue
            for rule, part in _split(walks[1], b, region):
                parts = [("new", rule, part)]
                if rule is None or (rule in same and a is not None):
                    parts = [("old", r, p) for r, p in _split(walks[0], a, part)]
                for side, r, p in parts:
                    key = (r or "", side, a, b)
                    found[key] = found.get(key, bdd.false) | p
    return found


def _heads(walk: SymbolicWalk) -> list[tuple[str | None, Any]]:
    out = [(o.id, walk.headline(i)) for i, o in enumerate(walk.rs.file.outcomes)]
    return out + [(None, walk.gap())]


def causes(old: RuleSet, new: RuleSet, typical: dict[str, Any]) -> list[Cause]:
    """Every headline change, one entry per (cause rule, old headline, new headline). The two
    files must ask the same questions (`diff.Diff.compared`)."""
    space = Space([old, new])
    walks = [SymbolicWalk(space, 0), SymbolicWalk(space, 1)]
    asked_old, asked_new = walks[0].asked(), walks[1].asked()
    asked = {q: asked_old[q] | asked_new[q] for q in asked_old}
    total = space.count(space.bdd.true, asked)
    before = {a: space.count(u, asked) for a, u in _heads(walks[0])}
    found = [
        Cause(
            rule,
            side,
            a,
            b,
            space.count(region, asked),
            before[a],
            total,
            nearest(space, walks, region, typical),
        )
        for (rule, side, a, b), region in _regions(walks, _unchanged(old, new)).items()
    ]
    return sorted(found, key=lambda c: -c.answer_sets)
