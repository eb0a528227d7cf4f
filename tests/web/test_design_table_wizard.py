"""The wizard gives the headline design.md section 4 gives (hand-coded in tests/design_table.py,
independent of rules.yaml), and its card says which answers decided it."""

from __future__ import annotations

import pytest
from design_table import answer_sets, changed, headline, one_changes
from hypothesis import HealthCheck, given, settings
from pages import Patient, one, text

# A sample: for each question, one answer per headline it can lead to (the API test checks all).
SINGLE_CHANGES = list({(q, headline(changed((q, v)))): (q, v) for q, v in one_changes()}.values())


def summary_card(patient: Patient, answers: dict):
    page = patient.walk(answers)
    if page.path == "/check":
        page = patient.get(page.link("See your summary"))
    assert page.path == "/summary", page
    return one(page.main, class_="card")


def assert_design_headline(card, answers: dict) -> None:
    assert one(card, "h1")["data-outcome"] == headline(answers), answers
    # an emergency or urgent card names each sign with what it can mean ("You said ...")
    named = card.find(attrs={"data-signs": True}) or card.find(class_="card__because-list")
    assert named is not None and named.find_all("li"), answers


@pytest.mark.parametrize("change", SINGLE_CHANGES, ids=[f"{q}={v}" for q, v in SINGLE_CHANGES])
def test_one_answer_away_the_wizard_gives_the_design_headline(shared_app, change):
    answers = changed(change)
    assert_design_headline(summary_card(Patient(shared_app.test_client()), answers), answers)


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(answers=answer_sets)
def test_random_valid_answers_in_the_wizard_get_the_design_headline(shared_app, answers):
    assert_design_headline(summary_card(Patient(shared_app.test_client()), answers), answers)


def test_the_discuss_card_names_what_was_met(shared_app):
    answers = changed()
    card = summary_card(Patient(shared_app.test_client()), answers)
    said = text(one(card, class_="card__because-list"))
    assert one(card, "h1")["data-outcome"] == "discuss"
    for fragment in ("for 1 to 5 years", "6 out of 10", "lower back", "more than 6 months"):
        assert fragment in said, said
