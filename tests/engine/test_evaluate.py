"""Engine.evaluate and Engine.check on the shipped rules, without Flask."""

from __future__ import annotations

from typing import Any

import pytest
from sample_answers import DISCUSS_ANSWERS as DISCUSS

from questionnaire.engine import AnswersError, Engine


def answers(**changes: Any) -> dict[str, Any]:
    """The `discuss` answers with some changed; a value of ... removes the answer."""
    result = {k: list(v) if isinstance(v, list) else v for k, v in DISCUSS.items()}
    for key, value in changes.items():
        if value is ...:
            result.pop(key, None)
        else:
            result[key] = value
    return result


# Answer sets that reach each outcome, used by several tests below.
SETS = [
    pytest.param(answers(), "discuss", id="discuss"),
    pytest.param({"warning_signs": ["bladder_bowel", "fever"]}, "emergency", id="emergency"),
    pytest.param({"warning_signs": ["fever"]}, "urgent", id="urgent"),
    pytest.param(
        answers(health_conditions=["pregnant"], pain_intensity=2),
        "usually_excluded",
        id="usually_excluded_beats_not_yet",
    ),
    pytest.param(
        # treatments of 3 to 6 months: over 6 months of a newer pain is asked back (3.1.0)
        answers(pain_duration="under_3_months", treatment_duration="3_to_6_months"),
        "not_yet",
        id="not_yet",
    ),
    pytest.param(
        answers(treatments_tried=["none"], treatment_duration=..., treatment_relief=...),
        "not_yet",
        id="no_treatments",
    ),
]


def rank(engine: Engine) -> dict[str, int]:
    return engine.ruleset.outcome_rank()


# --- Early stop ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signs", "outcome"),
    [
        (["bladder_bowel"], "emergency"),
        (["chest_pain", "night_pain"], "emergency"),
        (["weight_loss"], "urgent"),
        (["fever", "cancer_history"], "urgent"),
    ],
    ids=["emergency", "emergency_beats_urgent", "urgent", "urgent_two_signs"],
)
def test_warning_signs_alone_give_a_stopping_outcome(engine, signs, outcome):
    summary = engine.evaluate({"warning_signs": signs})
    assert summary.outcome.id == outcome
    assert summary.outcome.stop
    assert summary.stopped_after == "warning_signs"
    assert summary.answers == {"warning_signs": signs}
    assert engine.check({"warning_signs": signs}) == []


def test_no_warning_signs_alone_is_not_enough(engine):
    problems = engine.check({"warning_signs": ["none"]})
    assert {p.code for p in problems} == {"missing"}
    assert [p.question for p in problems][:2] == ["age", "pain_area"]


def test_answers_after_an_early_stop_are_not_used(engine):
    summary = engine.evaluate(
        {"warning_signs": ["fever"], "pain_area": "neck", "pain_duration": "under_3_months"}
    )
    assert summary.outcome.id == "urgent"
    assert summary.answers == {"warning_signs": ["fever"]}
    assert "neck_pain" not in summary.fired
    assert "pain_under_3_months" not in summary.fired
    trace = {t.rule: t for t in summary.trace}
    assert not trace["neck_pain"].matched
    assert "stopped early" in trace["neck_pain"].because


def test_answers_after_an_early_stop_are_still_checked(engine):
    given = {"warning_signs": ["fever"], "pain_area": "nek", "pain_intensity": 55}
    assert [(p.question, p.code) for p in engine.check(given)] == [
        ("pain_area", "unknown_choice"),
        ("pain_intensity", "out_of_range"),
    ]
    with pytest.raises(AnswersError):
        engine.evaluate(given)


def test_a_complete_set_of_answers_does_not_stop_early(engine):
    assert engine.evaluate(answers()).stopped_after is None


# --- Skip logic ---------------------------------------------------------------------------------


def test_follow_up_answers_are_dropped_when_no_treatment_was_tried(engine):
    summary = engine.evaluate(answers(treatments_tried=["none"]))
    assert summary.dropped == ("treatment_duration", "treatment_relief")
    assert "treatment_duration" not in summary.answers
    assert "treatment_relief" not in summary.answers
    assert "treatment_over_6_months" not in summary.fired
    assert "treatment_did_not_help_enough" not in summary.fired
    assert summary.outcome.id == "not_yet"


def test_follow_up_questions_are_not_required_when_no_treatment_was_tried(engine):
    given = answers(treatments_tried=["none"], treatment_duration=..., treatment_relief=...)
    assert engine.check(given) == []
    summary = engine.evaluate(given)
    assert summary.dropped == ()
    trace = {t.rule: t for t in summary.trace}
    assert "does not apply" in trace["short_treatment"].because


def test_follow_up_questions_are_required_when_a_treatment_was_tried(engine):
    problems = engine.check(answers(treatment_duration=..., treatment_relief=...))
    assert [(p.question, p.code) for p in problems] == [
        ("treatment_duration", "missing"),
        ("treatment_relief", "missing"),
    ]


# --- Problems with answers ----------------------------------------------------------------------

ONE_PROBLEM = [
    pytest.param(
        {"pain_duration": ...},
        "pain_duration",
        "missing",
        "Select how long you have had this pain",
        id="missing",
    ),
    pytest.param(
        {"pain_area": ""},
        "pain_area",
        "missing",
        "Select where your pain is",
        id="missing_empty_text",
    ),
    pytest.param(
        {"health_conditions": []},
        "health_conditions",
        "missing",
        "Select the ones",
        id="missing_empty_list",
    ),
    pytest.param(
        {"overall_health": None}, "overall_health", "missing", "general health", id="missing_null"
    ),
    pytest.param(
        {"pain_aera": "neck"},
        "pain_aera",
        "unknown_question",
        "did you mean 'pain_area'?",
        id="unknown_question",
    ),
    pytest.param(
        {"pain_area": "nek"},
        "pain_area",
        "unknown_choice",
        "did you mean 'neck'?",
        id="unknown_choice_single",
    ),
    pytest.param(
        {"treatments_tried": ["physical_therapy", "yoga"]},
        "treatments_tried",
        "unknown_choice",
        "'yoga' is not a choice",
        id="unknown_choice_multi",
    ),
    pytest.param(
        {"warning_signs": "none"}, "warning_signs", "wrong_type", "a list", id="text_for_multi"
    ),
    pytest.param(
        {"pain_area": ["neck"]}, "pain_area", "wrong_type", "got a list", id="list_for_single"
    ),
    pytest.param(
        {"pain_area": 2}, "pain_area", "wrong_type", "got a whole number", id="number_for_single"
    ),
    pytest.param(
        {"pain_intensity": "6"}, "pain_intensity", "wrong_type", "got text", id="text_for_integer"
    ),
    pytest.param(
        {"pain_intensity": True},
        "pain_intensity",
        "wrong_type",
        "got true or false",
        id="bool_for_integer",
    ),
    pytest.param(
        {"pain_intensity": 6.5}, "pain_intensity", "wrong_type", "decimal", id="decimal_for_integer"
    ),
    pytest.param(
        {"pain_intensity": [6]}, "pain_intensity", "wrong_type", "got a list", id="list_for_integer"
    ),
    pytest.param(
        {"pain_intensity": 11}, "pain_intensity", "out_of_range", "from 0 to 10", id="above_range"
    ),
    pytest.param(
        {"pain_intensity": -1}, "pain_intensity", "out_of_range", "from 0 to 10", id="below_range"
    ),
    pytest.param(
        {"health_conditions": ["none", "pregnant"]},
        "health_conditions",
        "exclusive",
        "but not both",
        id="exclusive_none",
    ),
]


@pytest.mark.parametrize(("changes", "question", "code", "fragment"), ONE_PROBLEM)
def test_each_problem_names_its_question_and_code(engine, changes, question, code, fragment):
    given = answers(**changes)
    problems = engine.check(given)
    assert [(p.question, p.code) for p in problems] == [(question, code)]
    assert fragment in problems[0].message
    with pytest.raises(AnswersError) as caught:
        engine.evaluate(given)
    assert caught.value.problems == tuple(problems)
    assert question in str(caught.value)


def test_every_problem_is_reported_at_once_in_question_order(engine):
    given = answers(
        warning_signs="none",
        pain_area=["neck"],
        pain_intensity="6",
        diagnosis="yes",
        health_conditions=["none", "pregnant"],
        overall_health=None,
        payment=...,
        pain_aera="x",
    )
    assert [(p.question, p.code) for p in engine.check(given)] == [
        ("warning_signs", "wrong_type"),
        ("pain_area", "wrong_type"),
        ("pain_intensity", "wrong_type"),
        ("diagnosis", "unknown_choice"),
        ("health_conditions", "exclusive"),
        ("overall_health", "missing"),
        ("payment", "missing"),
        ("pain_aera", "unknown_question"),
    ]


@pytest.mark.parametrize(
    "given",
    [[], ["warning_signs"], "warning_signs", None, 42],
    ids=["empty_list", "list", "text", "null", "number"],
)
def test_answers_that_are_not_an_object_are_refused(engine, given):
    problems = engine.check(given)
    assert [(p.question, p.code) for p in problems] == [(None, "wrong_type")]
    with pytest.raises(AnswersError):
        engine.evaluate(given)
    with pytest.raises(ValueError):  # AnswersError is a ValueError for callers that expect one
        engine.evaluate(given)


def test_valid_answers_have_no_problems(engine):
    assert engine.check(answers()) == []


# --- Trace, headline, findings, notes -----------------------------------------------------------


@pytest.mark.parametrize(("given", "outcome"), SETS)
def test_trace_has_one_entry_per_rule_in_rule_order(engine, given, outcome):
    summary = engine.evaluate(given)
    rules = engine.ruleset.file.rules
    assert [t.rule for t in summary.trace] == [r.id for r in rules]
    assert [t.matched for t in summary.trace] == [r.id in summary.fired for r in rules]
    assert [t.outcome for t in summary.trace] == [r.outcome for r in rules]
    assert all(t.because.strip() for t in summary.trace)
    assert list(summary.fired) == [t.rule for t in summary.trace if t.matched]


@pytest.mark.parametrize(("given", "outcome"), SETS)
def test_headline_is_the_highest_priority_matched_outcome(engine, given, outcome):
    summary = engine.evaluate(given)
    matched = {t.outcome for t in summary.trace if t.matched and t.outcome}
    assert summary.outcome.id == outcome
    assert outcome == min(matched, key=rank(engine).__getitem__)


def test_usually_excluded_and_not_yet_both_match_but_the_higher_one_wins(engine):
    summary = engine.evaluate(answers(health_conditions=["pregnant"], pain_intensity=2))
    assert {"pregnancy", "mild_pain"} <= set(summary.fired)
    assert summary.outcome.id == "usually_excluded"


BECAUSE = [
    pytest.param(
        {"pain_intensity": 6},
        "moderate_or_worse_pain",
        True,
        ["6", "between 4 and 9"],
        id="score_6_is_4_to_9",
    ),
    pytest.param(
        {"pain_intensity": 2},
        "moderate_or_worse_pain",
        False,
        ["2", "not between 4 and 9"],
        id="score_2_is_not_4_to_9",
    ),
    pytest.param(
        {"pain_intensity": 3}, "mild_pain", True, ["3", "3 or less"], id="score_3_is_3_or_less"
    ),
    pytest.param(
        {"pain_duration": "1_to_5_years"},
        "pain_6_months_or_more",
        True,
        ["“1 to 5 years”", "“6 to 12 months” or “1 to 5 years”"],
        id="duration_label_quoted",
    ),
    pytest.param({"pain_area": "neck"}, "neck_pain", True, ["Neck"], id="area_label_quoted"),
    pytest.param(
        {"health_conditions": ["osteoporosis"]},
        "weak_bones",
        True,
        ["include", "weak, thin bones"],
        id="multi_choice_label_quoted",
    ),
    pytest.param(
        {}, "pregnancy", False, ["do not include", "pregnant"], id="multi_choice_not_included"
    ),
    pytest.param(
        {},
        "general_criteria_may_apply",
        True,
        ["“No, I do not have any of these”", "6, which is 4 or more", "none of"],
        id="every_criterion_met",
    ),
]


@pytest.mark.parametrize(("changes", "rule", "matched", "fragments"), BECAUSE)
def test_trace_explains_each_rule_in_plain_english_quoting_the_answer(
    engine, changes, rule, matched, fragments
):
    summary = engine.evaluate(answers(**changes))
    entry = next(t for t in summary.trace if t.rule == rule)
    assert entry.matched is matched
    for fragment in fragments:
        assert fragment in entry.because, entry.because
    assert "_" not in entry.because.replace("general_criteria_may_apply", "")


@pytest.mark.parametrize(("given", "outcome"), SETS)
def test_findings_come_from_matched_rules_and_cite_known_sources(engine, given, outcome):
    summary = engine.evaluate(given)
    sources = engine.ruleset.file.meta.sources
    rules = {r.id: r for r in engine.ruleset.file.rules}
    assert summary.findings, "every outcome shown here comes with at least one finding"
    for finding in summary.findings:
        assert finding.rule in summary.fired
        assert finding.source == rules[finding.rule].source
        assert finding.source in sources
        assert finding.text == rules[finding.rule].finding.text
    with_finding = [r for r in summary.fired if rules[r].finding is not None]
    assert [f.rule for f in summary.findings] == with_finding


@pytest.mark.parametrize(("given", "outcome"), SETS)
def test_every_summary_includes_the_consult_note_and_the_lower_three_the_regulatory_note(
    engine, given, outcome
):
    summary = engine.evaluate(given)
    notes = {n.id for n in summary.notes}
    assert "consult" in notes
    # After a stop (v3), the notes are the rule file's `after_stop` ones: none about the treatment.
    assert ("regulatory" in notes) == (summary.stopped_after is None)


@pytest.mark.parametrize(("given", "outcome"), SETS)
def test_evaluating_without_a_trace_gives_the_same_result(engine, given, outcome):
    full, bare = engine.evaluate(given), engine.evaluate(given, trace=False)
    assert bare.trace is None
    assert bare.outcome == full.outcome
    assert bare.findings == full.findings
    assert bare.fired == full.fired
    assert bare.answers == full.answers
    assert bare.stopped_after == full.stopped_after


def test_repeated_evaluation_gives_equal_results(engine):
    first = [engine.evaluate(given) for given, _ in (p.values for p in SETS)]
    again = [engine.evaluate(given) for given, _ in reversed([p.values for p in SETS])]
    assert first == list(reversed(again))
    # A summary handed out earlier is not changed by later evaluations.
    first[0].answers["warning_signs"].append("fever")
    assert engine.evaluate(answers()).answers["warning_signs"] == ["none"]
    assert engine.evaluate(answers()).outcome.id == "discuss"


@pytest.mark.parametrize(
    ("changes", "reordered"),
    [
        (
            {"treatments_tried": ["physical_therapy", "pain_medication", "injections"]},
            {"treatments_tried": ["injections", "pain_medication", "physical_therapy"]},
        ),
        (
            {"health_conditions": ["osteoporosis", "blood_thinners_or_bleeding"]},
            {"health_conditions": ["blood_thinners_or_bleeding", "osteoporosis"]},
        ),
        ({"warning_signs": ["fever", "chest_pain"]}, {"warning_signs": ["chest_pain", "fever"]}),
    ],
    ids=["treatments", "health_conditions", "warning_signs"],
)
def test_order_of_ticked_boxes_does_not_matter(engine, changes, reordered):
    one, two = engine.evaluate(answers(**changes)), engine.evaluate(answers(**reordered))
    assert one == two


def test_summary_reports_the_rules_version(engine):
    assert engine.evaluate(answers()).rules_version == engine.ruleset.file.meta.version


def test_long_lists_with_repeated_choices_are_accepted(engine):
    for extra in (0, 1, 50):
        summary = engine.evaluate(answers(warning_signs=["none"] * (200 + extra)), trace=False)
        assert summary.outcome.id == "discuss"
        assert summary.answers["warning_signs"] == ["none"]


def test_an_early_stop_is_found_when_the_last_question_of_the_step_is_hidden():
    """A stopping step may end with a follow-up question that is skipped; the stop still holds."""
    from pathlib import Path

    from questionnaire.engine import loads_rules

    text = (Path(__file__).resolve().parents[2] / "rules.yaml").read_text()
    follow_up = """
      - id: sign_details
        type: single
        short: sign details
        prompt: Did the sign start suddenly?
        show_if: {q: warning_signs, has: none}
        choices:
          - {value: "yes", label: "Yes"}
          - {value: "no", label: "No"}
        errors:
          required: Select if the sign started suddenly

  - id: pain
"""
    marker = "\n  - id: pain\n"
    assert marker in text
    engine = Engine(loads_rules(text.replace(marker, follow_up, 1)))
    for trace in (False, True):
        summary = engine.evaluate({"warning_signs": ["chest_pain"]}, trace=trace)
        assert summary.outcome.id == "emergency" and summary.stopped_after == "warning_signs"
    assert engine.walk({"warning_signs": ["chest_pain"]}).stopped_after == "warning_signs"
