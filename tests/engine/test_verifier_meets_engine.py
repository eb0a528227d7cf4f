"""The verifier reports what the engine does: on small files with stopping rules of every shape,
its counts, dead rules and witnesses are checked against the engine run over every answer set.

The first case is the one an outside review found (code-review.md, problem 1): a stopping rule
`{any: [{always: true}, {q: q1, is: a}]}` is certain after the first step, so the engine stops
there; the verifier once waited for the step that asks q1, counted 4 answer sets instead of 2,
gave a witness for a rule the engine never fires, and missed that the rule is dead.
"""

from __future__ import annotations

import json
from itertools import product
from typing import Any

import pytest
import yaml

from questionnaire.app import create_cli_app
from questionnaire.engine import Engine, QuestionnaireError, RuleSet, loads_rules
from questionnaire.engine.verify.symbolic import verify

HEAD = """\
meta: {title: Stops, version: "0.1", reviewed: "2026-12-01",
       sources: {src: {title: A source, url: "https://example.org/source"}}}
criteria: [{id: general, title: General}]
outcomes:
  - {id: stop_now, title: Stop now, message: Talk to a clinician., urgency: emergency, stop: true}
  - {id: high, title: High, message: Talk to a clinician., urgency: urgent}
  - {id: low, title: Low, message: Talk to a clinician., urgency: routine}
notes:
  - {id: consult, title: Consult, text: See a doctor., source: src}
  - {id: regulatory, title: Rules, text: Not approved., source: src}
pages:
  start: {title: A page, sections: [{text: Some words.}]}
  help: {title: A page, sections: [{text: Some words.}]}
"""


def question(qid: str, values: tuple[str, ...], show_if: str | None = None) -> str:
    choices = ", ".join(f'{{value: "{v}", label: "{v.title()}"}}' for v in values)
    shown = f", show_if: {show_if}" if show_if else ""
    return (
        f"      - {{id: {qid}, type: single, short: answer {qid}, prompt: What {qid}?,"
        f" errors: {{required: Answer this.}}, choices: [{choices}]{shown}}}\n"
    )


def rule(rid: str, when: str, outcome: str | None) -> str:
    said = f"outcome: {outcome}" if outcome else "finding: {criterion: general, text: Noted.}"
    return f"  - {{id: {rid}, when: {when}, {said}, source: src}}\n"


# The review's file: two steps, a stopping rule certain before the step that asks its question.
REVIEWED = (
    HEAD.replace(
        "  - {id: high, title: High, message: Talk to a clinician., urgency: urgent}\n", ""
    )
    + "steps:\n"
    + "  - id: first\n    title: First\n    questions:\n"
    + question("q0", ("yes", "no"))
    + "  - id: second\n    title: Second\n    questions:\n"
    + question("q1", ("a", "b"))
    + "rules:\n"
    + rule("stop_rule", "{any: [{always: true}, {q: q1, is: a}]}", "stop_now")
    + rule("finding_q1", "{q: q1, is: b}", None)
    + rule("catch_all", "{always: true}", "low")
)


def three_steps(stop: str) -> str:
    """Three steps of one question each, with skip logic in a chain (q1 shows after q0 'yes',
    q2 after q1 'a'); `stop` is the condition of the stopping rule."""
    return (
        HEAD
        + "steps:\n"
        + "  - id: first\n    title: First\n    questions:\n"
        + question("q0", ("yes", "no"))
        + "  - id: second\n    title: Second\n    questions:\n"
        + question("q1", ("a", "b", "c"), '{q: q0, is: "yes"}')
        + "  - id: third\n    title: Third\n    questions:\n"
        + question("q2", ("a", "b"), "{q: q1, is: a}")
        + "rules:\n"
        + rule("stop_rule", stop, "stop_now")
        + rule("finding_q1", "{q: q1, is: b}", None)
        + rule("finding_q2", "{q: q2, answered: false}", None)
        + rule("high_q2", "{q: q2, is: a}", "high")
        + rule("catch_all", "{always: true}", "low")
    )


STOPS = {
    "any-always-first": "{any: [{always: true}, {q: q1, is: a}]}",
    "always": "{always: true}",
    "not-never": "{not: {always: false}}",
    "all-always-and-a-later-answer": "{all: [{always: true}, {q: q2, is: b}]}",
    "all-over-two-steps": '{all: [{q: q0, is: "yes"}, {q: q2, is: b}]}',
    "any-first-or-last": '{any: [{q: q0, is: "no"}, {q: q2, is: b}]}',
    "not-of-a-later-answer": "{not: {q: q1, in: [a, b]}}",
    "not-all-never": "{not: {all: [{always: false}, {q: q2, is: a}]}}",
    "skipped-question": "{q: q1, answered: false}",
    "through-the-skip-chain": "{all: [{q: q1, is: a}, {not: {q: q2, answered: true}}]}",
    "never": "{always: false}",
}


def through_the_engine(ruleset: RuleSet) -> dict[tuple, tuple[str | None, tuple[str, ...]]]:
    """Every answer set the engine tells apart -> (headline, rules fired): every combination of
    answers (each question answered or not) whose walk is complete goes through `evaluate`; the
    answers it uses name the set. Leaving later questions out is how a person stops at a stop
    that may be continued; answering them is how they go on."""
    engine, ids = Engine(ruleset), [q.id for q in ruleset.questions]
    # None: the question left unanswered (a person who stops at a stop that may be continued)
    choices = [[None, *(c.value for c in q.choices)] for q in ruleset.questions]
    found: dict[tuple, tuple[str | None, tuple[str, ...]]] = {}
    for combination in product(*choices):
        answers = {q: a for q, a in zip(ids, combination, strict=True) if a is not None}
        walk = engine.walk(answers)
        if not walk.complete:
            continue
        used = tuple(walk.answers.items())
        try:
            summary = engine.evaluate(answers)
        except QuestionnaireError:
            found[used] = (None, ())
        else:
            found[used] = (summary.outcome.id, tuple(summary.fired))
    return found


def assert_report_is_the_engines(ruleset: RuleSet) -> None:
    report, engine = verify(ruleset), Engine(ruleset)
    every = through_the_engine(ruleset)
    outcome_of = {r.id: r.outcome for r in ruleset.file.rules}
    fired = {r for _, rules in every.values() for r in rules}
    won = {r for headline, rules in every.values() for r in rules if outcome_of[r] == headline}
    assert report.answer_sets == len(every)
    assert report.never_match == [r.id for r in ruleset.file.rules if r.id not in fired]
    assert sorted(report.never_win) == sorted(
        r.id for r in ruleset.file.rules if r.outcome and r.id not in won
    )
    assert bool(report.gaps) == any(headline is None for headline, _ in every.values())

    def asks_exactly(answers: dict[str, Any]) -> None:
        walk = engine.walk(answers)
        assert walk.complete and list(walk.shown) == list(answers), answers

    for rid, answers in report.witnesses.items():
        asks_exactly(answers)
        assert rid in engine.evaluate(answers).fired, (rid, answers)
    for rid, answers in report.wins.items():
        asks_exactly(answers)
        summary = engine.evaluate(answers)
        assert rid in summary.fired and summary.outcome.id == outcome_of[rid], (rid, answers)
    for rid, answers in report.never_win.items():
        if answers:  # it matches, but a higher outcome wins
            asks_exactly(answers)
            summary = engine.evaluate(answers)
            assert rid in summary.fired and summary.outcome.id != outcome_of[rid], (rid, answers)
    for answers in report.gaps:
        asks_exactly(answers)
        with pytest.raises(QuestionnaireError, match="no headline"):
            engine.evaluate(answers)


def test_a_stop_certain_after_the_first_step_leaves_two_answer_sets_and_a_dead_rule():
    ruleset = loads_rules(REVIEWED, verify=False)
    report, engine = verify(ruleset), Engine(ruleset)
    assert report.answer_sets == 2  # q0 is yes or no; q1 is never asked
    assert report.never_match == ["finding_q1"]
    assert "finding_q1" not in report.witnesses
    assert report.wins["stop_rule"] in ({"q0": "yes"}, {"q0": "no"})
    assert list(report.never_win) == ["catch_all"]
    summary = engine.evaluate(report.never_win["catch_all"])
    assert (summary.outcome.id, summary.stopped_after) == ("stop_now", "first")


def test_rules_verify_prints_two_answer_sets_and_names_the_dead_rule(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(REVIEWED, encoding="utf-8")
    # the `flask` command's own app (wsgi.py): it verifies the file it is given, nothing else
    result = create_cli_app().test_cli_runner().invoke(args=["rules", "verify", str(path)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Checked 2 possible sets of answers in ")
    assert "Rule 'finding_q1' can never match." in result.output
    example = json.dumps({"q0": "yes"}), json.dumps({"q0": "no"})
    assert any(
        f"Rule 'catch_all' can never give the headline; for example it matches {e} but"
        in result.output
        for e in example
    ), result.output


def test_the_reviewed_file_gets_the_engines_report():
    assert_report_is_the_engines(loads_rules(REVIEWED, verify=False))


@pytest.mark.parametrize("stop", list(STOPS.values()), ids=list(STOPS))
def test_stopping_rules_of_every_shape_get_the_engines_report(stop):
    assert_report_is_the_engines(loads_rules(three_steps(stop), verify=False))


def continuable(stop: str, may_continue: str) -> str:
    """Three steps as in `three_steps`, with an urgent stop that may be continued (rules.yaml's
    `urgent`: `may_continue` on a stopping outcome) besides the final emergency stop on q2 b."""
    head = HEAD.replace(
        "urgency: emergency, stop: true}\n",
        "urgency: emergency, stop: true}\n"
        "  - {id: soon, title: Soon, message: Talk to a clinician., urgency: urgent, stop: true,"
        f" may_continue: {may_continue}}}\n",
    )
    return (
        head
        + "steps:\n"
        + "  - id: first\n    title: First\n    questions:\n"
        + question("q0", ("yes", "no", "fever"))
        + "  - id: second\n    title: Second\n    questions:\n"
        + question("q1", ("a", "b", "c"), '{q: q0, is: "yes"}')
        + "  - id: third\n    title: Third\n    questions:\n"
        + question("q2", ("a", "b"), "{q: q1, is: a}")
        + "rules:\n"
        + rule("stop_rule", "{q: q2, is: b}", "stop_now")
        + rule("soon_rule", stop, "soon")
        + rule("finding_q1", "{q: q1, is: b}", None)
        + rule("finding_q2", "{q: q2, answered: false}", None)
        + rule("high_q2", "{q: q2, is: a}", "high")
        + rule("catch_all", "{always: true}", "low")
    )


CONTINUABLE = {
    "not-with-fever": ('{q: q0, in: ["yes", fever]}', "{not: {q: q0, is: fever}}"),
    "always-continued": ('{q: q0, in: ["yes", fever]}', "{always: true}"),
    "never-continued": ('{q: q0, in: ["yes", fever]}', "{always: false}"),
    "on-a-later-answer": ('{q: q0, is: "yes"}', "{q: q1, is: a}"),
    "certain-at-once": ("{always: true}", "{not: {q: q0, is: fever}}"),
    "after-the-second-step": ("{q: q1, in: [a, c]}", "{q: q1, is: a}"),
}


@pytest.mark.parametrize("stop", list(CONTINUABLE.values()), ids=list(CONTINUABLE))
def test_a_stop_that_may_be_continued_gets_the_engines_report(stop):
    """Both walks past such a stop count: the person stops there (nothing after answered) or
    goes on (the later questions asked as usual, the stop's outcome still the headline)."""
    assert_report_is_the_engines(loads_rules(continuable(*stop), verify=False))


def test_a_continued_urgent_walk_counts_beside_the_stopped_one():
    """q0 'yes' stops (urgent) and may be continued: 1 stopped set, then q1 (b, c: 2 sets; a:
    q2 a or b, 2 sets); 'fever' stops for good; 'no' is 1 set. 7 in all, 4 of them continued,
    and the urgent rule has a witness where the person went on."""
    ruleset = loads_rules(continuable(*CONTINUABLE["not-with-fever"]), verify=False)
    report = verify(ruleset)
    assert report.answer_sets == 7
    assert "finding_q1" in report.witnesses and "high_q2" in report.witnesses
    summary = Engine(ruleset).evaluate(report.witnesses["finding_q1"])
    assert summary.outcome.id == "soon" and "soon_rule" in summary.fired


def test_every_example_is_its_own_data_so_a_scenario_file_has_no_yaml_aliases():
    """Examples are written out when read (a large file has one per rule); each is new data,
    so a file of them (`rules witnesses`) is plain YAML, which answers files must be."""
    from bench.rulegen import generate_text

    report = verify(loads_rules(generate_text(30, "complete", 0), verify=False))
    examples = [*report.witnesses.values(), *report.wins.values()]
    assert len(examples) > 60 and any(isinstance(v, list) for v in examples[0].values())
    assert "&id" not in yaml.safe_dump(examples)
    first = next(iter(report.witnesses))
    assert report.witnesses[first] == report.witnesses[first]
    assert report.witnesses[first] is not report.witnesses[first]


def test_the_deciding_answer_of_a_gap_in_a_large_file_costs_few_evaluations(monkeypatch):
    """`rules verify` names the answer that decides a gap by trying one-answer changes: on a
    file of 300 questions it finds q1 (no headline when q1 is c0) with a few full evaluations,
    not one per question."""
    from bench.rulegen import generate_text
    from questionnaire.engine.verify import deciding

    ruleset = loads_rules(generate_text(300, "incomplete", 0), verify=False)
    gap = verify(ruleset).gaps[0]
    calls = []
    evaluate = Engine.evaluate

    def counted(self, *args, **kwargs):
        calls.append(1)
        return evaluate(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "evaluate", counted)
    message = deciding.deciding_message(ruleset, gap)
    assert message.startswith("The deciding answer: q1=c0."), message
    assert len(calls) <= 10
