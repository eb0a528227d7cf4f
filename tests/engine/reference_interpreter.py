"""A small reference interpreter of rule files, written from docs/rules-format.md alone.

It shares no code with `questionnaire.engine`: it reads the plain data of a rule file (the dict
that YAML gives) and follows the documented meaning word by word, as slowly and plainly as it
likes. The property tests compare the engine, the wizard's walk and the verifier with it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

ABSENT = object()  # no answer given for a question


@dataclass
class Result:
    """What the documented rules make of one set of answers."""

    problems: set[str] = field(default_factory=set)  # question ids (or unknown names) refused
    shown: list[str] = field(default_factory=list)  # asked, before any early stop
    missing: list[str] = field(default_factory=list)  # asked, with no answer
    invalid: list[str] = field(default_factory=list)  # asked, with an answer that is not valid
    dropped: list[str] = field(default_factory=list)  # not asked, but answered
    used: dict[str, Any] = field(default_factory=dict)  # valid answers that count
    stopped_after: str | None = None
    fired: list[str] = field(default_factory=list)
    outcome: str | None = None


def questions(rules: dict) -> list[dict]:
    return [q for step in rules["steps"] for q in step["questions"]]


# --- Conditions (docs: "Conditions", the operator table) -------------------------------------


def _rank(question: dict, value: Any) -> int:
    if question["type"] == "integer":
        return value
    return [c["value"] for c in question["choices"]].index(value)


def _scale(question: dict, op: str, want: Any, answer: Any) -> bool:
    got = _rank(question, answer)
    if op == "at_least":
        return got >= _rank(question, want)
    if op == "at_most":
        return got <= _rank(question, want)
    return _rank(question, want[0]) <= got <= _rank(question, want[1])  # between


def leaf_holds(question: dict, op: str, want: Any, answer: Any) -> bool:
    """One leaf on a known answer; `answer` None means the question was not asked."""
    if op == "answered":
        return (answer is not None) == want
    if answer is None:  # "a leaf on a question that was not asked is false"
        return False
    checks = {
        "is": lambda: answer == want,
        "in": lambda: answer in want,
        "not_in": lambda: answer not in want,
        "has": lambda: want in answer,
        "has_any": lambda: any(w in answer for w in want),
        "has_all": lambda: all(w in answer for w in want),
    }
    if op in checks:
        return checks[op]()
    return _scale(question, op, want, answer)


def truth(cond: dict, known: dict[str, Any], by_id: dict[str, dict]) -> bool | None:
    """True, False, or None when it depends on answers not known yet (three-valued logic)."""
    if "always" in cond:
        return cond["always"]
    if "not" in cond:
        inner = truth(cond["not"], known, by_id)
        return None if inner is None else not inner
    if "all" in cond or "any" in cond:
        values = [truth(c, known, by_id) for c in cond.get("all", cond.get("any"))]
        decisive = "any" in cond
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    qid = cond["q"]
    if qid not in known:
        return None
    ((op, want),) = ((k, v) for k, v in cond.items() if k != "q")
    return leaf_holds(by_id[qid], op, want, known[qid])


# --- Answers (docs: "Questions") -------------------------------------------------------------


def is_empty(raw: Any) -> bool:
    return raw is ABSENT or raw is None or raw == "" or raw == []


def read(question: dict, raw: Any) -> tuple[bool, Any]:
    """(valid, value): multi-selects as a set."""
    choices = [c["value"] for c in question.get("choices", ())]
    if question["type"] == "single":
        return isinstance(raw, str) and raw in choices, raw
    if question["type"] == "integer":
        ok = type(raw) is int and question["min"] <= raw <= question["max"]
        return ok, raw
    if not isinstance(raw, list) or not all(isinstance(v, str) and v in choices for v in raw):
        return False, None
    ticked = set(raw)
    return not ("none" in ticked and len(ticked) > 1), ticked


def shown_as(question: dict, value: Any) -> Any:
    if question["type"] == "multi":
        return [c["value"] for c in question["choices"] if c["value"] in value]
    return value


# --- The walk-through (docs: "Questions", "Outcomes and the headline") --------------------------


def _take(result: Result, question: dict, raw: Any, known: dict, by_id: dict) -> None:
    qid = question["id"]
    valid, value = read(question, raw) if not is_empty(raw) else (False, None)
    show_if = question.get("show_if")
    if show_if is not None and truth(show_if, known, by_id) is False:
        known[qid] = None  # not asked
        if not is_empty(raw):
            result.dropped.append(qid)
            if not valid:
                result.problems.add(qid)
        return
    result.shown.append(qid)
    if is_empty(raw):
        result.missing.append(qid)
        result.problems.add(qid)
    elif not valid:
        result.invalid.append(qid)
        result.problems.add(qid)
    else:
        known[qid] = value
        # docs: "Contradictions": an answer that contradicts earlier ones is refused
        if any(truth(c["when"], known, by_id) is True for c in question.get("contradictions", ())):
            del known[qid]
            result.invalid.append(qid)
            result.problems.add(qid)
            return
        result.used[qid] = shown_as(question, value)


def run(rules: dict, answers: dict[str, Any]) -> Result:
    """Follow the answers step by step, as the documentation describes."""
    by_id = {q["id"]: q for q in questions(rules)}
    stopping = {o["id"] for o in rules["outcomes"] if o.get("stop")}
    stop_rules = [r["when"] for r in rules["rules"] if r.get("outcome") in stopping]
    result, known = Result(), {}
    for step in rules["steps"]:
        for question in step["questions"]:
            raw = answers.get(question["id"], ABSENT)
            if result.stopped_after is None:
                _take(result, question, raw, known, by_id)
            elif not is_empty(raw) and not read(question, raw)[0]:
                result.problems.add(question["id"])  # checked, not used
        settled = not result.missing and not result.invalid
        if (
            result.stopped_after is None
            and settled
            and any(truth(c, known, by_id) is True for c in stop_rules)
        ):
            result.stopped_after = step["id"]
    result.problems |= {name for name in answers if name not in by_id}
    _decide(rules, result, known, by_id)
    return result


def _decide(rules: dict, result: Result, known: dict, by_id: dict) -> None:
    result.fired = [r["id"] for r in rules["rules"] if truth(r["when"], known, by_id) is True]
    proposed = {r.get("outcome") for r in rules["rules"] if r["id"] in result.fired}
    result.outcome = next((o["id"] for o in rules["outcomes"] if o["id"] in proposed), None)


# --- Every valid set of answers (for the verifier) -------------------------------------------


def domain(question: dict) -> list[Any]:
    """Every valid answer to one question."""
    if question["type"] == "integer":
        return list(range(question["min"], question["max"] + 1))
    choices = [c["value"] for c in question["choices"]]
    if question["type"] == "single":
        return choices
    others = [c for c in choices if c != "none"]
    subsets = [
        list(s) for n in range(1, len(others) + 1) for s in itertools.combinations(others, n)
    ]
    return [["none"], *subsets]


def every_answer_set(rules: dict) -> dict[tuple, Result]:
    """Every distinct set of answers the walk-through accepts, with its result."""
    qs = questions(rules)
    found: dict[tuple, Result] = {}
    for values in itertools.product(*(domain(q) for q in qs)):
        result = run(rules, {q["id"]: v for q, v in zip(qs, values, strict=True)})
        key = tuple(
            sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in result.used.items())
        )
        found.setdefault(key, result)
    return found
