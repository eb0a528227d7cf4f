"""One checker of answers: a wizard page's form and the API refuse exactly the same answers,
because both ask the engine (read_answer); the form shows rules.yaml's words."""

from __future__ import annotations

import pytest
from sample_answers import DISCUSS_ANSWERS
from werkzeug.datastructures import MultiDict

from questionnaire.engines import engine_of


def _sent(q) -> list[tuple[str, list[str]]]:
    """(case, what a browser would post for the question) for every kind of answer."""
    values = [c.value for c in q.choices]
    if q.type == "single":
        return [("a choice", [values[0]]), ("a forged choice", ["made_up"])]
    if q.type == "multi":
        cases = [("one box", [values[0]]), ("a forged box", ["made_up"])]
        if "none" in values:
            other = next(v for v in values if v != "none")
            cases.append(("'none' with another box", ["none", other]))
        return cases
    return [
        ("the lowest number", [str(q.min)]),
        ("the highest number", [str(q.max)]),
        ("one over the highest", [str(q.max + 1)]),
        ("one under the lowest", [str(q.min - 1)]),
        ("a decimal", ["2.5"]),
        ("words", ["six"]),
        ("a superscript digit", ["²"]),
    ]


def _as_json(q, posted: list[str]):
    """The same answer as an API client sends it (numbers as JSON numbers when they are)."""
    if q.type == "multi":
        return posted
    text = posted[0]
    if q.type == "integer" and text.lstrip("-").isascii() and text.lstrip("-").isdigit():
        return int(text)
    return text


def test_every_page_field_and_the_api_accept_and_refuse_the_same_answers(app):
    engine = engine_of(app)
    pages = app.extensions["journeys"]["en"].pages
    compared = 0
    with app.test_request_context():
        for page in pages:
            for q in page.questions:
                for case, posted in _sent(q):
                    form = page.form(
                        formdata=MultiDict([(q.id, v) for v in posted]), meta={"csrf": False}
                    )
                    field = form[q.id]
                    field.validate(form)
                    answers = {**DISCUSS_ANSWERS, q.id: _as_json(q, posted)}
                    told = [p for p in engine.check(answers) if p.question == q.id]
                    assert bool(field.errors) == bool(told), (q.id, case, field.errors, told)
                    if told and told[0].code in ("out_of_range", "exclusive"):
                        assert field.errors == [told[0].message], (q.id, case)
                    compared += 1
    assert compared >= 40


@pytest.mark.parametrize("text", ["six", "2.5", "²"], ids=["words", "decimal", "superscript"])
def test_text_that_is_not_a_whole_number_gets_the_questions_own_message(app, text):
    """The API is sent a JSON number; the page gets text, and refuses what is not a number with
    the words rules.yaml gives for the question's range."""
    pages = app.extensions["journeys"]["en"].pages
    page, q = next((p, q) for p in pages for q in p.questions if q.type == "integer")
    with app.test_request_context():
        form = page.form(formdata=MultiDict([(q.id, text)]), meta={"csrf": False})
        form[q.id].validate(form)
    assert form[q.id].errors == [q.errors.range or q.errors.required]
