"""Findings that sit side by side never contradict each other, and the shortened notes keep every
safety message: checked on the summary page and, for every answer, against the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pages import text

from questionnaire.engine import AnswersError

ROOT = Path(__file__).resolve().parents[2]


def fits(rules) -> dict[str, bool]:
    """Rule id -> whether its finding says the answer fits what studies ask for."""
    return {r["id"]: bool(r["finding"].get("fits")) for r in rules["rules"] if r.get("finding")}


def squash(words: str) -> str:
    return " ".join(words.split())


def variants(questions, discuss_answers):
    """The discuss answers with one question changed to each of its values (multi: each alone)."""
    for qid, question in questions.items():
        if question["type"] == "integer":
            values = range(question["min"], question["max"] + 1)
        else:
            values = [c["value"] for c in question["choices"]]
        for value in values:
            if question["type"] == "multi":
                value = [value]
            yield pytest.param(qid, {**discuss_answers, qid: value}, id=f"{qid}={value}")


def mixed(found: list[str], rule_questions, fitting: dict[str, bool]) -> dict[str, list[str]]:
    """Questions whose answer gets both a finding that fits and one that does not."""
    by_question: dict[str, list[str]] = {}
    for rule in found:
        for question in rule_questions[rule]:
            by_question.setdefault(question, []).append(rule)
    return {q: rules for q, rules in by_question.items() if len({fitting[r] for r in rules}) > 1}


@pytest.mark.parametrize("duration", ["6_to_12_months", "1_to_5_years", "over_5_years"])
def test_the_page_never_says_a_pain_length_both_matches_and_is_left_out(
    patient, discuss_answers, engine, rules, duration
):
    page = patient.walk({**discuss_answers, "pain_duration": duration})
    page = patient.get(page.link("See your summary"))

    shown = [squash(text(li.find("p"))) for li in page.main.find_all("li", class_="finding")]
    texts = {squash(r["finding"]["text"]): r["id"] for r in rules["rules"] if r.get("finding")}
    found = [texts[t] for t in shown]
    about_duration = [r for r in found if "pain_duration" in engine.rule_questions[r]]

    assert len(about_duration) == 1, about_duration  # one finding says it, both sides at once
    assert mixed(found, engine.rule_questions, fits(rules)) == {}
    if duration == "over_5_years":  # the long-pain finding qualifies the 6 months, not a neighbour
        assert not fits(rules)[about_duration[0]]
        assert "6 months or more" in shown[found.index(about_duration[0])]


def test_every_answer_to_every_question_gets_findings_that_agree(
    engine, rules, questions, discuss_answers
):
    fitting = fits(rules)
    contradictions = {}
    for param in variants(questions, discuss_answers):
        _qid, answers = param.values
        try:
            result = engine.evaluate(answers, trace=False)
        except AnswersError:  # a value that leaves another answer missing: not a summary
            continue
        found = mixed([f.rule for f in result.findings], engine.rule_questions, fitting)
        if found:
            contradictions[param.id] = found
    assert contradictions == {}


def test_the_fda_note_keeps_every_warning(rules):
    note = squash(next(n for n in rules["notes"] if n["id"] == "regulatory")["text"])

    for must in (
        "has not approved",
        "your own",
        "exosomes",
        "charges you",
        "outside a study",
        "misled",
        "infections",
        "react to cells from a donor",  # v3: the ISSCR's warning, cited to the ISSCR
        "tumors",
        "blindness",
    ):
        assert must in note, must
    consult = squash(next(n for n in rules["notes"] if n["id"] == "consult")["text"])
    assert "not medical advice" in consult and "does not sell" in consult


def test_the_cost_finding_quotes_no_knee_price_for_a_back(rules):
    # Rules 3.1.0 (issue 21): the only priced study (Piuzzi 2018) priced knee shots, so the figure
    # read as the price of a disc shot. The finding now says plainly that no back price could be
    # checked, citing a survey of US doctors whose treatments include the spine.
    rule = next(r for r in rules["rules"] if r["id"] == "self_pay")
    text = squash(rule["finding"]["text"])
    title = rules["meta"]["sources"][rule["source"][0]]["title"].lower()
    assert "knee" not in text and "$" not in text
    assert "could not check a price for the back" in text and "bone-marrow" in text
    assert "spine" in title and "knee" not in title
    spanish = squash(
        yaml.safe_load((ROOT / "rules.es.yaml").read_text("utf-8"))["rules"]["self_pay"]
    )
    assert "rodilla" not in spanish and "espalda" in spanish
