"""The summary, help and error pages, checked against rules.yaml and the engine's trace."""

from __future__ import annotations

import pytest
from pages import one, text

SUMMARY_CASES = {
    "discuss": {},
    "usually_excluded": {"health_conditions": ["pregnant", "osteoporosis"],
                         "pain_pattern": "back_and_limb", "payment": "insurance_only"},
    "not_yet": {"pain_duration": "under_3_months", "treatment_relief": "lasting"},
    "emergency": "stop",
}


def answers_for(case: str, discuss_answers: dict) -> dict:
    changes = SUMMARY_CASES[case]
    if changes == "stop":
        return {"warning_signs": ["bladder_bowel", "chest_pain"]}
    return {**discuss_answers, **changes}


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


@pytest.mark.parametrize("case", SUMMARY_CASES)
def test_findings_are_grouped_by_criterion_and_explain_why(patient, discuss_answers, engine,
                                                           rules, case):
    answers = answers_for(case, discuss_answers)
    page = open_summary(patient, answers)
    result = engine.evaluate(answers)
    assert page.outcome == result.outcome.id == case
    titles = {c["id"]: c["title"] for c in rules["criteria"]}
    expected = [(titles[c["id"]], [f for f in result.findings if f.criterion == c["id"]])
                for c in rules["criteria"]]
    expected = [(title, found) for title, found in expected if found]
    prompts = {q["id"]: q for step in rules["steps"] for q in step["questions"]}

    groups = finding_groups(page)

    assert [title for title, _ in groups] == [title for title, _ in expected]
    for (_, items), (_title, found) in zip(groups, expected, strict=True):
        assert [squash(text(li.find("p"))) for li in items] == [squash(f.text) for f in found]
        for li, finding in zip(items, found, strict=True):
            details = one(li, "details")
            assert text(one(details, "summary")) == "Why am I seeing this?"
            # the patient's own answers behind the finding: each question read, and its answer
            for question in engine.rule_questions[finding.rule]:
                if question in result.answers:
                    q = prompts[question]
                    assert squash(q["prompt"]) in squash(text(details)), (finding.rule, question)
                    labels = {c["value"]: c["label"] for c in q.get("choices", [])}
                    given = result.answers[question]
                    for value in given if isinstance(given, list) else [given]:
                        assert squash(str(labels.get(value, value))) in squash(text(details))
            source = rules["meta"]["sources"][finding.source]
            assert [a["href"] for a in details.find_all("a")] == [source["url"]]


@pytest.mark.parametrize("case", ["discuss", "usually_excluded", "not_yet"])
def test_every_note_is_shown_when_the_questions_did_not_stop_early(patient, discuss_answers,
                                                                    rules, case):
    page = open_summary(patient, answers_for(case, discuss_answers))

    sections = page.main.find_all("section", class_="note")

    assert [" ".join(s["class"]) for s in sections] == [f"note note--{n['id']}"
                                                         for n in rules["notes"]]
    assert {"consult", "regulatory", "questions_to_ask", "clinic_warning_signs"} <= {
        n["id"] for n in rules["notes"]}
    for section, note in zip(sections, rules["notes"], strict=True):
        assert text(one(section, "h2")) == note["title"]
        assert squash(note["text"]) in text(section)
        assert [text(li) for li in section.find_all("li")] == [squash(i)
                                                              for i in note.get("items", [])]


def test_an_emergency_summary_keeps_only_the_advice_to_see_a_doctor(patient, rules):
    page = open_summary(patient, {"warning_signs": ["serious_injury"]})

    sections = page.main.find_all("section", class_="note")

    consult = next(n for n in rules["notes"] if n["id"] == "consult")
    assert [text(one(s, "h2")) for s in sections] == [consult["title"]]
    assert page.links("Check or change your answers") == []


@pytest.mark.parametrize("case", SUMMARY_CASES)
def test_the_summary_names_the_rules_version_and_lists_its_sources(patient, discuss_answers,
                                                                    engine, rules, case):
    answers = answers_for(case, discuss_answers)
    page = open_summary(patient, answers)
    result = engine.evaluate(answers)

    version = text(one(page.main, class_="version"))
    assert f"Guidance version {rules['meta']['version']}" in version
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


def test_the_card_names_the_answer_that_decided_the_headline(patient, discuss_answers, questions):
    page = open_summary(patient, {**discuss_answers, "health_conditions": ["pregnant"]})

    card = one(page.main, class_="card")
    assert one(card, "h1")["data-outcome"] == "usually_excluded"
    said = next(c["said"] for c in questions["health_conditions"]["choices"]
                if c["value"] == "pregnant")
    assert "Because you said:" in text(card)
    assert squash(said) in text(one(card, class_="card__because-list"))
    assert "you are pregnant or breastfeeding" in text(one(card, class_="card__because-list"))


# --- help and error pages ------------------------------------------------------------------------

def test_help_page_lists_the_warning_signs_from_the_rules(patient, rules):
    help_page = rules["pages"]["help"]

    page = patient.get(patient.get("/").link("Need help now?"))

    assert (page.status, page.path) == (200, "/help")
    assert page.h1 == help_page["title"]
    shown = [text(li) for li in page.main.find_all("li")]
    expected = [squash(item) for section in help_page["sections"]
                for item in section.get("items", [])]
    assert expected and shown == expected
    headings = [text(h) for h in page.main.find_all("h2")]
    assert headings == [squash(s["heading"]) for s in help_page["sections"] if s.get("heading")]


@pytest.mark.parametrize("url", ["/", "/step/warning_signs", "/check", "/summary", "/help"])
def test_every_page_links_to_help(patient, discuss_answers, url):
    patient.walk(discuss_answers)

    assert patient.get(url).link("Need help now?") == "/help"


ERROR_PAGES = [
    pytest.param("get", "/nope", 404, "Page not found", id="unknown-page"),
    pytest.param("get", "/step/nope", 404, "Page not found", id="unknown-step"),
    pytest.param("get", "/clear", 405, "This page cannot be used that way", id="clear-by-link"),
]


@pytest.mark.parametrize(("method", "url", "status", "heading"), ERROR_PAGES)
def test_error_pages_are_friendly_html_with_a_way_back_to_the_start(patient, method, url,
                                                                     status, heading):
    page = patient.get(url)

    assert page.status == status
    assert page.response.mimetype == "text/html"
    assert page.h1 == heading
    assert page.link("Go to the start page") == "/"
    assert "Traceback" not in page.text
