"""The JSON API's shapes as pydantic models, and the OpenAPI document generated from the routes.

The models are the shape of every JSON body: `EvaluateResponse` and the error models are read
from the engine's records and written by pydantic, and, with `request_model` (made from the
rules; it describes the body of POST /evaluate, whose answers the engine checks), they are the
schemas of the OpenAPI document. Each view declares its operation with `@operation(...)`;
`openapi()` walks the app's URL map, so a route without a declaration is missing from the
document, and a test says so. A thin layer of our own rather than flask-openapi3, APIFlask or
SpecTree: they answer a bad body with their own 422 shape, while the API contract (design.md
section 5) fixes ours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..engine import RuleSet, model
from ..engine.evaluation.evaluate import Summary
from ..engine.evaluation.studies import StudyMatch

FHIR_R4 = "http://hl7.org/fhir/R4/"


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


ANSWERS_DESCRIPTION = (
    "Question id -> answer. Every question shown needs an answer, unless a stopping headline is "
    "already certain (a warning sign). An answer set this schema allows can still be refused "
    "with 422, for example when a shown question has no answer."
)


def _untitled(schema: dict[str, Any]) -> None:
    """An answer may be left out, but null is no answer: the schema shows no default (nor the
    title pydantic makes from the id)."""
    schema.pop("default", None)
    schema.pop("title", None)


def request_model(rs: RuleSet, prefix: str = "") -> type[BaseModel]:
    """The body of POST /api/v1/evaluate as the OpenAPI document describes it, generated from the
    rules: `{"answers": {...}}` with one strictly typed field per question, the opening question
    required (see below). Only a description: the
    API checks the envelope and the engine checks the answers (one validator, one set of
    messages)."""
    fields: dict[str, Any] = {}
    first = rs.file.steps[0]
    # A partial answer set is answered when its headline is already certain (Engine.settled), so
    # only an opening question alone on the first page is required: our headlines all need it
    # (the warning signs). The offer check's first page has several, any of which may settle it.
    opening = [q.id for q in first.questions if q.id not in rs.show_if]
    always = set(opening) if len(first.questions) == 1 else set()
    for q in rs.questions:
        if q.type == "integer":
            kind: Any = Annotated[int, Field(ge=q.min, le=q.max)]
        else:
            kind = Literal[tuple(c.value for c in q.choices)]
            if q.type == "multi":
                kind = Annotated[list[kind], Field(min_length=1)]
        if q.id in always:
            fields[q.id] = (kind, Field(description=q.prompt, json_schema_extra=_untitled))
        else:
            fields[q.id] = (
                kind,
                Field(default=None, description=q.prompt, json_schema_extra=_untitled),
            )
    strict = ConfigDict(extra="forbid", strict=True)
    answers = create_model(f"{prefix}Answers", __config__=strict, **fields)
    answers.__doc__ = "Answers by question id (GET /api/v1/questionnaire lists them)."
    model = create_model(
        f"{prefix}EvaluateRequest",
        __config__=strict,
        answers=(answers, Field(description=ANSWERS_DESCRIPTION)),
    )
    model.__doc__ = '`{"answers": {...}}`: the body of POST /api/v1/evaluate.'
    return model


class SaidAnswerOut(_Out):
    question: str = Field(description="Question id.")
    prompt: str = Field(description="The question as the patient read it.")
    answer: str = Field(description="The answer in words, as the patient read it.")


class ReasonOut(_Out):
    rule: str = Field(description="A rule that proposed this headline and matched.")
    answers: list[SaidAnswerOut] = Field(description="The answers that made it match.")


class CallOut(_Out):
    label: str = Field(description="The link text, e.g. 'Call 911'.")
    number: str = Field(description="The number to dial; a client links it as tel:<number>.")


class OutcomeOut(_Out):
    id: str
    title: str
    message: str
    urgency: str
    actions: list[str]
    call: CallOut | None = Field(
        description="A phone number to call at once (the emergency and urgent headlines), or null."
    )
    next_steps: list[str] = Field(
        description="What to do next: up to 4 short steps, in the "
        "order the patient should take them."
    )
    because: list[ReasonOut] = Field(
        description="The rules that decided the headline and the answers behind them."
    )


SOURCE = "The main source: a key into `sources` (the first of `sources`)."
SOURCES = "Every source that says it, the main one first: keys into `sources`."


class FindingOut(_Out):
    rule: str
    criterion: str
    text: str
    source: str = Field(description=SOURCE)
    sources: list[str] = Field(description=SOURCES)


class NoteOut(_Out):
    id: str
    title: str
    text: str
    items: list[str]
    source: str = Field(description=SOURCE)
    sources: list[str] = Field(description=SOURCES)


class TraceOut(_Out):
    rule: str
    matched: bool
    because: str = Field(description="Why it matched or not, in plain English.")


class SourceOut(_Out):
    title: str
    url: str


class StudyOut(_Out):
    nct_id: str
    status: str | None = Field(description="The registry's overall status, or null if not read.")
    meets_main_criteria: bool = Field(
        description="The answers seem to meet the study's main criteria (never with an "
        "emergency or urgent headline). Not eligibility: the study team decides."
    )
    url: str = Field(description="The study's record in the registry.")


class EvaluateResponse(_Out):
    """The summary of one set of answers: headline, findings, notes and the trace of every rule."""

    outcome: OutcomeOut
    findings: list[FindingOut]
    notes: list[NoteOut]
    trace: list[TraceOut]
    rules_version: str
    rules_fingerprint: str = Field(
        description="SHA-256 of rules.yaml and rules.es.yaml (LF line endings, a NUL between): "
        "docs/rules-changelog.md records each version's."
    )
    stopped_after: str | None = Field(
        description="Step after which a stopping outcome was certain, or null."
    )
    dropped: list[str] = Field(
        description="Answers ignored because their question does not apply to the earlier answers."
    )
    answers: dict[str, str | int | list[str]] = Field(description="The answers used.")
    fired: list[str] = Field(description="Ids of the rules that matched.")
    unanswered: list[str] = Field(
        description="Shown questions not answered: the headline was already certain whatever "
        "their answers are, but findings and safety advice about them are missing. Empty for "
        "a complete answer set."
    )
    sources: dict[str, SourceOut] = Field(description="Every source cited above, by key.")
    studies_fingerprint: str | None = Field(
        None, description="Fingerprint of studies.yaml and studies.es.yaml, like rules_fingerprint."
    )
    studies: list[StudyOut] = Field(
        description="The registered studies of the dated snapshot (studies.yaml), open ones "
        "first; empty beside an emergency or urgent headline."
    )


def _fields(shape: type[BaseModel], record: object, **given: Any) -> dict[str, Any]:
    """The attributes of `record` that `shape` declares, with `given` values in place of some."""
    return {
        name: given[name] if name in given else getattr(record, name) for name in shape.model_fields
    }


def summary_response(
    summary: Summary,
    sources: Mapping[str, model.Source],
    fingerprint: str = "",
    studies: Sequence[StudyMatch] = (),
    studies_fingerprint: str | None = None,
) -> EvaluateResponse:
    """The API's object for a Summary, read field by field as EvaluateResponse declares it."""
    outcome = _fields(OutcomeOut, summary.outcome, because=summary.because)
    return EvaluateResponse.model_validate(
        _fields(
            EvaluateResponse,
            summary,
            outcome=outcome,
            trace=summary.trace or (),
            rules_fingerprint=fingerprint,
            sources={key: sources[key] for key in summary.cited() if key in sources},
            studies_fingerprint=studies_fingerprint,
            studies=[
                {
                    "nct_id": m.study.nct_id,
                    "status": m.study.status,
                    "meets_main_criteria": m.meets,
                    "url": m.study.url,
                }
                for m in studies
            ],
        )
    )


def summary_json(
    summary: Summary,
    sources: Mapping[str, model.Source],
    fingerprint: str = "",
    studies: Sequence[StudyMatch] = (),
    studies_fingerprint: str | None = None,
) -> dict[str, Any]:
    """The API's JSON object for a Summary (also what `flask rules eval --json` prints)."""
    response = summary_response(summary, sources, fingerprint, studies, studies_fingerprint)
    return response.model_dump(mode="json")


class QuestionnaireDefinition(BaseModel):
    """GET /api/v1/questionnaire: the questionnaire as loaded from rules.yaml."""

    meta: model.Meta
    criteria: list[model.Criterion]
    steps: list[model.Step]
    outcomes: list[model.Outcome]


class AnswerProblemOut(BaseModel):
    question: str | None = Field(description="Question id, or null for the body as a whole.")
    code: str = Field(
        description="missing, unknown_question, unknown_choice, wrong_type, "
        "out_of_range, exclusive, or contradiction (the answer contradicts an earlier one)."
    )
    message: str


class InvalidAnswers(BaseModel):
    message: str
    errors: list[AnswerProblemOut]


class Problem(BaseModel):
    status: int
    message: str


class Health(BaseModel):
    status: str
    rules_version: str
    rules_fingerprint: str = Field(
        description="SHA-256 of rules.yaml and rules.es.yaml (LF line endings, a NUL between): "
        "docs/rules-changelog.md records each version's."
    )
    studies_version: str | None = Field(None, description="studies.yaml's meta.version.")
    studies_fingerprint: str | None = Field(None, description="The same, of studies.yaml.")
    offer_version: str | None = Field(None, description="offer.yaml's meta.version.")
    offer_fingerprint: str | None = Field(None, description="The same, of offer.yaml.")


class FhirQuestionnaire(BaseModel):
    """A FHIR R4 Questionnaire resource (http://hl7.org/fhir/R4/questionnaire.html)."""

    model_config = ConfigDict(extra="allow", title="FhirQuestionnaire")
    resourceType: str = Field(json_schema_extra={"const": "Questionnaire"})
    url: str
    version: str
    status: str
    item: list[dict[str, Any]]
