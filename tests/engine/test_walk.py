"""The one walk (`walk.Flow`): what it makes of each question, on the shipped rules."""

from __future__ import annotations

from sample_answers import DISCUSS_ANSWERS

from questionnaire.engine.evaluation.walk import State


def states(engine, answers) -> dict[str, State]:
    walked, _ = engine.flow.read(answers)
    return {s.question.id: s.state for s in walked}


def test_every_question_gets_one_state_in_questionnaire_order(engine):
    walked, end = engine.flow.read(DISCUSS_ANSWERS)
    assert [s.question.id for s in walked] == [q.id for q in engine.ruleset.questions]
    assert {s.state for s in walked} == {State.ANSWERED}
    assert (end.index, end.complete, end.stopped_after) == (len(walked), True, None)


def test_after_an_early_stop_later_questions_are_after_the_stop_and_only_checked(engine):
    walked, end = engine.flow.read(
        {"warning_signs": ["chest_pain"], "pain_intensity": 11, "pain_area": "neck"}
    )
    by_id = {s.question.id: s for s in walked}
    assert end.stopped_after == "warning_signs"
    assert by_id["warning_signs"].state is State.ANSWERED
    assert all(s.state is State.AFTER_STOP for s in walked[1:])
    assert [s.question.id for s in walked if s.problem] == ["pain_intensity"]
    assert by_id["pain_area"].problem is None and by_id["pain_area"].key is None


def test_hidden_dropped_missing_and_invalid_are_told_apart(engine):
    answers = {
        **DISCUSS_ANSWERS,
        "treatments_tried": ["none"],
        "treatment_relief": "some",
        "pain_area": "elbow",
    }
    answers.pop("treatment_duration")
    answers.pop("travel")
    seen = states(engine, answers)
    assert seen["treatment_duration"] is State.HIDDEN
    assert seen["treatment_relief"] is State.DROPPED
    assert seen["pain_area"] is State.INVALID
    assert seen["travel"] is State.MISSING


def test_a_stop_needs_every_shown_answer_of_the_step_valid(engine):
    """Chest pain stops the questions after the first page, but not while the page's answer
    is not valid (chest pain ticked with "none")."""
    walked, end = engine.flow.read({"warning_signs": ["chest_pain", "none"]})
    assert walked[0].state is State.INVALID and end.stopped_after is None
    assert all(s.state is not State.AFTER_STOP for s in walked)
    _, end = engine.flow.read({"warning_signs": ["chest_pain"]})
    assert end.stopped_after == "warning_signs"
