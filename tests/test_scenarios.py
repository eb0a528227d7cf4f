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
