"""WTForms classes built from rules.yaml once at start-up: one per page of the wizard.

Each question of rules.yaml is a page of its own (GOV.UK's "one thing per page": see
docs/patient-summary.md); a step's pages are its parts, `/step/<step>?part=N`. Without JavaScript a
page could not hide a question until the answer it depends on has been sent anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from ..engine import AnswerProblem, RuleSet, model
from ..engine.evaluation.questions import QuestionInfo, is_empty, read_answer


class CheckboxesField(SelectMultipleField):
    """A multi-select sent as one value per ticked box (templates/macros.html draws the boxes)."""


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")
_WORDED_BY_THE_RULES = {"out_of_range", "exclusive"}  # read_answer takes these from rules.yaml


class EngineAnswer:
    """One question's answer checked by the engine (`read_answer`, as the API's answers are), so
    a form and the API refuse exactly the same answers."""

    def __init__(self, q: model.Question, info: QuestionInfo, *, required: bool):
        self.q, self.info, self.required = q, info, required

    def __call__(self, form: object, field: Field) -> None:
        raw = field.data.strip() if isinstance(field.data, str) else field.data
        if is_empty(raw):
            field.errors[:] = []
            raise StopValidation(self.q.errors.required if self.required else None)
        if self.q.type == "integer":
            # ASCII digits only: "²".isdigit() is True, but int("²") fails. Text that is not a
            # whole number is the form's to refuse, as a body that is not JSON is the API's.
            if not _WHOLE_NUMBER.fullmatch(raw):
                raise ValidationError(self.q.errors.range or self.q.errors.required)
            raw = int(raw)
        found = read_answer(self.info, self.q.errors, raw)
        if isinstance(found, AnswerProblem):
            # A patient reads rules.yaml's words: the engine's own for a number out of range or
            # "none" with another box; the question's for a value no page offers (a forged form),
            # where the engine's message names choice ids for developers.
            worded = found.code in _WORDED_BY_THE_RULES
            raise ValidationError(found.message if worded else self.q.errors.required)


def make_field(q: model.Question, info: QuestionInfo, *, required: bool = True) -> Field:
    """The WTForms field for one question, with the messages written in rules.yaml.

    The clinician's try-answers page uses `required=False`: there the engine decides what is
    missing, since skip logic and early stops span the whole questionnaire.
    """
    check = [EngineAnswer(q, info, required=required)]
    choices = [SelectChoice(c.value, c.label) for c in q.choices]
    if q.type == "single":
        return RadioField(q.prompt, choices=choices, validate_choice=False, validators=check)
    if q.type == "multi":
        return CheckboxesField(q.prompt, choices=choices, validate_choice=False, validators=check)
    return StringField(q.prompt, validators=check)


@dataclass(frozen=True)
class Page:
    """One page of the wizard: a step of rules.yaml, or a part of one."""

    step: model.Step
    number: int  # 1-based step number, for "Step 2 of 5"
    part: int  # 0 for the step's first page
    questions: tuple[model.Question, ...]
    form: type[FlaskForm]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)


def build_pages(rs: RuleSet) -> tuple[Page, ...]:
    """Every page of the wizard with its form class, in order."""
    pages: list[Page] = []
    for number, step in enumerate(rs.file.steps, start=1):
        for part, q in enumerate(step.questions):
            form = type(
                f"{step.id.title().replace('_', '')}Part{part}Form",
                (FlaskForm,),
                {q.id: make_field(q, rs.catalogue[q.id])},
            )
            pages.append(Page(step, number, part, (q,), form))
    return tuple(pages)


def to_answer(q: model.Question, data):
    """A validated field value as an engine answer."""
    if q.type == "integer":
        return int(str(data).strip())
    if q.type == "multi":
        return list(dict.fromkeys(data))
    return data


def to_form_data(q: model.Question, answer):
    """An engine answer as form data for prefilling."""
    if answer is None:
        return [] if q.type == "multi" else None
    return str(answer) if q.type == "integer" else answer


def build_all_questions_form(rs: RuleSet) -> type[FlaskForm]:
    """One form with every question, none required: the clinician's try-answers page."""
    fields = {q.id: make_field(q, rs.catalogue[q.id], required=False) for q in rs.questions}
    return type("AllQuestionsForm", (FlaskForm,), fields)
