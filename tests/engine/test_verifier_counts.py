"""The counts the verifier reports to a clinician, on an edited shipped rule file: written for
mutants of answerspace.py that survived the mutation run (docs/testing.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reference_verifier import verify as reference

from questionnaire.engine import Engine, QuestionnaireError, loads_rules, read_rules
from questionnaire.engine.verify import symbolic

SHIPPED = (Path(__file__).resolve().parents[2] / "rules.yaml").read_text(encoding="utf-8")
MILD = "when: {q: pain_intensity, at_most: 3}"


SHORT = "when: {q: treatment_duration, is: under_3_months}"


NO_TREATMENT = "when: {q: treatments_tried, has: none}\n    outcome: not_yet"


@pytest.mark.slow  # three verifier runs over the whole shipped file: left out of make quick
@pytest.mark.parametrize("edit", ["shipped", "travel-decides", "read-through-skip-logic"])
def test_a_gap_is_counted_over_the_deciding_answers_only(edit):
    """A score of 3 gets no headline once the mild-pain rule stops at 2. The count is over the
    answers that decide the headline: general health, payment, trials and travel (read only by
    findings) are left out of it, and the two verifiers agree on it and on every answer set.
    With travel read by an outcome rule, three questions are left out, one between two that
    count. With "no treatment tried" read as "not asked how long", the treatments question
    decides only through skip logic, and still counts."""
    assert SHIPPED.count(MILD) == 1 and SHIPPED.count(SHORT) == 1
    assert SHIPPED.count(NO_TREATMENT) == 1
    text = SHIPPED.replace(MILD, "when: {q: pain_intensity, at_most: 2}")
    if edit == "travel-decides":
        text = text.replace(
            SHORT,
            "when: {all: [{q: treatment_duration, is: under_3_months}, {q: travel, is: 'yes'}]}",
        )
    if edit == "read-through-skip-logic":
        text = text.replace(
            NO_TREATMENT, "when: {q: treatment_duration, answered: false}\n    outcome: not_yet"
        )
    ruleset = loads_rules(text, verify=False)
    found, expected = symbolic.verify(ruleset), reference(ruleset)
    assert found.gaps and (edit != "shipped" or found.gaps[0]["pain_intensity"] == 3)
    assert (found.gap_count, found.answer_sets) == (expected.gap_count, expected.answer_sets)
    assert 0 < found.gap_count < found.answer_sets
    assert f"({expected.gap_count} combinations of the answers that decide" in found.gap_message()
    multi = {q.id for q in ruleset.questions if q.type == "multi"}
    for example in found.gaps:  # ticked boxes as a list, as the API takes and the message shows
        assert all(isinstance(example[q], list) for q in multi), example


SKIP_LOGIC = "show_if: {not: {q: treatments_tried, has: none}}"


@pytest.mark.parametrize(
    "show_if",
    [
        SKIP_LOGIC,
        "show_if: {not: {q: treatments_tried, has_any: [physical_therapy, home_exercise]}}",
    ],
    ids=["shipped", "skipped-for-two-treatments"],
)
def test_every_example_names_exactly_the_questions_the_patient_would_be_asked(show_if):
    """The verifier's examples (a witness per rule, a win per outcome rule, a gap) are what a
    clinician reads as "answers that make this rule fire": each one answers every question the
    wizard would ask for it, and none it would skip or never reach."""
    ruleset = loads_rules(SHIPPED.replace(SKIP_LOGIC, show_if), verify=False)
    report, engine = symbolic.verify(ruleset), Engine(ruleset)
    examples = [*report.witnesses.values(), *report.wins.values(), *report.gaps]
    assert len(examples) > 40
    for answers in examples:
        walk = engine.walk(answers)
        assert walk.complete and walk.dropped == (), answers
        assert list(walk.shown) == list(answers), answers


def test_the_report_gives_three_examples_its_time_and_the_answers_where_a_rule_loses():
    """What `rules verify` prints: up to three examples of a gap, the time it took, and for a
    rule that matches but always loses, answers that show it losing."""
    from bench.rulegen import generate_text

    gap = symbolic.verify(
        loads_rules(SHIPPED.replace(MILD, "when: {q: pain_intensity, at_most: 2}"), verify=False)
    )
    assert len(gap.gaps) == 3
    gap_engine = Engine(
        loads_rules(SHIPPED.replace(MILD, "when: {q: pain_intensity, at_most: 2}"), verify=False)
    )
    for answers in gap.gaps:  # each example really is a gap
        with pytest.raises(QuestionnaireError, match="no headline"):
            gap_engine.evaluate(answers)
    assert 0 < gap.seconds < 60
    ruleset = load_shadowed(generate_text(6, "shadowed", 0))
    report, engine = symbolic.verify(ruleset), Engine(ruleset)
    losing = {
        rule: answers
        for rule, answers in report.never_win.items()
        if rule not in report.never_match
    }
    assert losing, report.never_win
    for rule, answers in losing.items():
        result = engine.evaluate(answers)
        assert rule in result.fired and result.outcome.id != "out_" + rule, (rule, answers)


def load_shadowed(text: str):
    """The rule set even where its meaning is wrong (an outcome no rule can reach)."""
    loaded = read_rules(text, verify=False)
    assert loaded.ruleset is not None, loaded.problems
    return loaded.ruleset
