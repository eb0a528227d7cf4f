"""The clinician's guidance overview (/clinician/): the verifier's report, every step, question,
rule and source in plain words, folded, with an index by outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from pages import text

from questionnaire.engine import load_rules
from questionnaire.engine.verify.symbolic import verify

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def overview(app):
    response = app.test_client().get("/clinician/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_overview_shows_the_rules_version_and_the_review_date_in_words(overview, parse, rules_data):
    meta = rules_data["meta"]
    reviewed = meta["reviewed"]
    shown = text(parse(overview).find("main"))
    assert f"version {meta['version']}" in shown
    assert f"reviewed {reviewed.day} {reviewed:%B %Y}" in shown


def test_overview_opens_with_the_verifier_saying_complete_with_the_answer_set_count(
    overview, parse
):
    report = verify(load_rules(ROOT / "rules.yaml", verify=False))
    shown = text(parse(overview).find("main"))
    line = f"Complete: all {report.answer_sets:,} possible sets of answers get exactly one headline"
    assert line in shown
    assert shown.index(line) < shown.index("Questions"), "the verifier's report comes first"
    assert "can never" not in shown


def test_overview_lists_every_step_question_and_choice(overview, parse, rules_data):
    main = parse(overview).find("main")
    headings = [text(h) for h in main.find_all("h3")]
    codes = {text(c) for c in main.find_all("code")}
    shown = text(main)
    for number, step in enumerate(rules_data["steps"], 1):
        assert f"Step {number}: {step['title']}" in headings
        for q in step["questions"]:
            assert q["id"] in codes and q["prompt"] in shown
            for choice in q.get("choices", []):
                assert f"{choice['label']} {choice['value']}" in shown, (q["id"], choice)
            if q["type"] == "integer":
                assert f"A whole number from {q['min']} to {q['max']}." in shown


def test_overview_states_skip_logic_in_plain_english(overview, parse, rules_data):
    rows = {
        text(row.find("code")): text(row)
        for row in parse(overview).find_all(class_="summary-list__row")
    }
    questions = [q for step in rules_data["steps"] for q in step["questions"]]
    assert set(rows) == {q["id"] for q in questions}
    for q in questions:
        if "show_if" in q and q["id"] == "disc_count":
            assert "Asked only if what a doctor said is “Yes, and a scan" in rows[q["id"]]
        elif "show_if" in q:
            assert (
                "Asked only if treatments tried do not include “No, I have not tried any of these”."
            ) in rows[q["id"]]
        else:
            assert "Always asked." in rows[q["id"]]


def test_overview_gives_every_rule_as_an_if_sentence_with_its_source_link(
    overview, parse, rules_data
):
    main = parse(overview).find("main")
    sources = rules_data["meta"]["sources"]
    for rule in rules_data["rules"]:
        item = main.find("li", id=f"rule-{rule['id']}")
        assert item is not None, rule["id"]
        assert text(item).startswith("If "), text(item)
        assert rule["id"] in text(item)
        assert [a["href"] for a in item.find_all("a")] == [
            sources[key]["url"] for key in rule["source"]
        ]
        if "finding" in rule:
            assert rule["finding"]["text"] in text(item)


def test_overview_groups_outcome_rules_under_their_outcome_and_others_under_their_criterion(
    overview, parse, rules_data
):
    outcomes = {o["id"]: o["title"] for o in rules_data["outcomes"]}
    criteria = {c["id"]: c["title"] for c in rules_data["criteria"]}
    main = parse(overview).find("main")
    for rule in rules_data["rules"]:
        item = main.find("li", id=f"rule-{rule['id']}")
        if rule.get("outcome"):  # folded in its outcome's section, whose title names it
            section = item.find_parent("details")
            assert section["id"] == f"outcome-{rule['outcome']}", rule["id"]
            assert outcomes[rule["outcome"]] in text(section.find("summary")), rule["id"]
            assert f'the headline is "{outcomes[rule["outcome"]]}"' in text(item)
        else:
            assert text(item.find_previous("h3")) == criteria[rule["finding"]["criterion"]], rule[
                "id"
            ]


def test_overview_links_every_source(overview, parse, rules_data):
    hrefs = {a.get("href") for a in parse(overview).find("main").find_all("a")}
    for key, source in rules_data["meta"]["sources"].items():
        assert source["url"] in hrefs, key


def test_overview_is_the_same_page_for_a_patient_with_answers(
    app, overview, parse, walk_wizard, discuss_answers
):
    patient = app.test_client()
    walk_wizard(patient, discuss_answers)
    seen = parse(patient.get("/clinician/").get_data(as_text=True)).find("main")
    assert text(seen) == text(parse(overview).find("main"))


def test_overview_folds_every_section_and_opens_them_all_on_request(app, overview, parse):
    page = parse(overview)
    folds = page.find("main").find_all("details", class_="fold")
    assert len(folds) >= 8 and not any(d.has_attr("open") for d in folds)
    link = page.find("nav", class_="index").find("a", string="open every section")
    opened = parse(app.test_client().get(link["href"]).get_data(as_text=True))
    assert all(d.has_attr("open") for d in opened.find("main").find_all("details"))


def test_overview_index_lists_every_outcome_with_its_rules_and_their_count(
    overview, parse, rules_data
):
    entries = parse(overview).find("nav", class_="index").find("ol").find_all("li")
    assert len(entries) == len(rules_data["outcomes"])
    for entry, outcome in zip(entries, rules_data["outcomes"], strict=True):
        count = sum(r.get("outcome") == outcome["id"] for r in rules_data["rules"])
        links = [a["href"] for a in entry.find_all("a")]
        assert links[0] == f"#outcome-{outcome['id']}"
        assert text(entry).startswith(f"{outcome['title']} {count} rule{'s' if count != 1 else ''}")
        assert links[1:] == [
            f"#rule-{r['id']}" for r in rules_data["rules"] if r.get("outcome") == outcome["id"]
        ], "and each of its rules"
