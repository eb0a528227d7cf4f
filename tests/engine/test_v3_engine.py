"""Engine behaviour of policy v3 (design.md section 4): the continuable urgent stop, the notes after
a stop, and `Engine.settled` for partial answer sets, on the shipped rules and on small rule files
that show the mechanism alone."""

from __future__ import annotations

import pytest
from sample_answers import DISCUSS_ANSWERS

from questionnaire.engine import Engine, RulesError
from questionnaire.engine.load.loader import loads_rules

TINY = """
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
      - id: place
        type: single
        short: place
        prompt: Where?
        choices: [{value: here, label: Here}, {value: there, label: There}]
        errors: {required: Pick}
outcomes:
  - {id: soon, title: Soon, message: m, urgency: urgent, stop: true, MAY}
  - {id: out, title: Out, message: m, urgency: routine}
  - {id: later, title: Later, message: m, urgency: routine}
rules:
  - {id: sign, when: {q: signs, has_any: [hot, sore]}, outcome: soon, source: s}
  - {id: high, when: {q: score, at_least: 5}, outcome: out, source: [s]}
  - id: low
    when: {all: [{q: signs, has: none}, {q: score, at_most: 4}]}
    outcome: later
    finding: {criterion: c, text: Low.}
    source: s
  - {id: here, when: {q: place, is: here}, finding: {criterion: c, text: Here.}, source: s}
notes:
  - {id: consult, title: C, text: Talk., source: s, after_stop: true}
  - {id: regulatory, title: R, text: FDA., source: [s]}
pages:
  start: {title: S, sections: [{text: x}]}
  help: {title: H, sections: [{text: x}]}
"""


def tiny(may_continue: str = "may_continue: {not: {q: signs, has: hot}}") -> Engine:
    return Engine(loads_rules(TINY.replace("MAY", may_continue), "tiny.yaml"))


def test_a_continuable_stop_stops_when_nothing_after_it_is_given():
    summary = tiny().evaluate({"signs": ["sore"]})
    assert (summary.outcome.id, summary.stopped_after) == ("soon", "signs")
    assert summary.continuable
    assert [n.id for n in summary.notes] == ["consult"]  # after a stop: after_stop notes only


def test_a_continued_stop_keeps_its_headline_and_adds_every_later_finding():
    summary = tiny().evaluate({"signs": ["sore"], "score": 2, "place": "here"})
    assert (summary.outcome.id, summary.stopped_after) == ("soon", None)
    assert "here" in summary.fired
    assert [n.id for n in summary.notes] == ["consult", "regulatory"]


def test_may_continue_false_makes_the_stop_final_and_later_answers_unused():
    summary = tiny().evaluate({"signs": ["hot", "sore"], "score": 2, "place": "here"})
    assert (summary.stopped_after, summary.continuable) == ("signs", False)
    assert "here" not in summary.fired


def test_without_may_continue_a_stop_is_final():
    summary = tiny("actions: []").evaluate({"signs": ["sore"], "score": 2, "place": "here"})
    assert summary.stopped_after == "signs" and not summary.continuable


def test_may_continue_on_an_outcome_that_does_not_stop_is_refused_at_its_line():
    text = TINY.replace("MAY", "may_continue: {always: true}").replace(
        "{id: out, title: Out, message: m, urgency: routine}",
        "{id: out, title: Out, message: m, urgency: routine, may_continue: {always: true}}",
    )
    with pytest.raises(RulesError) as caught:
        loads_rules(text, "tiny.yaml")
    assert "outcome 'out' does not stop, so it cannot be continued" in str(caught.value)


def test_a_continued_stop_with_some_answers_missing_is_settled_with_what_is_left():
    engine = tiny()
    assert engine.check({"signs": ["sore"], "score": 2})  # place is missing
    summary = engine.settled({"signs": ["sore"], "score": 2})
    assert summary is not None and summary.outcome.id == "soon"
    assert summary.unanswered == ("place",)


@pytest.mark.parametrize(
    ("answers", "outcome", "unanswered"),
    [
        ({"signs": ["none"], "score": 7}, "out", ("place",)),  # nothing outranks 'out'
        ({"signs": ["none"], "score": 3}, "later", ("place",)),
        ({"signs": ["none"]}, None, None),  # out or later: not certain
        ({"signs": ["none"], "score": 11}, None, None),  # an invalid answer: no summary
        ({"signs": ["none"], "scor": 3}, None, None),  # an unknown question: no summary
    ],
)
def test_settled_gives_a_summary_only_when_the_headline_is_certain(answers, outcome, unanswered):
    summary = tiny().settled(answers)
    if outcome is None:
        assert summary is None
    else:
        assert summary is not None
        assert (summary.outcome.id, summary.unanswered) == (outcome, unanswered)


def test_settled_of_a_complete_answer_set_is_its_summary():
    engine = tiny()
    answers = {"signs": ["none"], "score": 3, "place": "here"}
    settled = engine.settled(answers)
    assert settled is not None and settled.unanswered == ()
    assert settled.fired == engine.evaluate(answers).fired


def test_a_source_may_be_one_id_or_a_list_and_reads_as_a_list():
    engine = tiny()
    rules = {r.id: r for r in engine.ruleset.file.rules}
    assert rules["sign"].sources == ("s",) and rules["high"].sources == ("s",)
    assert rules["sign"].source == "s"


# --- The shipped rules --------------------------------------------------------------------------


def test_the_shipped_urgent_stop_is_continuable_except_with_a_fever(engine):
    assert engine.walk({"warning_signs": ["night_pain"]}).continuable
    assert not engine.walk({"warning_signs": ["fever", "night_pain"]}).continuable
    assert not engine.walk({"warning_signs": ["chest_pain", "night_pain"]}).continuable


def test_the_shipped_emergency_stop_leaves_only_the_consult_note(engine):
    summary = engine.evaluate({"warning_signs": ["aorta_pain"]})
    assert [n.id for n in summary.notes] == ["consult"]


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"warning_signs": ["none"], "age": 12}, "usually_excluded"),
        ({"warning_signs": ["none"], "age": 40, "pain_area": "neck"}, "usually_excluded"),
        ({"warning_signs": ["night_pain"], "age": 40}, "urgent"),
    ],
)
def test_shipped_partial_answer_sets_that_are_certain_early(engine, answers, outcome):
    summary = engine.settled(answers)
    assert summary is not None and summary.outcome.id == outcome
    assert summary.unanswered and "travel" in summary.unanswered


def test_not_yet_is_not_certain_early_since_usually_excluded_outranks_it(engine):
    partial = {k: v for k, v in DISCUSS_ANSWERS.items() if k not in ("health_conditions",)}
    assert engine.settled({**partial, "pain_duration": "under_3_months"}) is None
