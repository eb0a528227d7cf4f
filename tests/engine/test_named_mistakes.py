"""Mistakes the engine once could make unnoticed (mutants that survived every test), each now
caught by what a patient would see. Each test edits the shipped rules.yaml a little.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_answers import DISCUSS_ANSWERS

from questionnaire.engine import AnswersError, Engine, RulesError, loads_rules

SHIPPED = (Path(__file__).resolve().parents[2] / "rules.yaml").read_text(encoding="utf-8")
FEVER_RULE = "    when: {q: warning_signs, has: fever}\n    outcome: urgent\n"


def edited(old: str, new: str) -> str:
    assert SHIPPED.count(old) == 1, f"rules.yaml no longer has exactly one {old!r}"
    return SHIPPED.replace(old, new)


def engine_with(old: str, new: str) -> Engine:
    return Engine(loads_rules(edited(old, new)))


def with_signs(*signs: str, **changes) -> dict:
    return {**DISCUSS_ANSWERS, "warning_signs": list(signs), **changes}


def test_a_rule_needing_two_signs_does_not_fire_on_one():
    """`all` of plain leaves must not act like `any`: a rule for fever *and* weight loss does
    not send a patient who ticked only fever to urgent care; the questions go on."""
    text = edited(
        FEVER_RULE,
        "    when: {all: [{q: warning_signs, has: fever}, "
        "{q: warning_signs, has: weight_loss}]}\n    outcome: urgent\n",
    )
    engine = Engine(loads_rules(text, verify=False))  # fever alone now has no headline
    walk = engine.walk({"warning_signs": ["fever"]})
    assert walk.stopped_after is None and "pain_area" in walk.missing
    both = engine.evaluate({"warning_signs": ["fever", "weight_loss"]})
    assert both.outcome.id == "urgent" and "infection_sign" in both.fired


def test_a_stop_is_not_declared_while_it_depends_on_a_later_answer():
    """Fever stops the questions only with a high pain score: ticking fever must not stop them."""
    text = edited(
        FEVER_RULE,
        "    when: {all: [{q: warning_signs, has: fever}, "
        "{q: pain_intensity, at_least: 8}]}\n    outcome: urgent\n",
    )
    engine = Engine(loads_rules(text, verify=False))  # fever with less pain: no headline now
    walk = engine.walk({"warning_signs": ["fever"]})
    assert walk.stopped_after is None
    assert "pain_intensity" in walk.missing, "the pain questions are still asked"
    with pytest.raises(AnswersError) as refused:
        engine.evaluate({"warning_signs": ["fever"]})
    assert "pain_intensity" in {p.question for p in refused.value.problems}
    assert engine.evaluate(with_signs("fever", pain_intensity=9)).outcome.id == "urgent"
    assert engine.walk(with_signs("fever", pain_intensity=5)).stopped_after is None


@pytest.mark.parametrize("leave_out", [None, "travel"], ids=["all-answers", "one-left-out"])
def test_a_stop_that_always_applies_stops_after_the_first_page(leave_out):
    """A stopping rule `{always: true}` stops after the first page, whatever else was sent."""
    engine = engine_with(
        FEVER_RULE,
        FEVER_RULE + "    source: nhs-back-pain\n"
        "  - id: always_stop\n    when: {always: true}\n"
        "    outcome: emergency\n",
    )
    answers = {k: v for k, v in DISCUSS_ANSWERS.items() if k != leave_out}
    summary = engine.evaluate(answers)
    assert (summary.outcome.id, summary.stopped_after) == ("emergency", "warning_signs")
    assert list(summary.answers) == ["warning_signs"]
    assert engine.walk(answers).stopped_after == "warning_signs"


def test_a_question_cannot_be_shown_depending_on_its_own_answer():
    text = edited(
        "        hint: Count from your first treatment for this pain.\n"
        "        show_if: {not: {q: treatments_tried, has: none}}\n",
        "        hint: Count from your first treatment for this pain.\n"
        "        show_if: {q: treatment_duration, answered: true}\n",
    )
    with pytest.raises(
        RulesError,
        match="show_if uses 'treatment_duration', which is not asked before this question",
    ):
        loads_rules(text)


def test_yes_and_no_typed_without_quotes_are_words():
    """A clinician who writes `value: no` and `is: no` means the word, not false."""
    text = edited('    when: {q: diagnosis, is: "no"}', "    when: {q: diagnosis, is: no}")
    text = text.replace('{value: "no", label: "No"}', '{value: no, label: "No"}')
    text = text.replace('{value: "yes", label: "Yes"}', '{value: yes, label: "Yes"}')
    engine = Engine(loads_rules(text))
    assert engine.evaluate({**DISCUSS_ANSWERS, "diagnosis": "no"}).outcome.id == "not_yet"
    choices = [c.value for q in engine.ruleset.questions if q.id == "travel" for c in q.choices]
    assert choices == ["yes", "maybe", "no"]
