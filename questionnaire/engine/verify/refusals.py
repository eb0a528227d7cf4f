"""Answer sets the OLD file accepted that the NEW file now refuses ("asks back").

A `contradictions` entry of a question makes the engine refuse an answer that contradicts an
earlier one (3.1.0: pain under 3 months, treatments over 6 months). `joint` counts the NEW file's
answer sets, which leaves those out; so a new check would vanish from "What changed". Here they
are counted in the same space: the NEW file's answer sets as if it refused none (its questions,
skip logic and stops; what it asks is the same either way), where NEW refuses and OLD gave a
headline, split by OLD's headline and by the contradiction that refuses first (in the order the
questions are asked: the one the person meets). With the same questions in both files, the total
is OLD's answer sets minus NEW's (what `rules verify` counts for each).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..evaluation.walk import Flow
from .answerspace import Diagram
from .causes import nearest, plausible, preferences
from .joint import REFUSED, Joint
from .jointspace import NEW
from .symbolic import Known


@dataclass(frozen=True)
class Refusal:
    """One group: OLD gave `from_` (None: no headline; joint.UNDECIDED), NEW refuses."""

    question: str  # the question whose answer NEW refuses
    contradiction: str  # the id of its `contradictions` entry
    message: str  # what NEW says to the person
    from_: str | None
    answer_sets: int
    before: int  # answer sets that had `from_` with OLD (as counted here)
    total: int  # every answer set, NEW's contradiction checks aside
    witness: dict[str, Any]  # NEW's answers (refused), every question its walk asks
    witness_old: dict[str, Any]  # the same as OLD asks them (accepted)


def first_refusals(joint: Joint) -> Iterator[tuple[str, str, str, Diagram]]:
    """(question, contradiction id, message, answer sets) where that contradiction is the first
    the NEW walk meets that holds; none empty, none overlapping."""
    walk = joint.walks[NEW]
    bdd = joint.bdd
    asked = walk.asked()
    met = bdd.false
    for i, q in enumerate(Flow(walk.rs).questions):
        for c in q.contradictions:
            u = asked[q.id] & c.when.bdd(Known(walk, i + 1))[0] & joint.possible & ~met
            met |= u
            if u != bdd.false:
                yield q.id, c.id, c.message, u


def refusals(joint: Joint, typical: dict[str, Any] | None = None) -> list[Refusal]:
    """Every (contradiction, OLD headline) group, largest first; each witness nearest to
    `typical` (a scenario's answers), or any when none is given."""
    preferred = preferences(joint, typical or {})
    heads = [(a, u) for a, u in joint.old_heads if a != REFUSED]  # OLD refused them too
    before = {a: joint.count_possible(u) for a, u in heads}
    total = joint.count_possible(joint.bdd.true)
    found = []
    for qid, cid, message, region in first_refusals(joint):
        for a, u in heads:
            part = region & u
            if part == joint.bdd.false:
                continue
            assignment = nearest(joint, part, preferred)
            witness, witness_old = plausible(joint, assignment, typical or {})
            found.append(
                Refusal(
                    qid,
                    cid,
                    message,
                    a,
                    joint.count_possible(part),
                    before[a],
                    total,
                    witness,
                    witness_old,
                )
            )
    return sorted(found, key=lambda r: -r.answer_sets)
