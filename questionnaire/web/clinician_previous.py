"""Which previous version "What changed" compares with, and its changes by cause in words.

By default the newest released version older than the app's, from `releases/<version>/` beside
the rule file (design section 5): it is there on a clean checkout, with or without git.
CLINICIAN_PREVIOUS_RULES names another file instead ("" turns the comparison off).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import RuleSet
from ..engine.errors import RulesError
from ..engine.scenarios import load_scenarios, scenario_files
from ..engine.verify.causes import Cause, causes
from ..engine.verify.diff import Change

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
    before: str  # headline titles ("" : no headline)
    after: str
    before_id: str
    after_id: str
    answer_sets: int
    of_all: str  # share of every answer set
    of_before: str  # share of the answer sets that had the old headline
    witness: dict[str, Any]


def cause_lines(
    old: RuleSet, new: RuleSet, changes: list[Change], typical: dict[str, Any]
) -> list[CauseLine]:
    """Every headline change by cause, largest first."""
    what = {c.id: c.what for c in changes if c.kind == "rule"}
    titles = [{o.id: o.title for o in rs.file.outcomes} for rs in (old, new)]
    found: list[Cause] = causes(old, new, typical)
    return [
        CauseLine(
            c.rule,
            what.get(c.rule, ""),
            titles[0].get(c.from_ or "", ""),
            titles[1].get(c.to or "", ""),
            c.from_ or "",
            c.to or "",
            c.answer_sets,
            share(c.answer_sets, c.total),
            share(c.answer_sets, c.before),
            c.witness,
        )
        for c in found
    ]
