"""Fuzzing the engine with answers drawn from the loaded rules.yaml.

- Any JSON value as answers: evaluate gives a Summary or raises AnswersError, nothing else;
  check and walk never raise, and agree with evaluate.
- Valid answers (skip logic followed through the engine): evaluate never raises; the headline is
  the highest outcome of the rules that fired; the trace has one entry per rule, matched exactly
  when it fired; the fired rules, the questions asked, the dropped answers and the early stop
  all match an independent reading of the rule file. The same on the shipped rules plus rules
  that use `answered`, the one operator the shipped rules leave out.
- Valid answers with one thing wrong: an AnswersError that names that question, or the same
  summary when the engine documents the change as harmless (a repeated choice, a missing answer
  to a question that does not apply).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from fuzzing import (
    JSON_VALUES,
    UNKNOWN,
    Drawn,
    answer_objects,
    check_budget,
    count,
    examples,
    exclusive_choices,
    holds,
    other_choices,
    valid_answers,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from questionnaire.engine import AnswersError, Engine, Summary, load_rules, loads_rules
from questionnaire.web.api_schema import summary_json

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules.yaml"
ENGINE = Engine(load_rules(RULES))
QUESTIONS = ENGINE.ruleset.questions
IDS = [q.id for q in QUESTIONS]


def with_answered_rules() -> Engine:
    """The shipped rules plus, for each question with skip logic, two rules with a finding
    only: {q: it, answered: true} and {q: it, answered: false}. The shipped rules do not use
    `answered`, whose meaning on a question that was not asked is spelled out in
    docs/rules-format.md."""
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    criterion, source = data["criteria"][0]["id"], next(iter(data["meta"]["sources"]))
    for q in ENGINE.ruleset.questions:
        if q.show_if is not None:
            data["rules"] += [
                {
                    "id": f"fuzz_{q.id}_answered_{str(flag).lower()}",
                    "when": {"q": q.id, "answered": flag},
                    "finding": {"criterion": criterion, "text": f"answered: {flag}"},
                    "source": source,
                }
                for flag in (True, False)
            ]
    return Engine(loads_rules(yaml.safe_dump(data, sort_keys=False), "rules+answered.yaml"))


ANSWERED = with_answered_rules()

ANY_JSON = "test_any_json_as_answers_gives_a_summary_or_an_answers_error_and_nothing_else"
VALID = "test_valid_answers_give_the_highest_outcome_of_the_rules_that_fired"
VALID_ANSWERED = "test_answered_leaves_fire_as_documented_on_questions_that_were_not_asked"
NEAR_VALID = "test_one_wrong_answer_is_named_in_the_answers_error"
BUDGET = {
    ANY_JSON: examples(25),
    VALID: examples(25),
    VALID_ANSWERED: examples(3),
    NEAR_VALID: examples(25),
}

VALID_SETS = valid_answers(ENGINE)


# --- (a) any JSON value as answers ---------------------------------------------------------------

ANY_ANSWERS = st.one_of(
    answer_objects(ENGINE), st.dictionaries(st.text(max_size=12), JSON_VALUES), JSON_VALUES
)


@settings(max_examples=BUDGET[ANY_JSON])
@given(answers=ANY_ANSWERS)
def test_any_json_as_answers_gives_a_summary_or_an_answers_error_and_nothing_else(inputs, answers):
    count(inputs)
    problems = ENGINE.check(answers)
    try:
        summary = ENGINE.evaluate(answers)
    except AnswersError as exc:
        assert exc.problems, "an AnswersError lists at least one problem"
        assert list(exc.problems) == problems, "check and evaluate disagree"
        summary = None
    else:
        assert isinstance(summary, Summary)
        assert problems == [], "check refuses answers that evaluate accepts"
    if isinstance(answers, dict):
        walk = ENGINE.walk(answers)
        if summary is not None:
            assert walk.complete, "the wizard would ask again for answers the engine accepts"
            assert walk.stopped_after == summary.stopped_after


# --- (b) valid answers ---------------------------------------------------------------------------


def independent_reading(
    file, answers: dict[str, Any]
) -> tuple[list[str], str | None, dict[str, Any]]:
    """(questions asked, step of the early stop, what each question reads as), from the rule
    file alone: show_if, `stop: true` outcomes and their `may_continue`, evaluated by
    `fuzzing.holds`. A stop whose every certain rule's outcome may be continued is walked past
    when any later question has an answer, and so is every later one that may be continued
    (docs/rules-format.md, walk.py `Flow.read`)."""
    values: dict[str, Any] = {q.id: UNKNOWN for step in file.steps for q in step.questions}
    outcomes = {o.id: o for o in file.outcomes}
    asked: list[str] = []
    going_on = False  # walked past a stop once: every later stop that may be continued too
    for i, step in enumerate(file.steps):
        for q in step.questions:
            shown = q.show_if is None or holds(q.show_if, values, file) is True
            values[q.id] = answers.get(q.id) if shown else None
            if shown:
                asked.append(q.id)
        stops = [
            outcomes[r.outcome]
            for r in file.rules
            if r.outcome and outcomes[r.outcome].stop and holds(r.when, values, file) is True
        ]
        if not stops:
            continue
        later = [q.id for s in file.steps[i + 1 :] for q in s.questions]
        going_on = all(
            o.may_continue is not None and holds(o.may_continue, values, file) is True
            for o in stops
        ) and (going_on or any(answers.get(qid) not in (None, "", []) for qid in later))
        if not going_on:
            return asked, step.id, values
    return asked, None, values


def assert_summary_follows_the_rules(engine: Engine, drawn: Drawn) -> None:
    file = engine.ruleset.file
    rules = [r.id for r in file.rules]
    rank = {o.id: i for i, o in enumerate(file.outcomes)}  # rules.yaml order: highest first
    outcome_of = {r.id: r.outcome for r in file.rules}
    summary = engine.evaluate(drawn.answers)

    ranks = [rank[outcome_of[r]] for r in summary.fired if outcome_of[r] is not None]
    assert ranks, "no rule with an outcome fired"
    assert summary.outcome.id == file.outcomes[min(ranks)].id

    assert [t.rule for t in summary.trace] == rules
    assert [(t.rule, t.matched) for t in summary.trace] == [
        (r, r in summary.fired) for r in rules
    ], "the trace says otherwise than what fired"
    assert [f.rule for f in summary.findings] == [
        r.id for r in file.rules if r.id in summary.fired and r.finding is not None
    ]

    asked, stop, values = independent_reading(file, drawn.answers)
    assert list(drawn.required) == asked, "the engine's walk asks other questions than show_if"
    assert summary.stopped_after == stop
    assert list(summary.fired) == [r.id for r in file.rules if holds(r.when, values, file) is True]
    assert set(summary.answers) == set(drawn.required)
    assert set(summary.dropped) == set(drawn.hidden)
    assert not drawn.after_stop or stop is not None
    json.dumps(summary_json(summary, engine.sources))  # what the API sends


@settings(max_examples=BUDGET[VALID])
@given(drawn=VALID_SETS)
def test_valid_answers_give_the_highest_outcome_of_the_rules_that_fired(inputs, drawn: Drawn):
    count(inputs)
    assert_summary_follows_the_rules(ENGINE, drawn)


@settings(max_examples=BUDGET[VALID_ANSWERED])
@given(drawn=valid_answers(ANSWERED))
def test_answered_leaves_fire_as_documented_on_questions_that_were_not_asked(inputs, drawn: Drawn):
    """docs/rules-format.md: a leaf on a question hidden by show_if is false, except
    `answered: false`."""
    count(inputs)
    assert_summary_follows_the_rules(ANSWERED, drawn)


# --- (c) valid answers with one thing wrong ------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    drawn: Drawn
    kind: str
    question: str
    answers: dict[str, Any]
    expected: str | None  # the problem code, or None when the engine documents it as harmless


# Every strategy is built once: building one (above all with a lambda) costs more than drawing.
KINDS = st.sampled_from(
    (
        "missing",
        "empty",
        "wrong_type",
        "bool_for_int",
        "out_of_range",
        "unknown_choice",
        "exclusive_and_other",
        "duplicates",
        "unknown_question",
    )
)
EMPTY = st.sampled_from([None, "", []])
NOT_EMPTY_LISTS = st.lists(st.text(max_size=8), min_size=1, max_size=3)
SMALL_DICTS = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=2)
WRONG_TYPE = {
    "single": st.one_of(st.integers(), st.floats(), st.booleans(), NOT_EMPTY_LISTS, SMALL_DICTS),
    "integer": st.one_of(
        st.text(min_size=1, max_size=8),
        st.floats(),
        st.lists(st.integers(), min_size=1, max_size=3),
        SMALL_DICTS,
    ),
    "multi": st.one_of(
        st.text(min_size=1, max_size=8), st.integers(), st.floats(), st.booleans(), SMALL_DICTS
    ),
}
NOT_A_QUESTION = st.text(min_size=1, max_size=20).filter(lambda t: t not in IDS)


def _not_a_choice(choices: list[str]) -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=20).filter(lambda t: t not in choices)


NOT_A_CHOICE = {q.id: _not_a_choice([c.value for c in q.choices]) for q in QUESTIONS}
CHOICES = {
    q.id: st.lists(st.sampled_from([c.value for c in q.choices]), max_size=3)
    for q in QUESTIONS
    if q.type == "multi"
}
OTHERS = {
    q.id: st.lists(st.sampled_from(other_choices(q)), min_size=1, unique=True)
    for q in QUESTIONS
    if q.type == "multi" and other_choices(q)
}
OUT_OF_RANGE = {
    q.id: st.integers(max_value=q.min - 1) | st.integers(min_value=q.max + 1)
    for q in QUESTIONS
    if q.type == "integer"
}


def applies(kind: str, q, drawn: Drawn) -> bool:
    given_answer = q.id in drawn.answers
    return {
        "missing": given_answer,
        "empty": True,
        "wrong_type": True,
        "bool_for_int": q.type == "integer",
        "out_of_range": q.type == "integer",
        "unknown_choice": q.type != "integer",
        "exclusive_and_other": (
            q.type == "multi" and bool(exclusive_choices(q)) and bool(other_choices(q))
        ),
        "duplicates": q.type == "multi" and given_answer,
    }[kind]


def inserted(draw, items: list[Any], item: Any) -> list[Any]:
    """items with item put in at a drawn place."""
    at = draw(st.integers(0, len(items)))
    return [*items[:at], item, *items[at:]]


@st.composite
def near_valid_answers(draw) -> Mutation:
    drawn = draw(VALID_SETS)
    kind = draw(KINDS)
    answers = dict(drawn.answers)
    if kind == "unknown_question":
        name = draw(NOT_A_QUESTION)
        answers[name] = draw(JSON_VALUES)
        return Mutation(drawn, kind, name, answers, "unknown_question")
    candidates = [q for q in QUESTIONS if applies(kind, q, drawn)]
    assume(candidates)
    q = draw(st.sampled_from(candidates))
    required = q.id in drawn.required
    expected: str | None = kind
    if kind == "missing":
        del answers[q.id]
        expected = "missing" if required else None
    elif kind == "empty":
        answers[q.id] = draw(EMPTY)
        expected = "missing" if required else None
    elif kind == "wrong_type":
        answers[q.id] = draw(WRONG_TYPE[q.type])
    elif kind == "bool_for_int":
        answers[q.id] = draw(st.booleans())
        expected = "wrong_type"
    elif kind == "out_of_range":
        answers[q.id] = draw(OUT_OF_RANGE[q.id])
    elif kind == "unknown_choice" and q.type == "single":
        answers[q.id] = draw(NOT_A_CHOICE[q.id])
    elif kind == "unknown_choice":
        bad = draw(NOT_A_CHOICE[q.id] | st.integers() | st.none() | NOT_EMPTY_LISTS | SMALL_DICTS)
        answers[q.id] = inserted(draw, draw(CHOICES[q.id]), bad)
    elif kind == "exclusive_and_other":
        exclusive = draw(st.sampled_from(exclusive_choices(q)))
        answers[q.id] = inserted(draw, draw(OTHERS[q.id]), exclusive)
        expected = "exclusive"
    else:  # duplicates: a set of choices, so a repeated choice counts once (evaluate.py `read`)
        chosen = answers[q.id]
        answers[q.id] = inserted(draw, chosen, draw(st.sampled_from(chosen)))
        expected = None
    return Mutation(drawn, kind, q.id, answers, expected)


@settings(max_examples=BUDGET[NEAR_VALID])
@given(mutation=near_valid_answers())
def test_one_wrong_answer_is_named_in_the_answers_error(inputs, mutation: Mutation):
    count(inputs)
    if mutation.expected is None:
        summary = ENGINE.evaluate(mutation.answers)
        original = ENGINE.evaluate(mutation.drawn.answers)
        assert summary.outcome == original.outcome
        assert summary.fired == original.fired
        assert summary.answers == original.answers
        return
    with pytest.raises(AnswersError) as raised:
        ENGINE.evaluate(mutation.answers)
    named = {(p.question, p.code) for p in raised.value.problems}
    assert (mutation.question, mutation.expected) in named, named
    assert ENGINE.check(mutation.answers) == list(raised.value.problems)


def test_every_engine_fuzz_test_ran_its_planned_inputs(inputs, failed):
    check_budget(BUDGET, inputs, failed)
