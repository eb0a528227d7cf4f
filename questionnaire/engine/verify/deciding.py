"""The deciding answer of a gap: which one answer, changed to a neighbouring value, gives the
gap's example a headline, and which rule then gives it. A tester reads "pain_intensity=4: with 5,
rule general_criteria_may_apply gives discuss" and knows which threshold to look at;
`rules check` points at that rule's condition instead of the start of `rules:`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import QuestionnaireError
from ..evaluation.evaluate import Engine
from ..evaluation.ruleset import RuleSet
from ..load.yamlsource import Marks


@dataclass(frozen=True)
class Neighbour:
    """The gap's example with one answer changed, and the headline it then gets."""

    question: str
    was: Any
    now: Any
    outcome: str
    rule: str  # the rule that gives the headline

    def __str__(self) -> str:
        return f"with {self.question}={self.now}, rule {self.rule} gives {self.outcome}"


def _neighbours(question: Any, value: Any) -> Iterator[Any]:
    """Values next to `value`: the next integers, the neighbouring ordered choices first."""
    if question.type == "integer" and isinstance(value, int):
        low = question.min if question.min is not None else value - 1
        high = question.max if question.max is not None else value + 1
        yield from (v for v in (value + 1, value - 1) if low <= v <= high)
        return
    values = [c.value for c in question.choices]
    if question.type == "single" and value in values:
        i = values.index(value)
        near = sorted(range(len(values)), key=lambda k: abs(k - i))
        yield from (values[k] for k in near if k != i)


# Each try walks the whole rule file: 60 cover every choice and number question of a file twice
# the size of rules.yaml (17 questions, 26 tries), and keep a generated file of 1,000 questions
# and 3,000 rules within half a second (it looks at its first 40 questions).
MAX_TRIES = 60


def neighbours(ruleset: RuleSet, gap: dict[str, Any]) -> list[Neighbour]:
    """The one-answer changes of `gap` that get a headline, the likeliest cause first: an answer
    whose values on both sides get one (it sits between two rules' thresholds), then the rest.
    At most MAX_TRIES changed answer sets are tried, in question order."""
    engine = Engine(ruleset)
    outcome_rules = [
        cond for rule, cond in zip(ruleset.file.rules, ruleset.when, strict=True) if rule.outcome
    ]

    def may_have_headline(answers: dict[str, Any]) -> bool:
        """Whether some outcome rule fires on the engine's walk (what a headline needs):
        cheaper than evaluating, which a large file does only for the changes that pass."""
        keys = engine.flow.read(answers)[1].keys
        return any(cond.truth(keys) is True for cond in outcome_rules)

    by_question: list[list[Neighbour]] = []
    tries = 0
    for question in ruleset.questions:
        if question.id not in gap:
            continue
        closing = []
        for value in list(_neighbours(question, gap[question.id]))[:2]:
            tries += 1
            if tries > MAX_TRIES:
                break
            changed = {**gap, question.id: value}
            if not may_have_headline(changed):
                continue
            try:
                summary = engine.evaluate(changed, trace=False)
            except QuestionnaireError:
                continue
            rule = next((r.rule for r in summary.because), "")
            closing.append(
                Neighbour(question.id, gap[question.id], value, summary.outcome.id, rule)
            )
        if closing:
            by_question.append(closing)
    between = [n for found in by_question if len(found) > 1 for n in found]
    return between or [n for found in by_question for n in found]


def between(ruleset: RuleSet, gap: dict[str, Any]) -> Neighbour | None:
    """The answer that sits between two rules' thresholds, when there is one: both of its
    neighbouring values get a headline, so one of those two conditions is likely wrong."""
    found = neighbours(ruleset, gap)
    if len(found) > 1 and found[0].question == found[1].question:
        return found[0]
    return None


def deciding_message(ruleset: RuleSet, gap: dict[str, Any], limit: int = 3) -> str:
    """The deciding answer of a gap and its neighbours that get a headline, for `rules verify`."""
    found = neighbours(ruleset, gap)
    if not found:
        return "No single changed answer gives this example a headline."
    first = found[0]
    lines = [f"The deciding answer: {first.question}={first.was}. Changing one answer:"]
    lines += [f"  {n}" for n in found[:limit]]
    return "\n".join(lines)


def condition_path(raw: Any, rule: str, question: str) -> tuple[Any, ...]:
    """The YAML path of the condition of `rule` that reads `question` (else the rule's)."""
    for i, item in enumerate(raw.get("rules") or ()):
        if isinstance(item, dict) and item.get("id") == rule:
            inner = _find(item.get("when"), question, ("rules", i, "when"))
            return inner or ("rules", i)
    return ("rules",)


def _find(node: Any, question: str, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    items: list[tuple[Any, Any]]
    if isinstance(node, dict):
        if node.get("q") == question:
            return path
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return None
    for key, child in items:
        found = _find(child, question, (*path, key))
        if found:
            return found
    return None


def gap_line(ruleset: RuleSet, raw: Any, marks: Marks, gap: dict[str, Any]) -> tuple[int, int]:
    """Where a gap is most likely made: the condition of the nearest rule that would close it
    (when an answer sits between two rules), else the start of the rules."""
    found = between(ruleset, gap)
    if found is None:
        return marks.at(("rules",))
    return marks.at(condition_path(raw, found.rule, found.question))
