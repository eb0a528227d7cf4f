"""Error responses: JSON under /api, a friendly page elsewhere; never a bare 500."""

from __future__ import annotations

import traceback

from flask import Flask, abort, render_template, request
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from . import api

# Headings in plain words (werkzeug's are "Method Not Allowed" and the like), in the page's
# language; 404 and 5xx have their own wording in error.html.
TITLES = {
    400: lazy_gettext("We could not read what was sent"),
    405: lazy_gettext("This page cannot be used that way"),
    413: lazy_gettext("What was sent is too large"),
}


def error_page(exc: HTTPException, code: int) -> tuple[str, int]:
    """The friendly page: our own description when the view gave one, else a plain one."""
    own = exc.description and exc.description != type(exc).description
    return render_template("error.html", code=code,
                           title=TITLES.get(code, lazy_gettext("There is a problem")),
                           description=exc.description if own
                           else gettext("Go back and try again.")), code


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
        return error_page(exc, code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # pragma: no cover - exercised only by real bugs
        # Where it failed, but not the message: an exception's text can quote an answer.
        app.logger.error("Unhandled %s on %s\n%s", type(exc).__name__, request.endpoint,
                         "".join(traceback.format_tb(exc.__traceback__)))
        if _wants_json():
            return api.problem(500, "Something went wrong on our side. Try again later.")
        return error_page(InternalServerError(), 500)


def refuse_nameless_fields(app: Flask) -> None:
    """A form part with no usable name is a 400, not a crash in the CSRF check."""

    @app.before_request
    def check_field_names():
        if request.method != "POST" or request.is_json:
            return
        names = [*request.form.keys(), *request.files.keys()]
        if any(not isinstance(name, str) for name in names):  # werkzeug files them under None
            abort(400, gettext("The form has a field without a name."))
