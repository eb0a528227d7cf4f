"""Care cards that say why (issue 21): each warning sign ticked is named on the emergency or urgent
card with what it can mean, in its own rule's finding words from rules.yaml, never a generic list
of what signs in general can mean; nothing but the call competes on the emergency card."""

from __future__ import annotations

import pytest
from pages import one, text

STOP_URGENCY = ("emergency", "urgent")


def squash(words: str) -> str:
    return " ".join(words.split())


def sign_rules(rules) -> list[dict]:
    """The rules of rules.yaml that give emergency or urgent, with a finding."""
    urgency = {o["id"]: o["urgency"] for o in rules["outcomes"]}
    return [
        r
        for r in rules["rules"]
        if r.get("outcome") and urgency[r["outcome"]] in STOP_URGENCY and r.get("finding")
    ]


def said(rules, sign: str) -> str:
    question = next(q for s in rules["steps"] for q in s["questions"] if q["id"] == "warning_signs")
    choice = next(c for c in question["choices"] if c["value"] == sign)
    return squash(choice.get("said") or choice["label"])


def card_of(patient, ticked: list[str]):
    page = patient.walk({"warning_signs": ticked})
    assert page.path == "/summary", page
    return page, one(page.main, class_="card")


@pytest.mark.parametrize("sign", ["bladder_bowel", "chest_pain", "night_pain", "weight_loss"])
def test_each_sign_is_named_with_what_it_can_mean_in_its_own_words(patient, engine, rules, sign):
    result = engine.evaluate({"warning_signs": [sign]})
    meanings = [squash(r["finding"]["text"]) for r in sign_rules(rules) if r["id"] in result.fired]
    assert meanings, f"no emergency or urgent rule matched {sign}"

    page, card = card_of(patient, [sign])

    named = [text(li) for li in one(card, attrs={"data-signs": True}).find_all("li")]
    assert named == [f"You said {said(rules, sign)}. {m}" for m in meanings]


def test_loss_of_bladder_control_is_not_told_about_heart_problems(patient, rules):
    _, card = card_of(patient, ["bladder_bowel"])

    emergency = next(o for o in rules["outcomes"] if o["id"] == "emergency")
    assert squash(emergency["message"]) not in text(card)  # the generic list of causes
    assert "heart" not in text(card).lower()


def test_two_signs_of_different_levels_are_both_named_the_emergency_first(patient, engine):
    page, card = card_of(patient, ["fever", "chest_pain"])

    assert one(card, attrs={"data-outcome": True})["data-outcome"] == "emergency"
    levels = [li["data-sign-level"] for li in one(card, attrs={"data-signs": True}).find_all("li")]
    assert levels[0] == "emergency" and "urgent" in levels
    assert "fever" in text(card).lower() and "chest pain" in text(card).lower()


def test_on_the_emergency_card_the_call_is_the_only_link(patient, rules):
    page, card = card_of(patient, ["saddle_numbness"])

    links = card.find_all("a")
    call = next(o for o in rules["outcomes"] if o["id"] == "emergency")["call"]
    assert [a["href"] for a in links] == [f"tel:{call['number']}"]
    assert page.main.find(attrs={"data-action": "continue"}) is None  # no way to continue
    assert page.main.find("details") is None
    inside = card.find_all("h2")
    assert [h for h in page.main.find_all("h2") if h not in inside] == []


def test_neck_only_pain_is_told_the_reason_in_its_rules_own_words(
    patient, discuss_answers, engine, rules
):
    answers = {**discuss_answers, "pain_area": "neck"}
    result = engine.evaluate(answers)
    deciding = [r for r in rules["rules"] if r["id"] in {b.rule for b in result.because}]

    page = patient.walk(answers)
    card = one(patient.get(page.link("See your summary")).main, class_="card")

    reasons = text(one(card, attrs={"data-signs": True}))
    assert deciding and all(squash(r["finding"]["text"]) in reasons for r in deciding)
    outcome = next(o for o in rules["outcomes"] if o["id"] == "usually_excluded")
    assert squash(outcome["message"]) not in text(card)  # not "for safety, or because..."
