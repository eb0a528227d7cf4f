"""Writes scenarios/studies/boundaries.yaml: both sides of every main criterion of every study.

For each study and each criterion in its `all:` list, one answer set just inside the boundary
and one just outside it, starting from answers that meet every study. The expected outcome and
studies come from the reference interpreter (tests/engine/reference_interpreter.py), which
shares no code with the engine; `flask rules test scenarios/studies` then runs them through
the engine. Run: .venv/bin/python tests/studies/make_scenarios.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "engine"))
sys.path.insert(0, str(ROOT / "tests"))
from reference_interpreter import questions, run, truth  # noqa: E402
from sample_answers import DISCUSS_ANSWERS  # noqa: E402

OUT = ROOT / "scenarios" / "studies" / "boundaries.yaml"
BASE = {**DISCUSS_ANSWERS, "treatment_duration": "over_6_months"}


def choices(question: dict) -> list[str]:
    return [c["value"] for c in question["choices"]]


def sides(leaf: dict, question: dict) -> list[tuple[str, Any, bool]]:
    """(what, answer, inside) pairs just either side of one leaf's boundary."""
    (op, want), negated = _op(leaf)
    values = choices(question) if question["type"] != "integer" else None
    if question["type"] == "integer":
        low, high = (want, want) if op == "at_least" else want
        pairs = [(low, True), (low - 1, False)]
        if op == "between":
            pairs += [(high, True), (high + 1, False)]
        return [(f"{question['id']} {v}", v, inside) for v, inside in pairs]
    if question["type"] == "multi":
        wanted = [want] if isinstance(want, str) else want
        outside = [[w] for w in wanted]
        if negated:
            qid = question["id"]
            return [(f"{qid} none", ["none"], True)] + [
                (f"{qid} {w[0]}", w, False) for w in outside
            ]
        kept = [c for c in BASE[question["id"]] if c not in wanted]
        qid = question["id"]
        return [
            (f"{qid} {wanted[0]}", BASE[qid], True),
            (f"{qid} without {wanted[0]}", kept or ["none"], False),
        ]
    ok = [want] if op == "is" else want if op == "in" else values[values.index(want) :]
    first = ok[0] if op == "at_least" else ok[-1]
    near = values.index(first) + (-1 if op == "at_least" else 1)
    nearest_out = [v for v in values if v not in ok]
    out = values[near] if 0 <= near < len(values) and values[near] not in ok else nearest_out[0]
    return [(f"{question['id']} {first}", first, True), (f"{question['id']} {out}", out, False)]


def _op(leaf: dict) -> tuple[tuple[str, Any], bool]:
    negated = "not" in leaf
    inner = leaf["not"] if negated else leaf
    ((op, want),) = ((k, v) for k, v in inner.items() if k != "q")
    return (op, want), negated


def question_of(leaf: dict) -> str:
    return (leaf.get("not") or leaf)["q"]


def expected(rules: dict, studies: dict, answers: dict) -> dict:
    result = run(rules, answers)
    assert not result.problems, (answers, result.problems)
    by_id = {q["id"]: q for q in questions(rules)}
    routine = {o["id"] for o in rules["outcomes"] if o["urgency"] == "routine"}
    met = [
        s["nct_id"]
        for s in studies["studies"]
        if result.outcome in routine and truth(s["criteria"], result.used, by_id) is True
    ]
    return {"outcome": result.outcome, "studies": met}


def main() -> None:
    rules = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))
    studies = yaml.safe_load((ROOT / "studies.yaml").read_text(encoding="utf-8"))
    by_id = {q["id"]: q for q in questions(rules)}
    scenarios = [
        {
            "name": "answers that meet every study's main criteria",
            "answers": BASE,
            "expect": expected(rules, studies, BASE),
        },
        {
            "name": "no study is listed beside an emergency",
            "answers": {"warning_signs": ["bladder_bowel"]},
            "expect": {"outcome": "emergency", "studies": []},
        },
    ]
    for study in studies["studies"]:
        for leaf in study["criteria"]["all"]:
            question = by_id[question_of(leaf)]
            for what, answer, inside in sides(leaf, question):
                answers = {**BASE, question["id"]: answer}
                side = "meets" if inside else "does not meet"
                scenarios.append(
                    {
                        "name": f"{study['nct_id']}: {what} {side} this criterion",
                        "answers": answers,
                        "expect": expected(rules, studies, answers),
                    }
                )
                assert (study["nct_id"] in scenarios[-1]["expect"]["studies"]) == inside, scenarios[
                    -1
                ]
    header = (
        "# Both sides of every main criterion of every study in studies.yaml, generated by\n"
        "# tests/studies/make_scenarios.py with expectations from the reference interpreter.\n"
        "# Run them with:  flask --app wsgi rules test scenarios/studies\n"
    )
    OUT.write_text(
        header + yaml.safe_dump(scenarios, sort_keys=False, allow_unicode=True, width=100)
    )


if __name__ == "__main__":
    main()
