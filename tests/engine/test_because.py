"""'Because you said' on edited rule files: cases the shipped rules never reach, each written
for a mutant of reasons.py that survived the mutation run (docs/testing.md)."""

from __future__ import annotations

from pathlib import Path

from sample_answers import DISCUSS_ANSWERS

from questionnaire.engine import Engine, loads_rules

SHIPPED = (Path(__file__).resolve().parents[2] / "rules.yaml").read_text(encoding="utf-8")


def engine_with(old: str, new: str) -> Engine:
    assert SHIPPED.count(old) == 1, f"rules.yaml no longer has exactly one {old!r}"
    return Engine(loads_rules(SHIPPED.replace(old, new)))


def said(engine: Engine, **changes) -> list[tuple[str, str]]:
    return [(a.question, a.answer) for a in engine.evaluate({**DISCUSS_ANSWERS, **changes}).said]


def test_a_question_that_was_not_asked_does_not_hide_the_later_answers_a_rule_read():
    """The rule reads a skipped question, then a later one: the later answer is still named."""
    engine = engine_with(
        "when: {q: treatment_duration, is: under_3_months}",
        "when: {any: [{q: treatment_duration, is: under_3_months}, {q: travel, is: 'no'}]}",
    )
    lines = said(
        engine,
        treatments_tried=["none"],
        treatment_duration=None,
        treatment_relief=None,
        travel="no",
    )
    assert ("travel", "No") in lines


def test_a_rule_that_names_only_none_gives_every_ticked_box():
    engine = engine_with(
        "when: {q: previous_procedures, has: fusion_or_replacement}",
        "when: {not: {q: previous_procedures, has: none}}",
    )
    lines = said(engine, previous_procedures=["fusion_or_replacement", "discectomy_or_laminectomy"])
    assert [q for q, _ in lines] == ["previous_procedures", "previous_procedures"]


def test_a_number_with_no_said_template_is_given_as_the_number():
    engine = engine_with('        said: "your usual pain is {answer} out of 10"\n', "")
    assert ("pain_intensity", "7") in said(engine, pain_intensity=7)
