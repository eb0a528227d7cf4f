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


def at(text: str, row_text: str, token: str) -> str:
    """ "rules.yaml:line:column: " of `token` on the line that holds `row_text`."""
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row_text in row)
    return f"rules.yaml:{line}:{text.splitlines()[line - 1].index(token) + 1}: "


def test_a_long_list_of_expected_ids_is_cut_after_twelve_and_says_so():
    """17 questions: the 'expected' part of the message names the first 12, then '...'."""
    edit = edited(("when: {q: pain_intensity, at_most: 3}", "when: {q: pain_intensty, at_most: 3}"))
    text = problems(edit)
    assert at(edit, "q: pain_intensty", "pain_intensty") + "unknown question" in text
    ids = ", ".join(
        q
        for q in [
            "warning_signs",
            "age",
            "pain_area",
            "pain_duration",
            "pain_pattern",
            "pain_intensity",
            "diagnosis",
            "disc_count",
            "treatments_tried",
            "treatment_duration",
            "treatment_relief",
            "previous_procedures",
        ]
    )
    assert f"(expected one of the question ids: {ids}, ...)" in text
    assert "did you mean 'pain_intensity'?" in text


def test_a_list_of_twelve_choices_or_fewer_is_shown_whole():
    """health_conditions has 8 choices: all are named, with no '...' that hides nothing."""
    text = problems(
        edited(
            (
                "when: {q: health_conditions, has: osteoporosis}",
                "when: {q: health_conditions, has: osteoporsis}",
            )
        )
    )
    assert "'osteoporsis' is not a choice of 'health_conditions'" in text
    assert "osteoporosis, none)" in text and "none, ...)" not in text


def test_a_list_of_more_than_twelve_choices_is_cut_and_says_so():
    """warning_signs has 20 choices (v3): the first 12 are named, then '...'."""
    text = problems(
        edited(("when: {q: warning_signs, has: fever}", "when: {q: warning_signs, has: fevr}"))
    )
    assert "'fevr' is not a choice of 'warning_signs'; did you mean 'fever'?" in text
    assert "chest_pain, fever, ...)" in text


MILD = "when: {q: pain_intensity, at_most: 3}"


@pytest.mark.parametrize(
    ("when", "bad"),
    [
        ("{q: warning_signs, has_any: [fever, fevr]}", "fevr"),
        ("{q: pain_area, in: [neck, nek]}", "nek"),
        ("{q: pain_intensity, between: [0, 11]}", "11"),
        ("{q: pain_intensity, between: [0, ten]}", "ten"),
    ],
    ids=["has_any", "in", "between-out-of-range", "between-not-a-number"],
)
def test_a_bad_value_in_a_list_is_pointed_at_not_its_operator(when, bad):
    """The clinician is sent to the exact value that is wrong, not to the start of the list."""
    text = edited((MILD, f"when: {when}"))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if when in row)
    column = text.splitlines()[line - 1].index(f" {bad}]") + 2
    assert f"rules.yaml:{line}:{column}: " in problems(text)


def test_in_without_a_list_names_the_operator_and_points_at_the_value():
    text = edited((MILD, "when: {q: pain_area, in: neck}"))
    assert at(
        text, "in: neck", "neck"
    ) + "'in' needs a list (expected a list like [a, b])" in problems(text)


def test_a_second_operator_is_pointed_at_by_its_name():
    """Where the problem is a key (one operator too many), the clinician is sent to the key."""
    text = edited((MILD, "when: {q: pain_area, is: neck, in: [neck]}"))
    assert (
        at(text, "is: neck, in:", "in:") + "a leaf needs exactly one operator, found 2 "
        "(expected one of: is, in, not_in, "
    ) in problems(text)


def test_a_leaf_with_no_operator_says_so():
    text = problems(edited((MILD, "when: {q: pain_area}")))
    assert "a leaf needs exactly one operator, found 0 (expected one of: is, in, " in text


@pytest.mark.parametrize(
    "show_if",
    ["{not: {q: travel, is: yes}}", "{all: [{q: pain_area, is: neck}, {q: travel, is: yes}]}"],
    ids=["under-not", "under-all"],
)
def test_skip_logic_may_not_read_a_later_question_at_any_depth(show_if):
    """`not` and `all` keep the rule that skip logic reads only earlier answers: a question
    whose showing depends on a later answer could never be asked in order."""
    shipped = "show_if: {not: {q: treatments_tried, has: none}}"
    text = edited(
        (
            f"for this pain.\n        {shipped}",
            f"for this pain.\n        show_if: {show_if}",
        )
    )
    assert (
        at(text, f"show_if: {show_if}", "travel") + "show_if uses 'travel', which is not "
        "asked before this question (expected a question that comes earlier in the "
        "questionnaire)"
    ) in problems(text)


def test_a_rule_on_a_broken_question_adds_no_second_problem():
    """A question that is itself wrong is reported once; the rules that read it add nothing
    (not an empty message, not "unknown question")."""
    text = edited(
        (
            "      - id: overall_health\n        type: single",
            "      - id: overall_health\n        type: singel",
        )
    )
    shown = problems(text)
    assert len(shown.splitlines()) == 1 and "singel" in shown, shown


@pytest.mark.parametrize("q", ["[pain_area]", "{pain_area: 1}"], ids=["list", "mapping"])
def test_a_question_written_as_a_list_is_a_message_not_a_crash(q):
    """Found by the mutation run: `q: [pain_area]` crashed the loader with a TypeError."""
    text = problems(edited((MILD, f"when: {{q: {q}, is: neck}}")))
    assert "unknown question" in text and "(expected one of the question ids: " in text


def test_an_unknown_operator_is_pointed_at_by_its_name_with_a_suggestion():
    text = edited((MILD, "when: {q: pain_intensity, betwen: [1, 2]}"))
    assert (
        at(text, "betwen:", "betwen:") + "unknown operator 'betwen'; did you mean 'between'? ("
        "expected for a integer question: is, in, "
    ) in problems(text)


def test_an_operator_that_does_not_fit_is_pointed_at_by_its_name_and_says_why():
    text = edited((MILD, "when: {q: pain_area, at_least: neck}"))
    assert (
        at(text, "at_least: neck", "at_least:") + "'at_least' does not fit the single "
        "question 'pain_area' (its choices are not marked `ordered: true`)"
    ) in problems(text)


@pytest.mark.parametrize(
    ("when", "token", "message"),
    [
        (
            "{}",
            "{}",
            "a condition must be a mapping (expected all/any/not/always, or {q: question, "
            "operator: value})",
        ),
        ("{any: [5]}", "5", "a condition must be a mapping"),
        (
            "{all: [{q: pain_area, is: neck}], q: pain_area}",
            "q: pain_area}",
            "'q' cannot sit beside 'all' (expected 'all' alone; nest the other part inside it)",
        ),
        (
            "{fo: 1}",
            "fo:",
            "unknown condition 'fo' (expected all, any, not, always, or a leaf "
            "{q: question, operator: value})",
        ),
        ("{qq: pain_area}", "qq:", "unknown condition 'qq'; did you mean 'q'?"),
    ],
    ids=["empty", "not-a-mapping", "beside", "unknown", "unknown-near-q"],
)
def test_a_malformed_condition_is_pointed_at_and_says_what_fits(when, token, message):
    text = edited((MILD, f"when: {when}"))
    assert at(text, f"when: {when}", token) + message in problems(text)
