"""JSON API under /api/v1: no cookies, no CSRF, and errors are always JSON.

Each view declares its OpenAPI operation (openapi.operation); the document is generated from
those declarations and the pydantic models that validate requests and serialise responses.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from pydantic import BaseModel
from werkzeug.exceptions import MethodNotAllowed

from .. import fhir
from ..engine import AnswerProblem
from ..engine.load.translations import LANGUAGES
from ..engines import engine_for, has_engine
from . import documents, studies
from .api_schema import (
    AnswerProblemOut,
    EvaluateResponse,
    FhirQuestionnaire,
    InvalidAnswers,
    Problem,
    QuestionnaireDefinition,
    request_model,
    summary_response,
)
from .i18n import browser_language
from .openapi import Operation, operation
from .openapi import openapi as openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
JSON = "application/json"
NOT_FOUND = {404: ("No such resource (a path this document does not list)", Problem, JSON)}
NO_LANGUAGE = {400: ("There is no such language (lang is not en or es)", Problem, JSON)}
LANG = {
    "parameters": [
        {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "Language of every text: en or es. Without it, the Accept-Language "
            "header decides; English is the default. Content-Language says which was used.",
            "schema": {"type": "string", "enum": list(LANGUAGES)},
        }
    ]
}


def reply(body: BaseModel, status: int = 200) -> Response:
    """A JSON response written by the model that describes it in the OpenAPI document."""
    return Response(body.model_dump_json(), status, mimetype=JSON)


def problem(status: int, message: str) -> Response:
    return reply(Problem(status=status, message=message), status)


def invalid(problems: list[AnswerProblem] | tuple[AnswerProblem, ...]) -> Response:
    errors = [AnswerProblemOut.model_validate(p.as_dict()) for p in problems]
    return reply(InvalidAnswers(message="The answers cannot be evaluated.", errors=errors), 422)


class _NotJson(ValueError):
    """Something Python's json module reads but JSON does not allow, or we will not take."""


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # over 4,300 digits: Python's own message names one of its settings
        raise _NotJson(
            f"a number with {len(text.lstrip('-'))} digits is far too big to be an answer"
        ) from None


def _not_json(name: str):
    raise _NotJson(f"{name} is not a number JSON allows")


def _has_lone_surrogate(value: object) -> bool:
    """Whether any key or text anywhere in a parsed JSON body holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


@bp.after_app_request
def allow_header(response: Response) -> Response:
    """A 405 names the methods the path has (RFC 9110), also when the JSON error handler wrote
    the response in place of werkzeug's."""
    exc = request.routing_exception
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods and "Allow" not in response.headers:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def language() -> str:
    """?lang= when given, else the best of Accept-Language, else English. The API keeps no
    cookie, so nothing is remembered between calls; within a call it is worked out once (the
    view and the Content-Language header both ask)."""
    lang = g.get("api_language")
    if lang is None:
        lang = g.api_language = _asked_language()
    return lang


def _asked_language() -> str:
    chosen = request.args.get("lang")
    if chosen is not None:
        if chosen not in LANGUAGES:
            abort(400, f"There is no language '{chosen}'. Use lang={' or lang='.join(LANGUAGES)}.")
        return chosen
    return browser_language()


@bp.after_request
def say_language(response: Response) -> Response:
    """Caches keep one copy per language; clients see which language they got."""
    response.vary.add("Accept-Language")
    if response.status_code < 400 and request.endpoint != "api.openapi":
        response.headers["Content-Language"] = language()
    return response


@bp.get("/questionnaire")
@operation(
    Operation(
        "getQuestionnaire",
        "Steps, questions and choices, as loaded from rules.yaml",
        "questionnaire",
        {200: ("The questionnaire", QuestionnaireDefinition, JSON), **NO_LANGUAGE, **NOT_FOUND},
        extra=LANG,
    )
)
def questionnaire():
    """Steps, questions and choices, as loaded."""
    file = engine_for(current_app, language()).ruleset.file
    return reply(
        QuestionnaireDefinition(
            meta=file.meta, criteria=file.criteria, steps=file.steps, outcomes=file.outcomes
        )
    )


def _body_problem() -> Response | dict:
    """The parsed JSON body, or the 400/415 response that says what is wrong with it."""
    if not request.is_json:
        return problem(
            415, "Send the body as JSON with the header 'Content-Type: application/json'."
        )
    try:
        body = json.loads(
            request.get_data(cache=False) or b"null",
            parse_int=_whole_number,
            parse_constant=_not_json,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        return problem(400, f"The body is not valid JSON: {exc}.")
    except RecursionError:
        return problem(400, "The body is nested too deeply to be answers.")
    if _has_lone_surrogate(body):
        # "\ud800" is valid JSON but not text: it cannot be quoted back in any message.
        return problem(
            400,
            "The body has text with a lone surrogate escape (such as \\ud800), "
            "which is not a character; send real text.",
        )
    if not isinstance(body, dict):
        return problem(400, 'The body must be a JSON object like {"answers": {...}}.')
    return body


def _answers_of(body: dict[str, Any]) -> dict[str, Any] | Response:
    """The answers of a `{"answers": {...}}` body, or the 422 that says what is wrong with the
    envelope (the engine checks the answers themselves)."""
    unknown = [name for name in body if name != "answers"]
    if "answers" not in body:
        what = "missing field 'answers'"
    elif unknown:
        what = f"unknown field '{unknown[0]}'"
    elif not isinstance(body["answers"], dict):
        what = "field 'answers' that is not an object"
    else:
        return _no_empty_answers(body["answers"])
    message = f'The body has {what}; send {{"answers": {{question id: answer}}}}.'
    return invalid([AnswerProblem(None, "wrong_type", message)])


def _no_empty_answers(answers: dict[str, Any]) -> dict[str, Any] | Response:
    """An answer may be left out, but null, "" or [] is no answer (the OpenAPI document says
    so): refused by name, so a question left open is never sent as an empty value."""
    empty = [name for name, value in answers.items() if value is None or value in ("", [])]
    if not empty:
        return answers
    return invalid(
        [
            AnswerProblem(str(name), "wrong_type", "an empty answer; leave the question out")
            for name in empty
        ]
    )


@bp.post("/evaluate")
@operation(
    Operation(
        "evaluate",
        "Evaluate a set of answers",
        "questionnaire",
        body="EvaluateRequest",
        description="Answers that fit the schema can still be refused with 422: every question "
        "shown needs an answer unless the answers given already make the headline certain "
        "(then `unanswered` lists the questions left; after an emergency or a final urgent "
        "stop, later answers are checked but not used), a multi-select's 'none' cannot be "
        "ticked with another choice, and whole numbers must be sent as JSON integers.",
        responses={
            200: ("The summary", EvaluateResponse, JSON),
            400: ("The body is not a JSON object, or there is no such language", Problem, JSON),
            413: ("The body is too large", Problem, JSON),
            415: ("The body is not sent as application/json", Problem, JSON),
            422: (
                "The answers cannot be evaluated: missing answers, unknown questions or "
                "choices, numbers out of range",
                InvalidAnswers,
                JSON,
            ),
            **NOT_FOUND,
        },
        extra=LANG,
    )
)
def evaluate():
    """Evaluate `{"answers": {...}}` and return the summary with its trace."""
    return _evaluate()


@bp.post("/offer/evaluate")
@operation(
    Operation(
        "evaluateOffer",
        "Check what a clinic offered (the questions of offer.yaml)",
        "offer",
        body="OfferEvaluateRequest",
        description="The same request and response shapes as /evaluate, with the question ids "
        "of the clinic-offer check (GET /offer/ in a browser); its `studies` list is empty.",
        responses={
            200: ("The summary", EvaluateResponse, JSON),
            400: ("The body is not a JSON object, or there is no such language", Problem, JSON),
            413: ("The body is too large", Problem, JSON),
            415: ("The body is not sent as application/json", Problem, JSON),
            422: ("The answers cannot be evaluated", InvalidAnswers, JSON),
            **NOT_FOUND,
        },
        extra=LANG,
    )
)
def evaluate_offer():
    """Evaluate the answers of the clinic-offer check, like /evaluate."""
    if not has_engine(current_app, "offer"):
        abort(404)
    return _evaluate("offer")


def _evaluate(questionnaire: str | None = None) -> Response:
    body = _body_problem()
    if isinstance(body, Response):
        return body
    answers = _answers_of(body)
    if isinstance(answers, Response):
        return answers
    engine = engine_for(current_app, language(), questionnaire)
    # Every question answered, or some unanswered but the headline already certain: 200.
    summary = engine.settled(answers)
    if summary is None:
        return invalid(engine.check(answers))
    snapshot = None if questionnaire else studies.studies_for(current_app, language())
    found = studies.matches(current_app, summary, language()) if snapshot else []
    own = snapshot.fingerprint if snapshot else None
    return reply(summary_response(summary, engine.sources, engine.ruleset.fingerprint, found, own))


@bp.get("/openapi.json")
@operation(
    Operation(
        "getOpenApi",
        "This document, generated from the routes and their models",
        "questionnaire",
        {200: ("OpenAPI 3.1 document", None, JSON), **NOT_FOUND},
    )
)
def openapi():
    """OpenAPI 3.1 description of this API."""
    return document("openapi")


@bp.get("/fhir/Questionnaire")
@operation(
    Operation(
        "getFhirQuestionnaire",
        "The questionnaire as a FHIR R4 Questionnaire",
        "fhir",
        {
            200: (
                "FHIR R4 Questionnaire; url and version name this edition of the rules",
                FhirQuestionnaire,
                "application/fhir+json",
            ),
            **NO_LANGUAGE,
            **NOT_FOUND,
        },
        description="Texts are in the chosen language (`language`); each carries the other "
        "language in HL7's translation extension.",
        extra={"externalDocs": {"url": "http://hl7.org/fhir/R4/questionnaire.html"}, **LANG},
    )
)
def fhir_questionnaire():
    """The questionnaire as a FHIR R4 Questionnaire."""
    return document("fhir")


def init_documents(app: Flask) -> None:
    """The OpenAPI document and the FHIR Questionnaire of each language, written once when the
    app starts, after every route is registered (documents.py): they depend only on the rules,
    and take 13 and 41 ms to build against 0.3 ms to send (docs/benchmarks.md)."""
    for lang in LANGUAGES:
        rs = engine_for(app, lang).ruleset
        others = [engine_for(app, other).ruleset for other in LANGUAGES if other != lang]
        requests = [request_model(rs)]
        if has_engine(app, "offer"):
            requests.append(request_model(engine_for(app, lang, "offer").ruleset, "Offer"))
        documents.keep(
            app, f"openapi {lang}", app.json.dumps(openapi_document(app, rs, requests)), JSON
        )
        documents.keep(
            app,
            f"fhir {lang}",
            app.json.dumps(fhir.questionnaire(rs, others)),
            "application/fhir+json",
        )


def document(name: str) -> Response:
    """One of the documents written when the app started, in the request's language."""
    return documents.send(f"{name} {language()}")
