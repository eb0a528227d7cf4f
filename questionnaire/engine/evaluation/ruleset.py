"""A checked rule file with its conditions parsed: what the loader makes and everything else reads.

It lives apart from the loader so that the verifier, the walk and the engine import it without
importing the loader (which runs the verifier).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import model
from .conditions import Condition, Leaf
from .questions import QuestionInfo


@dataclass(frozen=True)
class RuleSet:
    """A rule file that passed every check, with its conditions parsed."""

    file: model.RuleFile
    path: str
    catalogue: dict[str, QuestionInfo]  # question id -> what conditions need to know
    step_of: dict[str, int]  # question id -> index of its step
    show_if: dict[str, Condition]  # question id -> parsed show_if
    when: tuple[Condition, ...]  # parsed condition of each rule, in file order
    leaves: tuple[Leaf, ...]  # every distinct leaf (the verifier splits answers by them)
    language: str = "en"  # the language of every text (translations.py makes the others)
    texts: int = 0  # how many patient-facing texts the file gives in that language
    fingerprint: str = ""  # rules_fingerprint of the file and its translation (load/fingerprint.py)
    # stopping outcome id -> parsed may_continue: when it holds, the stop may be continued
    may_continue: dict[str, Condition] = field(default_factory=dict)
    # question id -> the parsed `when` of each of its contradictions, in file order
    contradictions: dict[str, tuple[Condition, ...]] = field(default_factory=dict)

    @property
    def questions(self) -> list[model.Question]:
        return [q for step in self.file.steps for q in step.questions]

    def outcome_rank(self) -> dict[str, int]:
        """Outcome id -> priority (0 is the highest)."""
        return {o.id: i for i, o in enumerate(self.file.outcomes)}
