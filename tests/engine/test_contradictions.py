"""Contradictions (rules 3.1.0, issue 21 item 6): answers that cannot both be true are refused by
the engine like an answer out of range, the loader checks the new field at file:line, and the
verifier counts only the answer sets the engine accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from reference_verifier import verify as reference
from sample_answers import DISCUSS_ANSWERS
from test_broken_rules import SRC, assert_reported, line_of, mutate, problems_of

from questionnaire.engine import AnswersError, Engine, load_languages, loads_rules
from questionnaire.engine.verify import symbolic

ROOT = Path(__file__).resolve().parents[2]
WHEN = "                - {q: pain_duration, is: under_3_months}\n"
# A discuss answer set but for the pain: under 3 months, with treatments for over 6 months.
ANSWERS = {**DISCUSS_ANSWERS, "pain_duration": "under_3_months"}


@pytest.fixture(scope="module")
def engines() -> dict[str, Engine]:
    return {k: Engine(rs) for k, rs in load_languages(ROOT / "rules.yaml", verify=False).items()}


def test_the_engine_refuses_the_later_answer_naming_the_earlier_question(engines):
    with pytest.raises(AnswersError) as caught:
        engines["en"].evaluate(ANSWERS)

    (problem,) = caught.value.problems
    assert (problem.question, problem.code, problem.earlier) == (
        "treatment_duration",
        "contradiction",
        ("pain_duration",),
    )
    assert problem.message.startswith("Your treatment time cannot be longer than your pain.")
    assert engines["en"].settled(ANSWERS) is None
    assert (
        engines["es"].check(ANSWERS)[0].message.startswith("Su tiempo de tratamiento no puede ser")
    )


@pytest.mark.parametrize(
    "change",
    [{"treatment_duration": "3_to_6_months"}, {"pain_duration": "3_to_6_months"}],
    ids=["treatments-3-to-6-months", "pain-3-to-6-months"],
)
def test_one_step_either_side_is_accepted(engines, change):
    assert engines["en"].evaluate({**ANSWERS, **change}).outcome.id == "not_yet"


def test_a_partial_answer_set_is_refused_as_soon_as_both_answers_are_given(engines):
    partial = {q: ANSWERS[q] for q in list(ANSWERS)[:10]}  # up to treatment_duration

    walk = engines["en"].walk(partial)

    assert [p.question for p in walk.problems] == ["treatment_duration"]
    assert "treatment_duration" not in walk.answers


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        ((WHEN, "                - {q: pain_durations, is: under_3_months}\n"), "unknown question"),
        (
            (WHEN, "                - {q: payment, is: insurance_only}\n"),
            "reads 'payment', which is asked later",
        ),
        (
            ("                - {q: treatment_duration, is: over_6_months}\n", ""),
            "must read 'treatment_duration' and an earlier question",
        ),
        ((WHEN, "                - {q: pain_duration, has: under_3_months}\n"), "'has'"),
    ],
    ids=["unknown-question", "later-question", "no-earlier-question", "bad-operator"],
)
def test_a_bad_contradiction_is_reported_at_its_line(edit, fragment):
    text = mutate(SRC, edit)
    first = line_of(text, "- id: longer_than_the_pain")

    problems = problems_of(text)

    shown = "\n".join(str(p) for p in problems)
    assert any(fragment in str(p) and first < p.line <= first + 5 for p in problems), shown


def test_a_repeated_contradiction_id_is_reported():
    start = SRC.index("          - id: longer_than_the_pain")
    end = SRC.index("      - id: treatment_relief")
    block = SRC[start:end].rstrip("\n") + "\n"
    text = SRC[:start] + block + block + "\n" + SRC[end:]

    problems = problems_of(text)

    assert_reported(
        problems, line_of(text, "- id: longer_than_the_pain", 2), "duplicate contradiction id"
    )


def test_every_witness_the_verifier_gives_is_accepted_by_the_engine(engines):
    ruleset = engines["en"].ruleset
    report = symbolic.verify(ruleset)

    examples = [*report.witnesses.values(), *report.wins.values()]

    assert len(examples) > 100
    for answers in examples:
        assert engines["en"].check(answers) == [], answers


@pytest.mark.slow  # the reference verifier's search, about 3 s: left out of make quick
def test_the_verifier_leaves_out_the_answer_sets_the_engine_refuses():
    """A rule that fires only on contradicting answers can never match, and the count is the
    reference search's (which walks the engine's refusals), smaller than without the
    contradiction."""
    rule = (
        "  - id: insurance_only\n",
        "  - id: impossible\n"
        "    when:\n"
        "      all:\n"
        "        - {q: pain_duration, is: under_3_months}\n"
        "        - {q: treatment_duration, is: over_6_months}\n"
        "    finding: {criterion: cost, text: Never shown.}\n"
        "    source: [payer-policy]\n\n"
        "  - id: insurance_only\n",
    )
    with_contradiction = loads_rules(mutate(SRC, rule), verify=False)
    start = SRC.index("        contradictions:\n")
    end = SRC.index("      - id: treatment_relief")
    without = loads_rules(mutate(SRC[:start] + "\n" + SRC[end:], rule), verify=False)

    report = symbolic.verify(with_contradiction)
    plain = symbolic.verify(without)

    assert "impossible" in report.never_match
    assert "impossible" not in plain.never_match
    assert report.answer_sets == reference(with_contradiction).answer_sets
    assert report.answer_sets < plain.answer_sets


def test_asking_a_contradiction_back_never_holds_up_emergency_or_urgent_care(engines):
    # Every warning sign alone, with the rest of the answers contradicting each other: where the
    # sign alone gives emergency or urgent care, the contradiction does not hold it up.
    engine = engines["en"]
    (signs,) = [q for q in engine.ruleset.questions if q.id == "warning_signs"]
    cards = 0
    for choice in signs.choices:
        sign = {"warning_signs": [choice.value]}
        alone = engine.settled(sign)
        with_rest = engine.settled({**ANSWERS, **sign})
        if alone is not None and alone.outcome.urgency != "routine":
            cards += 1
            assert with_rest is not None, choice.value
            assert with_rest.outcome.id == alone.outcome.id, choice.value
        else:
            assert with_rest is None, choice.value  # asked back first
    assert cards >= 10  # the emergency and urgent signs of rules.yaml


def test_a_contradiction_before_a_stopping_rules_question_is_refused():
    # A stop checked after the treatments' questions (here: an emergency rule that also reads how
    # much they helped) would be held up by an answer asked back on treatment_duration.
    text = mutate(
        SRC,
        (
            "    when: {q: warning_signs, has_any: [bladder_bowel, saddle_numbness, "
            "sexual_function]}\n",
            "    when: {all: [{q: warning_signs, has_any: [bladder_bowel, saddle_numbness, "
            "sexual_function]}, {not: {q: treatment_relief, is: lasting}}]}\n",
        ),
    )

    problems = problems_of(text)

    assert_reported(problems, line_of(text, "- id: longer_than_the_pain"), "hold up that stop")
