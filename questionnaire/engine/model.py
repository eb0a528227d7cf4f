"""Typed, frozen model of a rule file (pydantic v2): the shape, not the meaning.

Cross-references (unknown ids, operators that do not fit a question) are checked by the loader,
and conditions are parsed by `conditions`, so that every problem gets a clinician-friendly message.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from .evaluation.operators import REGISTRY

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)]

# Hand-written schema for conditions: the loader parses them itself for better messages.
# Each operator declares the schema of its value (operators.py).
_LEAF_OPERATORS = {name: op.schema for name, op in REGISTRY.items()}
CONDITION_SCHEMA: dict[str, Any] = {
    "$id": "#condition",
    "description": "A condition: all/any/not/always, or a leaf {q: question, <operator>: value}.",
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Condition"}}
            },
            "required": ["all"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Condition"}}
            },
            "required": ["any"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"not": {"$ref": "#/$defs/Condition"}},
            "required": ["not"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"always": {"type": "boolean"}},
            "required": ["always"],
            "additionalProperties": False,
        },
        *(
            {
                "type": "object",
                "properties": {"q": {"type": "string"}, op: schema},
                "required": ["q", op],
                "additionalProperties": False,
            }
            for op, schema in _LEAF_OPERATORS.items()
        ),
    ],
}
_PLACEHOLDER = "x-condition"
RawCondition = Annotated[dict[str, Any], WithJsonSchema({_PLACEHOLDER: True})]


def _listed(value: Any) -> Any:
    """`source: x` is read as `source: [x]`: a text may cite one source or several."""
    return (value,) if isinstance(value, str) else value


# Key `source` in the file (one id or a list); `sources` in Python, `.source` the first.
Sources = Annotated[
    tuple[Id, ...],
    BeforeValidator(_listed),
    Field(
        alias="source",
        min_length=1,
        description="The sources that say it: ids in meta.sources, the main one first.",
    ),
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


Quote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
# A statement is covered by a choice ("warning_signs:leg_weakness") or by a rule ("under_18").
Cover = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*(:[a-z0-9][a-z0-9_-]*)?$")]


class Read(_Frozen):
    """When a statement was read, and in which copy: the source's own page or a named copy."""

    date: dt.date
    page: Text = Field(
        description="'primary page', or the copy read when the source's own page could not be "
        "reached, e.g. 'NHS Sheffield trust copy'."
    )
    url: Url | None = Field(None, description="The copy's address, when it is not the source's.")


class Decision(_Frozen):
    """Why a statement is not (or not fully) covered by a question, and who decided."""

    reason: Text
    by: Text = Field(description="Who decided, e.g. 'proposed by the team'.")
    signed_off_by: Text | None = Field(
        None, description="The clinician who signed the decision off; until then it is pending."
    )

    @property
    def pending(self) -> bool:
        return self.signed_off_by is None


class Statement(_Frozen):
    """One thing a source says that the guidance relies on, quoted word for word."""

    quote: Quote
    where: Text = Field(description="The section or heading it is under, e.g. 'Call 999 if'.")
    read: Read
    urgency: Text | None = Field(None, description="What the source says to do, in its words.")
    covered_by: tuple[Cover, ...] = Field(
        (), description="Choices (question:value) or rules that ask or act on it."
    )
    decision: Decision | None = Field(
        None, description="Why it is not covered (or only in part), and who decided."
    )


class Source(_Frozen):
    title: Text
    url: Url
    statements: tuple[Statement, ...] = Field(
        (),
        description="What the guidance relies on, quoted; a red-flag source lists every red "
        "flag it names, each covered or decided (`flask rules trace`).",
    )


class Meta(_Frozen):
    title: Text
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    reviewed: dt.date
    sources: dict[Id, Source] = Field(min_length=1)


class Criterion(_Frozen):
    id: Id
    title: Text


class Choice(_Frozen):
    value: Id
    label: Text
    said: Text | None = Field(
        None,
        description="The answer after 'Because you said:', e.g. "
        "'you are pregnant or breastfeeding'. The label when not given.",
    )
    hint: Text | None = None
    exclusive: bool = False


class Coding(_Frozen):
    """A standard code that means what a question asks (e.g. LOINC), for FHIR apps."""

    system: Url
    code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    display: Text


class QuestionErrors(_Frozen):
    """Patient-facing error messages, GOV.UK style: say what to do, not what went wrong."""

    required: Text
    exclusive: Text | None = None
    range: Text | None = None


class Contradiction(_Frozen):
    """Answers that cannot all be true: the engine refuses this question's answer when `when`
    holds, as it refuses a number out of range, and the patient is asked to check it or change
    the earlier answer it contradicts. `when` reads this question and earlier ones only."""

    id: Id
    when: RawCondition
    message: Text = Field(
        description="Said to the patient on this question, GOV.UK style: what they said "
        "before, and what to check or change."
    )


class Question(_Frozen):
    id: Id
    type: Literal["single", "multi", "integer"]
    short: Text = Field(description="A short name used in explanations, e.g. 'usual pain score'.")
    prompt: Text
    said: Text | None = Field(
        None,
        description="Integer questions: the answer after 'Because "
        "you said:', with {answer} for the number.",
    )
    hint: Text | None = None
    choices: tuple[Choice, ...] = ()
    ordered: bool = Field(False, description="Choices run from least to most (allows at_least).")
    min: int | None = None
    max: int | None = None
    show_if: RawCondition | None = None
    new_page: bool = Field(False, description="Start a new page of the step with this question.")
    codes: tuple[Coding, ...] = Field(
        (),
        description="Standard codes that mean what the question "
        "asks: the FHIR Questionnaire's item.code.",
    )
    errors: QuestionErrors
    contradictions: tuple[Contradiction, ...] = Field(
        (),
        description="Answers to this question that contradict an earlier answer: each is "
        "refused with its message, naming the earlier question to change.",
    )


class Step(_Frozen):
    id: Id
    title: Text
    intro: Text | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class Call(_Frozen):
    """The one action on an emergency or urgent card: a phone number the patient can tap."""

    label: Text = Field(description="The link text, e.g. 'Call 911'.")
    number: Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{2,15}$")]


class Outcome(_Frozen):
    id: Id
    title: Text
    message: Text
    urgency: Literal["emergency", "urgent", "routine"]
    stop: bool = False
    actions: tuple[Text, ...] = Field((), max_length=5)
    call: Call | None = Field(None, description="A tappable phone number: the card's one action.")
    next_steps: tuple[Text, ...] = Field(
        (), max_length=4, description="'What to do next', 2 to 4 short steps, inside the card."
    )
    may_continue: RawCondition | None = Field(
        None,
        description="A stopping outcome only: when this holds, a person whose doctor has "
        "checked the signs may answer the rest of the questions (the headline stays). "
        "Without it, the stop is final.",
    )


class Finding(_Frozen):
    criterion: Id
    text: Text
    fits: bool = Field(
        False,
        description="The answer fits what studies ask for. The summary "
        "gathers these in one reveal, after the findings to talk about.",
    )


class Rule(_Frozen):
    id: Id
    when: RawCondition
    outcome: Id | None = None
    finding: Finding | None = None
    sources: Sources

    @property
    def source(self) -> str:
        """The main source: the first listed."""
        return self.sources[0]


class Note(_Frozen):
    """A note shown on every summary; the file lists notes in the order the summary shows them."""

    id: Id
    title: Text
    text: Text
    items: tuple[Text, ...] = ()
    numbered: bool = Field(False, description="Number the items (1, 2, 3), e.g. questions to ask.")
    show: Literal["first", "open", "reveal"] = Field(
        "reveal",
        description="Where the summary shows it: 'first' straight after the headline "
        "card (before the findings; these notes come first in the file), else after the "
        "findings, 'open' or as a 'reveal' that its title opens.",
    )
    after_stop: bool = Field(
        False,
        description="Also shown after an emergency or urgent stop (whose page shows "
        "the card alone), and the only notes the API returns with one.",
    )
    sources: Sources

    @property
    def source(self) -> str:
        """The main source: the first listed."""
        return self.sources[0]


class PageSection(_Frozen):
    heading: Text | None = None
    text: Text | None = None
    items: tuple[Text, ...] = ()
    card: Id | None = Field(None, description="Show this section as that outcome's care card.")


class Page(_Frozen):
    """Wording of a fixed page (the start page, the "Need help now?" page)."""

    title: Text
    sections: tuple[PageSection, ...] = Field(min_length=1)
    source: Id | None = None


class Pages(_Frozen):
    start: Page
    help: Page


class RuleFile(_Frozen):
    """The whole rule file."""

    meta: Meta
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    steps: tuple[Step, ...] = Field(min_length=1)
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    rules: tuple[Rule, ...] = Field(min_length=1)
    notes: tuple[Note, ...] = ()
    pages: Pages


def json_schema() -> dict[str, Any]:
    """JSON Schema of rules.yaml, for editors that check the file while it is typed."""

    def link(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get(_PLACEHOLDER):
                return {"$ref": "#/$defs/Condition"}
            return {k: link(v) for k, v in node.items()}
        if isinstance(node, list):
            return [link(v) for v in node]
        return node

    schema: dict[str, Any] = link(RuleFile.model_json_schema())
    schema["$defs"]["Condition"] = {k: v for k, v in CONDITION_SCHEMA.items() if k != "$id"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Questionnaire rule file (rules.yaml)"
    return schema
