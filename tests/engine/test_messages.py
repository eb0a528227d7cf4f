"""The words of the messages a clinician or an API client reads when something is wrong: each
test was written for a mutant of the mutation run that changed a message and survived
(docs/testing.md, "Mutation testing")."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaire.engine import RulesError, loads_rules

SHIPPED = (Path(__file__).resolve().parents[2] / "rules.yaml").read_text(encoding="utf-8")


def edited(*edits: tuple[str, str]) -> str:
    text = SHIPPED
    for old, new in edits:
        assert text.count(old) == 1, f"rules.yaml no longer has exactly one {old!r}"
        text = text.replace(old, new)
    return text


def problems(text: str) -> str:
    with pytest.raises(RulesError) as caught:
        loads_rules(text, verify=False)
    return "\n".join(str(p) for p in caught.value.problems)


def test_a_long_list_of_expected_ids_is_cut_after_twelve_and_says_so():
    """15 questions: the 'expected' part of the message names the first 12, then '...'."""
    text = problems(edited(("when: {q: pain_intensity, at_most: 3}",
                            "when: {q: pain_intensty, at_most: 3}")))
    ids = ", ".join(q for q in ["warning_signs", "pain_area", "pain_duration", "pain_pattern",
                                "pain_intensity", "diagnosis", "treatments_tried",
                                "treatment_duration", "treatment_relief",
                                "previous_procedures", "health_conditions", "overall_health"])
    assert f"(expected one of the question ids: {ids}, ...)" in text
    assert "did you mean 'pain_intensity'?" in text


def test_a_list_of_exactly_twelve_choices_is_shown_whole():
    """warning_signs has 12 choices: all are named, with no '...' that hides nothing."""
    text = problems(edited(("when: {q: warning_signs, has: fever}",
                            "when: {q: warning_signs, has: fevr}")))
    assert "'fevr' is not a choice of 'warning_signs'; did you mean 'fever'?" in text
    assert "back_shape, none)" in text and "none, ...)" not in text
