"""JSON API under /api/v1: no cookies, no CSRF, and errors are always JSON."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request

from ..app import engine_of
from ..engine import AnswerProblem, AnswersError
from . import api_schema

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def problem(status: int, message: str) -> Response:
    response = jsonify({"status": status, "message": message})
    response.status_code = status
    return response


def invalid(problems: list[AnswerProblem] | tuple[AnswerProblem, ...]) -> Response:
    response = jsonify({"message": "The answers cannot be evaluated.",
                        "errors": [p.as_dict() for p in problems]})
    response.status_code = 422
    return response


class _NotJson(ValueError):
    """Something Python's json module reads but JSON does not allow, or we will not take."""


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # over 4,300 digits: Python's own message names one of its settings
        raise _NotJson(f"a number with {len(text.lstrip('-'))} digits is far too big to be an "
                       "answer") from None


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


@bp.get("/questionnaire")
def questionnaire():
    """Steps, questions and choices, as loaded."""
    return document("questionnaire")


@bp.post("/evaluate")
def evaluate():
    """Evaluate `{"answers": {...}}` and return the summary with its trace."""
    if not request.is_json:
        return problem(415, "Send the body as JSON with the header "
                            "'Content-Type: application/json'.")
    try:
        body = json.loads(request.get_data(cache=False) or b"null", parse_int=_whole_number,
                          parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError) as exc:
        return problem(400, f"The body is not valid JSON: {exc}.")
    except RecursionError:
        return problem(400, "The body is nested too deeply to be answers.")
    if _has_lone_surrogate(body):
        # "\ud800" is valid JSON but not text: it cannot be quoted back in any message.
        return problem(400, "The body has text with a lone surrogate escape (such as \\ud800), "
                            "which is not a character; send real text.")
    if not isinstance(body, dict):
        return problem(400, 'The body must be a JSON object like {"answers": {...}}.')
    extra = sorted(set(body) - {"answers"})
    if "answers" not in body or extra:
        what = f"unknown field '{extra[0]}'" if extra else "missing field 'answers'"
        return invalid([AnswerProblem(None, "wrong_type", f'The body has {what}; send '
                                      '{"answers": {question id: answer}}.')])
    engine = engine_of(current_app)
    try:
        summary = engine.evaluate(body["answers"])
    except AnswersError as exc:
        return invalid(exc.problems)
    return jsonify(summary.to_dict(engine.sources))


@bp.get("/openapi.json")
def openapi():
    """OpenAPI 3.1 description of this API."""
    return document("openapi")


@bp.get("/fhir/Questionnaire")
def fhir_questionnaire():
    """The questionnaire as a FHIR R4 Questionnaire."""
    return document("fhir")


def document(name: str) -> Response:
    """One of the three documents that depend only on the rules. Each takes about 10 ms to build,
    so they are written once per app, on first use."""
    app = current_app._get_current_object()
    built = app.extensions.get("api_documents")
    if built is None:
        from .. import fhir

        rs = engine_of(app).ruleset
        file = rs.file
        built = app.extensions["api_documents"] = {
            "questionnaire": (app.json.dumps({
                "meta": file.meta.model_dump(mode="json"),
                "criteria": [c.model_dump(mode="json") for c in file.criteria],
                "steps": [s.model_dump(mode="json") for s in file.steps],
                "outcomes": [o.model_dump(mode="json") for o in file.outcomes],
            }), "application/json"),
            "openapi": (app.json.dumps(api_schema.openapi(file.meta.version)), "application/json"),
            "fhir": (app.json.dumps(fhir.questionnaire(rs)), "application/fhir+json"),
        }
    body, mimetype = built[name]
    return Response(body, mimetype=mimetype)
