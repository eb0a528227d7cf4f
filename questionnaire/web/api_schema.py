"""Shapes of the JSON API, as pydantic models: the OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from ..engine import model

Answer = str | int | list[str]


class EvaluateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Answer] = Field(
        description="Question id -> answer: a choice value, a whole number, or a list of "
                    "choice values for a multi-select.",
        examples=[{"warning_signs": ["bladder_bowel"]}])


class SaidAnswerOut(BaseModel):
    question: str = Field(description="Question id.")
    prompt: str = Field(description="The question as the patient read it.")
    answer: str = Field(description="The answer in words, as the patient read it.")


class ReasonOut(BaseModel):
    rule: str = Field(description="A rule that proposed this headline and matched.")
    answers: list[SaidAnswerOut] = Field(description="The answers that made it match.")


class OutcomeOut(BaseModel):
    id: str
    title: str
    message: str
    urgency: str
    actions: list[str]
    because: list[ReasonOut] = Field(description="The rules that decided the headline and the "
                                                 "answers behind them.")


class FindingOut(BaseModel):
    rule: str
    criterion: str
    text: str
    source: str


class NoteOut(BaseModel):
    id: str
    title: str
    text: str
    items: list[str]
    source: str


class TraceOut(BaseModel):
    rule: str
    matched: bool
    because: str


class SourceOut(BaseModel):
    title: str
    url: str


class EvaluateResponse(BaseModel):
    outcome: OutcomeOut
    findings: list[FindingOut]
    notes: list[NoteOut]
    trace: list[TraceOut]
    rules_version: str
    stopped_after: str | None = Field(description="Step after which a stopping outcome was "
                                                  "certain, or null.")
    dropped: list[str] = Field(description="Answers ignored because their question does not "
                                           "apply to the earlier answers.")
    sources: dict[str, SourceOut]


class QuestionnaireResponse(BaseModel):
    meta: model.Meta
    criteria: list[model.Criterion]
    steps: list[model.Step]
    outcomes: list[model.Outcome]


class ProblemOut(BaseModel):
    question: str | None
    code: str
    message: str


class InvalidAnswers(BaseModel):
    message: str
    errors: list[ProblemOut]


class Error(BaseModel):
    status: int
    message: str


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _error(description: str, ref: str = "Error") -> dict[str, Any]:
    return {"description": description, "content": _json(ref)}


def openapi(version: str, languages: tuple[str, ...] = ("en", "es")) -> dict[str, Any]:
    """The OpenAPI 3.1 description of /api/v1."""
    models = [EvaluateRequest, EvaluateResponse, QuestionnaireResponse, InvalidAnswers, Error]
    _, schemas = models_json_schema([(m, "validation" if m is EvaluateRequest else "serialization")
                                     for m in models],
                                    ref_template="#/components/schemas/{model}")
    components = schemas.get("$defs", {})
    common = {"404": _error("No such resource"), "405": _error("Method not allowed")}
    lang = {"parameters": [{
        "name": "lang", "in": "query", "required": False,
        "description": "Language of every text: en or es. Without it, the Accept-Language "
                       "header decides; English is the default. The response's "
                       "Content-Language says which was used.",
        "schema": {"type": "string", "enum": list(languages)}}]}
    bad_lang = {"400": _error("The body is not a JSON object, or there is no such language")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Stem-cell criteria questionnaire API", "version": version,
                 "description": "General information only, not medical advice. Evaluates a "
                                "set of answers against the rules in rules.yaml."},
        "paths": {
            "/api/v1/questionnaire": {"get": {
                "operationId": "getQuestionnaire",
                "summary": "Steps, questions and choices, as loaded from rules.yaml", **lang,
                "responses": {"200": {"description": "The questionnaire",
                                      "content": _json("QuestionnaireResponse")},
                              "400": _error("There is no such language"), **common}}},
            "/api/v1/evaluate": {"post": {
                "operationId": "evaluate",
                "summary": "Evaluate a set of answers", **lang,
                "requestBody": {"required": True, "content": _json("EvaluateRequest")},
                "responses": {
                    "200": {"description": "The summary", "content": _json("EvaluateResponse")},
                    **bad_lang,
                    "413": _error("The body is too large"),
                    "415": _error("The body is not sent as application/json"),
                    "422": _error("The answers cannot be evaluated", "InvalidAnswers"),
                    **common}}},
            "/api/v1/openapi.json": {"get": {
                "operationId": "getOpenApi", "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document",
                                      "content": {"application/json": {}}}, **common}}},
        },
        "components": {"schemas": components},
    }
