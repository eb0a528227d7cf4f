"""The symbolic verifier agrees with the reference search, and its witnesses hold in the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from reference_verifier import verify as reference

from bench.rulegen import VARIANTS, generate_text
from questionnaire.engine import (
    Engine,
    QuestionnaireError,
    RulesError,
    load_rules,
    loads_rules,
    read_rules,
)
from questionnaire.engine.verify import symbolic

pytestmark = pytest.mark.slow  # left out of `make quick`; `make test` runs it

ROOT = Path(__file__).resolve().parents[2]
# Small enough for the reference search to finish in well under a second each.
# (The search explores every combination when there is a gap, so incomplete files stay smaller.)
CASES = [
    (n, variant, seed)
    for variant in VARIANTS
    for seed in range(3)
    for n in ((5, 6) if variant == "incomplete" else (6, 8))
]


def load(text: str):
    """The rule set even when only the meaning is wrong (e.g. an unreachable outcome)."""
    loaded = read_rules(text, verify=False)
    assert loaded.ruleset is not None, loaded.problems
    return loaded.ruleset


def summary(report):
    return (
        report.answer_sets,
        report.gap_count,
        bool(report.gaps),
        sorted(report.never_match),
        sorted(report.never_win),
        sorted(report.witnesses),
        sorted(report.wins),
    )


@pytest.mark.parametrize(
    ("n", "variant", "seed"), CASES, ids=[f"{n}q-{v}-{s}" for n, v, s in CASES]
)
def test_symbolic_verifier_agrees_with_the_search_on_generated_files(n, variant, seed):
    ruleset = load(generate_text(n, variant, seed))
    assert summary(symbolic.verify(ruleset)) == summary(reference(ruleset))


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_witness_really_does_what_the_report_says(variant):
    ruleset = load(generate_text(9, variant, 1))
    report, engine = symbolic.verify(ruleset), Engine(ruleset)
    outcome_of = {r.id: r.outcome for r in ruleset.file.rules}
    for rule, answers in report.wins.items():
        result = engine.evaluate(answers)
        assert rule in result.fired and result.outcome.id == outcome_of[rule], (rule, answers)
    for rule, answers in report.never_win.items():
        if answers:  # it matches, but a higher outcome wins
            result = engine.evaluate(answers)
            assert rule in result.fired and result.outcome.id != outcome_of[rule]
    for answers in report.gaps:
        assert engine.check(answers) == []
        with pytest.raises(QuestionnaireError, match="no headline"):
            engine.evaluate(answers)
    if variant == "complete":
        for rule, answers in report.witnesses.items():
            assert rule in engine.evaluate(answers).fired, (rule, answers)
    if variant == "incomplete":
        assert report.gaps and report.gap_count > 0
    if variant == "shadowed":
        assert {"dead", "beaten"} <= set(report.never_win) and "dead" in report.never_match


def test_shipped_rules_get_the_same_report_from_both_verifiers():
    ruleset = load_rules(ROOT / "rules.yaml", verify=False)
    report = symbolic.verify(ruleset)
    assert report.ok and summary(report) == summary(reference(ruleset))


def test_loader_past_its_time_budget_names_the_command_to_run(monkeypatch):
    monkeypatch.setattr(symbolic, "LOADER_BUDGET_SECONDS", 0.0)
    with pytest.raises(RulesError) as caught:
        loads_rules(generate_text(30, "complete", 0))
    message = str(caught.value)
    assert "could not prove within 0 s" in message
    assert "flask --app wsgi rules verify" in message


def test_a_large_incomplete_file_is_refused_with_a_counterexample_not_a_hang():
    with pytest.raises(RulesError) as caught:
        loads_rules(generate_text(100, "incomplete", 0))
    assert "no headline for some answers, for example: q0=['none']" in str(caught.value)
