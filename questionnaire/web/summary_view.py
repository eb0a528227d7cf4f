"""The summary's view model: what the patient's summary, the handout and the clinician's
preview show of one evaluated answer set, built in one place."""

from __future__ import annotations

from typing import Any

from ..engine import Engine, Summary
from ..engine.evaluation.reasons import said
from .i18n import gettext

URGENT = ("emergency", "urgent")  # the care cards that name each sign, highest first
SCALE_STEPS = 10  # an integer question with at most this range is a row of radios (0-10)


def is_scale(question) -> bool:
    """Whether a number question is asked as a scale to tap (the 0-10 pain score), not typed."""
    return (
        question.type == "integer"
        and question.min is not None
        and question.max is not None
        and question.max - question.min <= SCALE_STEPS
    )


def answer_text(question, answer: Any) -> list[str]:
    """An answer in words: choice labels, or a score read back as "6 out of 10"."""
    if is_scale(question) and isinstance(answer, int):
        return [gettext("%(score)s out of %(max)s", score=answer, max=question.max)]
    labels = {c.value: c.label for c in question.choices}
    values = answer if isinstance(answer, list) else [answer]
    return [labels.get(v, str(v)) for v in values]


def given_answers(engine: Engine, walk: Any) -> list[tuple[str, list[str]]]:
    """Every answer the patient gave, in the order asked: (question, answer in words)."""
    questions = {q.id: q for q in engine.ruleset.questions}
    return [
        (questions[q].prompt, answer_text(questions[q], a))
        for q, a in walk.answers.items()
        if q in questions
    ]


def signs(engine: Engine, result: Summary) -> list[tuple[str, list[str], str, str]]:
    """Why the headline, in the card: (urgency, the answers in the patient's words, what they can
    mean in the rule's own finding words, rule id). Emergency and urgent: every matched rule of
    either level, emergency first (each sign ticked), not a generic list of causes. The lower
    outcomes: the rules that decided the headline, when they carry a finding (neck-only pain
    says "the studies treat the lower back", not "for safety, or because...")."""
    questions = {q.id: q for q in engine.ruleset.questions}
    if result.outcome.urgency in URGENT:
        chosen = [
            r
            for r in engine.rules
            if r.id in result.fired and r.outcome is not None and r.outcome.urgency in URGENT
        ]
    else:
        deciding = {reason.rule for reason in result.because}
        chosen = [r for r in engine.rules if r.id in deciding]
    found = [
        (
            rule.outcome.urgency if rule.outcome else "routine",
            [a.answer for a in said(rule.reads, questions, result.answers)],
            rule.finding.text,
            rule.id,
        )
        for rule in chosen
        if rule.finding is not None
    ]
    order = (*URGENT, "routine")
    return sorted(found, key=lambda sign: order.index(sign[0]))


def summary_context(engine: Engine, result: Summary, *, answers: bool = True) -> dict[str, Any]:
    """What the summary templates need: findings by criterion with the answers behind each
    (`answers=False`: without them, for the patient's summary, which gives each finding's
    source only), split as the patient's summary shows them: open under their criterion, or
    in the reveal of those whose rule fits what studies ask for (`fits:`), or not at all when
    the care card already names them (`signs`); notes and sources.

    Notes come in rules.yaml's order, split where their `show:` puts them. After an early stop
    only the notes marked `after_stop` are kept (for the handout): an emergency card stands alone.
    """
    file = engine.ruleset.file
    questions = {q.id: q for q in engine.ruleset.questions}

    def answered(rule: str) -> list[tuple[str, list[str]]]:
        """The patient's own answers that made a finding appear: (question, answer labels)."""
        if not answers:
            return []
        return [
            (questions[q].prompt, answer_text(questions[q], result.answers[q]))
            for q in engine.rule_questions[rule]
            if q in result.answers
        ]

    groups = []
    for criterion in file.criteria:
        found = [(f, answered(f.rule)) for f in result.findings if f.criterion == criterion.id]
        if found:
            groups.append((criterion, found))
    fits = {r.id for r in file.rules if r.finding and r.finding.fits and r.id in result.fired}
    stopped = result.stopped_after is not None
    notes = [n for n in result.notes if not stopped or n.after_stop]
    cited = result.cited(notes)
    if stopped:  # an emergency card stands alone: no findings, no sources
        groups, fits, cited = [], set(), []
    found_signs = signs(engine, result)
    apart = fits | {sign[3] for sign in found_signs}  # in the reveal, or in the card
    return {
        "summary": result,
        "signs": found_signs,
        "groups": groups,
        "open_groups": [
            (criterion, [item for item in found if item[0].rule not in apart])
            for criterion, found in groups
        ],
        "fitting": [item for _, found in groups for item in found if item[0].rule in fits],
        "cited": cited,
        "sources": file.meta.sources,
        "notes_first": [n for n in notes if n.show == "first"],
        "notes_after": [n for n in notes if n.show != "first"],
    }
