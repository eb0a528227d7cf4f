"""'Because you said': the answers behind the headline, in the patient's words (`said`)."""

from __future__ import annotations

from sample_answers import DISCUSS_ANSWERS


def said(engine, **changes) -> list[tuple[str, str]]:
    summary = engine.evaluate({**DISCUSS_ANSWERS, **changes})
    return [(a.question, a.answer) for a in summary.said]


def words(engine, question: str, value: str) -> str:
    choice = next(
        c
        for q in engine.ruleset.questions
        if q.id == question
        for c in q.choices
        if c.value == value
    )
    return choice.said or choice.label


def test_each_emergency_sign_is_its_own_line_and_the_urgent_one_is_left_out(engine):
    lines = said(engine, warning_signs=["bladder_bowel", "chest_pain", "fever"])
    assert lines == [
        ("warning_signs", words(engine, "warning_signs", "bladder_bowel")),
        ("warning_signs", words(engine, "warning_signs", "chest_pain")),
    ]


def test_said_reads_as_the_end_of_a_sentence(engine):
    ((question, answer),) = said(engine, health_conditions=["pregnant"])
    assert question == "health_conditions"
    assert answer.startswith("you are pregnant or breastfeeding")


def test_discuss_names_what_was_met_with_the_pain_score_in_words(engine):
    lines = dict(said(engine, pain_intensity=7))
    assert lines["pain_intensity"] == "your usual pain is 7 out of 10"
    assert lines["health_conditions"] == words(engine, "health_conditions", "none")
    assert {
        "warning_signs",
        "pain_duration",
        "diagnosis",
        "treatment_duration",
        "previous_procedures",
    } <= set(lines)


def test_discuss_never_gives_an_unrelated_condition_as_a_reason(engine):
    lines = said(engine, health_conditions=["blood_thinners_or_bleeding"])
    assert (
        engine.evaluate(
            {**DISCUSS_ANSWERS, "health_conditions": ["blood_thinners_or_bleeding"]}
        ).outcome.id
        == "discuss"
    )
    assert "health_conditions" not in {q for q, _ in lines}
