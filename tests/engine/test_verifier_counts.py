"""The counts the verifier reports to a clinician, on an edited shipped rule file: written for
mutants of answerspace.py that survived the mutation run (docs/testing.md)."""

from __future__ import annotations

from pathlib import Path

from questionnaire.engine import loads_rules, symbolic
from questionnaire.engine.verify import verify as reference

SHIPPED = (Path(__file__).resolve().parents[2] / "rules.yaml").read_text(encoding="utf-8")
MILD = "when: {q: pain_intensity, at_most: 3}"


def test_a_gap_is_counted_over_the_deciding_answers_only():
    """A score of 3 gets no headline once the mild-pain rule stops at 2. The count is over the
    answers that decide the headline: general health, payment, trials and travel (read only by
    findings) are left out of it, and the two verifiers agree on it and on every answer set."""
    assert SHIPPED.count(MILD) == 1
    ruleset = loads_rules(SHIPPED.replace(MILD, "when: {q: pain_intensity, at_most: 2}"),
                          verify=False)
    found, expected = symbolic.verify(ruleset), reference(ruleset)
    assert found.gaps and found.gaps[0]["pain_intensity"] == 3
    assert (found.gap_count, found.answer_sets) == (expected.gap_count, expected.answer_sets)
    assert 0 < found.gap_count < found.answer_sets
    assert f"({found.gap_count} combinations of the answers that decide" in found.gap_message()
