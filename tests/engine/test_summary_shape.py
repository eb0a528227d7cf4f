"""What the engine's Summary holds for a client, field by field (the web layer writes it as
the API's JSON, design.md section 5, tested in tests/api). Written for mutants that survived the
mutation run, since the engine's tests never read these fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_answers import DISCUSS_ANSWERS

from questionnaire.engine import Engine, QuestionnaireError, loads_rules

SHIPPED = (Path(__file__).resolve().parents[2] / "rules.yaml").read_text(encoding="utf-8")


def test_because_and_findings_carry_the_fields_a_client_reads(engine):
    summary = engine.evaluate({**DISCUSS_ANSWERS, "pain_intensity": 7})
    reason = summary.because[0]
    assert reason.rule in summary.fired
    said = reason.answers[0]
    first = engine.ruleset.file.steps[0].questions[0]
    assert (said.question, said.prompt) == (first.id, first.prompt)
    assert said.answer and said.answer != said.question
    finding = summary.findings[0]
    assert (finding.rule, finding.criterion) == (summary.fired[0], "safety")
    assert finding.text and finding.source in engine.sources
    assert summary.stopped_after is None


def test_an_early_stop_is_named(engine):
    summary = engine.evaluate({"warning_signs": ["chest_pain"]})
    assert (summary.outcome.id, summary.stopped_after) == ("emergency", "warning_signs")


def test_answers_with_no_headline_name_the_command_that_finds_the_gap():
    """A rule file loaded without its check (as `rules verify` does) and a gap in it: the
    message says what happened and what to run, not a traceback."""
    text = SHIPPED.replace(
        "when: {q: warning_signs, has_any: [chest_pain, aorta_pain]}", "when: {always: false}"
    )
    engine = Engine(loads_rules(text, verify=False))
    with pytest.raises(QuestionnaireError) as caught:
        engine.evaluate({**DISCUSS_ANSWERS, "warning_signs": ["chest_pain"]})
    assert str(caught.value) == (
        "the rules give no headline for these answers; run 'flask rules verify' to find the gap"
    )


def test_answers_that_are_not_an_object_are_refused_in_words(engine):
    (problem,) = engine.check(["pain_area", "neck"])
    assert (problem.question, problem.code) == (None, "wrong_type")
    assert problem.message == "answers must be an object that maps question ids to answers"


def test_each_rule_lists_the_questions_it_reads_for_why_am_i_seeing_this(engine):
    reads = engine.rule_questions
    assert reads["no_treatment_tried"] == ("treatments_tried",)
    assert reads["general_criteria_may_apply"][:3] == ("warning_signs", "age", "pain_area")
    assert set(reads) == {r.id for r in engine.ruleset.file.rules}
