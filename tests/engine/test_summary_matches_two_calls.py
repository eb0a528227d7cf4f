"""`Engine.summary(walk)` (the patient's summary page since v3.1) against the page's earlier two
calls, written out here as the reference: walk the answers, then `settled(answers)` while a
question before any stop is open, else `evaluate(walk.answers)` (`finished_walk` in
questionnaire/web/patient.py before commit 9ca6b24).

`settled` and `summary` share `_settled`, so the reference does not trust `settled` for what that
shares: an answer set with an unknown name is never settled, and one with a contradiction is
settled as the same answers without it, kept only when the headline is emergency or urgent care
(else the contradiction is asked back). Both sides of each are generated on purpose, beside every
warning sign: answers made dropped by a changed earlier answer, unknown names, invalid values,
contradictions, and partial answer sets.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_scale import PHASES, SCALE
from sample_answers import DISCUSS_ANSWERS

from questionnaire.engine import Engine, Summary
from questionnaire.engine.evaluation.studies import match_studies
from questionnaire.engine.load.studies import load_studies

ROOT = Path(__file__).resolve().parents[2]
MANY = settings(
    max_examples=round(1200 * SCALE),
    deadline=None,
    derandomize=True,
    database=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# The contradiction in rules.yaml: treated for over 6 months, in pain for under 3.
CONTRADICTION = {"treatment_duration": "over_6_months", "pain_duration": "under_3_months"}
UNKNOWN = ("pain_level", "nonsense")
BAD_VALUES: tuple[object, ...] = ("bogus", -1, 999, "abc", 3.5, None, [], ["bogus"], {"a": 1})


@pytest.fixture(scope="module")
def studies(engine):
    return load_studies(ROOT / "studies.yaml", {"en": engine.ruleset})["en"]


def two_calls(engine: Engine, answers: dict, trace: bool = False) -> Summary | None:
    """What the summary page showed before `Engine.summary`: None sends the patient back to
    the first open question."""
    walk = engine.walk(answers)
    if walk.stopped_after is None and not walk.complete:
        if set(answers) - {q.id for q in engine.ruleset.questions}:
            return None  # an unknown name: not settled
        refused = {p.question for p in walk.problems if p.code == "contradiction"}
        if refused and len(refused) == len(walk.problems):
            rest = engine.settled(
                {q: a for q, a in answers.items() if q not in refused}, trace=trace
            )
            if rest is None or rest.outcome.urgency == "routine":
                return None  # asked back first
            return dataclasses.replace(rest, dropped=walk.dropped)
        return engine.settled(answers, trace=trace)
    evaluated = engine.evaluate(walk.answers, trace=trace)  # read again, without dropped answers
    return dataclasses.replace(evaluated, dropped=walk.dropped)


def studies_then(engine: Engine, studies, summary: Summary) -> list[tuple[str, bool]]:
    """The studies the page listed, with whether the answers meet each one's main criteria:
    none beside emergency or urgent care; else judged on a second reading of the answers."""
    if summary.outcome.urgency != "routine":
        return []
    keys = engine.flow.read(summary.answers)[1].keys
    return sorted(
        (s.nct_id, studies.criteria[s.nct_id].truth(keys) is True) for s in studies.studies
    )


def compare(engine: Engine, studies, answers: dict, trace: bool = False) -> str:
    """Assert that the one walk gives what the two calls gave; name what kind of page it was."""
    walk = engine.walk(answers)
    got, expected = engine.summary(walk, trace=trace), two_calls(engine, answers, trace)
    assert (got is None) == (expected is None), (answers, got, expected)  # redirect or summary
    if got is None or expected is None:
        return "redirect"
    seen = (got.outcome.id, got.findings, got.notes, got.unanswered, got.fired, got.answers)
    assert seen == (
        expected.outcome.id,
        expected.findings,
        expected.notes,
        expected.unanswered,
        expected.fired,
        expected.answers,
    ), answers
    assert got == expected, answers  # and the rest: stop, dropped, reasons, trace
    assert dict(got.keys) == dict(expected.keys), answers  # what the studies' criteria read
    assert not set(got.dropped) & set(got.answers), answers  # a dropped answer is never used
    matched = sorted((m.study.nct_id, m.meets) for m in match_studies(studies, got))
    assert matched == studies_then(engine, studies, expected), answers
    if got.outcome.urgency != "routine":
        assert matched == [], answers
    signs = answers.get("warning_signs")
    if (
        isinstance(signs, list)
        and signs
        and "none" not in signs
        and walk.answers.get("warning_signs")
    ):
        assert got.outcome.urgency != "routine", answers  # a warning sign is never routine
    return "stop" if got.stopped_after else "settled" if got.unanswered else "complete"


def value(question, draw):
    """A valid answer to the question (boundaries of the age rules among the numbers)."""
    if question.type == "integer":
        near = [n for n in (17, 18, 50, 75, 76) if question.min <= n <= question.max]
        return draw(st.sampled_from([question.min, question.max, *near]))
    values = [c.value for c in question.choices]
    if question.type == "single":
        return draw(st.sampled_from(values))
    if "none" in values and draw(st.integers(0, 4)) == 0:
        return ["none"]
    chosen = draw(st.lists(st.sampled_from(values[:-1]), min_size=1, max_size=3, unique=True))
    return chosen


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in n draws (hypothesis's own booleans lean to False)."""
    return st.sampled_from([True] + [False] * (n - 1))


@st.composite
def answer_sets(draw, engine: Engine) -> dict:
    """Valid answers to every question, then on purpose: a warning sign (any one, two, or one
    beside "none"), a changed earlier answer that drops later ones, or the contradiction, a bad
    value, an unknown name, and only part of the answers (the first ones, or one left out)."""
    questions = engine.ruleset.questions
    answers = {q.id: value(q, draw) for q in questions}
    signs = [c.value for c in questions[0].choices if c.value != "none"]
    answers["warning_signs"] = draw(
        st.sampled_from(["none", "none", "one", "one", "one", "two", "two", "with none"]).flatmap(
            lambda how: (
                st.just(["none"])
                if how == "none"
                else st.sampled_from(signs).map(lambda s: [s, "none"])
                if how == "with none"
                else st.lists(
                    st.sampled_from(signs), min_size=1, max_size=len(how) - 1, unique=True
                )
            )
        )
    )
    change = draw(st.sampled_from(["none", "dropped", "contradiction", "contradiction"]))
    if change == "dropped":
        answers["treatments_tried"] = ["none"]  # changed: duration and relief no longer apply
    elif change == "contradiction":
        answers |= CONTRADICTION
    if draw(one_in(8)):
        answers[draw(st.sampled_from([q.id for q in questions]))] = draw(
            st.sampled_from(BAD_VALUES)
        )
    if draw(one_in(5)):
        answers[draw(st.sampled_from(UNKNOWN))] = "yes"
    names = list(answers)
    if draw(one_in(3)):
        names = names[: draw(st.integers(1, len(names)))]
    if draw(one_in(3)):
        names.remove(draw(st.sampled_from(names)))
    return {q: answers[q] for q in names}


def test_a_summary_is_what_the_two_calls_gave_on_every_scenario_and_each_part_of_it(
    engine, studies
):
    """Every shipped scenario's answers, and the answers given so far at each question of it
    (the partial sets a patient's summary may be asked for early), as the session keeps them."""
    from questionnaire.engine.scenarios import load_scenarios, scenario_files

    sets = [
        {q: scenario.answers[q] for q in list(scenario.answers)[:k]}
        for path in scenario_files([ROOT / "scenarios", ROOT / "scenarios" / "studies"])
        for scenario in load_scenarios(path)
        for k in range(1, len(scenario.answers) + 1)
    ]
    # all 4,085 in `make test`; every 4th under `make quick`'s PROPERTY_EXAMPLES=20
    kinds: dict[str, int] = {}
    for answers in sets[:: 1 if SCALE >= 1 else 4]:
        kind = compare(engine, studies, answers)
        kinds[kind] = kinds.get(kind, 0) + 1
    assert min(kinds.values()) > 5 and len(kinds) == 4, kinds  # every kind of page was compared


@MANY
@given(data=st.data())
def test_a_summary_is_what_the_two_calls_gave_on_answers_made_to_differ(engine, studies, data):
    compare(engine, studies, data.draw(answer_sets(engine)))


def beside_every_sign(engine: Engine):
    """Each warning sign (and "none"), with the contradiction or a dropped answer, all other
    questions answered or one left open, with and without an unknown name."""
    for sign in [c.value for c in engine.ruleset.questions[0].choices]:
        for change in (CONTRADICTION, {"treatments_tried": ["none"]}):
            full = DISCUSS_ANSWERS | {"warning_signs": [sign]} | change
            for given_ in (full, {q: a for q, a in full.items() if q != "travel"}):
                for unknown in ({}, {"pain_level": 7}):
                    yield given_ | unknown
        yield {"warning_signs": [sign], **CONTRADICTION}  # only the sign and the contradiction


def test_a_summary_is_what_the_two_calls_gave_beside_every_warning_sign(engine, studies):
    kinds = [compare(engine, studies, a, trace=True) for a in beside_every_sign(engine)]
    assert {"redirect", "settled", "stop", "complete"} <= set(kinds)
