"""Which previous version "What changed" compares with, and its changes by cause in words.

By default the newest released version older than the app's, from `releases/<version>/` beside
the rule file (design section 5): it is there on a clean checkout, with or without git.
CLINICIAN_PREVIOUS_RULES names another file instead ("" turns the comparison off).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import RuleSet
from ..engine.errors import RulesError
from ..engine.scenarios import load_scenarios, scenario_files
from ..engine.verify.causes import Cause, causes
from ..engine.verify.diff import Change
from ..engine.verify.joint import REFUSED, UNDECIDED, UNSETTLED, Joint

RELEASES = "releases"


def _version_key(version: str) -> tuple:
    """'2.0.10' sorts after '2.0.9'; a part that is not a number sorts by its text."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.-]", version))


def previous_release(rules: Path, version: str) -> Path | None:
    """releases/<newest version older than `version`>/<rule file's name>, or None."""
    folder = rules.resolve().parent / RELEASES
    older = [
        p.parent
        for p in folder.glob(f"*/{rules.name}")
        if _version_key(p.parent.name) < _version_key(version)
    ]
    if not older:
        return None
    return max(older, key=lambda p: _version_key(p.name)) / rules.name


def typical_answers(scenarios: Path, ruleset: RuleSet) -> dict[str, Any]:
    """A typical answer set: the first shipped scenario that gets the last-ranked headline (the
    one most answers get); examples are chosen nearest to it."""
    last = ruleset.file.outcomes[-1].id
    for path in scenario_files([scenarios]) if scenarios.is_dir() else []:
        try:
            found = load_scenarios(path)
        except RulesError:
            continue
        for scenario in found:
            if scenario.expect.outcome == last:
                return scenario.answers
    return {}


def share(part: int, whole: int) -> str:
    """A share a clinician can weigh: '0.9%', 'under 0.01%', 'all'."""
    if whole <= 0 or part <= 0:
        return "none"
    if part >= whole:
        return "all"
    percent = 100 * part / whole
    if percent < 0.01:
        return "under 0.01%"
    return f"{percent:.2g}%" if percent < 10 else f"{percent:.0f}%"


@dataclass(frozen=True)
class CauseLine:
    """One policy change: the rule behind it, what changed in it, and the headline move."""

    rule: str
    change: str  # "added", "removed", "changed: when.at_most: 3 -> 4", or "" (unchanged)
    before: str  # headline titles ("" : no headline, or not decided)
    after: str
    before_id: str
    after_id: str
    answer_sets: int
    of_all: str  # share of every answer set
    of_before: str  # share of the answer sets that had the old headline
    witness: dict[str, Any]  # an answer set of the new file
    item: str = ""  # "question:<id>" or "choices:<id>": what the new file asks that the old did not
    item_text: str = ""  # the same in words: 'new question "age"', 'new choice: upper back pain'
    undecided: bool = False  # the old headline depended on answers the new file does not ask
    witness_old: dict[str, Any] = field(default_factory=dict)  # as the old file asks it
    refused: bool = False  # the old file refused these answers (one contradicts another)

    def to_dict(self) -> dict[str, Any]:
        """As `rules diff --json` lists it under "causes"."""
        return {
            "rule": self.rule,
            "change": self.change,
            "item": self.item,
            "item_text": self.item_text,
            "from": self.before_id or None,
            "to": self.after_id or None,
            "from_undecided": self.undecided,
            "from_refused": self.refused,
            "answer_sets": self.answer_sets,
            "share_of_all": self.of_all,
            "share_of_before": self.of_before,
            "witness": self.witness,
            "witness_old": self.witness_old,
        }

    def line(self) -> str:
        """As `rules diff` prints it: one line."""
        before = "(refused)" if self.refused else self.before_id or "(none)"
        before = "(not decided)" if self.undecided else before
        return (
            f"{self.rule} ({self.change or 'unchanged'})"
            + (f", {self.item_text}" if self.item else "")
            + f": {before} -> {self.after_id or '(none)'} for {self.of_all} of all answer sets"
            + (f", {self.of_before} of those that got {self.before_id}" if self.before_id else "")
            + f" ({self.answer_sets:,}); for example: {json.dumps(self.witness)}"
        )


def item_text(new: RuleSet, rule: str, item: str) -> tuple[str, list[str]]:
    """What a cause's item is, in words, and the new choices its rule names."""
    if not item:
        return "", []
    kind, qid = item.split(":", 1)
    question = next(q for q in new.questions if q.id == qid)
    if kind == "question":
        return f"the new question “{question.short}” ({qid})", []
    index = next(i for i, r in enumerate(new.file.rules) if r.id == rule)
    named = {v for leaf in new.when[index].leaves() if leaf.question == qid for v in _values(leaf)}
    choices = [c for c in question.choices if c.value in named]
    labels = ", ".join(f"“{c.value.replace('_', ' ')}”" for c in choices)
    return f"new {'choices' if len(choices) > 1 else 'choice'} of “{question.short}”: {labels}", [
        c.value for c in choices
    ]


def _values(leaf: Any) -> tuple[Any, ...]:
    return leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)


def cause_lines(
    old: RuleSet,
    new: RuleSet,
    changes: list[Change],
    typical: dict[str, Any],
    joint: Joint | None = None,
) -> list[CauseLine]:
    """Every headline change by cause, largest first."""
    what = {c.id: c.what for c in changes if c.kind == "rule"}
    titles = [{o.id: o.title for o in rs.file.outcomes} for rs in (old, new)]
    found: list[Cause] = causes(old, new, typical, joint)
    return [
        CauseLine(
            c.rule,
            what.get(c.rule, ""),
            titles[0].get(c.from_ or "", ""),
            titles[1].get(c.to or "", ""),
            "" if c.from_ in UNSETTLED else c.from_ or "",
            c.to or "",
            c.answer_sets,
            share(c.answer_sets, c.total),
            share(c.answer_sets, c.before),
            c.witness,
            c.item,
            item_text(new, c.rule, c.item)[0],
            c.from_ == UNDECIDED,
            c.witness_old,
            c.from_ == REFUSED,
        )
        for c in found
    ]
