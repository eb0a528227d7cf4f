"""Error responses: JSON under /api, a friendly page elsewhere; never a bare 500."""

from __future__ import annotations

import traceback

from flask import Flask, abort, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from . import api


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        # The form was sent without a valid token (an old tab, or a session that ended).
        # Keep ?part= and ?change= of the page; one leading slash keeps the link on this site.
        again = request.script_root + "/" + request.full_path.rstrip("?").lstrip("/")
        return render_template("csrf_error.html", again=again), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if _wants_json():
            return api.problem(code, exc.description or exc.name)
        return render_template("error.html", code=code, title=exc.name,
                               description=exc.description), code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # pragma: no cover - exercised only by real bugs
        # Where it failed, but not the message: an exception's text can quote an answer.
        app.logger.error("Unhandled %s on %s\n%s", type(exc).__name__, request.endpoint,
                         "".join(traceback.format_tb(exc.__traceback__)))
        if _wants_json():
            return api.problem(500, "Something went wrong on our side. Try again later.")
        error = InternalServerError()
        return render_template("error.html", code=500, title=error.name,
                               description="Something went wrong on our side."), 500


def refuse_nameless_fields(app: Flask) -> None:
    """A form part with no usable name is a 400, not a crash in the CSRF check."""

    @app.before_request
    def check_field_names():
        if request.method != "POST" or request.is_json:
            return
        names = [*request.form.keys(), *request.files.keys()]
        if any(not isinstance(name, str) for name in names):  # werkzeug files them under None
            abort(400, "The form has a field without a name.")
