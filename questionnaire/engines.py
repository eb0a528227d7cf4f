"""The app's rule engines, one per language: built once at start-up, reached from every blueprint
through here (`engine_of`, `engine_for`).

Like flaskr's `db.py`: `init_app` wires it in, `engine_of` hands it out, and blueprints import
this module, never the app factory, so nothing imports in a circle. The loader proves once, while
the rules load, that every set of answers gets a headline; the clinician preview, when it is on,
builds its fuller report with the same symbolic verifier (web/clinician.py).
"""

from __future__ import annotations

from flask import Flask

from .engine import Engine, load_languages
from .engine.load.translations import LANGUAGES

_KEY = "questionnaire"
# LANGUAGES: the first is the default; each other needs its rules.<lang>.yaml beside rules.yaml.


def init_app(app: Flask) -> None:
    """Load, check and verify the configured rule file and its translations (rules.es.yaml),
    one engine per language; an unusable file or a missing translation stops the start-up."""
    rulesets = load_languages(app.config["QUESTIONNAIRE_RULES"], LANGUAGES[1:])
    engines = {lang: Engine(ruleset) for lang, ruleset in rulesets.items()}
    app.extensions[_KEY] = engines[LANGUAGES[0]]
    app.extensions[_KEY + ".languages"] = engines


def engine_of(app: Flask) -> Engine:
    """The app's rule engine, in English."""
    return app.extensions[_KEY]


def engine_for(app: Flask, lang: str | None) -> Engine:
    """The app's rule engine whose every text is in `lang` ("en" or "es"); English for any
    other value. Same rules and answers as engine_of(app): only the words differ."""
    engines = app.extensions[_KEY + ".languages"]
    return engines.get(lang or "", engines[LANGUAGES[0]])


def has_engine(app: Flask) -> bool:
    """Whether the app loaded its rules (the CLI-only app does not)."""
    return _KEY in app.extensions
