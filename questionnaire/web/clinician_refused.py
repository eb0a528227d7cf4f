"""The "What changed" line of answer sets the previous file accepted that the app's now refuses
(asks back: one answer contradicts another), by the old headline and by the question whose
contradiction check refuses them (`engine.verify.refusals`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..engine import RuleSet
from ..engine.verify.joint import UNDECIDED, Joint
from ..engine.verify.refusals import refusals
from .clinician_previous import share


@dataclass(frozen=True)
class RefusedLine:
    """One group: the old headline, the question that refuses, and what the person is told."""

    question: str  # id
    question_short: str
    contradiction: str
    message: str
    before: str  # the old headline's title ("": none, or not decided)
    before_id: str
    undecided: bool
    answer_sets: int
    of_all: str  # share of every answer set (the new file's, its contradiction checks aside)
    of_before: str  # share of the answer sets that had the old headline
    witness: dict[str, Any]  # the refused answers, every question the new file asks
    example: Any  # the same in words (clinician_changes.Example)


@dataclass(frozen=True)
class NowRefused:
    """All of them: "N answer sets version OLD accepted are now asked back by version NEW"."""

    answer_sets: int
    of_all: str
    lines: list[RefusedLine] = field(default_factory=list)  # largest first


def now_refused(
    old: RuleSet,
    new: RuleSet,
    joint: Joint,
    typical: dict[str, Any],
    example: Callable[[dict[str, Any]], Any],
) -> NowRefused:
    """Every group, with examples nearest to `typical`, in words by `example`."""
    titles = {o.id: o.title for o in old.file.outcomes}
    shorts = {q.id: q.short for q in new.questions}
    lines = [
        RefusedLine(
            r.question,
            shorts[r.question],
            r.contradiction,
            r.message,
            titles.get(r.from_ or "", ""),
            "" if r.from_ == UNDECIDED else r.from_ or "",
            r.from_ == UNDECIDED,
            r.answer_sets,
            share(r.answer_sets, r.total),
            share(r.answer_sets, r.before),
            r.witness,
            example(r.witness),
        )
        for r in refusals(joint, typical)
    ]
    count = sum(line.answer_sets for line in lines)
    total = joint.count_possible(joint.bdd.true)
    return NowRefused(count, share(count, total), lines)
