"""Generated rule files in the style of rules.yaml, for the verifier's scale benchmark and tests.

N questions of all three types in steps of five; about 3N rules over 1 to 4 questions with
all/any/not, each combining questions at most two steps apart, as rules.yaml does (far-apart
conjunctions make any decision diagram grow exponentially); skip logic; five outcomes, the first
two (like the warning signs) stopping the walk after the first step.
Variants: `complete` (a catch-all rule), `incomplete` (no catch-all, and no headline at all when
q1 is c0 and no warning sign is ticked), `shadowed` (complete, plus a rule that can never match
and one that a higher outcome always beats).
"""

from __future__ import annotations

import random
from typing import Any

import yaml

OUTCOMES = ("emergency", "urgent", "excluded", "not_yet", "discuss")
VARIANTS = ("complete", "incomplete", "shadowed")
STEP_SIZE = 5


def _question(rng: random.Random, i: int) -> dict[str, Any]:
    kind = ("multi", "single", "integer")[i % 3] if i else "multi"
    q: dict[str, Any] = {
        "id": f"q{i}",
        "type": kind,
        "short": f"question {i}",
        "prompt": f"Question {i}?",
        "errors": {"required": "Answer this."},
    }
    if kind == "integer":
        q.update(min=0, max=rng.choice((10, 100)))
        q["errors"]["range"] = "Enter a number in range."
    elif kind == "single":
        q["choices"] = [
            {"value": f"c{k}", "label": f"Choice {k}"} for k in range(rng.randint(2, 5))
        ]
        q["ordered"] = True
    else:
        q["choices"] = [
            {"value": f"c{k}", "label": f"Choice {k}"} for k in range(rng.randint(3, 6))
        ]
        q["choices"].append({"value": "none", "label": "None of these", "exclusive": True})
        q["errors"]["exclusive"] = "Choose none alone."
    return q


def _leaf(rng: random.Random, q: dict[str, Any]) -> dict[str, Any]:
    qid = q["id"]
    if q["type"] == "integer":
        low = rng.randint(q["min"], q["max"])
        op = rng.choice(("at_least", "at_most", "is", "between"))
        if op == "between":
            return {"q": qid, op: [low, min(q["max"], low + rng.randint(0, 5))]}
        return {"q": qid, op: low}
    values = [c["value"] for c in q["choices"] if not c.get("exclusive")]
    if q["type"] == "single":
        op = rng.choice(("is", "in", "at_least", "at_most"))
        if op == "in":
            return {"q": qid, op: rng.sample(values, min(2, len(values)))}
        return {"q": qid, op: rng.choice(values)}
    op = rng.choice(("has", "has_any", "has_all"))
    if op == "has":
        return {"q": qid, op: rng.choice(values + ["none"])}
    return {"q": qid, op: rng.sample(values, rng.randint(1, min(3, len(values))))}


def _condition(rng: random.Random, pool: list[dict[str, Any]]) -> dict[str, Any]:
    picked = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
    parts = [_leaf(rng, q) for q in picked]
    parts = [{"not": p} if rng.random() < 0.2 else p for p in parts]
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 4 and rng.random() < 0.5:
        return {"any": [{"all": parts[:2]}, {"all": parts[2:]}]}
    return {rng.choice(("all", "any")): parts}


def _skip_logic(rng: random.Random, questions: list[dict[str, Any]]) -> None:
    for i, q in enumerate(questions):
        if i >= STEP_SIZE and i % 7 == 0:  # skip logic on an earlier multi-select
            start = i - i % STEP_SIZE  # a multi-select of the step before, as in rules.yaml
            earlier = [p for p in questions[start - STEP_SIZE : start] if p["type"] == "multi"]
            q["show_if"] = {"not": {"q": rng.choice(earlier)["id"], "has": "none"}}


def generate(
    n: int, variant: str = "complete", seed: int = 0, per_question: int = 3
) -> dict[str, Any]:
    """A rule file as data (dump it with yaml.safe_dump)."""
    rng = random.Random(f"{seed}-{n}")
    questions = [_question(rng, i) for i in range(n)]
    first = questions[:STEP_SIZE]
    signs = [c["value"] for c in questions[0]["choices"] if not c.get("exclusive")]
    _skip_logic(rng, questions)
    steps = [
        {"id": f"s{k}", "title": f"Step {k}", "questions": questions[k : k + STEP_SIZE]}
        for k in range(0, n, STEP_SIZE)
    ]
    rules = []
    for r in range(per_question * n):
        outcome = (
            OUTCOMES[r]
            if r < len(OUTCOMES)
            else rng.choices(OUTCOMES + (None,), weights=(1, 1, 6, 6, 6, 10))[0]
        )
        if outcome in ("emergency", "urgent"):  # like warning signs: a sign, or two together
            when = {"q": "q0", "has_any": rng.sample(signs, rng.randint(1, 2))}
            if rng.random() < 0.3:
                when = {"all": [when, _leaf(rng, rng.choice(first[1:]))]}
        else:  # like rules.yaml, a rule combines questions on one topic: nearby steps
            at = rng.randrange(1, n)
            when = _condition(rng, questions[max(1, at - STEP_SIZE) : at + STEP_SIZE])
        if variant == "incomplete" and outcome not in (None, "emergency", "urgent"):
            when = {"all": [{"not": {"q": "q1", "is": "c0"}}, when]}  # q1 = c0 gets no headline
        rule: dict[str, Any] = {"id": f"r{r}", "when": when, "source": "src"}
        if outcome is not None:
            rule["outcome"] = outcome
        if outcome is None or rng.random() < 0.3:
            rule["finding"] = {"criterion": "crit", "text": f"Finding {r}."}
        rules.append(rule)
    if variant == "shadowed":
        beaten = next(r["when"] for r in rules if r.get("outcome") == "excluded")
        rules.append(
            {
                "id": "beaten",
                "outcome": "not_yet",
                "source": "src",
                "when": {"all": [beaten, _leaf(rng, questions[-1])]},
            }
        )
        leaf = _leaf(rng, questions[-1])
        rules.append(
            {
                "id": "dead",
                "outcome": "discuss",
                "source": "src",
                "when": {"all": [leaf, {"not": leaf}]},
            }
        )
    if variant != "incomplete":
        rules.append(
            {"id": "catch_all", "when": {"always": True}, "outcome": "discuss", "source": "src"}
        )
    return {
        "meta": {
            "title": f"Generated {n}",
            "version": "1.0.0",
            "reviewed": "2026-11-23",
            "sources": {"src": {"title": "A source", "url": "https://example.org/"}},
        },
        "criteria": [{"id": "crit", "title": "A criterion"}],
        "steps": steps,
        "outcomes": [
            {
                "id": o,
                "title": o,
                "message": f"Outcome {o}.",
                "stop": k < 2,
                "urgency": ("emergency", "urgent")[k] if k < 2 else "routine",
            }
            for k, o in enumerate(OUTCOMES)
        ],
        "rules": rules,
        "notes": [
            {"id": n_id, "title": n_id, "text": "A note.", "source": "src"}
            for n_id in ("consult", "regulatory")
        ],
        "pages": {
            key: {"title": key, "sections": [{"text": "Text."}]} for key in ("start", "help")
        },
    }


def generate_text(n: int, variant: str = "complete", seed: int = 0) -> str:
    return yaml.safe_dump(generate(n, variant, seed), sort_keys=False, width=100)
