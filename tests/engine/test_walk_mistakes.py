"""What the walk must keep, each written for a mutant of walk.py that survived the mutation run
(docs/testing.md, "Mutation testing")."""

from __future__ import annotations

import pytest
from sample_answers import DISCUSS_ANSWERS

from questionnaire.engine import AnswersError


def test_a_wrong_answer_to_a_question_that_no_longer_applies_is_still_refused(engine):
    """An answer to a hidden question is dropped, but a nonsense one is not quietly taken:
    the API says which answer is wrong, as it would if the question were shown."""
    answers = {**DISCUSS_ANSWERS, "treatments_tried": ["none"], "treatment_relief": "elbow"}
    answers.pop("treatment_duration")
    with pytest.raises(AnswersError) as refused:
        engine.evaluate(answers)
    assert [(p.question, p.code) for p in refused.value.problems] == [
        ("treatment_relief", "unknown_choice")
    ]
    assert engine.walk(answers).dropped == ("treatment_relief",)
