"""The OpenAPI 3.1 document: each view declares its Operation, and the document is generated from
those declarations and the pydantic models of api_schema.py that validate and serialise."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..engine import RuleSet
from .api_schema import (
    FHIR_R4,
    EvaluateResponse,
    FhirQuestionnaire,
    Health,
    InvalidAnswers,
    Problem,
    QuestionnaireDefinition,
)

MODELS: tuple[type[BaseModel], ...] = (  # and the request model, made from the rules
    EvaluateResponse,
    QuestionnaireDefinition,
    InvalidAnswers,
    Problem,
    Health,
    FhirQuestionnaire,
)


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says about one route."""

    id: str
    summary: str
    tag: str
    responses: Mapping[int, tuple[str, type[BaseModel] | None, str]]  # description, model, type
    body: str | None = None  # name of the request schema (the request model is made per app)
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


def operation(op: Operation) -> Callable:
    """Attach an Operation to a view function, for `openapi()`."""

    def mark(view: Callable) -> Callable:
        view.openapi = op  # type: ignore[attr-defined]
        return view

    return mark


def _content(media: str, target: type[BaseModel] | str | None) -> dict[str, Any]:
    name = target if isinstance(target, str) or target is None else target.__name__
    schema = {"$ref": f"#/components/schemas/{name}"} if name else {}
    return {media: {"schema": schema}}


def _path_item(op: Operation, methods: set[str]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.id,
        "summary": op.summary,
        "tags": [op.tag],
        "responses": {},
        **op.extra,
    }
    if op.description:
        spec["description"] = op.description
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": _content("application/json", op.body)}
    for status, (description, target, media) in sorted(op.responses.items()):
        spec["responses"][str(status)] = {
            "description": description,
            "content": _content(media, target),
        }
    return {method.lower(): spec for method in sorted(methods - {"HEAD", "OPTIONS"})}


# Sent by the nginx in front (deploy/nginx/site.conf), per client address: docs/deployment.md.
TOO_MANY_REQUESTS = {
    "description": "Too many requests from this address; wait Retry-After seconds",
    "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    "content": _content("application/json", "Problem"),
}


def openapi(app: Flask, rs: RuleSet, requests: Sequence[type[BaseModel]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route that declares an Operation; `requests`: the
    request bodies made from the rule files (the main questionnaire's, the offer check's)."""
    paths: dict[str, Any] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if op is not None:
            paths.setdefault(rule.rule, {}).update(_path_item(op, set(rule.methods or ())))
    for path, item in paths.items():
        for spec in item.values() if path.startswith("/api/") else ():
            spec["responses"]["429"] = TOO_MANY_REQUESTS
    wanted: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (request, "validation") for request in requests
    ]
    _, schemas = models_json_schema(
        wanted + [(m, "serialization") for m in MODELS],
        ref_template="#/components/schemas/{model}",
    )
    components = schemas["$defs"]
    meta = rs.file.meta
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stem-cell criteria questionnaire API",
            "version": meta.version,
            "description": "General information only, not medical advice. Evaluates a set "
            "of answers against the rules in rules.yaml, and serves the "
            "questionnaire as JSON and as a FHIR R4 Questionnaire. See "
            "docs/integration.md.",
            "license": {
                "name": "Not open source (UNLICENSED, as in package.json)",
                "identifier": "LicenseRef-UNLICENSED",
            },
        },
        "servers": [{"url": "/", "description": "The server this document was fetched from"}],
        "security": [],
        "tags": [
            {"name": "questionnaire", "description": "Evaluate answers; read the rules."},
            {"name": "fhir", "description": "FHIR R4 resources (" + FHIR_R4 + ")."},
            {"name": "operations", "description": "For load balancers and monitoring."},
        ],
        "paths": paths,
        "components": {"schemas": components},
    }
