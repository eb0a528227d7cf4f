"""The Flask app factory: configuration, the rule engine, blueprints and commands."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from . import rules
from .engine import QuestionnaireError
from .rules import LANGUAGES, engine_for, engine_of

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(QuestionnaireError):
    """The app is not configured well enough to start."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, the rule engine, then the web, API and CLI layers."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    configure(app, config)
    check_clinician_password(app)
    rules.init_app(app)
    register_blueprints(app)
    register_commands(app)
    trust_proxies(app)
    return app


def create_cli_app() -> Flask:
    """Only the `flask rules` commands, for when the full app cannot start (a broken rule file,
    or no SECRET_KEY on a clinician's machine): they load the rule file themselves."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    configure(app, {"SECRET_KEY": "not-used-by-the-commands"})
    register_commands(app)
    return app


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
        SERVICE_OPERATOR=os.environ.get(
            "SERVICE_OPERATOR", "an independent information service that sells no treatment"
        ),
        SERVICE_CONTACT=os.environ.get("SERVICE_CONTACT", ""),
        TRUSTED_PROXIES=os.environ.get("TRUSTED_PROXIES", "0"),
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # the documented field order
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
    if not app.config["SECRET_KEY"]:
        if not (app.debug or app.testing):
            raise ConfigError(
                "The environment variable 'SECRET_KEY' is not set. Set it to a long random "
                "string (for example: python3 -c 'import secrets; print(secrets.token_hex(32))'), "
                "or run 'make run', which creates instance/secret_key for you."
            )
        app.config["SECRET_KEY"] = "dev-only-not-secret"


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


def static_url(root: Path, filename: str) -> str:
    """The URL of a static file, fingerprinted with its content (`?v=`), so a proxy may let
    browsers keep it for a year: a changed file gets a new URL."""
    digest = hashlib.sha256((root / filename).read_bytes()).hexdigest()[:12]
    return url_for("static", filename=filename, v=digest)


def register_blueprints(app: Flask) -> None:
    from .web import (
        api,
        clinician,
        clinician_changes,
        errors,
        headers,
        health,
        i18n,
        patient,
        studies,
    )
    from .web.catalogues import require_compiled
    from .web.journey import Journey
    from .web.session import AnswerSessionInterface

    app.session_interface = AnswerSessionInterface()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    # forms are built here, once per language (their labels and messages come from the rules)
    app.extensions["journeys"] = {lang: Journey(engine_for(app, lang)) for lang in LANGUAGES}
    i18n.init_app(app)
    require_compiled(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]), LANGUAGES)
    errors.refuse_nameless_fields(app)  # before the CSRF check, which trips over them
    csrf = errors.OriginCheckingCSRF(app)  # the token, the Referer and the Origin
    csrf.exempt(api.bp)  # the API takes no cookies, so it needs no CSRF token
    csrf.exempt(health.bp)
    preview_on = bool(app.config["CLINICIAN_PREVIEW"] or app.config["CLINICIAN_PASSWORD"])
    if not preview_on:  # its pages do not exist then: a POST there is 404, not a CSRF error
        csrf.exempt(clinician.bp)
    app.register_blueprint(patient.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    studies.init_app(app)
    app.register_blueprint(studies.bp)
    if preview_on:  # runs the verifier
        app.extensions["preview"] = clinician.Preview.build(
            engine_of(app).ruleset, app.config["QUESTIONNAIRE_SCENARIOS"]
        )
        app.extensions["try_slots"] = clinician.try_slots()  # before gunicorn forks
        clinician_changes.init_app(app)
    app.register_blueprint(clinician.bp)
    errors.init_app(app)
    headers.init_app(app)
    errors.limit_streamed_bodies(app)
    errors.last_resort(app)  # outermost: catches anything the rest lets through

    links: dict[str, dict[str, str]] = {}

    @app.context_processor
    def shared():
        """The rule file, and the links on every page, built once per mount point."""
        root = request.script_root
        if root not in links:
            static = Path(app.static_folder or ROOT / "static")
            links[root] = {
                "style": static_url(static, "style.css"),
                "icon": static_url(static, "favicon.svg"),
                "script": static_url(static, "enhance.js"),
                "start": url_for("patient.start"),
                "help": url_for("patient.help_now"),
                "clear": url_for("patient.clear"),
            }
        return {
            "rules": engine_for(app, i18n.current_language()).ruleset.file,
            "links": links[root],
        }


def register_commands(app: Flask) -> None:
    from . import cli, studies_cli

    app.cli.add_command(cli.rules_group)
    app.cli.add_command(studies_cli.studies_group)
