"""Answers that contradict each other are asked back on the later question (rules 3.1.0, issue 21
item 6): the step page shows the message from rules.yaml in the error summary and beside the
question, with a link to change the earlier answer, and the answers are not stored."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from pages import one, text


@pytest.fixture()
def contradiction(questions) -> dict:
    (found,) = questions["treatment_duration"]["contradictions"]
    return found


def change_link(questions) -> str:
    return f"Change your answer to: {questions['pain_duration']['prompt']}"


def test_treatments_longer_than_the_pain_are_asked_back_with_a_link_to_the_pain_question(
    patient, discuss_answers, questions, contradiction
):
    answers = {**discuss_answers, "pain_duration": "under_3_months"}
    page = patient.walk(answers, until="treatment_duration")
    url = page.url

    page = patient.submit({"treatment_duration": "over_6_months"})

    message = " ".join(contradiction["message"].split())
    assert page.status == 200 and page.url == url
    assert page.title.startswith("Error: ")
    assert page.error_summary == [message, change_link(questions)]
    assert page.inline_errors == {"treatment_duration": message}
    assert page.values["treatment_duration"] == "over_6_months"  # kept as sent, to change
    href = page.link(change_link(questions))
    assert urlsplit(href).path == "/step/pain"
    assert parse_qs(urlsplit(href).query)["focus"] == ["pain_duration"]

    # The refused answer was not stored: the check page is not reachable yet.
    assert patient.get("/check").url == url

    # Changing the pain answer leads back to the treatments question, which now accepts it.
    page = patient.get(href)
    assert page.questions == ["pain_duration"]
    page = patient.submit({"pain_duration": "3_to_6_months"})
    assert page.questions == ["treatment_duration"]
    page = patient.submit({"treatment_duration": "over_6_months"})
    assert page.questions != ["treatment_duration"] and page.error_summary == []


def test_one_step_from_the_contradiction_is_accepted(patient, discuss_answers):
    answers = {**discuss_answers, "pain_duration": "under_3_months"}
    page = patient.walk(answers, until="treatment_duration")

    page = patient.submit({"treatment_duration": "3_to_6_months"})

    assert page.error_summary == [] and page.questions != ["treatment_duration"]


def test_changing_the_earlier_answer_later_asks_the_later_question_again(
    patient, discuss_answers, questions, contradiction
):
    check = patient.walk(discuss_answers)
    assert check.path == "/check"
    prompt = " ".join(questions["pain_duration"]["prompt"].split())
    row = next(
        r for r in check.main.find_all(class_="summary-list__row") if text(r.find("dt")) == prompt
    )
    patient.get(one(row, "a")["href"])

    page = patient.submit({"pain_duration": "under_3_months"})

    message = " ".join(contradiction["message"].split())
    assert page.questions == ["treatment_duration"]
    assert page.error_summary == [message, change_link(questions)]
    assert page.values["treatment_duration"] == "over_6_months"
    assert patient.get("/summary").questions == ["treatment_duration"]  # no summary until then


# --- Safety: asking a contradiction back never holds up an urgent or emergency card -------------
# (review of 2026-12-06: before the fix, each of these reached a question page, not the card)


def continued_to_the_end(patient, answers: dict) -> None:
    """Tick the urgent sign, choose to go on, and answer every later page from `answers`."""
    page = patient.walk({"warning_signs": answers["warning_signs"]})
    page = patient.get(one(page.main, attrs={"data-action": "continue"})["href"])
    for _ in range(30):
        if not page.path.startswith("/step/"):
            break
        page = patient.submit({q: answers[q] for q in page.questions})
    assert page.path == "/check"


def change(patient, question: str, value) -> object:
    check = patient.get("/check")
    link = next(
        a["href"] for a in check.main.find_all("a") if f"focus={question}" in a.get("href", "")
    )
    patient.get(link)
    return patient.submit({question: value})


def test_a_contradiction_after_a_continued_urgent_stop_keeps_the_urgent_summary(
    patient, discuss_answers
):
    continued_to_the_end(patient, {**discuss_answers, "warning_signs": ["night_pain"]})

    page = change(patient, "pain_duration", "under_3_months")  # treatments: over 6 months

    assert page.path == "/summary" and page.outcome == "urgent"
    assert patient.get("/summary").outcome == "urgent"
    handout = patient.client.get("/summary.pdf")
    assert handout.status_code == 200 and handout.mimetype == "application/pdf"


def test_an_urgent_sign_ticked_beside_a_stored_contradiction_goes_to_the_card(
    patient, discuss_answers
):
    patient.walk(discuss_answers)
    change(patient, "pain_duration", "under_3_months")  # stored; the treatments page asks back

    patient.get("/step/warning_signs?change=1")  # the check page is not reachable now
    page = patient.submit({"warning_signs": ["night_pain"]})

    assert page.path == "/summary" and page.outcome == "urgent"


def test_without_an_urgent_sign_the_contradiction_is_still_asked_first(patient, discuss_answers):
    patient.walk(discuss_answers)
    change(patient, "pain_duration", "under_3_months")

    assert patient.get("/summary").questions == ["treatment_duration"]
