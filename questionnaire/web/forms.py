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
from wtforms.widgets import CheckboxInput, ListWidget

from ..engine import RuleSet, model


class CheckboxesField(SelectMultipleField):
    """A multi-select sent as one value per ticked box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _Required:
    """Stop with the question's own message when nothing was given."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field: Field) -> None:
        data = field.data
        if data is None or data == "" or data == [] or (isinstance(data, str) and not data.strip()):
            field.errors[:] = []
            raise StopValidation(self.message)


class _OneOf:
    def __init__(self, values: list[str], message: str):
        self.values, self.message = set(values), message

    def __call__(self, form, field: Field) -> None:
        data = field.data if isinstance(field.data, list) else [field.data]
        if not set(data) <= self.values:
            raise ValidationError(self.message)


class _Exclusive:
    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field: Field) -> None:
        if "none" in field.data and len(set(field.data)) > 1:
            raise ValidationError(self.message)


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


class _WholeNumber:
    def __init__(self, low: int, high: int, message: str):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field: Field) -> None:
        text = (field.data or "").strip()
        # ASCII digits only: "²".isdigit() is True, but int("²") fails.
        if not (_WHOLE_NUMBER.fullmatch(text) and self.low <= int(text) <= self.high):
            raise ValidationError(self.message)


def _optional(form, field: Field) -> None:
    if field.data in (None, "", []):
        field.errors[:] = []
        raise StopValidation()


def make_field(q: model.Question, *, required: bool = True) -> Field:
    """The WTForms field for one question, with the messages written in rules.yaml.

    The clinician's try-answers page uses `required=False`: there the engine decides what is
    missing, since skip logic and early stops span the whole questionnaire.
    """
    required = _Required(q.errors.required) if required else _optional
    choices = [SelectChoice(c.value, c.label) for c in q.choices]
    one_of = _OneOf([c.value for c in q.choices], q.errors.required)
    if q.type == "single":
        return RadioField(
            q.prompt, choices=choices, validate_choice=False, validators=[required, one_of]
        )
    if q.type == "multi":
        return CheckboxesField(
            q.prompt,
            choices=choices,
            validate_choice=False,
            validators=[required, one_of, _Exclusive(q.errors.exclusive or q.errors.required)],
        )
    assert q.min is not None and q.max is not None
    return StringField(
        q.prompt,
        validators=[required, _WholeNumber(q.min, q.max, q.errors.range or q.errors.required)],
    )


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
                {q.id: make_field(q)},
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
    fields = {q.id: make_field(q, required=False) for q in rs.questions}
    return type("AllQuestionsForm", (FlaskForm,), fields)
