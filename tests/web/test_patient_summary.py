"""The summary, help and error pages, checked against rules.yaml and the engine's trace."""

from __future__ import annotations

import pytest
from pages import Page, one, text

SUMMARY_CASES = {
    "discuss": {},
    "usually_excluded": {
        "health_conditions": ["pregnant", "osteoporosis"],
        "pain_pattern": "back_and_limb",
        "payment": "insurance_only",
    },
    "not_yet": {  # treatments over 6 months of a newer pain are asked back (rules 3.1.0)
        "pain_duration": "under_3_months",
        "treatment_duration": "3_to_6_months",
        "treatment_relief": "lasting",
    },
    "emergency": {"warning_signs": ["bladder_bowel", "chest_pain"]},
    "urgent": {"warning_signs": ["fever"]},
}
STOPS = {"emergency", "urgent"}


def answers_for(case: str, discuss_answers: dict) -> dict:
    if case in STOPS:
        return dict(SUMMARY_CASES[case])
    return {**discuss_answers, **SUMMARY_CASES[case]}


def open_summary(patient, answers: dict):
    page = patient.walk(answers)
    if page.path == "/check":
        page = patient.get(page.link("See your summary"))
    assert page.path == "/summary", page
    return page


def finding_groups(page) -> list[tuple[str, list]]:
    """(criterion heading, [finding <li>]) in page order."""
    groups: list[tuple[str, list]] = []
    for node in page.main.children:
        if getattr(node, "name", None) == "h3":
            groups.append((text(node), []))
        elif getattr(node, "name", None) == "ul" and "findings" in node.get("class", []):
            groups[-1][1].extend(node.find_all("li", class_="finding"))
    return groups


def squash(text: str) -> str:
    return " ".join(text.split())


def fits(rules) -> set[str]:
    """Rules whose finding says the answer fits what studies ask for (`fits: true`)."""
    return {r["id"] for r in rules["rules"] if r.get("finding", {}).get("fits")}


@pytest.mark.parametrize("case", SUMMARY_CASES)
def test_findings_are_grouped_by_criterion_and_explain_why(
    patient, discuss_answers, engine, rules, case
):
    answers = answers_for(case, discuss_answers)
    page = open_summary(patient, answers)
    result = engine.evaluate(answers)
    assert page.outcome == result.outcome.id == case
    titles = {c["id"]: c["title"] for c in rules["criteria"]}
    in_order = [f for c in rules["criteria"] for f in result.findings if f.criterion == c["id"]]
    in_card = {r.rule for r in result.because}  # their findings say why, inside the card
    in_order = [f for f in in_order if f.rule not in in_card]
    fitting = [f for f in in_order if f.rule in fits(rules)]
    expected = [
        (titles[c["id"]], [f for f in in_order if f.criterion == c["id"] and f not in fitting])
        for c in rules["criteria"]
    ]
    expected = [(title, found) for title, found in expected if found and case not in STOPS]
    prompts = {q["id"]: q for step in rules["steps"] for q in step["questions"]}

    groups = finding_groups(page)
    reveal = page.main.find("details", class_="details--fits")

    # what to talk about comes by criterion; what already fits waits in one reveal after it
    assert [title for title, _ in groups] == [title for title, _ in expected]
    shown = [
        (li, f)
        for (_, items), (_t, found) in zip(groups, expected, strict=True)
        for li, f in zip(items, found, strict=True)
    ]
    assert [len(items) for _, items in groups] == [len(found) for _, found in expected]
    if case in STOPS:
        assert reveal is None
    else:
        assert fitting, "the test answers should have findings that fit"
        assert text(reveal.find("summary")) == (
            f"Answers that match what studies look for ({len(fitting)})"
        )
        tucked = reveal.find_all("li", class_="finding")
        assert len(tucked) == len(fitting)
        shown += list(zip(tucked, fitting, strict=True))
        assert reveal.find_previous_sibling("ul", class_="findings") is groups[-1][1][-1].parent
    for li, finding in shown:
        assert squash(text(li.find("p"))) == squash(finding.text)
        details = one(li, "details")
        assert text(one(details, "summary")) == "Where this comes from"
        # the answers are said once (the card, the check page), not again in every reveal
        for question in engine.rule_questions[finding.rule]:
            assert squash(prompts[question]["prompt"]) not in squash(text(details))
        source = rules["meta"]["sources"][finding.source]
        assert [a["href"] for a in details.find_all("a")] == [source["url"]]


@pytest.mark.parametrize("case", ["discuss", "usually_excluded", "not_yet"])
def test_every_note_is_shown_with_what_the_fda_says_first(patient, discuss_answers, rules, case):
    page = open_summary(patient, answers_for(case, discuss_answers))

    sections = page.main.find_all("section", class_="note")

    notes = rules["notes"]  # in the file's order, which is the page's
    assert [" ".join(s["class"]) for s in sections] == [f"note note--{n['id']}" for n in notes]
    assert {"consult", "regulatory", "questions_to_ask", "clinic_warning_signs"} <= {
        n["id"] for n in rules["notes"]
    }
    assert notes[0]["id"] == "regulatory" and notes[0]["show"] == "first"
    for section, note in zip(sections, notes, strict=True):
        assert text(one(section, id=f"note-{note['id']}")) == note["title"]
        assert squash(note["text"]) in text(section)
        assert [text(li) for li in section.find_all("li")] == [
            squash(i) for i in note.get("items", [])
        ]
    # the FDA note is read as soon as the card ends: nothing stands between them
    card = one(page.main, class_="card")
    assert card.find_next_sibling() is sections[0]


def test_the_long_notes_and_the_sources_are_reveals_that_name_what_they_hold(
    patient, discuss_answers, rules
):
    page = open_summary(patient, discuss_answers)

    reveals = [
        text(d.find("summary"))
        for d in page.main.find_all("details")
        if "findings" not in " ".join(p.get("class", [""])[0] for p in d.parents if p.name == "ul")
    ]

    titles = [n["title"] for n in rules["notes"] if n.get("show", "reveal") == "reveal"]
    assert titles and all(t in reveals for t in titles)
    kept_open = [n["title"] for n in rules["notes"] if n.get("show", "reveal") != "reveal"]
    assert kept_open and not set(kept_open) & set(reveals)
    numbered = [n for n in rules["notes"] if n.get("numbered")]
    assert [n["id"] for n in numbered] == ["questions_to_ask"]
    for note in rules["notes"]:
        listed = one(page.main, "section", class_=f"note--{note['id']}")
        assert bool(listed.find("ol")) == bool(note.get("numbered") and note.get("items"))
    assert any(r.startswith("Sources (") for r in reveals)


@pytest.mark.parametrize("case", sorted(STOPS))
def test_an_emergency_or_urgent_card_stands_alone_with_one_tappable_call(patient, rules, case):
    page = open_summary(patient, dict(SUMMARY_CASES[case]))

    outcome = next(o for o in rules["outcomes"] if o["id"] == case)
    card = one(page.main, class_="card")
    assert one(card, class_="card__heading")["data-outcome"] == case
    calls = [a for a in page.main.find_all("a") if a["href"].startswith("tel:")]
    assert [(a["href"], text(a)) for a in calls] == [
        (f"tel:{outcome['call']['number']}", outcome["call"]["label"])
    ]
    assert calls[0] in card.find_all("a")
    # nothing competes with the card: one line to undo a mistake, no notes, sources or buttons
    others = [node for node in page.main.find_all(recursive=False) if node is not card]
    assert [text(node) for node in others] == ["Chose a sign by mistake? Change your answers"]
    assert page.main.find_all("section") == page.main.find_all("details") == []
    assert page.main.find_all(class_="button") == []


@pytest.mark.parametrize("case", SUMMARY_CASES)
def test_the_summary_names_the_rules_version_and_lists_its_sources(
    patient, discuss_answers, engine, rules, case
):
    answers = answers_for(case, discuss_answers)
    page = open_summary(patient, answers)
    result = engine.evaluate(answers)

    if case in STOPS:  # the version is in the footer, and the card stands alone
        assert page.main.find("ul", class_="sources") is None
        assert f"Guidance version {rules['meta']['version']}" in text(page.html.footer)
        return
    printed = text(one(page.main, "p", class_="print-only"))
    assert f"Guidance version {rules['meta']['version']}" in printed
    assert printed.startswith(f"{text(page.html.find(class_='header__name'))}. Printed on ")
    listed = [a["href"] for a in one(page.main, "ul", class_="sources").find_all("a")]
    cited = {f.source for f in result.findings}
    assert {rules["meta"]["sources"][s]["url"] for s in cited} <= set(listed)
    assert len(listed) == len(set(listed))


def test_the_summary_headline_shows_the_outcome_wording(patient, discuss_answers, rules):
    page = open_summary(patient, discuss_answers)

    outcome = next(o for o in rules["outcomes"] if o["id"] == "discuss")
    card = one(page.main, class_="card")
    assert text(one(card, "h1")) == outcome["title"]
    assert squash(outcome["message"]) in text(card)
    assert page.title.startswith(f"Your summary: {outcome['title']}")


@pytest.mark.parametrize("case", SUMMARY_CASES)
def test_each_card_names_its_deciding_answers_and_what_to_do_next(
    patient, discuss_answers, engine, rules, case
):
    answers = answers_for(case, discuss_answers)
    page = open_summary(patient, answers)
    result = engine.evaluate(answers)

    card = one(page.main, class_="card")
    assert result.said, "every headline, discuss included, names the answers that decided it"
    if card.select("[data-signs] li"):  # each reason with what it means: test_patient_cards.py
        said = [text(li) for li in card.select("[data-signs] li")]
        assert len(said) == len(result.because) and all(
            squash(a.answer) in " ".join(said) for a in result.said
        )
    else:
        said = [text(li) for li in card.select(".card__because-list li")]
        assert said == [squash(a.answer) for a in result.said]
    outcome = next(o for o in rules["outcomes"] if o["id"] == case)
    assert 2 <= len(outcome["next_steps"]) <= 4
    assert text(card.find(string="What to do next").parent) == "What to do next"
    assert [text(li) for li in one(card, "ol", class_="card__steps").find_all("li")] == [
        squash(s) for s in outcome["next_steps"]
    ]


def test_the_card_names_the_answer_that_decided_the_headline(
    patient, discuss_answers, questions, rules
):
    page = open_summary(patient, {**discuss_answers, "health_conditions": ["pregnant"]})

    card = one(page.main, class_="card")
    assert one(card, "h1")["data-outcome"] == "usually_excluded"
    said = next(
        c["said"] for c in questions["health_conditions"]["choices"] if c["value"] == "pregnant"
    )
    reasons = text(one(card, attrs={"data-signs": True}))
    assert f"You said {squash(said)}." in reasons
    # the reason in the rule's own words, not the outcome's generic message
    rule = next(r for r in rules["rules"] if r["id"] == "pregnancy")
    assert squash(rule["finding"]["text"]) in reasons


# --- help and error pages ------------------------------------------------------------------------


def test_help_page_lists_the_warning_signs_from_the_rules(patient, rules):
    help_page = rules["pages"]["help"]

    page = patient.get(patient.get("/").link("Need help now?"))

    assert (page.status, page.path) == (200, "/help")
    assert page.h1 == help_page["title"]
    shown = [text(li) for li in page.main.find_all("li")]
    expected = [
        squash(item) for section in help_page["sections"] for item in section.get("items", [])
    ]
    assert expected and shown == expected
    headings = [text(h).split(": ", 1)[-1] for h in page.main.find_all("h2")]
    assert headings == [squash(s["heading"]) for s in help_page["sections"] if s.get("heading")]


def test_help_page_shows_the_same_care_cards_with_a_call_and_a_way_back(patient, rules):
    help_page = rules["pages"]["help"]
    outcomes = {o["id"]: o for o in rules["outcomes"]}

    came_from = patient.get("/step/warning_signs")
    page = Page(
        patient.client.get(
            came_from.link("Need help now?"),
            headers={"Referer": f"http://localhost{came_from.url}"},
        )
    )

    cards = page.main.find_all(class_="card")
    carded = [s for s in help_page["sections"] if s.get("card")]
    assert carded and len(cards) == len(carded)
    for card, section in zip(cards, carded, strict=True):
        outcome = outcomes[section["card"]]
        assert f"card--{outcome['urgency']}" in card["class"]
        assert squash(section["heading"]) in text(one(card, class_="card__heading"))
        if outcome.get("call"):
            assert one(card, class_="action-link")["href"] == f"tel:{outcome['call']['number']}"
    assert page.back_url == "/step/warning_signs"
    assert patient.get("/help").back_url == "/"  # no page to go back to: the start page


@pytest.mark.parametrize("url", ["/", "/step/warning_signs", "/check", "/summary", "/help"])
def test_every_page_links_to_help(patient, discuss_answers, url):
    patient.walk(discuss_answers)

    assert patient.get(url).link("Need help now?") == "/help"


ERROR_PAGES = [
    pytest.param("get", "/nope", 404, "Page not found", id="unknown-page"),
    pytest.param("get", "/step/nope", 404, "Page not found", id="unknown-step"),
    pytest.param("get", "/clear", 405, "This page cannot be used that way", id="clear-by-link"),
    pytest.param("get", "/summary.pdf/x", 404, "Page not found", id="under-the-handout"),
]


@pytest.mark.parametrize(("method", "url", "status", "heading"), ERROR_PAGES)
def test_error_pages_are_friendly_html_with_a_way_back_to_the_start(
    patient, method, url, status, heading
):
    page = patient.get(url)

    assert page.status == status
    assert page.response.mimetype == "text/html"
    assert page.h1 == heading
    assert page.link("Go to the start page") == "/"
    assert "Traceback" not in page.text
