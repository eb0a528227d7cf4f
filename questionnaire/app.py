"""The composition root: `create_app` builds the web app in named steps, one per concern;
`create_cli_app` gives the `flask` command its commands without building the web app."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from . import engines
from .engine import QuestionnaireError
from .engines import LANGUAGES, engine_for, engine_of

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(QuestionnaireError):
    """The app is not configured well enough to start."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app: configuration, the rule engine, then the web, API and CLI layers."""
    app = _flask()
    configure(app, config)
    require_secret_key(app)
    check_clinician_password(app)
    engines.init_app(app)  # load, check and verify the rule files: one engine per language
    init_i18n(app)
    init_session(app)
    init_forms(app)
    init_csrf(app)
    init_studies(app)
    register_blueprints(app)
    init_preview(app)
    init_templates(app)
    init_documents(app)
    register_error_handlers(app)
    wrap_wsgi(app)
    register_commands(app)
    return app


def create_cli_app(web: Callable[[], Flask] = create_app) -> Flask:
    """The `flask` command's app: the configuration and the commands, which load their own rule
    file, so they work with a broken one and without SECRET_KEY. Served (`flask run`), it hands
    each request to the web app that `web` builds on the first one."""
    app = _flask()
    configure(app, None)
    register_commands(app)
    app.wsgi_app = BuiltOnFirstRequest(web)  # type: ignore[method-assign]
    return app


class BuiltOnFirstRequest:
    """A WSGI app that builds the real one when the first request comes (`flask run` only)."""

    def __init__(self, build: Callable[[], Flask]):
        self._build, self._lock = build, threading.Lock()
        self._app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        with self._lock:
            if self._app is None:
                self._app = self._build()
        return self._app.wsgi_app(environ, start_response)


def _flask() -> Flask:
    return Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )


def configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    """Defaults, then the environment and instance/secret_key, then the caller's overrides."""
    app.config.from_mapping(
        SECRET_KEY=None,
        QUESTIONNAIRE_RULES=os.environ.get("QUESTIONNAIRE_RULES", str(ROOT / "rules.yaml")),
        # The registered studies (design.md section 7); unset: studies.yaml beside the rules.
        QUESTIONNAIRE_STUDIES=os.environ.get("QUESTIONNAIRE_STUDIES"),
        # Example answers shipped with the rules: the clinician preview offers them, and
        # `flask rules test` runs them by default.
        QUESTIONNAIRE_SCENARIOS=os.environ.get("QUESTIONNAIRE_SCENARIOS", str(ROOT / "scenarios")),
        # Off unless asked for: `make run` turns it on for local use. With a password it is
        # on, over HTTPS only, behind HTTP Basic authentication (docs/deployment.md).
        CLINICIAN_PREVIEW=(
            os.environ.get("CLINICIAN_PREVIEW", "0") == "1"
            or bool(os.environ.get("CLINICIAN_PASSWORD"))
        ),
        CLINICIAN_PASSWORD=os.environ.get("CLINICIAN_PASSWORD") or None,
        # The rule file "What changed" compares with; unset: the last committed rules.yaml when
        # in a git checkout; empty: none (docs/clinician-preview.md, "Review a change").
        CLINICIAN_PREVIOUS_RULES=os.environ.get("CLINICIAN_PREVIOUS_RULES"),
        MAX_CONTENT_LENGTH=64 * 1024,  # answers are small; refuse anything bigger
        # Who runs the service, shown on the start page and the handout.
        SERVICE_NAME=os.environ.get("SERVICE_NAME", "Stem-cell treatment check"),
        SERVICE_OPERATOR=os.environ.get("SERVICE_OPERATOR", ""),  # none: a demonstration
        SERVICE_CONTACT=os.environ.get("SERVICE_CONTACT", ""),
        TRUSTED_PROXIES=os.environ.get("TRUSTED_PROXIES", "0"),
    )
    secret = os.environ.get("SECRET_KEY")
    key_file = Path(app.instance_path) / "secret_key"
    if not secret and key_file.is_file():
        secret = key_file.read_text().strip()
    if secret:
        app.config["SECRET_KEY"] = secret
    # Old keys, still accepted for reading answers while a new SECRET_KEY rolls out (separated
    # by commas); cookies opened with one are written back under the new key.
    old_keys = [
        k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
    ]
    if old_keys:
        app.config["SECRET_KEY_FALLBACKS"] = old_keys
    if config:
        app.config.update(config)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # the API's documented field order


def require_secret_key(app: Flask) -> None:
    """The answers' cookies are encrypted under SECRET_KEY: no key, no app (except in debug or
    tests, which get a fixed one)."""
    if not app.config["SECRET_KEY"]:
        if not (app.debug or app.testing):
            raise ConfigError(
                "The environment variable 'SECRET_KEY' is not set. Set it to a long random "
                "string (for example: python3 -c 'import secrets; print(secrets.token_hex(32))'), "
                "or run 'make run', which creates instance/secret_key for you."
            )
        app.config["SECRET_KEY"] = "dev-only-not-secret"


STATIC_LINKED = ("style.css", "favicon.svg", "enhance.js")  # linked from every page


def file_version(path: Path) -> str:
    """A static file's fingerprint for its URL (`?v=`), so a proxy may let browsers keep it for a
    year: a changed file gets a new URL."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def preview_on(app: Flask) -> bool:
    """Whether the clinician preview is served (docs/clinician-preview.md)."""
    return bool(app.config["CLINICIAN_PREVIEW"] or app.config["CLINICIAN_PASSWORD"])


def init_i18n(app: Flask) -> None:
    """Flask-Babel and the visit's language; refuse to start without a compiled catalogue."""
    from .web import i18n
    from .web.catalogues import require_compiled

    i18n.init_app(app)
    require_compiled(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]), LANGUAGES)


def init_session(app: Flask) -> None:
    """The answers live in encrypted cookies, one per step (web/session.py)."""
    from .web.session import AnswerSessionInterface

    app.session_interface = AnswerSessionInterface.for_app(app, engine_of(app).ruleset.file.steps)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")


def init_forms(app: Flask) -> None:
    """The wizard's pages and forms, once per language (labels and messages come from the rules)."""
    from .web.journey import Journey

    app.extensions["journeys"] = {lang: Journey(engine_for(app, lang)) for lang in LANGUAGES}


def init_csrf(app: Flask) -> None:
    """CSRF checks on every form post; not on the API and the health check (no cookies)."""
    from .web import api, clinician, errors, health

    errors.refuse_nameless_fields(app)  # before the CSRF check, which trips over them
    csrf = errors.OriginCheckingCSRF(app)  # the token, the Referer and the Origin
    csrf.exempt(api.bp)
    csrf.exempt(health.bp)
    if not preview_on(app):  # its pages do not exist then: a POST there is 404, not a CSRF error
        csrf.exempt(clinician.bp)


def init_studies(app: Flask) -> None:
    """The registry snapshot of studies (studies.yaml), checked against the rules, and the
    check of a clinic's offer (offer.yaml), when its rule file is there."""
    from .web import offer, studies

    studies.init_app(app)
    offer.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The patient pages, the API, the health check, the studies and the clinician preview."""
    from .web import api, clinician, health, offer, patient, studies

    for blueprint in (patient.bp, api.bp, health.bp, studies.bp, offer.bp, clinician.bp):
        app.register_blueprint(blueprint)


def init_preview(app: Flask) -> None:
    """The clinician preview, when it is on: the verifier's report, the comparison with the
    previous rule file, and the slots that keep tries and uploads from holding every worker."""
    if not preview_on(app):
        return
    from .web import clinician, clinician_changes

    app.extensions["preview"] = clinician.Preview.build(
        engine_of(app).ruleset, app.config["QUESTIONNAIRE_SCENARIOS"]
    )
    app.extensions["try_slots"] = clinician.try_slots()  # before gunicorn forks
    clinician_changes.init_app(app)


def init_documents(app: Flask) -> None:
    """The release's documents, written once every route and template helper is there
    (web/documents.py): the OpenAPI document and the FHIR Questionnaire of each language, and
    with the preview on, the clinician's guidance overview and outcome book."""
    from .web import api, clinician

    api.init_documents(app)
    if preview_on(app):
        clinician.init_documents(app)


def init_templates(app: Flask) -> None:
    """What every page's template gets: the rule file in the page's language and the links."""
    from .web.i18n import current_language

    static = Path(app.static_folder or ROOT / "static")
    versions = {name: file_version(static / name) for name in STATIC_LINKED}

    @app.context_processor
    def shared() -> dict[str, Any]:
        return {
            "rule_file": engine_for(app, current_language()).ruleset.file,
            "links": {
                "style": url_for("static", filename="style.css", v=versions["style.css"]),
                "icon": url_for("static", filename="favicon.svg", v=versions["favicon.svg"]),
                "script": url_for("static", filename="enhance.js", v=versions["enhance.js"]),
                "start": url_for("patient.start"),
                "help": url_for("patient.help_now"),
            },
        }


def register_error_handlers(app: Flask) -> None:
    """Error pages (JSON under /api/) and the security headers on every response."""
    from .web import errors, headers

    errors.init_app(app)
    headers.init_app(app)


def wrap_wsgi(app: Flask) -> None:
    """WSGI wrappers, innermost first: bodies without a length, the last-resort 500 page, and
    the proxies' X-Forwarded-* headers (outermost, so every layer sees the client's scheme)."""
    from .web import errors

    errors.limit_streamed_bodies(app)
    errors.last_resort(app)  # catches anything the rest lets through
    trust_proxies(app)


MIN_PASSWORD_LENGTH = 16


def check_clinician_password(app: Flask) -> None:
    """A short password could be guessed, even at the rate nginx allows (docs/deployment.md)."""
    password = app.config["CLINICIAN_PASSWORD"]
    if password and len(str(password)) < MIN_PASSWORD_LENGTH:
        raise ConfigError(
            f"CLINICIAN_PASSWORD has {len(str(password))} characters; it needs at least "
            f"{MIN_PASSWORD_LENGTH}. Make one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(24))'"
        )


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies (nginx: 1), read the client's scheme, host, port and address
    from their X-Forwarded-* headers, so cookies, CSRF, HSTS and redirects see https. Off (0) by
    default: a client talking to the app directly could otherwise claim any of them. This is the
    only place they are trusted (gunicorn.conf.py turns gunicorn's own handling off)."""
    value = str(app.config["TRUSTED_PROXIES"]).strip()
    if not value.isdigit():
        raise ConfigError(
            f"TRUSTED_PROXIES must be the number of proxies in front of the app (0, 1, 2...), "
            f"not {value!r}. Behind one nginx, set TRUSTED_PROXIES=1."
        )
    hops = int(value)
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's way to wrap
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )


def register_commands(app: Flask) -> None:
    """`flask rules ...` (questionnaire/cli.py) and `flask studies ...` (studies_cli.py)."""
    from . import cli, studies_cli

    app.cli.add_command(cli.rules_group)
    app.cli.add_command(studies_cli.studies_group)
