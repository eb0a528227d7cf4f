"""`flask rules verify`, `rules witnesses` and `rules test --coverage` on the shipped rules and on
mutated copies of rules.yaml; the app refuses to start on rules the verifier finds incomplete.
"""

from __future__ import annotations

import json
import re
from itertools import combinations, product
from math import prod
from pathlib import Path

import pytest
import yaml

from questionnaire import create_app
from questionnaire.engine import (
    AnswersError,
    Engine,
    RulesError,
    load_rules,
    loads_rules,
    read_rules_file,
)
from questionnaire.engine.verify.symbolic import verify  # what `rules verify` and the loader run

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules.yaml"
SHADOWED = {
    "id": "shadowed",
    "when": {"q": "pain_duration", "is": "under_3_months"},
    "outcome": "discuss",
    "source": "nct02412735",
}
CONTRADICTION = {
    "all": [
        {"q": "pain_duration", "is": "under_3_months"},
        {"q": "pain_duration", "is": "over_5_years"},
    ]
}


def shipped() -> dict:
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def without_rule(rule_id: str) -> dict:
    data = shipped()
    data["rules"] = [r for r in data["rules"] if r["id"] != rule_id]
    assert len(data["rules"]) == len(shipped()["rules"]) - 1
    return data


def with_rule(rule: dict, after: str = "general_criteria_may_apply") -> dict:
    data = shipped()
    at = [r["id"] for r in data["rules"]].index(after) + 1
    data["rules"].insert(at, rule)
    return data


def verify_cli(runner, path: Path | None = None):
    return runner.invoke(args=["rules", "verify", *([str(path)] if path else [])])


def shown(example: dict) -> list[str]:
    """How the verifier prints each answer of a counterexample: question=value."""
    return [f"{q}={v}" for q, v in example.items()]


# --- the shipped rules ---------------------------------------------------------------------------


def test_verify_proves_the_shipped_rules_complete(runner):
    result = verify_cli(runner)
    assert result.exit_code == 0, result.output
    report = verify(load_rules(RULES, verify=False))
    assert f"Checked {report.answer_sets:,} possible sets of answers" in result.output
    assert "Complete: every set of answers gets exactly one headline." in result.output
    assert "can never" not in result.output


def test_verify_of_the_shipped_rules_takes_under_200_ms(runner):
    # Best of three, so a busy test machine does not decide the result. Rules 3.0.0 doubled the
    # work: the walks that go on past a continuable urgent stop are verified too (about 120 ms
    # on the 2-core machine, 2026-12-06; 2.0.x took about 60 ms).
    printed = []
    for _ in range(3):
        result = verify_cli(runner)
        match = re.search(r"in ([0-9.]+) ms\.", result.output)
        assert match, result.output
        printed.append(float(match.group(1)))
    assert min(printed) < 200, printed
    rs = load_rules(RULES, verify=False)
    assert min(verify(rs).seconds for _ in range(3)) < 0.2


def referenced(condition) -> set[str]:
    """Question ids a condition of rules.yaml reads."""
    found: set[str] = set()
    if isinstance(condition, dict):
        if "q" in condition:
            found.add(condition["q"])
        for value in condition.values():
            found |= referenced(value)
    elif isinstance(condition, list):
        for item in condition:
            found |= referenced(item)
    return found


def every_answer(question) -> list:
    """Every valid answer to one question (a multi-select's exclusive choice stands alone)."""
    if question.type == "integer":
        return list(range(question.min, question.max + 1))
    if question.type == "single":
        return [c.value for c in question.choices]
    alone = [[c.value] for c in question.choices if c.exclusive]
    others = [c.value for c in question.choices if not c.exclusive]
    return alone + [
        list(chosen) for n in range(1, len(others) + 1) for chosen in combinations(others, n)
    ]


def sign_leaves(condition, owner: str, keys: dict[str, set]) -> None:
    """For each warning sign a condition names, what names it: a `has_any` leaf (ticking one of
    its signs or several is the same to it), or a leaf that reads this sign alone."""
    if isinstance(condition, list):
        for item in condition:
            sign_leaves(item, owner, keys)
    elif isinstance(condition, dict):
        if condition.get("q") == "warning_signs":
            leaf = json.dumps(condition, sort_keys=True)
            for op, value in condition.items():
                for v in value if isinstance(value, list) else [value]:
                    keys.setdefault(v, set()).add(
                        (owner, leaf) if op == "has_any" else (owner, leaf, v)
                    )
        for value in condition.values():
            sign_leaves(value, owner, keys)


def sign_classes(data: dict) -> list[list[str]]:
    """warning_signs' plain choices in classes that every condition of the rule file (rules and
    `may_continue`) reads alike: choices named by exactly the same leaves (`sign_leaves`), and
    the choices nothing names together."""
    keys: dict[str, set] = {}
    for rule in data["rules"]:
        sign_leaves(rule["when"], rule["id"], keys)
    for outcome in data["outcomes"]:
        sign_leaves(outcome.get("may_continue"), outcome["id"], keys)
    question = next(q for s in data["steps"] for q in s["questions"] if q["id"] == "warning_signs")
    classes: dict[frozenset, list[str]] = {}
    for choice in question["choices"]:
        if not choice.get("exclusive"):
            classes.setdefault(frozenset(keys.get(choice["value"], ())), []).append(choice["value"])
    return list(classes.values())


def test_the_answer_set_count_counts_each_valid_answer_set_once(engine):
    """The count the overview and `rules verify` print: every distinct set of answers the
    engine accepts, where a question hidden by skip logic has no answer, a walk that stops
    early counts once, and a walk that goes on past a stop that may be continued (urgent, not
    with a fever) counts as well. Counted here from the engine alone: warning signs by the
    classes the rule file reads alike (`sign_classes`: 2^20 subsets are too many to walk), the
    other questions that decide skip logic by enumeration, the rest by multiplying answers."""
    data = shipped()
    stopping = {o["id"] for o in data["outcomes"] if o.get("stop")}
    show_if = set().union(
        *(
            referenced(item["show_if"])
            for s in data["steps"]
            for item in s["questions"]
            if "show_if" in item
        )
    )
    stops = set().union(
        *(referenced(r["when"]) for r in data["rules"] if r.get("outcome") in stopping)
    )
    # rules 3.1.0: the questions a contradiction reads decide whether the engine accepts a set
    refusing = set().union(
        *(
            referenced(c["when"])
            for s in data["steps"]
            for item in s["questions"]
            for c in item.get("contradictions", ())
        )
    )
    questions = engine.ruleset.questions
    deciding = [q for q in questions if q.id in show_if | stops | refusing]
    assert [q.id for q in deciding] == [
        "warning_signs",
        "pain_duration",
        "diagnosis",
        "treatments_tried",
        "treatment_duration",
    ]
    # Only the first step's warning signs decide a stop, and no skip logic reads them: so the
    # walk after them is the same whatever signs go on.
    assert stops == {"warning_signs"} and "warning_signs" not in show_if
    first_step = {q["id"] for q in data["steps"][0]["questions"]}
    answers = {q.id: every_answer(q) for q in questions}
    first = {q: a[0] for q, a in answers.items()}
    later = [q for q in deciding if q.id not in first_step]

    def rest(signs: list[str]) -> int:
        """Answer sets of every question after the first step, the walk going on past it."""
        total = 0
        for choice in product(*(answers[q.id] for q in later)):
            given = {**first, "warning_signs": signs}
            given.update({q.id: a for q, a in zip(later, choice, strict=True)})
            try:
                summary = engine.evaluate(given, trace=False)
            except AnswersError as refused:  # answers that contradict: not an answer set
                assert {p.code for p in refused.problems} == {"contradiction"}, given
                continue
            assert summary.stopped_after is None, given
            if any(q.id in summary.dropped and given[q.id] != answers[q.id][0] for q in later):
                continue  # a hidden question's answer is dropped: the set counts once
            total += prod(
                len(answers[q.id])
                for q in questions
                if q not in later and q.id not in first_step and q.id not in summary.dropped
            )
        return total

    classes = sign_classes(data)
    shapes = {"final": 0, "continuable": 0, "none": 0}
    went_on = None
    for mask in range(1, 1 << len(classes)):
        chosen = [c for j, c in enumerate(classes) if mask >> j & 1]
        signs = [c[0] for c in chosen]
        walk = engine.walk({"warning_signs": signs})
        assert walk.stopped_after == "warning_signs", signs  # every plain sign stops
        shape = "continuable" if walk.continuable else "final"
        shapes[shape] += prod(2 ** len(c) - 1 for c in chosen)
        went_on = signs if walk.continuable else went_on
    assert engine.walk({"warning_signs": ["none"]}).stopped_after is None
    assert went_on and shapes["final"] and sum(shapes.values()) == 2**19 - 1
    # Going on: the engine asks every later question and the headline stays urgent.
    continued = rest(went_on)
    assert engine.evaluate({**first, "warning_signs": went_on}).outcome.id == "urgent"
    total = rest(["none"]) + shapes["final"] + shapes["continuable"] * (1 + continued)
    assert verify(engine.ruleset).answer_sets == total


# --- mutated rule files --------------------------------------------------------------------------


@pytest.fixture()
def no_discuss_rule(tmp_path) -> Path:
    return write(tmp_path / "rules.yaml", without_rule("general_criteria_may_apply"))


def test_deleting_the_discuss_rule_is_incomplete_with_a_counterexample(
    runner, no_discuss_rule, engine
):
    result = verify_cli(runner, no_discuss_rule)
    assert result.exit_code == 1, result.output
    assert "no headline" in result.output
    with pytest.raises(RulesError):
        load_rules(no_discuss_rule)
    report = verify(read_rules_file(no_discuss_rule, verify=False).ruleset)
    assert report.gaps and report.gap_count >= len(report.gaps)
    first, *others = report.gaps
    assert all(part in result.output for part in shown(first))
    for example in others:
        assert "another: " + json.dumps(example) in result.output
    # Each counterexample is real: on the shipped rules only the deleted rule gives it a headline.
    outcome = {r.id: r.outcome for r in engine.ruleset.file.rules}
    for example in report.gaps:
        fired = engine.evaluate(example).fired
        assert [r for r in fired if outcome[r]] == ["general_criteria_may_apply"], example


def test_the_app_refuses_to_start_on_incomplete_rules_naming_the_answers(no_discuss_rule):
    with pytest.raises(RulesError) as caught:
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "QUESTIONNAIRE_RULES": str(no_discuss_rule),
            }
        )
    message = str(caught.value)
    assert "no headline" in message
    example = verify(read_rules_file(no_discuss_rule, verify=False).ruleset).gaps[0]
    for part in shown(example):
        assert part in message, part


def test_a_rule_under_an_always_winning_one_can_never_give_the_headline(runner, tmp_path):
    path = write(tmp_path / "rules.yaml", with_rule(SHADOWED))
    result = verify_cli(runner, path)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "can never give the headline" in line]
    assert len(lines) == 1 and "Rule 'shadowed'" in lines[0], result.output
    assert "Complete" in result.output, "the rule set still gives every answer a headline"
    # The example is a witness: the rule matches there, but a higher outcome wins.
    example = json.loads(re.search(r"it matches (\{.*\}) but", lines[0]).group(1))
    summary = Engine(load_rules(path)).evaluate(example)
    assert "shadowed" in summary.fired
    # The always-winning rule (not_yet, same answer) fires too: the headline is not_yet, or an
    # outcome ranked above it that other answers of the example add (usually_excluded in v3).
    assert "pain_under_3_months" in summary.fired
    order = [o["id"] for o in shipped()["outcomes"]]
    assert order.index(summary.outcome.id) <= order.index("not_yet"), summary.outcome.id


@pytest.mark.parametrize(
    "extra",
    [
        {"finding": {"criterion": "chronic_pain", "text": "Never shown."}},
        {"outcome": "usually_excluded"},
    ],
    ids=["finding rule", "outcome rule"],
)
def test_a_contradictory_rule_can_never_match(runner, tmp_path, extra):
    rule = {"id": "contradictory", "when": CONTRADICTION, **extra, "source": "nct02412735"}
    path = write(tmp_path / "rules.yaml", with_rule(rule))
    result = verify_cli(runner, path)
    assert result.exit_code == 1, result.output
    assert "Rule 'contradictory' can never match." in result.output
    assert "can never give the headline" not in result.output


BROKEN = {
    "invalid YAML": lambda text: text.replace("rules:\n", "rules: [\n", 1),
    "a rule naming an unknown outcome": lambda text: text.replace(
        "outcome: discuss\n    source:", "outcome: maybe_later\n    source:", 1
    ),
    "not a rule file": lambda text: "- just\n- a list\n",
}


@pytest.mark.parametrize("mutate", BROKEN.values(), ids=BROKEN.keys())
def test_verify_of_a_broken_rule_file_is_bad_input(runner, tmp_path, mutate):
    path = tmp_path / "rules.yaml"
    path.write_text(mutate(RULES.read_text(encoding="utf-8")), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != RULES.read_text(encoding="utf-8")
    result = verify_cli(runner, path)
    assert result.exit_code == 2, result.output
    assert f"{path}:" in result.output
    assert "Traceback" not in result.output


def test_verify_of_a_missing_file_is_bad_input(runner, tmp_path):
    result = verify_cli(runner, tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml" in result.output


# --- witnesses and coverage ----------------------------------------------------------------------


def test_witnesses_give_a_scenario_file_that_fires_every_rule(runner, tmp_path):
    data = shipped()
    rules = [r["id"] for r in data["rules"]]
    outcome_rules = [r["id"] for r in data["rules"] if r.get("outcome")]
    path = tmp_path / "witnesses.yaml"
    result = runner.invoke(args=["rules", "witnesses", "-o", str(path)])
    assert result.exit_code == 0, result.output
    scenarios = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len(scenarios) == len(rules) + len(outcome_rules)
    assert f"Wrote {len(scenarios)} scenarios to {path}" in result.output
    assert sorted(r for s in scenarios for r in s["expect"]["fired"]) == sorted(
        rules + outcome_rules
    )
    headline = {
        s["expect"]["fired"][0]: s["expect"]["outcome"]
        for s in scenarios
        if "outcome" in s["expect"]
    }
    assert headline == {r["id"]: r["outcome"] for r in data["rules"] if r.get("outcome")}

    covered = runner.invoke(args=["rules", "test", str(path), "--coverage"])
    assert covered.exit_code == 0, covered.output
    assert f"{len(rules)} of {len(rules)} rules fired by the scenarios." in covered.output
    assert f"{len(scenarios)} scenarios passed, 0 failed" in covered.output
    assert "never fired" not in covered.output


def test_witnesses_without_a_file_print_the_same_scenarios(runner, tmp_path):
    path = tmp_path / "witnesses.yaml"
    runner.invoke(args=["rules", "witnesses", "-o", str(path)])
    printed = runner.invoke(args=["rules", "witnesses"])
    assert printed.exit_code == 0
    assert yaml.safe_load(printed.output) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_shipped_scenarios_fire_every_rule(runner):
    rules = len(shipped()["rules"])
    result = runner.invoke(args=["rules", "test", "--coverage"])
    assert result.exit_code == 0, result.output
    assert f"{rules} of {rules} rules fired by the scenarios." in result.output


def test_coverage_fails_naming_every_rule_a_scenario_file_never_fires(runner, tmp_path, engine):
    answers = {"warning_signs": ["bladder_bowel"]}
    path = tmp_path / "one.yaml"
    path.write_text(
        yaml.safe_dump(
            [{"name": "bladder trouble", "answers": answers, "expect": {"outcome": "emergency"}}]
        ),
        encoding="utf-8",
    )
    fired = set(engine.evaluate(answers).fired)  # only the bladder rule: the walk stops there
    assert fired == {"cauda_equina_signs"}
    rules = [r.id for r in engine.ruleset.file.rules]
    result = runner.invoke(args=["rules", "test", str(path), "--coverage"])
    assert result.exit_code == 1, result.output
    assert "1 scenarios passed, 0 failed" in result.output, "the scenario itself passes"
    never = {line.split()[1] for line in result.output.splitlines() if "never fired" in line}
    assert never == set(rules) - fired
    assert f"{len(fired)} of {len(rules)} rules fired by the scenarios." in result.output


def test_without_coverage_the_same_file_passes(runner, tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "bladder trouble",
                    "answers": {"warning_signs": ["bladder_bowel"]},
                    "expect": {"outcome": "emergency"},
                }
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["rules", "test", str(path)])
    assert result.exit_code == 0, result.output


def test_loads_rules_accepts_a_dumped_copy_of_the_shipped_rules():
    """The mutations above start from yaml.safe_dump(rules.yaml); unchanged, it still loads."""
    rs = loads_rules(yaml.safe_dump(shipped(), sort_keys=False, allow_unicode=True))
    assert verify(rs).ok
