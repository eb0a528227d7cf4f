"""The app's rule engine: built once at start-up, reached from every blueprint through here.

Like flaskr's `db.py`: `init_app` wires it in, `engine_of` hands it out, and blueprints import
this module, never the app factory, so nothing imports in a circle. The verifier runs once, while
the rules load; its report is kept for the clinician preview.
"""

from __future__ import annotations

from flask import Flask

from .engine import Engine, load_rules
from .engine.verify import Report

_KEY = "questionnaire"
LANGUAGES = ("en", "es")  # the first is the default; each other needs its rules.<lang>.yaml


def init_app(app: Flask) -> None:
    """Load, check and verify the configured rule file; an unusable file stops the start-up."""
    ruleset = load_rules(app.config["QUESTIONNAIRE_RULES"])
    app.extensions[_KEY] = Engine(ruleset)


def engine_of(app: Flask) -> Engine:
    """The app's rule engine."""
    return app.extensions[_KEY]


# STUB (es-interface, until es-content lands): part A (branch es-content) defines the real
# engine_for, one engine per language loaded with rules.es.yaml; on merge, keep part A's version.
def engine_for(app: Flask, lang: str | None) -> Engine:
    """The app's rule engine whose every text is in `lang`; here always the English one."""
    return engine_of(app)


def has_engine(app: Flask) -> bool:
    """Whether the app loaded its rules (the CLI-only app does not)."""
    return _KEY in app.extensions


def report_of(app: Flask) -> Report:
    """The verifier's report on the app's rules, from the start-up check."""
    return engine_of(app).ruleset.report
