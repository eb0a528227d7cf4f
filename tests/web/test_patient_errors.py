"""Every message a patient can see for a wrong answer, worded exactly as in rules.yaml, shown in
the error summary and next to the question, with the rest of the page kept as it was sent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pages import one

RULES = yaml.safe_load((Path(__file__).resolve().parents[2] / "rules.yaml").read_text("utf-8"))
QUESTIONS = [q for step in RULES["steps"] for q in step["questions"]]
MULTI_WITH_NONE = [
    q for q in QUESTIONS if q["type"] == "multi" and "none" in [c["value"] for c in q["choices"]]
]
PAIN_INTENSITY = next(q for q in QUESTIONS if q["id"] == "pain_intensity")


def as_shown(answer) -> str | list[str]:
    """An answer as the page shows it back: ticked values, or the text typed."""
    return [str(v) for v in answer] if isinstance(answer, list) else str(answer)


def open_page_of(patient, discuss_answers, question: str):
    page = patient.walk(discuss_answers, until=question)
    assert question in page.questions, page
    return page


def assert_error_page(page, question: str, message: str) -> None:
    """The message is in the summary and inline, the title says Error, the link finds the field."""
    assert page.status == 200
    assert page.title.startswith("Error: ")
    assert page.error_summary == [message]
    assert page.inline_errors == {question: message}
    target = one(one(page.html, class_="error-summary"), "a")["href"].removeprefix("#")
    field = page.html.find(id=target)
    assert field is not None and field.get("name") == question, "summary link finds no field"
    group = page.html.find(id=f"{question}-group")
    assert "form-group--error" in group.get("class", [])


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_no_answer_shows_the_questions_own_message_and_keeps_the_other_answers(
    patient, discuss_answers, question
):
    page = open_page_of(patient, discuss_answers, question["id"])
    url = page.url
    others = {q: discuss_answers[q] for q in page.questions if q != question["id"]}

    page = patient.submit(others)

    assert page.url == url
    assert_error_page(page, question["id"], question["errors"]["required"])
    assert page.values == {
        **{q: as_shown(a) for q, a in others.items()},
        question["id"]: [] if question["type"] == "multi" else "",
    }


def test_an_empty_page_lists_every_question_in_page_order(patient, discuss_answers):
    page = open_page_of(patient, discuss_answers, "warning_signs")

    page = patient.submit({})

    shown = [q for q in QUESTIONS if q["id"] in page.questions]
    assert len(shown) == len(page.questions) >= 1
    assert page.error_summary == [q["errors"]["required"] for q in shown]
    assert page.inline_errors == {q["id"]: q["errors"]["required"] for q in shown}


NOT_A_SCORE = {
    "too-high": "11",
    "negative": "-1",
    "letters": "abc",
    "decimal": "4.5",
    "exponent": "1e1",
    "plus-sign": "+5",
    "superscript-two": "\u00b2",
    "double-minus": "--5",
}


@pytest.mark.parametrize("typed", NOT_A_SCORE.values(), ids=NOT_A_SCORE.keys())
def test_a_pain_score_that_is_not_a_whole_number_from_0_to_10_is_refused(
    patient, discuss_answers, typed
):
    page = open_page_of(patient, discuss_answers, "pain_intensity")
    others = {q: discuss_answers[q] for q in page.questions if q != "pain_intensity"}

    page = patient.submit({**others, "pain_intensity": typed})

    assert page.path == "/step/pain", f"{typed!r} was accepted"
    assert_error_page(page, "pain_intensity", PAIN_INTENSITY["errors"]["range"])
    assert page.value("pain_intensity") == ""  # a scale of radios: no radio holds a forged score


@pytest.mark.parametrize(
    ("typed", "saved"),
    [("0", "0"), ("10", "10"), (" 7 ", "7")],
    ids=["lowest", "highest", "spaces-around"],
)
def test_a_whole_number_from_0_to_10_is_accepted(patient, discuss_answers, typed, saved):
    page = open_page_of(patient, discuss_answers, "pain_intensity")
    page = patient.submit(
        {**{q: discuss_answers[q] for q in page.questions}, "pain_intensity": typed}
    )

    assert page.questions == ["diagnosis"]
    assert patient.get(page.back_url).value("pain_intensity") == saved


@pytest.mark.parametrize("question", MULTI_WITH_NONE, ids=[q["id"] for q in MULTI_WITH_NONE])
def test_none_with_another_box_shows_the_exclusive_message(patient, discuss_answers, question):
    page = open_page_of(patient, discuss_answers, question["id"])
    other = next(c["value"] for c in question["choices"] if c["value"] != "none")
    others = {q: discuss_answers[q] for q in page.questions if q != question["id"]}

    page = patient.submit({**others, question["id"]: [other, "none"]})

    assert_error_page(page, question["id"], question["errors"]["exclusive"])
    assert page.value(question["id"]) == [other, "none"]


SINGLE_AND_MULTI = [q for q in QUESTIONS if q["type"] in ("single", "multi")]


@pytest.mark.parametrize("question", SINGLE_AND_MULTI, ids=[q["id"] for q in SINGLE_AND_MULTI])
def test_a_value_that_is_not_offered_is_refused(patient, discuss_answers, question):
    page = open_page_of(patient, discuss_answers, question["id"])
    others = {q: discuss_answers[q] for q in page.questions if q != question["id"]}
    forged = ["made_up"] if question["type"] == "multi" else "made_up"

    page = patient.submit({**others, question["id"]: forged})

    assert_error_page(page, question["id"], question["errors"]["required"])
