""" "What changed" between rule files that ask different questions (issue 22): compared on the
joint answer space, counted as the new file's answer sets, by cause.

Checked against outside references: the engine (each witness evaluated under both files gives
the claimed headlines), brute-force enumeration of every answer set of small generated rule
files (one adds a question, a choice and a continuable stop; one also removes a question that an
old outcome read), and the 3.0.0 changelog entry's list of what moves headlines."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pages import parse, text

from questionnaire import create_app
from questionnaire.engine import Engine, QuestionnaireError, loads_rules, read_rules
from questionnaire.engine.verify.causes import causes
from questionnaire.engine.verify.diff import diff_rulesets
from questionnaire.engine.verify.joint import UNDECIDED, Joint

ROOT = Path(__file__).resolve().parents[2]
OLD_RELEASE = ROOT / "releases" / "2.0.1" / "rules.yaml"
NEW_RELEASE = ROOT / "releases" / "3.0.0" / "rules.yaml"

# --- small generated pairs, enumerated ----------------------------------------------------------

OLD = """
meta:
  title: t
  version: "1"
  reviewed: 2026-12-06
  sources: {s: {title: S, url: "https://example.org"}}
criteria: [{id: c, title: C}]
steps:
  - id: signs
    title: Signs
    questions:
      - id: signs
        type: multi
        short: signs
        prompt: Signs?
        choices:
          - {value: hot, label: Hot}
          - {value: sore, label: Sore}
          NEWCHOICE
          - {value: none, label: None, exclusive: true}
        errors: {required: Pick, exclusive: Not both}
  - id: rest
    title: Rest
    questions:
      - id: score
        type: integer
        min: 0
        max: 10
        short: score
        prompt: Score?
        errors: {required: Give a score, range: 0 to 10}
      PLACE
      AGE
outcomes:
  - {id: soon, title: Soon, message: m, urgency: urgent, stop: true, MAY}
  - {id: out, title: Out, message: m, urgency: routine}
  - {id: later, title: Later, message: m, urgency: routine}
  - {id: fine, title: Fine, message: m, urgency: routine}
rules:
  - {id: sign, when: {q: signs, has_any: SIGNS}, outcome: soon, source: s}
  - {id: high, when: {q: score, at_least: 7}, outcome: out, source: [s]}
  - id: low
    when: {q: score, at_most: 3}
    outcome: later
    finding: {criterion: c, text: Low.}
    source: s
  - {id: rest, when: {always: true}, outcome: fine, source: s}
  RULES
notes:
  - {id: consult, title: C, text: Talk., source: s, after_stop: true}
  - {id: regulatory, title: R, text: FDA., source: [s]}
pages:
  start: {title: S, sections: [{text: x}]}
  help: {title: H, sections: [{text: x}]}
"""
PLACE = """- id: place
        type: single
        short: place
        prompt: Where?
        choices: [{value: here, label: Here}, {value: there, label: There}]
        errors: {required: Pick}"""
AGE = """- id: age
        type: integer
        min: 0
        max: 20
        short: age
        prompt: Age?
        errors: {required: Give an age, range: 0 to 20}"""
THERE = "- {id: there, when: {q: place, is: there}, outcome: out, source: s}"
YOUNG = "- {id: young, when: {q: age, at_most: 15}, outcome: out, source: s}"
COLD = "- {value: cold, label: Cold}"


def rule_file(*, new: bool, removes_place: bool = False) -> str:
    """OLD: signs, score, place (an outcome reads it). NEW: a new `age` question and rule, a new
    sign `cold`, the stop continuable unless hot; with removes_place, no `place` question."""
    keep_place = not (new and removes_place)
    parts = {
        "NEWCHOICE": COLD if new else "",
        "PLACE": PLACE if keep_place else "",
        "AGE": AGE if new else "",
        "MAY": "may_continue: {not: {q: signs, has: hot}}" if new else "actions: []",
        "SIGNS": "[hot, sore, cold]" if new else "[hot, sore]",
        "RULES": "\n  ".join(([THERE] if keep_place else []) + ([YOUNG] if new else [])),
    }
    out = OLD
    for key, value in parts.items():
        out = out.replace(key, value)
    return out


def values(question: Any) -> list[Any]:
    if question.type == "integer":
        return list(range(question.min, question.max + 1))
    if question.type == "single":
        return [c.value for c in question.choices]
    plain = [c.value for c in question.choices if not c.exclusive]
    subsets = [list(s) for n in range(1, len(plain) + 1) for s in itertools.combinations(plain, n)]
    return [*subsets, [c.value for c in question.choices if c.exclusive]]


def answer_sets(engine: Engine) -> list[dict[str, Any]]:
    """Every complete answer set of a rule file: each full product of answers as the walk asks
    it, and each stop that may be continued, not continued."""
    questions = engine.ruleset.questions
    found: dict[str, dict[str, Any]] = {}
    for combo in itertools.product(*(values(q) for q in questions)):
        full = dict(zip([q.id for q in questions], combo, strict=True))
        walk = engine.walk(full)
        for shown in (list(walk.shown), [questions[0].id]):
            answers = {q: full[q] for q in shown}
            try:
                engine.evaluate(answers)
            except QuestionnaireError:
                continue  # a first step alone that does not stop
            found[json.dumps(answers, sort_keys=True)] = answers
    return list(found.values())


def as_old(old: Engine, answers: dict[str, Any]) -> set[str | None]:
    """Every headline the old file can give these answers, as it would have been given them:
    its own questions only, choices it did not offer left out ("none" if nothing is left), and
    any answer to what else it asks."""
    qs = {q.id: q for q in old.ruleset.questions}
    seen = {}
    for qid, answer in answers.items():
        if qid in qs and isinstance(answer, list):
            offered = [v for v in answer if v in {c.value for c in qs[qid].choices}]
            seen[qid] = offered or [c.value for c in qs[qid].choices if c.exclusive]
        elif qid in qs:
            seen[qid] = answer
    rest = [q for q in qs if q not in seen]
    headlines = set()
    for combo in itertools.product(*(values(qs[q]) for q in rest)):
        full = {**seen, **dict(zip(rest, combo, strict=True))}
        asked = {q: full[q] for q in old.walk(full).shown}
        headlines.add(old.evaluate(asked).outcome.id)
    return headlines


def brute_force(old_text: str, new_text: str) -> Counter[tuple[str | None, str]]:
    old, new = Engine(loads_rules(old_text)), Engine(loads_rules(new_text))
    moves: Counter[tuple[str | None, str]] = Counter()
    for answers in answer_sets(new):
        before, after = as_old(old, answers), new.evaluate(answers).outcome.id
        was = before.pop() if len(before) == 1 else UNDECIDED
        if was != after:
            moves[was, after] += 1
    return moves


def sides(old_text: str, new_text: str):
    def side(text_: str, name: str):
        loaded = read_rules(text_.encode(), name, verify=False)
        assert loaded.ruleset is not None, loaded.problems
        return loaded.ruleset, loaded.raw, loaded.marks

    return side(old_text, "old.yaml"), side(new_text, "new.yaml")


@pytest.mark.parametrize("removes_place", [False, True], ids=["adds", "adds-and-removes"])
def test_counts_on_a_small_pair_equal_brute_force_enumeration(removes_place):
    old_text, new_text = rule_file(new=False), rule_file(new=True, removes_place=removes_place)
    old, new = sides(old_text, new_text)
    found = Counter()
    for shift in diff_rulesets(old, new).headlines:
        found[UNDECIDED if shift.undecided else shift.from_, shift.to] += shift.answer_sets
    expected = brute_force(old_text, new_text)
    assert found == expected
    assert (UNDECIDED, "out") in expected if removes_place else (UNDECIDED, "soon") in expected
    # by cause: the same answer sets, split without overlap; the new age question is one cause
    by_cause = causes(old[0], new[0], {})
    totals = Counter()
    for c in by_cause:
        totals[c.from_, c.to] += c.answer_sets
    assert totals == expected
    young = [c for c in by_cause if c.item == "question:age"]
    assert young and all(c.rule == "young" and c.to == "out" for c in young)
    assert all(c.witness["age"] <= 15 for c in young)
    cold = [c for c in by_cause if c.item == "choices:signs"]
    assert cold and all(c.to == "soon" and "cold" in c.witness["signs"] for c in cold)


def test_every_count_is_of_the_new_files_answer_sets():
    old, new = sides(rule_file(new=False), rule_file(new=True))
    joint = Joint(old[0], new[0])
    assert joint.total == len(answer_sets(Engine(new[0])))
    assert sum(joint.count(u) for _, u in joint.old_heads) == joint.total


# --- the real releases: 2.0.1 -> 3.0.0 ----------------------------------------------------------

# What moves headlines in 3.0.0, as its changelog entry names it (docs/rules-changelog.md):
# (rule, new question or choices of a question, the choices, the new headline)
CHANGELOG_3_0_0 = [
    ("cauda_equina_signs", "choices:warning_signs", {"sexual_function"}, "emergency"),
    (
        "brain_signs",
        "choices:warning_signs",
        {"face_vision_speech", "sudden_headache"},
        "emergency",
    ),
    ("meningitis_signs", "choices:warning_signs", {"fever_stiff_neck"}, "emergency"),
    ("heart_or_aorta_signs", "choices:warning_signs", {"aorta_pain"}, "emergency"),
    ("fever_with_infection_risk", "choices:warning_signs", {"infection_risk"}, "emergency"),
    ("spine_signs", "choices:warning_signs", {"upper_back_pain"}, "urgent"),
    ("infection_risk_sign", "choices:warning_signs", {"infection_risk"}, "urgent"),
    ("minor_fall_sign", "choices:warning_signs", {"minor_fall_weak_bones"}, "urgent"),
    ("under_18", "question:age", set(), "usually_excluded"),
    ("three_or_more_discs", "question:disc_count", set(), "usually_excluded"),
    (
        "previous_spine_fracture",
        "choices:previous_procedures",
        {"spine_fracture"},
        "usually_excluded",
    ),
]


def cli_diff(old: Path, new: Path) -> dict[str, Any]:
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "QUESTIONNAIRE_RULES": str(new)})
    result = app.test_cli_runner().invoke(args=["rules", "diff", str(old), str(new), "--json"])
    assert result.exit_code == 1, result.output[-2000:]
    return json.loads(result.output)


@pytest.fixture(scope="module")
def release_diff() -> dict[str, Any]:
    return cli_diff(OLD_RELEASE, NEW_RELEASE)


def test_each_cause_the_changelog_names_is_listed_with_its_move(release_diff):
    listed = release_diff["causes"]
    for rule, item, choices, to in CHANGELOG_3_0_0:
        found = [c for c in listed if (c["rule"], c["item"], c["to"]) == (rule, item, to)]
        assert found, (rule, item, to)
        assert all(c["answer_sets"] > 0 for c in found)
        if item.startswith("choices:"):
            ticked = [set(c["witness"][item.split(":")[1]]) for c in found]
            assert all(choices & each for each in ticked), (rule, ticked)
    age = next(c for c in listed if c["item"] == "question:age")
    assert age["witness"]["age"] == 17  # under 18, nearest the typical 45
    assert "the new question “age”" in age["item_text"]


def test_each_witness_gets_the_claimed_headlines_from_the_engine(release_diff):
    old = Engine(read_rules(OLD_RELEASE.read_bytes(), str(OLD_RELEASE), verify=False).ruleset)
    new = Engine(read_rules(NEW_RELEASE.read_bytes(), str(NEW_RELEASE), verify=False).ruleset)
    shifts = release_diff["headlines"] + release_diff["causes"]
    for shift in shifts:
        assert new.evaluate(shift["witness"]).outcome.id == shift["to"], shift
        if shift["from_undecided"]:  # the old file asked more: its headline is not settled
            assert shift["from"] is None
            given = {q: a for q, a in shift["witness_old"].items() if q in shift["witness"]}
            assert old.settled(given) is None, shift
        else:
            assert old.evaluate(shift["witness_old"]).outcome.id == shift["from"], shift
    # the causes split the headline changes exactly
    by_pair = Counter()
    for c in release_diff["causes"]:
        by_pair[c["from"], c["to"]] += c["answer_sets"]
    assert by_pair == Counter(
        {(h["from"], h["to"]): h["answer_sets"] for h in release_diff["headlines"]}
    )


def test_the_stopped_new_signs_are_counted_as_the_changelog_implies(release_diff):
    """Independent of the verifier: a person who ticks only new signs got "none" from 2.0.1,
    which then asked about the pain (its headline not decided); 3.0.0 stops at once. Of the 2^8
    sets of the eight new signs, the engine says which stop, and how."""
    new = Engine(read_rules(NEW_RELEASE.read_bytes(), str(NEW_RELEASE), verify=False).ruleset)
    signs = ["sexual_function", "face_vision_speech", "fever_stiff_neck", "sudden_headache"]
    signs += ["aorta_pain", "upper_back_pain", "infection_risk", "minor_fall_weak_bones"]
    stops: Counter[str] = Counter()
    for n in range(1, len(signs) + 1):
        for ticked in itertools.combinations(signs, n):
            stops[new.evaluate({"warning_signs": list(ticked)}).outcome.id] += 1
    undecided = {
        h["to"]: h["answer_sets"] for h in release_diff["headlines"] if h["from_undecided"]
    }
    assert undecided == dict(stops) == {"emergency": 248, "urgent": 7}


# --- the page -----------------------------------------------------------------------------------


def page_for(old: Path, new: Path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(new),
            "CLINICIAN_PREVIOUS_RULES": str(old),
        }
    )
    response = app.test_client().get("/clinician/changes")
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def release_page():
    return page_for(OLD_RELEASE, NEW_RELEASE)


def test_the_page_lists_2_0_1_to_3_0_0_by_cause(release_page, release_diff):
    page = release_page
    causes_ = page.find_all("li", class_="cause")
    assert len(causes_) == len(release_diff["causes"]) > 20
    pairs = {(c["data-rule"], c["data-item"], c["data-to"]) for c in causes_}
    for rule, item, _, to in CHANGELOG_3_0_0:
        assert (rule, item, to) in pairs
    age = next(c for c in causes_ if c["data-item"] == "question:age")
    assert "The new question “age”" in text(age) and "→ “Some of your answers" in text(age)
    undecided = [c for c in causes_ if c.has_attr("data-undecided")]
    assert undecided and all("not decided: version 2.0.1 asked more" in text(c) for c in undecided)
    notice = text(page.find(attrs={"data-questions-differ": True}))
    assert "New questions: age, disc_count." in notice
    assert (
        "warning_signs.sexual_function" in notice and "previous_procedures.spine_fracture" in notice
    )
    assert "Counts are of version 3.0.0’s sets of answers" in notice
    continues = text(page.find(attrs={"data-continues": True}))
    assert "go on past a stop (“See a doctor within 24 hours”)" in continues


HEALTH = """        type: single
        short: general health
        prompt: How would you describe your general health?
        choices:
          - {value: good, label: Good}
          - {value: fair, label: Fair}
          - {value: poor, label: Poor}
        errors:
          required: Select how you would describe your general health
"""


def test_a_question_that_changed_its_kind_of_answer_is_said_plainly_not_a_500(tmp_path):
    """The one case the joint space cannot compare: an id kept for another kind of answer (a
    question removed only leaves its answer sets "not decided")."""
    source = OLD_RELEASE.read_text(encoding="utf-8")
    assert source.count(HEALTH) == 1 and source.count("{q: overall_health, is: poor}") == 1
    retyped = source.replace(
        HEALTH,
        HEALTH.replace("type: single", "type: multi")
        .replace(
            "{value: poor, label: Poor}\n",
            "{value: poor, label: Poor}\n          - {value: none, label: None, exclusive: true}\n",
        )
        .replace(
            "          required: Select how",
            "          exclusive: Choose it alone\n          required: Select how",
        ),
    ).replace("{q: overall_health, is: poor}", "{q: overall_health, has: poor}")
    old = tmp_path / "old.yaml"
    old.write_text(retyped, encoding="utf-8")
    result = (
        create_app({"TESTING": True, "SECRET_KEY": "t", "QUESTIONNAIRE_RULES": str(NEW_RELEASE)})
        .test_cli_runner()
        .invoke(args=["rules", "diff", str(old), str(NEW_RELEASE)])
    )
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output[-3000:]
    assert "Headlines not compared: " in result.output
    assert "overall_health (multi -> single)" in result.output
    page = page_for(old, NEW_RELEASE)
    note = page.find(attrs={"data-causes": "none"})
    assert note is not None and "takes another kind of answer" in text(note)
    assert "overall_health (multi -> single)" in text(note)
