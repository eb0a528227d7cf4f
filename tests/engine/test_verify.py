"""The verifier: every set of answers gets a headline, and dead or shadowed rules are found."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fixture_scope import shared

from questionnaire.engine import (
    Engine,
    Loaded,
    QuestionnaireError,
    RulesError,
    load_rules,
    loads_rules,
    read_rules,
)
from questionnaire.engine.verify.symbolic import verify

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")

ANCHOR = "  - id: general_criteria_may_apply\n"
# The one rule that proposes `discuss` (v2: every criterion written out), up to the blank line.
CATCH_ALL = SRC[SRC.index(ANCHOR) : SRC.index("\n\n", SRC.index(ANCHOR)) + 1]

# Answers that fill in whatever a verifier example leaves out (they reach `discuss`).
FILLER = {
    "warning_signs": ["none"],
    "age": 45,
    "pain_area": "lower_back",
    "pain_duration": "1_to_5_years",
    "pain_pattern": "mostly_back",
    "pain_intensity": 6,
    "diagnosis": "yes_imaging",
    "disc_count": "one",
    "treatments_tried": ["physical_therapy", "pain_medication"],
    "treatment_duration": "over_6_months",
    "treatment_relief": "little_or_none",
    "previous_procedures": ["none"],
    "health_conditions": ["none"],
    "overall_health": "good",
    "payment": "self_pay_possible",
    "clinical_trial": "yes",
    "travel": "yes",
}


def completed(example: dict[str, Any]) -> dict[str, Any]:
    """A verifier example with the questions it leaves out answered from FILLER."""
    return {**FILLER, **example}


def with_rule(rule: str) -> str:
    """The shipped rules with one more rule just before the catch-all."""
    assert ANCHOR in SRC, "the shipped rules.yaml has no general_criteria_may_apply rule"
    return SRC.replace(ANCHOR, rule + "\n" + ANCHOR, 1)


@pytest.fixture(scope=shared("module"))
def shipped():
    return load_rules(ROOT / "rules.yaml", verify=False)


@pytest.fixture(scope=shared("module"))
def report(shipped):
    return verify(shipped)


def test_shipped_rules_are_proved_complete_quickly(shipped):
    started = time.thread_time()  # CPU time: a busy machine does not decide the result
    report = verify(shipped)
    elapsed = time.thread_time() - started
    assert report.ok
    assert report.gaps == [] and report.gap_count == 0
    assert report.never_match == [] and report.never_win == {}
    assert report.answer_sets > 1_000_000_000
    assert elapsed < 0.5
    assert report.seconds <= elapsed


def test_every_shipped_rule_has_a_witness_that_makes_it_fire(shipped, report):
    engine = Engine(shipped)
    assert set(report.witnesses) == {r.id for r in shipped.file.rules}
    for rule, example in report.witnesses.items():
        assert rule in engine.evaluate(completed(example)).fired, (rule, example)


def test_every_shipped_outcome_rule_has_answers_where_it_gives_the_headline(shipped, report):
    engine = Engine(shipped)
    outcome_rules = {r.id: r.outcome for r in shipped.file.rules if r.outcome}
    assert set(report.wins) == set(outcome_rules)
    for rule, example in report.wins.items():
        summary = engine.evaluate(completed(example))
        assert rule in summary.fired
        assert summary.outcome.id == outcome_rules[rule], (rule, example)


# --- A gap: no headline for some answers --------------------------------------------------------


@pytest.fixture(scope=shared("module"))
def gap_error() -> Loaded:
    """The shipped rules without their catch-all: refused, with every problem and the rules."""
    assert CATCH_ALL in SRC, "the shipped catch-all rule changed; update the test"
    text = SRC.replace(CATCH_ALL, "", 1)
    with pytest.raises(RulesError) as caught:
        loads_rules(text, "rules.yaml")
    loaded = read_rules(text, "rules.yaml")
    assert loaded.problems == caught.value.problems
    return loaded


def test_loader_refuses_rules_that_leave_a_gap(gap_error):
    gap = [p for p in gap_error.problems if "no headline" in p.problem]
    assert len(gap) == 1
    assert "for example: warning_signs=['none']" in gap[0].problem
    lines = SRC.splitlines()
    first_rule = next(
        n for n in range(lines.index("rules:"), len(lines)) if lines[n].startswith("  - id: ")
    )
    assert gap[0].line == first_rule + 1  # it points at the rules, not at one of them
    assert gap[0].expected == "rules that give a headline for every set of answers"


def test_a_gap_leaves_the_parsed_rules_for_the_verifier(gap_error):
    assert gap_error.ruleset is not None
    assert "general_criteria_may_apply" not in {r.id for r in gap_error.ruleset.file.rules}


def test_verifier_gives_a_counterexample_that_no_outcome_rule_covers(gap_error, shipped):
    report = verify(gap_error.ruleset)
    assert not report.ok
    assert report.gaps and report.gap_count >= len(report.gaps)
    example = report.gaps[0]
    assert example["warning_signs"] == ["none"]
    answers = completed(example)
    # The rules without the catch-all really give no headline for these answers ...
    broken = Engine(gap_error.ruleset)
    assert broken.check(answers) == []
    with pytest.raises(QuestionnaireError, match="no headline"):
        broken.evaluate(answers)
    # ... and with it, the catch-all is the only outcome rule that matches.
    summary = Engine(shipped).evaluate(answers)
    assert [t.rule for t in summary.trace if t.matched and t.outcome] == [
        "general_criteria_may_apply"
    ]


# --- Dead and shadowed rules --------------------------------------------------------------------

SHADOWED = """\
  - id: short_pain_discuss
    when: {q: pain_duration, is: under_3_months}
    outcome: discuss
    source: nct02412735
"""
CONTRADICTION = """\
  - id: neck_and_lower_back_only
    when: {all: [{q: pain_area, is: neck}, {q: pain_area, is: lower_back}]}
    outcome: not_yet
    source: nct02412735
"""
DEAD_FINDING = """\
  - id: none_and_something
    when: {q: health_conditions, has_all: [none, pregnant]}
    finding: {criterion: general_health, text: This can never be shown.}
    source: nct02412735
"""


def test_rule_that_always_loses_to_a_higher_outcome_never_wins():
    report = verify(loads_rules(with_rule(SHADOWED), verify=False))
    assert not report.ok
    assert report.never_match == []
    assert set(report.never_win) == {"short_pain_discuss"}
    example = report.never_win["short_pain_discuss"]  # where it matches but loses
    assert example["pain_duration"] == "under_3_months"
    assert example["warning_signs"] == ["none"]


@pytest.mark.parametrize(
    ("rule", "rule_id", "has_outcome"),
    [
        (CONTRADICTION, "neck_and_lower_back_only", True),
        (DEAD_FINDING, "none_and_something", False),
    ],
    ids=["contradictory_outcome_rule", "impossible_finding_rule"],
)
def test_rule_that_can_never_match_is_reported(rule, rule_id, has_outcome):
    report = verify(loads_rules(with_rule(rule), verify=False))
    assert not report.ok
    assert report.never_match == [rule_id]
    assert rule_id not in report.witnesses
    if has_outcome:
        assert report.never_win == {rule_id: {}}
    else:
        assert report.never_win == {}
