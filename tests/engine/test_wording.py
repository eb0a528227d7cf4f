"""What each operator and node says: to a clinician (explain), to a patient (the trace's
"because"), to FHIR (enableWhen), and when a rule file misuses it. Every operator is shown, on a
small rule file (tests/engine/data/wording.yaml) with an ordered choice, a number, a multi-select
and a follow-up question.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaire.engine import AnswersError, Engine, RulesError, loads_rules
from questionnaire.engine.evaluation.conditions import Parser

TEXT = (Path(__file__).parent / "data" / "wording.yaml").read_text(encoding="utf-8")
RULES = loads_rules(TEXT)
HIGH = {"level": "high", "score": 5, "signs": frozenset({"fever", "cough"}), "detail": "yes"}
LOW = {"level": "low", "score": 2, "signs": frozenset({"rash"}), "detail": None}
STOPPED = {"level": "mid"}  # the later questions were never reached


def parse(raw: dict):
    parser = Parser(RULES.catalogue)
    cond = parser.parse(raw, ())
    assert cond is not None, parser.problems
    return cond


# condition, explain, (because for HIGH, LOW, STOPPED), FHIR enableWhen or None
CASES = [
    (
        {"q": "level", "is": "mid"},
        "pain level is “Middle”",
        [
            (False, "pain level is “High”, not “Middle”"),
            (False, "pain level is “Low”, not “Middle”"),
            (True, "pain level is “Middle”"),
        ],
        [("level", "=", "coding", "mid")],
    ),
    (
        {"q": "level", "in": ["low", "mid"]},
        "pain level is “Low” or “Middle”",
        [
            (False, "pain level is “High”, which is not “Low” or “Middle”"),
            (True, "pain level is “Low”, which is “Low” or “Middle”"),
            (True, "pain level is “Middle”, which is “Low” or “Middle”"),
        ],
        None,
    ),
    (
        {"q": "level", "not_in": ["low", "mid"]},
        "pain level is not “Low” or “Middle”",
        [
            (True, "pain level is “High”, which is not “Low” or “Middle”"),
            (False, "pain level is “Low”, which is “Low” or “Middle”"),
            (False, "pain level is “Middle”, which is “Low” or “Middle”"),
        ],
        None,
    ),
    (
        {"q": "level", "at_least": "mid"},
        "pain level is “Middle” or more",
        [
            (True, "pain level is “High”, which is “Middle” or more"),
            (False, "pain level is “Low”, which is less than “Middle”"),
            (True, "pain level is “Middle”, which is “Middle” or more"),
        ],
        None,
    ),
    (
        {"q": "level", "at_most": "low"},
        "pain level is “Low” or less",
        [
            (False, "pain level is “High”, which is more than “Low”"),
            (True, "pain level is “Low”, which is “Low” or less"),
            (False, "pain level is “Middle”, which is more than “Low”"),
        ],
        None,
    ),
    (
        {"q": "score", "at_least": 5},
        "pain score is 5 or more",
        [
            (True, "pain score is 5, which is 5 or more"),
            (False, "pain score is 2, which is less than 5"),
            (None, "pain score: not asked, because the questions stopped early"),
        ],
        [("score", ">=", "integer", 5)],
    ),
    (
        {"q": "score", "at_most": 3},
        "pain score is 3 or less",
        [
            (False, "pain score is 5, which is more than 3"),
            (True, "pain score is 2, which is 3 or less"),
            (None, "pain score: not asked, because the questions stopped early"),
        ],
        [("score", "<=", "integer", 3)],
    ),
    (
        {"q": "score", "between": [4, 7]},
        "pain score is between 4 and 7",
        [
            (True, "pain score is 5, which is between 4 and 7"),
            (False, "pain score is 2, which is not between 4 and 7"),
            (None, "pain score: not asked, because the questions stopped early"),
        ],
        None,
    ),
    (
        {"q": "score", "is": 5},
        "pain score is 5",
        [
            (True, "pain score is 5"),
            (False, "pain score is 2, not 5"),
            (None, "pain score: not asked, because the questions stopped early"),
        ],
        [("score", "=", "integer", 5)],
    ),
    (
        {"q": "signs", "has": "fever"},
        "signs include “Fever”",
        [
            (True, "signs include “Fever”"),
            (False, "signs do not include “Fever”"),
            (None, "signs: not asked, because the questions stopped early"),
        ],
        [("signs", "=", "coding", "fever")],
    ),
    (
        {"q": "signs", "has_any": ["fever", "rash"]},
        "signs include any of “Fever” or “Rash”",
        [
            (True, "signs include “Fever”"),
            (True, "signs include “Rash”"),
            (None, "signs: not asked, because the questions stopped early"),
        ],
        None,
    ),
    (
        {"q": "signs", "has_any": ["rash", "cough"]},
        "signs include any of “Rash” or “Cough”",
        [
            (True, "signs include “Cough”"),
            (True, "signs include “Rash”"),
            (None, "signs: not asked, because the questions stopped early"),
        ],
        None,
    ),
    (
        {"q": "signs", "has_all": ["fever", "rash"]},
        "signs include all of “Fever” and “Rash”",
        [
            (False, "signs do not include “Rash”"),
            (False, "signs do not include “Fever”"),
            (None, "signs: not asked, because the questions stopped early"),
        ],
        None,
    ),
    (
        {"q": "signs", "has_all": ["fever", "cough"]},
        "signs include all of “Fever” and “Cough”",
        [
            (True, "signs include “Fever” and “Cough”"),
            (False, "signs do not include “Fever” or “Cough”"),
            (None, "signs: not asked, because the questions stopped early"),
        ],
        None,
    ),
    (
        {"q": "detail", "answered": True},
        "detail was answered",
        [
            (True, "detail was answered"),
            (False, "detail: not asked, because it does not apply to the earlier answers"),
            (None, "detail: not asked, because the questions stopped early"),
        ],
        [("detail", "exists", "boolean", True)],
    ),
    (
        {"q": "detail", "answered": False},
        "detail was not answered",
        [
            (False, "detail was answered"),
            (True, "detail: not asked, because it does not apply to the earlier answers"),
            (None, "detail: not asked, because the questions stopped early"),
        ],
        [("detail", "exists", "boolean", False)],
    ),
    ({"always": True}, "always", [(True, "this rule always applies")] * 3, None),
    ({"always": False}, "never", [(False, "this rule never applies")] * 3, None),
    (
        {"not": {"q": "signs", "has": "fever"}},
        "signs do not include “Fever”",
        [
            (False, "signs include “Fever”"),
            (True, "signs do not include “Fever”"),
            (None, "signs: not asked, because the questions stopped early"),
        ],
        [("signs", "!=", "coding", "fever")],
    ),
    (
        {"not": {"q": "level", "not_in": ["low"]}},
        "pain level is “Low”",
        [
            (False, "pain level is “High”, which is not “Low”"),
            (True, "pain level is “Low”, which is “Low”"),
            (False, "pain level is “Middle”, which is not “Low”"),
        ],
        None,
    ),
    ({"not": {"always": True}}, "not (always)", [(False, "this rule always applies")] * 3, None),
    (
        {"all": [{"q": "level", "is": "high"}, {"q": "signs", "has": "fever"}]},
        "pain level is “High” and signs include “Fever”",
        [
            (True, "pain level is “High”; and signs include “Fever”"),
            (False, "pain level is “Low”, not “High”; and signs do not include “Fever”"),
            (False, "pain level is “Middle”, not “High”"),
        ],
        [("level", "=", "coding", "high"), ("signs", "=", "coding", "fever")],
    ),
    (
        {"any": [{"q": "level", "is": "high"}, {"not": {"q": "score", "at_most": 3}}]},
        "pain level is “High” or pain score is not 3 or less",
        [
            (True, "pain level is “High”; and pain score is 5, which is more than 3"),
            (False, "pain level is “Low”, not “High”; and pain score is 2, which is 3 or less"),
            (None, "pain score: not asked, because the questions stopped early"),
        ],
        None,
    ),
    (
        {
            "all": [
                {"q": "level", "is": "mid"},
                {"any": [{"q": "score", "at_most": 3}, {"q": "signs", "has": "rash"}]},
            ]
        },
        "pain level is “Middle” and (pain score is 3 or less or signs include “Rash”)",
        [
            (
                False,
                "pain level is “High”, not “Middle”; and pain score is 5, which is more than 3; "
                "and signs do not include “Rash”",
            ),
            (False, "pain level is “Low”, not “Middle”"),
            (
                None,
                "pain score: not asked, because the questions stopped early; and signs: not "
                "asked, because the questions stopped early",
            ),
        ],
        None,
    ),
    (
        {"not": {"all": [{"q": "level", "is": "mid"}, {"q": "score", "at_most": 3}]}},
        "not (pain level is “Middle” and pain score is 3 or less)",
        [
            (True, "pain level is “High”, not “Middle”; and pain score is 5, which is more than 3"),
            (True, "pain level is “Low”, not “Middle”"),
            (None, "pain score: not asked, because the questions stopped early"),
        ],
        None,
    ),
    (
        {"all": [{"q": "level", "is": "mid"}]},
        "pain level is “Middle”",
        [
            (False, "pain level is “High”, not “Middle”"),
            (False, "pain level is “Low”, not “Middle”"),
            (True, "pain level is “Middle”"),
        ],
        [("level", "=", "coding", "mid")],
    ),
]
IDS = [str(case[0]) for case in CASES]


@pytest.mark.parametrize(("raw", "explained", "because", "fhir"), CASES, ids=IDS)
def test_each_condition_explains_itself(raw, explained, because, fhir):
    cond = parse(raw)
    assert cond.explain() == explained
    assert [cond.because(keys) for keys in (HIGH, LOW, STOPPED)] == because
    assert [cond.truth(keys) for keys in (HIGH, LOW, STOPPED)] == [b[0] for b in because]
    assert cond.fhir() == fhir


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (
            {"q": "score", "between": [7, 4]},
            "'between' runs from 7 down to 4 (expected the lower value first)",
        ),
        (
            {"q": "score", "between": [4]},
            "'between' needs exactly two values, found 1 (expected [low, high])",
        ),
        ({"q": "score", "between": 4}, "'between' needs a list (expected a list like [a, b])"),
        (
            {"q": "score", "between": [4, 11]},
            "11 is outside the range of 'score' (expected a whole number from 0 to 10)",
        ),
        (
            {"q": "level", "between": ["low", "top"]},
            "'top' is not a choice of 'level' (expected one of: low, mid, high)",
        ),
        (
            {"q": "detail", "answered": "yes"},
            "'answered' must be true or false, not 'yes' (expected true or false)",
        ),
        (
            {"q": "score", "is": [4, 5]},
            "'is' takes one value, not a list (expected one value; use 'in' for several)",
        ),
        (
            {"q": "signs", "has": ["fever"]},
            "'has' takes one value, not a list (expected one value; "
            "use 'has_any' or 'has_all' for several)",
        ),
        ({"q": "signs", "has_any": []}, "'has_any' needs a list (expected a list like [a, b])"),
        (
            {"q": "score", "is": True},
            "'score' takes whole numbers, not True (expected a whole number from 0 to 10)",
        ),
        (
            {"q": "level", "not_in": ["low", "lo"]},
            "'lo' is not a choice of 'level'; did you mean "
            "'low'? (expected one of: low, mid, high)",
        ),
        (
            {"q": "detail", "at_least": "yes"},
            "'at_least' does not fit the single question 'detail' "
            "(its choices are not marked `ordered: true`)",
        ),
        (
            {"q": "signs", "is": "fever"},
            "'is' does not fit the multi question 'signs' (expected for "
            "a multi question: has, has_any, has_all, answered)",
        ),
        (
            {"q": "level", "iss": "low"},
            "unknown operator 'iss'; did you mean 'is'? (expected for a "
            "single question: is, in, not_in, at_least, at_most, "
            "between, answered)",
        ),
        ({"q": "level"}, "a leaf needs exactly one operator, found 0"),
        ({"q": "level", "is": "low", "in": ["low"]}, "a leaf needs exactly one operator, found 2"),
        ({"all": []}, "'all' needs a list of conditions (expected a list with at least one item)"),
        ({"always": "yes"}, "'always' must be true or false, not 'yes' (expected true or false)"),
        ({"not": {"q": "levels", "is": "low"}}, "unknown question 'levels'; did you mean 'level'?"),
        ({"any": [{"q": "level", "is": "low"}], "q": "score"}, "'q' cannot sit beside 'any'"),
        ({"when": {"q": "level", "is": "low"}}, "unknown condition 'when'"),
        ({"any": [[]]}, "a condition must be a mapping"),
    ],
)
def test_a_misused_condition_is_refused_with_what_to_write(raw, problem):
    text = TEXT.replace("when: {always: true}", f"when: {raw!r}".replace("'", '"'), 1)
    text = text.replace('"yes"', "'yes'").replace("True", "true")
    with pytest.raises(RulesError) as refused:
        loads_rules(text)
    assert problem in str(refused.value)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"level": 3}, "expected one choice as text, got a whole number"),
        (
            {"level": "lo"},
            "'lo' is not a choice; did you mean 'low'? (expected one of: low, mid, high)",
        ),
        ({"score": "5"}, "expected a whole number, got text"),
        ({"score": 5.0}, "expected a whole number, got a decimal number"),
        ({"score": 11}, "From 0 to 10."),
        ({"signs": "fever"}, "expected a list of choices, got text"),
        ({"signs": {"fever": True}}, "expected a list of choices, got an object"),
        (
            {"signs": ["fever", 7]},
            "'7' is not a choice (expected any of: fever, rash, cough, none)",
        ),
        ({"signs": ["fever", "none"]}, "None alone."),
        ({"levels": "low"}, "there is no question 'levels'; did you mean 'level'?"),
    ],
)
def test_a_wrong_answer_is_refused_in_words(answers, message):
    valid = {"level": "mid", "score": 5, "signs": ["none"], "detail": "no"}
    with pytest.raises(AnswersError) as refused:
        Engine(RULES).evaluate({**valid, **answers})
    assert [p.message for p in refused.value.problems] == [message]


def test_a_summary_holds_what_the_api_shows():
    """The pure core returns objects; the web layer writes them as JSON (tests/api)."""
    summary = Engine(RULES).evaluate(
        {"level": "high", "score": 5, "signs": ["none"], "detail": "no"}
    )
    outcome = summary.outcome
    assert (outcome.id, outcome.title, outcome.message, outcome.urgency) == (
        "low",
        "Low",
        "Talk to someone.",
        "routine",
    )
    assert [(r.rule, r.answers) for r in summary.because] == [("catch_all", ())]
    assert [(t.rule, t.matched, t.because) for t in summary.trace] == [
        ("catch_all", True, "this rule always applies")
    ]
    note = summary.notes[0]
    assert (note.id, note.title, note.text, note.items, note.source) == (
        "consult",
        "Consult",
        "See a doctor.",
        (),
        "src",
    )
    assert (summary.findings, summary.rules_version, summary.dropped) == ((), "0.1", ())
    assert summary.cited() == ["src"] and summary.cited([]) == []


@pytest.mark.parametrize(
    ("raw", "explained", "fhir"),
    [
        (
            {"not": {"q": "level", "is": "mid"}},
            "pain level is not “Middle”",
            [("level", "!=", "coding", "mid")],
        ),
        (
            {"not": {"q": "level", "in": ["low", "mid", "high"]}},
            "pain level is not “Low”, “Middle” or “High”",
            None,
        ),
        ({"not": {"q": "level", "at_least": "mid"}}, "pain level is not “Middle” or more", None),
        ({"not": {"q": "score", "at_most": 3}}, "pain score is not 3 or less", None),
        ({"not": {"q": "score", "between": [4, 7]}}, "pain score is not between 4 and 7", None),
        (
            {"not": {"q": "signs", "has_any": ["fever", "rash"]}},
            "signs include none of “Fever” or “Rash”",
            None,
        ),
        (
            {"not": {"q": "signs", "has_all": ["fever", "rash", "cough"]}},
            "signs do not include all of “Fever”, “Rash” and “Cough”",
            None,
        ),
        (
            {"not": {"q": "detail", "answered": True}},
            "detail was not answered",
            [("detail", "exists", "boolean", False)],
        ),
        ({"not": {"q": "score", "is": 5}}, "pain score is not 5", [("score", "!=", "integer", 5)]),
    ],
)
def test_each_operator_says_itself_negated(raw, explained, fhir):
    cond = parse(raw)
    assert (cond.explain(), cond.fhir()) == (explained, fhir)


@pytest.mark.parametrize(("score", "held"), [(3, False), (4, True), (7, True), (8, False)])
def test_between_includes_both_ends(score, held):
    assert parse({"q": "score", "between": [4, 7]}).truth({"score": score}) is held


def test_between_may_start_and_end_on_the_same_value():
    cond = parse({"q": "score", "between": [4, 4]})
    assert [cond.truth({"score": s}) for s in (3, 4, 5)] == [False, True, False]


def test_a_match_on_several_boxes_names_each_of_them():
    cond = parse({"q": "signs", "has_any": ["fever", "rash", "cough"]})
    assert cond.because({"signs": frozenset({"fever", "rash", "cough"})}) == (
        True,
        "signs include “Fever”, “Rash” and “Cough”",
    )
