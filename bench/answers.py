"""Random, valid answer sets for the benchmark, read from the questions of a loaded rule set.

Every question that is shown gets a valid answer; a question hidden by its `show_if` (judged by
the engine's own condition code, from the answers drawn so far) gets none. Answers after a
stopping warning sign are still drawn, as a person who fills in the whole API request would.
"""

from __future__ import annotations

import random
from typing import Any

from questionnaire.engine import RuleSet

SEED = 42
NONE_SHARE = 0.6  # multi-selects: how often the exclusive "none" choice is picked
NONE_SHARE_BY_QUESTION = {"warning_signs": 0.8}  # most sets walk the whole questionnaire


def generate(ruleset: RuleSet, count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """`count` answer sets, the same ones for the same rule set, count and seed."""
    rng = random.Random(seed)
    return [_one(ruleset, rng) for _ in range(count)]


def _one(ruleset: RuleSet, rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    keys: dict[str, Any] = {}  # the engine's answer keys (multi-selects as frozensets)
    for question in ruleset.questions:
        info = ruleset.catalogue[question.id]
        show_if = ruleset.show_if.get(question.id)
        if show_if is not None and show_if.truth(keys) is not True:
            keys[question.id] = None  # not asked
            continue
        if question.type == "single":
            value = rng.choice(info.choices)
            key = value
        elif question.type == "integer":
            value = key = rng.randint(info.min, info.max)
        else:
            exclusive = [c.value for c in question.choices if c.exclusive]
            others = [c.value for c in question.choices if not c.exclusive]
            share = NONE_SHARE_BY_QUESTION.get(question.id, NONE_SHARE)
            if exclusive and rng.random() < share:
                value = [rng.choice(exclusive)]
            else:
                picked = set(rng.sample(others, rng.randint(1, len(others))))
                value = [c for c in others if c in picked]  # in the order of the form
            key = frozenset(value)
        answers[question.id] = value
        keys[question.id] = key
    return answers
