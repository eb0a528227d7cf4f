"""The API's JSON (design.md section 5) as the engine writes it: what a client reads, field by
field. Written for mutants of `Summary.to_dict` that survived the mutation run, since the
engine's tests never read these fields (the API tests do, outside the mutation run's tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_answers import DISCUSS_ANSWERS

from questionnaire.engine import Engine, QuestionnaireError, loads_rules

SHIPPED = (Path(__file__).resolve().parents[2] / "rules.yaml").read_text(encoding="utf-8")


def test_because_and_findings_carry_the_fields_a_client_reads(engine):
    summary = engine.evaluate({**DISCUSS_ANSWERS, "pain_intensity": 7})
    shown = summary.to_dict()
    reason = shown["outcome"]["because"][0]
    assert reason["rule"] == summary.because[0].rule
    said = summary.because[0].answers[0]
    assert reason["answers"][0] == {"question": said.question, "prompt": said.prompt,
                                    "answer": said.answer}
    finding = summary.findings[0]
    assert shown["findings"][0] == {"rule": finding.rule, "criterion": finding.criterion,
                                    "text": finding.text, "source": finding.source}
    assert shown["stopped_after"] is None


def test_an_early_stop_is_named_in_the_json(engine):
    shown = engine.evaluate({"warning_signs": ["chest_pain"]}).to_dict()
    assert (shown["outcome"]["id"], shown["stopped_after"]) == ("emergency", "warning_signs")


def test_answers_with_no_headline_name_the_command_that_finds_the_gap():
    """A rule file loaded without its check (as `rules verify` does) and a gap in it: the
    message says what happened and what to run, not a traceback."""
    text = SHIPPED.replace("when: {q: warning_signs, has: chest_pain}", "when: {always: false}")
    engine = Engine(loads_rules(text, verify=False))
    with pytest.raises(QuestionnaireError) as caught:
        engine.evaluate({**DISCUSS_ANSWERS, "warning_signs": ["chest_pain"]})
    assert str(caught.value) == ("the rules give no headline for these answers; run 'flask "
                                 "rules verify' to find the gap")


def test_answers_that_are_not_an_object_are_refused_in_words(engine):
    problem, = engine.check(["pain_area", "neck"])
    assert (problem.question, problem.code) == (None, "wrong_type")
    assert problem.message == "answers must be an object that maps question ids to answers"


def test_each_rule_lists_the_questions_it_reads_for_why_am_i_seeing_this(engine):
    reads = engine.rule_questions
    assert reads["no_treatment_tried"] == ("treatments_tried",)
    assert reads["general_criteria_may_apply"][:3] == ("warning_signs", "pain_area",
                                                        "pain_duration")
    assert set(reads) == {r.id for r in engine.ruleset.file.rules}
