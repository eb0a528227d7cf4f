""" "What changed" when the new file refuses answers the old one accepted (issue 22): 3.1.0's
contradiction check (pain under 3 months, treatments over 6 months) asks such answers back, and
the comparison must say so rather than "No headline changes".

Checked against outside references: brute-force enumeration of every answer set of a small
generated pair (the new file adds a question and two contradiction checks), the engine (each
witness is accepted by the old file and refused by the new one with the claimed message), and
`rules verify`'s own counts of releases 3.0.0 and 3.1.0 (same questions, so the answer sets 3.1.0
asks back are exactly 3.0.0's count minus 3.1.0's)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from pages import parse, text
from test_changes_joint import answer_sets, as_old, rule_file, sides

from questionnaire import create_app
from questionnaire.engine import AnswersError, Engine, loads_rules, read_rules
from questionnaire.engine.verify.diff import diff_rulesets
from questionnaire.engine.verify.joint import UNDECIDED, Joint
from questionnaire.engine.verify.refusals import refusals
from questionnaire.engine.verify.symbolic import verify

ROOT = Path(__file__).resolve().parents[2]
RELEASES = ROOT / "releases"

SCORE_END = "errors: {required: Give a score, range: 0 to 10}"
AGE_END = "errors: {required: Give an age, range: 0 to 20}"
CHECK = """
        contradictions:
          - id: ID
            when: {all: [WHEN]}
            message: MESSAGE"""
# score 9 or 10 with no warning sign; age 5 or under with score 8 or more
CALM = "{q: signs, has: none}, {q: score, at_least: 9}"
YOUNG_HIGH = "{q: score, at_least: 8}, {q: age, at_most: 5}"


def check(ident: str, when: str, message: str) -> str:
    return CHECK.replace("ID", ident).replace("WHEN", when).replace("MESSAGE", message)


def checked_pair() -> tuple[str, str, str]:
    """OLD (no checks), NEW (a new age question, a changed stop and two checks), and NEW
    without its checks: the answer sets NEW would have if it refused none."""
    old, unchecked = rule_file(new=False), rule_file(new=True)
    new = unchecked.replace(SCORE_END, SCORE_END + check("calm_high", CALM, "Score or signs?"))
    new = new.replace(AGE_END, AGE_END + check("young_high", YOUNG_HIGH, "Age or score?"))
    assert new.count("contradictions:") == 2
    return old, new, unchecked


def refused_by(new: Engine, answers: dict) -> tuple[str, str] | None:
    """(question, message) of the first contradiction the engine refuses, or None."""
    try:
        new.evaluate(answers)
    except AnswersError as exc:
        found = [p for p in exc.problems if p.code == "contradiction"]
        assert found, exc.problems  # the unchecked file accepted these answers
        return found[0].question or "", found[0].message
    return None


def test_the_refused_counts_equal_brute_force_enumeration():
    old_text, new_text, unchecked_text = checked_pair()
    old, new = Engine(loads_rules(old_text)), Engine(loads_rules(new_text))
    expected: Counter[tuple[str | None, str]] = Counter()
    for answers in answer_sets(Engine(loads_rules(unchecked_text))):
        refused = refused_by(new, answers)
        if refused is not None:
            before = as_old(old, answers)
            expected[before.pop() if len(before) == 1 else UNDECIDED, refused[0]] += 1
    assert len({q for _, q in expected}) == 2  # both checks refuse some, alone
    old_side, new_side = sides(old_text, new_text)
    found = Counter()
    for r in refusals(Joint(old_side[0], new_side[0])):
        found[r.from_, r.question] += r.answer_sets
    assert found == expected
    # in the diff they are headline changes of their own, beside the moves it had before
    shifts = diff_rulesets(old_side, new_side).headlines
    now = [s for s in shifts if s.to_refused]
    assert sum(s.answer_sets for s in now) == sum(expected.values())
    assert all(s.to is None and s.refused_by for s in now)
    assert any(not s.to_refused for s in shifts)


def test_each_witness_is_accepted_by_the_old_file_and_refused_by_the_new_with_its_message():
    old_text, new_text, _ = checked_pair()
    old, new = Engine(loads_rules(old_text)), Engine(loads_rules(new_text))
    old_side, new_side = sides(old_text, new_text)
    found = refusals(Joint(old_side[0], new_side[0]), {"score": 5, "age": 12})
    assert found
    for r in found:
        assert refused_by(new, r.witness) == (r.question, r.message)
        if r.from_ != UNDECIDED:
            assert old.evaluate(r.witness_old).outcome.id == r.from_


# --- the real releases: 3.0.0 -> 3.1.0 ----------------------------------------------------------


def ruleset(version: str):
    path = RELEASES / version / "rules.yaml"
    loaded = read_rules(path.read_bytes(), str(path), verify=False)
    assert loaded.ruleset is not None
    return loaded.ruleset


@pytest.fixture(scope="module")
def release_diff() -> tuple[dict, str, int]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "QUESTIONNAIRE_RULES": str(RELEASES / "3.1.0/rules.yaml"),
        }
    )
    runner = app.test_cli_runner()
    old = str(RELEASES / "3.0.0" / "rules.yaml")
    as_json = runner.invoke(args=["rules", "diff", old, "--json"])
    words = runner.invoke(args=["rules", "diff", old])
    assert as_json.exit_code == words.exit_code == 1  # a headline change: people are asked back
    return json.loads(as_json.output), words.output, as_json.exit_code


def test_3_1_0_asks_back_exactly_what_3_0_0_accepted_and_3_1_0_does_not(release_diff):
    report, words, _ = release_diff
    before, after = verify(ruleset("3.0.0")).answer_sets, verify(ruleset("3.1.0")).answer_sets
    assert (before, after) == (7_223_768_934_514_687, 6_743_032_199_118_847)
    refused = [h for h in report["headlines"] if h["to_refused"]]
    assert sum(h["answer_sets"] for h in refused) == before - after == 480_736_735_395_840
    assert (
        "480,736,735,395,840 answer sets version 3.0.0 accepted are now asked back (refused) by "
        "version 3.1.0 (6.7% of all answer sets)." in words
    )
    assert "No headline changes" not in words
    for h in report["headlines"]:  # the contract: every entry keeps its keys
        assert {"from", "to", "answer_sets", "witness", "to_refused"} <= set(h)
    assert {h["from"] for h in refused} >= {"urgent", "usually_excluded", "not_yet"}
    assert {h["refused_by"]["question"] for h in refused} == {"treatment_duration"}


def test_each_3_1_0_witness_is_accepted_by_3_0_0_and_refused_by_3_1_0(release_diff):
    report, _, _ = release_diff
    old, new = Engine(ruleset("3.0.0")), Engine(ruleset("3.1.0"))
    for h in (h for h in report["headlines"] if h["to_refused"]):
        assert old.evaluate(h["witness_old"]).outcome.id == h["from"]
        assert refused_by(new, h["witness"]) == ("treatment_duration", h["refused_by"]["message"])
        assert h["witness"]["pain_duration"] == "under_3_months"


@pytest.fixture(scope="module")
def pages() -> dict[str, object]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(RELEASES / "3.1.0" / "rules.yaml"),
            "CLINICIAN_PREVIOUS_RULES": str(RELEASES / "3.0.0" / "rules.yaml"),
        }
    )
    client = app.test_client()
    return {
        url: parse(client.get(url).get_data(as_text=True))
        for url in ("/clinician/changes", "/clinician/sign-off", "/clinician/book")
    }


@pytest.mark.parametrize("url", ["/clinician/changes", "/clinician/sign-off", "/clinician/book"])
def test_the_page_sign_off_and_book_say_what_is_now_asked_back(pages, url):
    page = pages[url]
    line = page.find(attrs={"data-now-refused": True})
    assert line is not None and line["data-now-refused"] == "480736735395840"
    said = text(line)
    assert (
        "480,736,735,395,840 answer sets version 3.0.0 accepted are now asked back (refused) by "
        "version 3.1.0" in said
    )
    assert "6.7% of all answer sets" in said
    assert "No headline changes" not in text(page)


def test_the_page_lists_each_group_with_its_message_and_an_example(pages):
    page = pages["/clinician/changes"]
    groups = page.find_all("li", class_="refused")
    assert {g["data-from"] for g in groups} >= {"urgent", "usually_excluded", "not_yet"}
    assert sum(int(g["data-answer-sets"]) for g in groups) == 480_736_735_395_840
    for g in groups:
        assert g["data-question"] == "treatment_duration"
        told = "The person is told: “Your treatment time cannot be longer than your pain."
        assert told in text(g)
        assert "Less than 3 months" in text(g) and "More than 6 months" in text(g)
    heads = page.find_all(attrs={"data-to-refused": True})
    assert heads and all("to “asked back (refused)”" in text(h) for h in heads)
