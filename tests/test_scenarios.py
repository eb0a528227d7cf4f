"""Clinician-readable scenarios (scenarios/*.yaml, shipped with the rules) and their coverage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from questionnaire.engine import AnswersError
from questionnaire.engine.scenarios import load_scenarios, run_scenario, scenario_files

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIOS = [s for path in scenario_files([SCENARIO_DIR]) for s in load_scenarios(path)]
MIN_SCENARIOS_PER_OUTCOME = 3


def _where(scenario) -> str:
    return f"{Path(scenario.file).name}:{scenario.line}"


def test_scenario_files_are_found():
    assert len(SCENARIOS) >= 45, f"only {len(SCENARIOS)} scenarios in {SCENARIO_DIR}"


def test_scenario_names_are_unique():
    counts = Counter(s.name for s in SCENARIOS)
    assert [name for name, n in counts.items() if n > 1] == [], "scenario names must differ"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario_gives_the_expected_result(engine, scenario):
    result = run_scenario(engine, scenario)
    assert result.passed, f"{_where(scenario)}: " + "; ".join(result.failures)


def test_every_rule_is_expected_to_fire_in_some_scenario(engine):
    expected = {rule for s in SCENARIOS for rule in s.expect.fired}
    rules = [r.id for r in engine.ruleset.file.rules]
    missing = [r for r in rules if r not in expected]
    assert missing == [], f"no scenario lists these rules under expect.fired: {missing}"


def test_every_outcome_is_the_expected_outcome_of_several_scenarios(engine):
    counts = Counter(s.expect.outcome for s in SCENARIOS if s.expect.outcome)
    outcomes = [o.id for o in engine.ruleset.file.outcomes]
    too_few = {o: counts[o] for o in outcomes if counts[o] < MIN_SCENARIOS_PER_OUTCOME}
    assert too_few == {}, f"outcomes with fewer than {MIN_SCENARIOS_PER_OUTCOME} scenarios"


def test_the_scenarios_when_evaluated_fire_every_rule(engine):
    fired: set[str] = set()
    for scenario in SCENARIOS:
        try:
            fired.update(engine.evaluate(scenario.answers, trace=False).fired)
        except AnswersError:
            continue  # scenarios of refused answers fire nothing
    rules = [r.id for r in engine.ruleset.file.rules]
    missing = [r for r in rules if r not in fired]
    assert missing == [], f"no scenario, evaluated, fires these rules: {missing}"


def test_the_scenarios_when_evaluated_reach_every_outcome(engine):
    reached: set[str] = set()
    for scenario in SCENARIOS:
        try:
            reached.add(engine.evaluate(scenario.answers, trace=False).outcome.id)
        except AnswersError:
            continue
    missing = [o.id for o in engine.ruleset.file.outcomes if o.id not in reached]
    assert missing == [], f"no scenario, evaluated, has these outcomes: {missing}"


# --- The scenarios catch small edits to the rule file's lists ------------------------------------
# A value added to or dropped from one of the general criteria's lists, or a sign added to
# `cancer_signs`, must either make the file refuse to load (the verifier finds answers with no
# headline) or fail some scenario. In 2.0.0, 5 of 60 such edits did neither.
RULES = SCENARIO_DIR.parent / "rules.yaml"
LISTS = (  # (rule, question, the line's text before the list)
    ("general_criteria_may_apply", "pain_area", "        - {q: pain_area, in: "),
    ("general_criteria_may_apply", "pain_pattern", "        - {q: pain_pattern, in: "),
    ("general_criteria_may_apply", "diagnosis", "        - {q: diagnosis, in: "),
    (
        "general_criteria_may_apply",
        "health_conditions",
        "        - not: {q: health_conditions, has_any: ",
    ),
    ("cancer_signs", "warning_signs", "    when: {q: warning_signs, has_any: [weight_loss, "),
)


def _list_edits(text: str, engine) -> list[tuple[str, str, str]]:
    """(what, old line, new line) for every value added to or dropped from each list."""
    edits = []
    for rule, question, head in LISTS:
        start = text.index(head)
        line = text[start : text.index("\n", start)]
        listed = line[line.index("[") + 1 : line.index("]")].split(", ")
        info = engine.ruleset.catalogue[question]
        exclusive = {
            c.value for q in engine.ruleset.questions if q.id == question for c in q.choices
        }
        exclusive = {v for v in exclusive if v == "none"}
        for value in listed:
            kept = [v for v in listed if v != value]
            edits.append(
                (f"{rule}: drop {value}", line, line.replace(", ".join(listed), ", ".join(kept)))
            )
        for value in info.choices:
            if value not in listed and value not in exclusive:
                more = ", ".join([*listed, value])
                edits.append((f"{rule}: add {value}", line, line.replace(", ".join(listed), more)))
    return edits


@pytest.mark.slow
def test_every_small_edit_to_a_list_fails_to_load_or_fails_a_scenario(engine):
    from questionnaire.engine import Engine, RulesError
    from questionnaire.engine.load.loader import loads_rules

    text = RULES.read_text(encoding="utf-8")
    survivors = []
    edits = _list_edits(text, engine)
    assert len(edits) >= 30
    for what, old, new in edits:
        try:
            mutated = Engine(loads_rules(text.replace(old, new, 1), "rules.yaml"))
        except RulesError:
            continue  # refused at load: caught
        if all(run_scenario(mutated, s).passed for s in SCENARIOS):
            survivors.append(what)
    assert survivors == [], f"edits that load and pass every scenario: {survivors}"
