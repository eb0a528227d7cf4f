"""Property tests: random rule files and random answers, the engine against a reference.

Hypothesis writes small rule files that use every operator, nested all/any/not, skip logic,
stopping rules that read questions of several steps, integers and multi-selects, sometimes with
a gap in the headlines; then random answers (mostly valid, some missing or wrong). `evaluate`,
`check`, the wizard's `walk` and the verifier must agree with `reference_interpreter.py`, which
was written from docs/rules-format.md and shares no code with the engine.
"""

from __future__ import annotations

import pytest
import reference_interpreter as ref
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_scale import PHASES, SCALE

from questionnaire.engine import AnswersError, Engine, QuestionnaireError, RulesError, loads_rules
from questionnaire.engine.verify.symbolic import verify

PROPERTY = settings(
    max_examples=round(120 * SCALE),
    deadline=None,
    derandomize=True,
    database=None,
    report_multiple_bugs=False,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
VALUES = ("yes", "no", "low", "mid", "high")  # yes/no: YAML must keep them as words
OPERATORS = {
    "single": ("is", "in", "not_in", "answered"),
    "ordered": ("is", "in", "not_in", "at_least", "at_most", "between", "answered"),
    "integer": ("is", "in", "not_in", "at_least", "at_most", "between", "answered"),
    "multi": ("has", "has_any", "has_all", "answered"),
}
SOURCES = {"src": {"title": "A source", "url": "https://example.org/source"}}
PAGE = {"title": "A page", "sections": [{"text": "Some words."}]}


# --- Rule files ------------------------------------------------------------------------------


@st.composite
def question(draw, qid: str) -> dict:
    kind = draw(st.sampled_from(["single", "multi", "integer"]))
    made: dict = {
        "id": qid,
        "type": kind,
        "short": f"answer {qid}",
        "prompt": f"What {qid}?",
        "errors": {"required": "Answer this."},
    }
    if kind == "integer":
        low = draw(st.integers(0, 2))
        made |= {"min": low, "max": low + draw(st.integers(1, 3))}
        made["errors"]["range"] = "Pick a number in the range."
        return made
    values = draw(st.permutations(VALUES))
    if kind == "single":
        count = draw(st.integers(2, 3))
        made["choices"] = [{"value": v, "label": v.title()} for v in values[:count]]
        made["ordered"] = draw(st.booleans())
        return made
    made["choices"] = [{"value": v, "label": v.title()} for v in values[: draw(st.integers(1, 2))]]
    made["choices"].append({"value": "none", "label": "None of these", "exclusive": True})
    made["errors"]["exclusive"] = "Tick none on its own."
    return made


def _kind(q: dict) -> str:
    return "ordered" if q["type"] == "single" and q.get("ordered") else q["type"]


@st.composite
def leaf(draw, questions: list[dict]) -> dict:
    q = draw(st.sampled_from(questions))
    op = draw(st.sampled_from(OPERATORS[_kind(q)]))
    if op == "answered":
        return {"q": q["id"], op: draw(st.booleans())}
    values = ref.domain(q) if q["type"] != "multi" else [c["value"] for c in q["choices"]]
    if op in ("in", "not_in", "has_any", "has_all"):
        return {"q": q["id"], op: draw(st.lists(st.sampled_from(values), min_size=1, max_size=3))}
    if op == "between":
        low, high = sorted(
            draw(st.lists(st.sampled_from(values), min_size=2, max_size=2)),
            key=lambda v: ref._rank(q, v),
        )
        return {"q": q["id"], op: [low, high]}
    return {"q": q["id"], op: draw(st.sampled_from(values))}


@st.composite
def condition(draw, questions: list[dict], depth: int = 2) -> dict:
    """A leaf, always, or all/any/not of smaller conditions (nested up to `depth`)."""
    pick = draw(st.integers(0, 6 if depth else 2))
    if pick == 0 or not questions:
        return {"always": draw(st.booleans())}
    if pick <= 2:
        return draw(leaf(questions))
    if pick == 6:
        return {"not": draw(condition(questions, depth - 1))}
    parts = [draw(condition(questions, depth - 1)) for _ in range(draw(st.integers(1, 3)))]
    return {"all" if pick % 2 else "any": parts}


def _outcome(oid: str, urgency: str, stop: bool = False) -> dict:
    return {
        "id": oid,
        "title": f"Outcome {oid}",
        "message": "Talk to a clinician.",
        "urgency": urgency,
        "stop": stop,
    }


def _rule(rid: str, when: dict, outcome: str | None) -> dict:
    made = {"id": rid, "when": when, "source": "src"}
    if outcome:
        made["outcome"] = outcome
    else:
        made["finding"] = {"criterion": "general", "text": "Something to know."}
    return made


@st.composite
def stop_condition(draw, questions: list[dict]) -> dict:
    """A stopping rule of one of the shapes that decide where the walk stops: certain from the
    start (`always`, or `any` with `always` beside a later question), certain only once a later
    step is answered (`all`, `not`), or reading a question that skip logic may hide."""
    inner = draw(condition(questions, 1))
    later = draw(leaf(questions[-1:])) if questions else {"always": True}
    shapes = [
        {"always": draw(st.booleans())},
        {"any": [{"always": True}, later]},
        {"any": [inner, later]},
        {"all": [{"always": True}, later]},
        {"all": [inner, later]},
        {"not": {"all": [{"always": False}, later]}},
        {"not": later},
        {"q": questions[-1]["id"], "answered": draw(st.booleans())} if questions else inner,
        inner,
    ]
    return draw(st.sampled_from(shapes))


@st.composite
def steps(draw, chained: bool = False) -> list[dict]:
    """Up to three steps of up to five questions; with `chained`, skip logic mostly reads the
    question just before, so one hidden question hides the next."""
    made, asked = [], []
    for s in range(draw(st.integers(1, 3))):
        step = {"id": f"step{s}", "title": f"Step {s}", "questions": []}
        for _ in range(draw(st.integers(1, 2))):
            if len(asked) == 5:
                break
            q = draw(question(f"q{len(asked)}"))
            if asked and chained and draw(st.integers(0, 3)):
                q["show_if"] = draw(condition(asked[-1:], 1))
            elif asked and draw(st.integers(0, 2)) == 0:
                q["show_if"] = draw(condition(asked, 1))
            asked.append(q)
            step["questions"].append(q)
        if step["questions"]:
            made.append(step)
    return made


@st.composite
def rule_files(draw, stops: bool = False) -> dict:
    """A rule file; with `stops`, its stopping rule has one of the shapes of `stop_condition`
    and its skip logic is chained."""
    made_steps = draw(steps(chained=stops))
    asked = [q for s in made_steps for q in s["questions"]]
    outcomes = [
        _outcome("stop_now", "emergency", True),
        _outcome("high", "urgent"),
        _outcome("low", "routine"),
    ]
    named = [o["id"] for o in outcomes]
    extra = draw(st.lists(st.sampled_from([*named, None]), max_size=4))
    rules = [
        _rule(f"rule{i}", draw(condition(asked)), oid) for i, oid in enumerate([*named, *extra])
    ]
    if stops:
        rules[0]["when"] = draw(stop_condition(asked))
    if draw(st.integers(0, 5)):  # mostly: a catch-all, so every answer gets a headline
        rules.append(_rule("catch_all", {"always": True}, "low"))
    return {
        "meta": {
            "title": "Property test",
            "version": "0.1",
            "reviewed": "2026-12-01",
            "sources": SOURCES,
        },
        "criteria": [{"id": "general", "title": "General"}],
        "steps": made_steps,
        "outcomes": outcomes,
        "rules": rules,
        "notes": [
            {"id": "consult", "title": "Consult", "text": "See a doctor.", "source": "src"},
            {"id": "regulatory", "title": "Rules", "text": "Not approved.", "source": "src"},
        ],
        "pages": {"start": PAGE, "help": PAGE},
    }


# --- Answers ---------------------------------------------------------------------------------


def wrong_answers(q: dict) -> st.SearchStrategy:
    if q["type"] == "integer":
        return st.sampled_from(["2", True, 2.5, q["max"] + 1, q["min"] - 1])
    if q["type"] == "single":
        return st.sampled_from([3, "not_a_choice", ["yes"], False])
    other = q["choices"][0]["value"]
    return st.sampled_from(["none", ["none", other], ["not_a_choice"], [1], {"a": 1}])


@st.composite
def answer_sets(draw, rules: dict) -> dict:
    answers = {}
    for q in ref.questions(rules):
        pick = draw(st.integers(0, 19))
        if pick == 0:
            continue  # no answer
        if pick == 1:
            answers[q["id"]] = draw(st.sampled_from(["", [], None]))
        elif pick == 2:
            answers[q["id"]] = draw(wrong_answers(q))
        else:
            answers[q["id"]] = draw(st.sampled_from(ref.domain(q)))
    if draw(st.integers(0, 19)) == 0:
        answers["no_such_question"] = "yes"
    return answers


def engine_for(rules: dict) -> Engine:
    return Engine(loads_rules(yaml.safe_dump(rules, sort_keys=False), verify=False))


# --- Properties ------------------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_evaluate_and_check_agree_with_the_reference(data):
    rules = data.draw(rule_files(), "rules")
    answers = data.draw(answer_sets(rules), "answers")
    expected = ref.run(rules, answers)
    engine = engine_for(rules)
    assert {p.question for p in engine.check(answers)} == expected.problems
    if expected.problems:
        with pytest.raises(AnswersError) as caught:
            engine.evaluate(answers)
        assert {p.question for p in caught.value.problems} == expected.problems
        return
    if expected.outcome is None:
        with pytest.raises(QuestionnaireError, match="no headline"):
            engine.evaluate(answers)
        return
    summary = engine.evaluate(answers)
    assert (summary.outcome.id, list(summary.fired)) == (expected.outcome, expected.fired)
    assert summary.answers == expected.used
    assert (list(summary.dropped), summary.stopped_after) == (
        expected.dropped,
        expected.stopped_after,
    )
    assert [t.rule for t in summary.trace if t.matched] == expected.fired


@PROPERTY
@given(data=st.data())
def test_the_wizards_walk_agrees_with_the_reference(data):
    rules = data.draw(rule_files(), "rules")
    answers = data.draw(answer_sets(rules), "answers")
    expected = ref.run(rules, answers)
    walk = engine_for(rules).walk(answers)
    assert list(walk.shown) == expected.shown
    assert list(walk.missing) == expected.missing
    assert [p.question for p in walk.problems] == expected.invalid
    assert list(walk.dropped) == expected.dropped
    assert walk.stopped_after == expected.stopped_after
    assert walk.answers == expected.used


def _deciders(rules: dict, result: ref.Result) -> set[str]:
    """The outcome rules that give this result its headline."""
    outcome_of = {r["id"]: r.get("outcome") for r in rules["rules"]}
    return {r for r in result.fired if outcome_of[r] and outcome_of[r] == result.outcome}


@settings(PROPERTY, max_examples=max(1, round(50 * SCALE)))
@given(rules=rule_files())
def test_the_verifier_agrees_with_every_answer_set(rules):
    verifier_agrees(rules)


@settings(PROPERTY, max_examples=max(1, round(60 * SCALE)))
@given(rules=rule_files(stops=True))
def test_the_verifier_stops_where_the_engine_stops(rules):
    """Stopping rules of every shape, over chained skip logic: the verifier's counts and dead
    rules are the reference's, and every example it gives does in the engine what it claims."""
    report = verifier_agrees(rules)
    engine = engine_for(rules)
    outcome_of = {r["id"]: r.get("outcome") for r in rules["rules"]}
    for rule, answers in report.witnesses.items():
        assert list(engine.walk(answers).shown) == list(answers), f"witness of {rule}"
        assert rule in engine.evaluate(answers).fired, f"witness of {rule}"
    for rule, answers in report.wins.items():
        summary = engine.evaluate(answers)
        assert summary.outcome.id == outcome_of[rule] and rule in summary.fired, f"win of {rule}"
    for answers in report.gaps:
        with pytest.raises(QuestionnaireError, match="no headline"):
            engine.evaluate(answers)


def verifier_agrees(rules: dict):
    """The verifier's report on a rule file against every answer set the reference accepts."""
    every = ref.every_answer_set(rules)
    engine = engine_for(rules)
    report = verify(engine.ruleset)
    assert report.answer_sets == len(every)
    fired = {r for result in every.values() for r in result.fired}
    decided = {r for result in every.values() for r in _deciders(rules, result)}
    ids = [r["id"] for r in rules["rules"]]
    assert report.never_match == [r for r in ids if r not in fired]
    outcome_rules = [r["id"] for r in rules["rules"] if r.get("outcome")]
    assert sorted(report.never_win) == sorted(r for r in outcome_rules if r not in decided)
    has_gap = any(result.outcome is None for result in every.values())
    assert bool(report.gaps) == has_gap
    for rule, answers in report.witnesses.items():
        assert rule in ref.run(rules, answers).fired, f"witness of {rule}"
    for rule, answers in report.wins.items():
        assert rule in _deciders(rules, ref.run(rules, answers)), f"win of {rule}"
    for answers in report.gaps:
        assert ref.run(rules, answers).outcome is None
    return report


@settings(PROPERTY, max_examples=max(1, round(30 * SCALE)))
@given(rules=rule_files())
def test_a_rule_file_loads_exactly_when_every_answer_set_gets_a_headline(rules):
    has_gap = any(r.outcome is None for r in ref.every_answer_set(rules).values())
    text = yaml.safe_dump(rules, sort_keys=False)
    if has_gap:
        with pytest.raises(RulesError, match="no headline"):
            loads_rules(text)
    else:
        loads_rules(text)
