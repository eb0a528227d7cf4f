"""Plain language in offer.yaml and studies.yaml: the same reading check as rules.yaml's texts
(grade 8 or lower, docs/plain-language.md), no verdict words, and every offer outcome sends the
person to their own doctor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaire.engine import load_rules
from questionnaire.engine.load.studies import load_studies
from questionnaire.engine.verify.plain_language import (
    PLAIN_WORDS,
    PROMISE_WORDS,
    reading_problem,
    sentence_problem,
)

# The offer check names a clinic's claim of guaranteed results: that word is quoted, not ours.
VERDICT_WORDS = tuple(w for w in PROMISE_WORDS["en"] if w != "guaranteed")

ROOT = Path(__file__).resolve().parents[2]
OFFER = load_rules(ROOT / "offer.yaml", verify=False).file
STUDIES = load_studies(ROOT / "studies.yaml", {"en": load_rules(ROOT / "rules.yaml")})["en"]


def offer_texts() -> list[tuple[str, str]]:
    found = []
    for step in OFFER.steps:
        found += [(f"steps.{step.id}", t) for t in (step.title, step.intro) if t]
        for q in step.questions:
            found += [(f"questions.{q.id}", t) for t in (q.prompt, q.hint) if t]
            found += [(f"questions.{q.id}.{c.value}", c.label) for c in q.choices]
    for o in OFFER.outcomes:
        found += [(f"outcomes.{o.id}", t) for t in (o.title, o.message, *o.next_steps)]
    found += [(f"rules.{r.id}", r.finding.text) for r in OFFER.rules if r.finding]
    found += [(f"notes.{n.id}", n.text) for n in OFFER.notes]
    return found


def studies_texts() -> list[tuple[str, str]]:
    texts = STUDIES.file.texts
    # The summary's heading is design.md section 7's own words (contract), so it is not scored.
    found = [
        (f"texts.{k}", v)
        for k, v in texts.model_dump().items()
        if isinstance(v, str) and k != "heading"
    ]
    for study in STUDIES.studies:
        found.append((f"{study.nct_id}.about", study.about))
        found += [(f"{study.nct_id}.team_checks", t) for t in study.team_checks]
    return found


TEXTS = offer_texts() + studies_texts()


@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[w for w, _ in TEXTS])
def test_reads_at_grade_8_or_lower(where, text):
    problem = reading_problem(text) or sentence_problem(text)
    assert problem is None, (where, text, problem)


@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[w for w, _ in TEXTS])
def test_no_verdict_and_no_banned_word(where, text):
    lowered = text.lower()
    assert not [w for w in (*VERDICT_WORDS, *PLAIN_WORDS["en"]) if f" {w}" in f" {lowered}"]


@pytest.mark.parametrize("outcome", OFFER.outcomes, ids=[o.id for o in OFFER.outcomes])
def test_every_offer_outcome_sends_the_person_to_their_own_doctor(outcome):
    assert "doctor" in " ".join((outcome.message, *outcome.next_steps))


def test_offer_yaml_and_its_spanish_pass_flask_rules_lint(runner):
    # The same command as for rules.yaml: every check, both languages (docs/plain-language.md).
    result = runner.invoke(args=["rules", "lint", str(ROOT / "offer.yaml")])
    assert result.exit_code == 0, result.output
    assert re.search(r"Checked \d+ texts: \d+ in offer.yaml, \d+ in its Spanish", result.output)
    assert result.output.rstrip().endswith("0 problems.")
