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


def test_book_shows_every_finding_and_names_every_note(book, parse, rules_data):
    # the short book (issue 22): each finding's first words, linked to its full text
    findings = parse(book).find_all("li", class_="finding")
    with_finding = [r for r in rules_data["rules"] if "finding" in r]
    assert [li["data-rule"] for li in findings] == [
        r["id"]
        for c in rules_data["criteria"]
        for r in with_finding
        if r["finding"]["criterion"] == c["id"]
    ]
    for li in findings:
        rule = next(r for r in with_finding if r["id"] == li["data-rule"])
        first = " ".join(rule["finding"]["text"].split()[:4])
        assert first in text(li), (first, text(li))
        assert li.find("a", href=f"/clinician/?open=all#rule-{rule['id']}") is not None
    main = text(parse(book).find("main"))
    for note in rules_data["notes"]:
        assert note["title"] in main


def test_book_gives_each_outcomes_rules_in_words_with_their_sources_and_ids(
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
            words = conditions[rule["id"]].split("“")[0]
            assert text(item).startswith(f"If {words}".strip()), text(item)
            cited = rule["source"] if isinstance(rule["source"], list) else [rule["source"]]
            assert [a["href"] for a in item.find_all("a")] == [sources[s]["url"] for s in cited]
            assert text(item.find("small", class_="rule-id").find_all("code")[-1]) == rule["id"]


def test_the_book_before_its_appendix_is_at_most_3000_words(book, parse):
    main = parse(book).find("main")
    main.find(id="appendix").decompose()  # the hazard log and the matrix, in full
    words = text(main).split()
    assert len(words) <= 3000, len(words)


def test_the_book_ends_with_the_hazard_log_and_the_matrix_in_an_appendix(book, parse):
    page = parse(book)
    appendix = page.find(id="appendix")
    assert appendix.find(id="book-hazards") is not None and appendix.find(id="book-trace")
    assert page.find("nav", class_="book__index").find("a", href="#appendix") is not None


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
