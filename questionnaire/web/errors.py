"""Error responses: JSON under /api, a friendly page elsewhere; never a bare 500.

Each page keeps the headers werkzeug gives its error (`Allow` on a 405) and gets the security
headers of every response (headers.py); nothing here depends on the request's Host being valid.
"""

from __future__ import annotations

import io
import traceback
from html import escape
from typing import Any

from flask import Flask, Response, abort, g, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError, CSRFProtect, same_origin
from werkzeug.exceptions import HTTPException

from ..engines import LANGUAGES
from . import api
from .i18n import gettext, this_page


def N_(text: str) -> str:
    """Marks a text for the catalogue (pybabel's N_) where it is translated later."""
    return text


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _usable_urls(app: Flask) -> None:
    """A bad Host header (a 64-character label, a stray space) leaves Flask with no URL adapter,
    so url_for would crash while the error page is drawn: give it one that ignores the Host."""
    ctx = request_ctx
    if ctx.url_adapter is None:
        ctx.url_adapter = app.url_map.bind("localhost", script_name=request.script_root or None)


# Headings in plain words (werkzeug's are "Method Not Allowed" and the like), in the page's
# language; 404 and 5xx have their own wording in error.html.
TITLES = {
    400: lazy_gettext("We could not read what was sent"),
    405: lazy_gettext("This page cannot be used that way"),
    413: lazy_gettext("What was sent is too large"),
}


def _page(code: int, title: str, description: str | None) -> str:
    return render_template("error.html", code=code, title=title, description=description)


def _friendly_page(exc: HTTPException, code: int) -> str:
    """The page in the patient's language: our own words for werkzeug's stock ones."""
    if code == 413:
        limit = current_limit_kb()
        description = gettext(
            "What was sent is larger than %(kb)s KB, the most this service takes.", kb=limit
        )
    elif exc.description and exc.description != type(exc).description:
        description = exc.description  # the view's own words (already through gettext)
    else:
        description = gettext("Go back and try again.")
    return _page(code, str(TITLES.get(code, lazy_gettext("There is a problem"))), description)


def current_limit_kb() -> int:
    """The request's limit: the app's MAX_CONTENT_LENGTH, or a view's own (an upload's)."""
    return (request.max_content_length or 0) // 1024


CROSS_SITE = "The form was sent from another site (Origin)."


class OriginCheckingCSRF(CSRFProtect):
    """Flask-WTF's checks (the token, and over HTTPS a same-origin Referer), and then the
    `Origin` header: a browser sends it with every form post, and a post from another site
    names that site (attack report I4; OWASP's CSRF cheat sheet). No Origin (older browsers,
    tools) is left to the other two checks; `null` (a sandboxed or opaque page) is refused."""

    def protect(self, apply_exemptions: bool = False) -> None:
        super().protect(apply_exemptions)
        origin = request.headers.get("Origin")
        if g.get("csrf_valid") and origin is not None and not same_origin(origin, request.host_url):
            g.csrf_valid = False
            raise CSRFError(CROSS_SITE)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        # The form was sent without a valid token (an old tab, or a session that ended), or
        # from another site. Keep ?part= and ?change= of the page; built from the route, so it
        # stays on this site.
        _usable_urls(app)
        again = this_page(list(request.args.items(multi=True)))
        cross_site = exc.description == CROSS_SITE
        return render_template("csrf_error.html", again=again, cross_site=cross_site), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.response is not None:  # abort(response): already what should be sent
            return exc.response
        _usable_urls(app)
        code = exc.code or 500
        description = exc.description
        if code == 413:
            description = (
                f"What was sent is larger than {current_limit_kb()} KB, the most this service "
                "takes."
            )
        # werkzeug's own response carries the headers that belong to the error (Allow on a
        # 405, Retry-After, WWW-Authenticate); only its body is replaced.
        response = exc.get_response()
        if _wants_json():
            body = api.problem(code, description or exc.name)
            response.set_data(body.get_data())
            response.mimetype = "application/json"
        else:
            response.set_data(_friendly_page(exc, code))
            response.mimetype = "text/html"
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # pragma: no cover - exercised only by real bugs
        # Where it failed, but not the message: an exception's text can quote an answer.
        app.logger.error(
            "Unhandled %s on %s\n%s",
            type(exc).__name__,
            request.endpoint,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        if _wants_json():
            return api.problem(500, "Something went wrong on our side. Try again later.")
        _usable_urls(app)
        return _page(500, gettext("Sorry, there is a problem with the service"), None), 500


# The last-resort page's words, in the interface catalogue (N_ marks them for pybabel), so they
# are translated and linted (`flask rules lint`) with every other interface text.
FALLBACK_WORDS = (N_("Sorry, there is a problem with the service"), N_("Try again later."))


def fallback_500(catalogues: dict[str, Any]) -> bytes:
    """The last-resort page, built once at start-up: each language's words from its catalogue
    (a language without one is left out, never English marked as it), English first. Nothing is
    looked up, chosen or rendered when it is served, so a request that broke everything else
    still gets it whole."""
    title, text = FALLBACK_WORDS
    parts = [b'<!doctype html><html lang="en"><meta charset="utf-8">']
    for lang in LANGUAGES:
        if lang != LANGUAGES[0] and lang not in catalogues:
            continue
        say = getattr(catalogues.get(lang), "ugettext", str)
        words = [escape(say(title)), escape(say(text))]
        if lang == LANGUAGES[0]:
            parts.append(f"<title>{words[0]}</title><h1>{words[0]}</h1><p>{words[1]}</p>".encode())
        else:
            parts.append(f'<div lang="{lang}"><h1>{words[0]}</h1><p>{words[1]}</p></div>'.encode())
    return b"".join(parts)


def last_resort(app: Flask) -> None:
    """Wrap the WSGI app: whatever escapes Flask (an error page that itself failed) becomes a
    plain 500 that still has the security headers, instead of the server's bare one."""
    from .headers import security_headers

    inner = app.wsgi_app
    page = fallback_500(app.extensions.get("catalogues") or {})

    def wsgi_app(environ, start_response):
        try:
            return inner(environ, start_response)
        except Exception:  # noqa: BLE001 - the last line of defence; Flask has logged it
            response = Response(page, status=500, mimetype="text/html")
            security_headers(response.headers, secure=environ.get("wsgi.url_scheme") == "https")
            response.headers["Cache-Control"] = "no-store"
            return response(environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]  # Flask's way to wrap


def limit_streamed_bodies(app: Flask) -> None:
    """A body sent without Content-Length (chunked) over MAX_CONTENT_LENGTH is a 413.

    werkzeug only stops reading such a body at the limit, so the view would see it cut short
    (a JSON syntax error, a form with missing fields). Read one byte past the limit here: a
    body that fits is handed on with its length; a longer one is marked too long, and werkzeug
    answers 413 as for any body whose Content-Length is too big.
    """
    inner = app.wsgi_app

    def wsgi_app(environ, start_response):
        limit = app.config["MAX_CONTENT_LENGTH"]
        if (
            limit is not None
            and not environ.get("CONTENT_LENGTH")
            and "wsgi.input_terminated" in environ
        ):
            body = environ["wsgi.input"].read(limit + 1)
            environ["wsgi.input"] = io.BytesIO(body if len(body) <= limit else b"")
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # else werkzeug ignores the length
        return inner(environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]  # Flask's way to wrap


def refuse_nameless_fields(app: Flask) -> None:
    """A form part with no usable name is a 400, not a crash in the CSRF check."""

    @app.before_request
    def check_field_names():
        if request.method != "POST" or request.is_json:
            return
        names = [*request.form.keys(), *request.files.keys()]
        if any(not isinstance(name, str) for name in names):  # werkzeug files them under None
            abort(400, gettext("The form has a field without a name."))
