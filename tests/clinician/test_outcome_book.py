"""The clinician's outcome book (/clinician/book): every headline as the patient sees its card,
with the rules that set it in plain words, every finding with when it is shown, every note."""

from __future__ import annotations

import pytest
from pages import text


@pytest.fixture(scope="module")
def book(app):
    response = app.test_client().get("/clinician/book")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_book_shows_every_outcome_as_the_patient_sees_it(book, parse, rules_data):
    page = parse(book)
    cards = {h["data-outcome"]: h.parent for h in page.find_all(attrs={"data-outcome": True})}
    assert list(cards) == [o["id"] for o in rules_data["outcomes"]]
    for outcome in rules_data["outcomes"]:
        card = cards[outcome["id"]]
        assert outcome["title"] in text(card) and outcome["message"] in text(card)
        # what the card tells the patient to do: the shipped outcomes have next steps (and the
        # emergency ones a call), no `actions` any more, so checking actions alone checked nothing
        steps = [*outcome.get("actions", []), *outcome.get("next_steps", [])]
        assert steps, outcome["id"]
        for step in steps:
            assert step in text(card)
        if outcome.get("call"):
            assert outcome["call"]["label"] in text(card)


def test_book_shows_every_finding_and_note(book, parse, rules_data):
    findings = [text(li) for li in parse(book).find_all("li", class_="finding")]
    wordings = [r["finding"]["text"] for r in rules_data["rules"] if "finding" in r]
    assert len(findings) == len(wordings)
    for wording in wordings:
        assert sum(wording in f for f in findings) == 1, wording
    main = text(parse(book).find("main"))
    for note in rules_data["notes"]:
        assert note["title"] in main and note["text"] in main


def test_book_gives_each_outcomes_rules_as_conditions_in_plain_words_with_sources(
    app, book, parse, rules_data
):
    conditions = app.extensions["preview"].conditions
    sources = rules_data["meta"]["sources"]
    page = parse(book)
    for outcome in rules_data["outcomes"]:
        section = page.find("section", id=f"book-{outcome['id']}")
        assert section.find(attrs={"data-outcome": outcome["id"]}) is not None
        items = section.find("ul", class_="book__rules").find_all("li")
        rules = [r for r in rules_data["rules"] if r.get("outcome") == outcome["id"]]
        assert len(items) == len(rules) > 0
        for item, rule in zip(items, rules, strict=True):
            assert text(item).startswith(f"If {conditions[rule['id']]}"), text(item)
            cited = rule["source"] if isinstance(rule["source"], list) else [rule["source"]]
            assert [a["href"] for a in item.find_all("a")] == [sources[s]["url"] for s in cited]


def test_book_says_when_each_finding_is_shown(app, book, parse, rules_data):
    conditions = app.extensions["preview"].conditions
    findings = {text(li.find("p")): text(li) for li in parse(book).find_all("li", class_="finding")}
    for rule in rules_data["rules"]:
        if "finding" in rule:
            assert f"Shown when {conditions[rule['id']]}" in findings[rule["finding"]["text"]]


def test_book_has_contents_and_a_print_button_only_with_javascript(book, parse):
    page = parse(book)
    assert page.find("nav", class_="book__index") is not None
    button = page.find("button", attrs={"data-print": True})
    assert button is not None and button.has_attr("hidden"), "shown by JavaScript only"
    # what printing hides is checked in Chromium: tests/browser/test_clinician_preview.py


def test_book_prints_the_rules_version_and_fingerprint(book, parse, engine):
    page = parse(book)
    assert page.select_one(".book__fingerprint").get_text() == engine.ruleset.fingerprint
    assert f"Guidance version {engine.version}" in book


def test_book_prints_the_hazard_log_and_the_traceability_matrix(book, parse, engine):
    from questionnaire.engine.verify.trace import trace_matrix
    from questionnaire.safety import hazard_log

    page = parse(book)
    hazards = page.select_one("#book-hazards").find_parent("section")
    for hazard in hazard_log().hazards:
        assert page.select_one(f"#hazard-{hazard.id}").get_text().startswith(hazard.id)
        assert hazard.tests[0] in hazards.get_text()
    matrix = trace_matrix(engine.ruleset)
    rows = page.select(".book__trace tbody tr")
    assert len(rows) == len(matrix.rows) > 100
    assert sum("Pending sign-off." in row.get_text() for row in rows) == len(matrix.pending)
