"""The headline as soon as it is certain, and an urgent stop that may be continued (issue 21,
design.md section 4): the wizard says so on the next page and offers the summary now; the
summary then lists the questions not answered and says their advice is missing."""

from __future__ import annotations

import pytest
from pages import one, text


def known(page) -> str | None:
    found = page.main.find(attrs={"data-outcome-known": True})
    return found["data-outcome-known"] if found else None


def walk_until_known(patient, answers: dict):
    """Answer page by page until a page says the headline is known; (that page, the number of
    questions answered before it)."""
    page = patient.walk({}, until="warning_signs")
    count = 0
    while page.path.startswith("/step/") and known(page) is None:
        page = patient.submit({q: answers[q] for q in page.questions})
        count += 1
    return page, count


@pytest.mark.parametrize(
    ("changes", "outcome", "answered"),
    [
        pytest.param({"pain_area": "neck"}, "usually_excluded", 3, id="neck-only-pain"),
        pytest.param({"age": 16}, "usually_excluded", 2, id="under-18"),
    ],
)
def test_the_page_after_the_deciding_answer_says_so_and_offers_the_summary_now(
    patient, discuss_answers, changes, outcome, answered
):
    page, count = walk_until_known(patient, {**discuss_answers, **changes})

    assert (known(page), count) == (outcome, answered)
    assert page.questions, "the page still asks its own question: that is the rest"
    now = one(page.main, attrs={"data-action": "summary-now"})
    summary = patient.get(now["href"])
    assert summary.outcome == outcome
    missing = one(summary.main, attrs={"data-unanswered": True})
    assert page.questions[0] in missing["data-unanswered"].split()
    assert "Advice about them is missing here, safety advice included" in text(missing)
    rest = patient.get(one(missing, attrs={"data-action": "continue"})["href"])
    assert rest.url == page.url


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "pain_duration": "under_3_months",
            "treatment_duration": "3_to_6_months",
        },  # over 6 months of treatment is asked back (3.1.0)
        {"health_conditions": ["osteoporosis"]},
    ],
    ids=["discuss", "not_yet", "usually_excluded"],
)
def test_a_headline_said_early_is_the_one_the_last_answer_gives(patient, discuss_answers, changes):
    answers = {**discuss_answers, **changes}
    page = patient.walk({}, until="warning_signs")
    said = []
    while page.path.startswith("/step/"):
        said.append(known(page))
        page = patient.submit({q: answers[q] for q in page.questions})
    final = patient.get(page.link("See your summary")).outcome

    assert said[0] is None  # nothing is known before the first answer
    first = next(i for i, k in enumerate(said + [final]) if k is not None)
    assert set(said[first:]) == {final}, said  # once said, said on every later page, unchanged


def test_the_summary_before_the_headline_is_certain_sends_you_back_to_the_questions(
    patient, discuss_answers
):
    patient.walk(discuss_answers, until="pain_area")

    assert patient.get("/summary").path == "/step/pain"


def test_an_urgent_stop_may_be_continued_and_the_headline_stays_urgent(
    patient, discuss_answers, rules
):
    page = patient.walk({"warning_signs": ["night_pain"]})
    assert page.outcome == "urgent"
    go_on = one(page.main, attrs={"data-action": "continue"})
    assert "A doctor has checked these signs since they started" in text(go_on)

    page = patient.get(go_on["href"])
    assert page.questions == ["age"]
    for _ in range(30):
        if not page.path.startswith("/step/"):
            break
        answers = {**discuss_answers, "warning_signs": ["night_pain"]}
        page = patient.submit({q: answers[q] for q in page.questions})
    assert page.path == "/check"
    summary = patient.get(page.link("See your summary"))

    assert summary.outcome == "urgent"
    assert summary.main.find(attrs={"data-signs": True}) is not None
    assert summary.main.find("ul", class_="findings"), "the later answers' findings follow"
    assert summary.main.find(attrs={"data-action": "continue"}) is None


def test_with_a_fever_there_is_no_way_to_continue(patient):
    page = patient.walk({"warning_signs": ["fever", "night_pain"]})

    assert page.outcome == "urgent"
    assert page.main.find(attrs={"data-action": "continue"}) is None
    assert patient.get("/step/about_you?go_on=1").path == "/summary"
