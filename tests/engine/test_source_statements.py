"""Sources as data (design section 8): each red-flag source lists every red flag it names, each
covered by real choices or rules or carrying a decision; the loader refuses anything less, at
the line, and every source is cited by something."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_broken_rules import line_of, mutate

from questionnaire.engine import RulesError, load_rules, loads_rules
from questionnaire.engine.verify.trace import trace_matrix

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")
SOURCES = yaml.load(SRC, Loader=yaml.CSafeLoader)["meta"]["sources"]  # libyaml: 30 ms, not 0.8 s

# How many red flags each source names, counted in the copies read on 2026-12-06
# (shared research, red-flags.md, "Counts"; the Canadian C-spine rule's three high-risk factors).
RED_FLAGS = {
    "nhs-back-pain": 15,
    "nhs-neck-pain": 6,
    "nice-cks-back-pain": 25,
    "nice-cks-neck-pain": 20,
    "bass-cauda-equina": 8,
    "nhs-meningitis": 18,
    "nhs-aaa": 9,
    "nice-ng228": 6,
    "nhs-subarachnoid-haemorrhage": 5,
    "nhs-heart-attack": 10,
    "canadian-c-spine": 3,
}


def problems_of(text: str) -> list[str]:
    with pytest.raises(RulesError) as caught:
        loads_rules(text, "rules.yaml", verify=False)
    return [f"{p.line}: {p.problem}" for p in caught.value.problems]


@pytest.mark.parametrize("source", sorted(RED_FLAGS))
def test_each_red_flag_source_lists_every_red_flag_it_names(source):
    statements = SOURCES[source].get("statements", [])
    assert len(statements) == RED_FLAGS[source]
    for statement in statements:
        assert statement["read"]["date"].isoformat() == "2026-12-06"
        assert statement.get("covered_by") or statement.get("decision")


def test_every_statement_is_covered_or_decided_and_every_source_cited():
    matrix = trace_matrix(load_rules(ROOT / "rules.yaml", verify=False))
    assert not matrix.missing
    assert not matrix.uncited
    assert len(matrix.rows) >= sum(RED_FLAGS.values())


def test_the_cough_and_sneeze_decision_is_recorded_and_pending_sign_off():
    # design.md section 3: not asked as a sign; mentioned in the cancer and night-pain findings
    ruleset = load_rules(ROOT / "rules.yaml", verify=False)
    (row,) = [r for r in trace_matrix(ruleset).rows if "sneezing, coughing" in r.statement.quote]
    assert row.source == "nhs-back-pain"
    assert row.statement.decision and row.statement.decision.pending
    assert "design.md section 3" in row.statement.decision.by
    findings = {r.id: r.finding.text for r in ruleset.file.rules if r.finding}
    covers = [c.ref for c in row.covers]
    assert "cancer_signs" in covers and len(covers) == 2
    assert all("cough" in findings[rule] for rule in covers)  # the findings mention it
    assert any("night" in findings[rule] for rule in covers)


def test_a_statement_neither_covered_nor_decided_is_refused_at_its_line():
    broken = mutate(SRC, ('- quote: "chest pain"\n', '- quote: "chest pain!"\n'))
    broken = mutate(broken, ("          covered_by: [warning_signs:chest_pain]\n", ""))
    line = line_of(broken, '- quote: "chest pain!"')
    problems = problems_of(broken)
    assert any(
        p.startswith(f"{line}: source 'nhs-back-pain' says \"chest pain!\" but nothing covers it")
        for p in problems
    ), problems


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "covered_by: [warning_signs:chest_pain]",
            "covered_by: [warning_signs:chest_pains]",
            "covered_by names 'chest_pains', which is not a choice of 'warning_signs'; "
            "did you mean 'chest_pain'?",
        ),
        (
            "covered_by: [warning_signs:chest_pain]",
            "covered_by: [warning_sign:chest_pain]",
            "covered_by names question 'warning_sign', which is not asked; "
            "did you mean 'warning_signs'?",
        ),
        (
            "covered_by: [cancer_signs, spine_signs]",
            "covered_by: [cancer_sign, spine_signs]",
            "covered_by names rule 'cancer_sign', which is not in the rules; "
            "did you mean 'cancer_signs'?",
        ),
    ],
    ids=["unknown choice", "unknown question", "unknown rule"],
)
def test_a_cover_that_names_nothing_is_refused_at_its_line(old, new, message):
    broken = mutate(SRC, (old, new))
    assert f"{line_of(broken, new, 1)}: {message}" in problems_of(broken)


def test_a_source_cited_by_nothing_is_refused_at_its_line():
    broken = mutate(
        SRC,
        (
            "  sources:\n",
            "  sources:\n    unused-source:\n      title: Nobody cites this\n"
            "      url: https://example.org/\n",
        ),
    )
    line = line_of(broken, "    unused-source:")
    assert f"{line}: source 'unused-source' is cited by nothing" in problems_of(broken)
