"""JSON API under /api/v1: no cookies, no CSRF, and errors are always JSON."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, jsonify, request

from ..app import LANGUAGES, engine_for
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


def language() -> str:
    """?lang= when given, else the best of Accept-Language, else English. The API keeps no
    cookie, so nothing is remembered between calls."""
    chosen = request.args.get("lang")
    if chosen is not None:
        if chosen not in LANGUAGES:
            abort(400, f"There is no language '{chosen}'. Use lang={' or lang='.join(LANGUAGES)}.")
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=LANGUAGES[0])


@bp.after_request
def say_language(response: Response) -> Response:
    """Caches keep one copy per language; clients see which language they got."""
    response.vary.add("Accept-Language")
    if response.status_code < 400 and request.endpoint != "api.openapi":
        response.headers["Content-Language"] = language()
    return response


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
        body = json.loads(request.get_data(cache=False) or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        return problem(400, f"The body is not valid JSON: {exc}.")
    except RecursionError:
        return problem(400, "The body is nested too deeply to be answers.")
    if not isinstance(body, dict):
        return problem(400, 'The body must be a JSON object like {"answers": {...}}.')
    extra = sorted(set(body) - {"answers"})
    if "answers" not in body or extra:
        what = f"unknown field '{extra[0]}'" if extra else "missing field 'answers'"
        return invalid([AnswerProblem(None, "wrong_type", f'The body has {what}; send '
                                      '{"answers": {question id: answer}}.')])
    engine = engine_for(current_app, language())
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
    """One of the three documents that depend only on the rules (and the language). Each takes
    about 10 ms to build, so they are written once per app and language, on first use."""
    app = current_app._get_current_object()
    lang = language()
    built = app.extensions.setdefault("api_documents", {}).get(lang)
    if built is None:
        from .. import fhir

        rs = engine_for(app, lang).ruleset
        others = [engine_for(app, other).ruleset for other in LANGUAGES if other != lang]
        file = rs.file
        built = app.extensions["api_documents"][lang] = {
            "questionnaire": (app.json.dumps({
                "meta": file.meta.model_dump(mode="json"),
                "criteria": [c.model_dump(mode="json") for c in file.criteria],
                "steps": [s.model_dump(mode="json") for s in file.steps],
                "outcomes": [o.model_dump(mode="json") for o in file.outcomes],
            }), "application/json"),
            "openapi": (app.json.dumps(api_schema.openapi(file.meta.version, LANGUAGES)),
                        "application/json"),
            "fhir": (app.json.dumps(fhir.questionnaire(rs, others)), "application/fhir+json"),
        }
    body, mimetype = built[name]
    return Response(body, mimetype=mimetype)
