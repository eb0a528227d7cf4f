"""What a verifier found about a rule set: how many answer sets, gaps, rules that never match or
never win, with an example answer set for each.

The symbolic verifier fills it (`rules verify`, the clinician preview); the reference search the
tests keep (reference_verifier.py) fills the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Answers = dict[str, Any]


class Examples(Mapping[str, Answers]):
    """Rule id -> a complete set of answers, each made when it is read.

    A verifier finds an example as a few decided variables; written out it answers every
    question asked (a thousand, in a large file), and a report holds one per rule. Only the
    examples someone reads are written out, each time as a new dict. `None` stands for no
    example (a rule that never matches has `{}`)."""

    def __init__(self, write: Callable[[Any], Answers]):
        self._write = write
        self._found: dict[str, Any] = {}

    def add(self, rule: str, found: Any) -> None:
        self._found[rule] = found

    def __getitem__(self, rule: str) -> Answers:
        found = self._found[rule]
        return {} if found is None else self._write(found)

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


@dataclass
class Report:
    """What the verifier found."""

    answer_sets: int = 0  # valid answer sets the engine accepts (early stops counted once)
    gaps: list[dict[str, Any]] = field(default_factory=list)  # counterexamples: no headline
    gap_count: int = 0  # combinations of the deciding answers that have no headline
    never_match: list[str] = field(default_factory=list)  # rule ids
    never_win: Mapping[str, Answers] = field(default_factory=dict)  # rule id -> answers where
    #  it matches but a higher outcome wins (empty dict if it never even matches)
    witnesses: Mapping[str, Answers] = field(default_factory=dict)  # rule id -> answers
    wins: Mapping[str, Answers] = field(default_factory=dict)  # outcome rule id -> answers
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.gaps or self.never_match or self.never_win)

    def gap_message(self) -> str:
        example = ", ".join(f"{q}={v}" for q, v in self.gaps[0].items())
        return (
            f"the rules give no headline for some answers ({self.gap_count} combinations of "
            f"the answers that decide the headline), for example: {example}"
        )
