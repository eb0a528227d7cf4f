"""The app's rule engines, one per language: built once at start-up, reached from every blueprint
through here (`engine_of`, `engine_for`).

Like flaskr's `db.py`: `init_app` wires it in, `engine_of` hands it out, and blueprints import
this module, never the app factory, so nothing imports in a circle. The loader proves once, while
the rules load, that every set of answers gets a headline; the clinician preview, when it is on,
builds its fuller report with the same symbolic verifier (web/clinician.py).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from .engine import Engine, load_languages
from .engine.load.translations import LANGUAGES

_KEY = "questionnaire"
# LANGUAGES: the first is the default; each other needs its rules.<lang>.yaml beside rules.yaml.
# Other questionnaires the app serves beside the main one, each its own rule file in the same
# format (design.md section 7): by default `<name>.yaml` beside rules.yaml, when it is there.
OTHERS = ("offer",)


def other_rule_files(app: Flask) -> dict[str, str]:
    """Name -> rule file of each other questionnaire: QUESTIONNAIRE_OTHERS, or the files beside
    the main rule file."""
    configured = app.config.get("QUESTIONNAIRE_OTHERS")
    if configured is not None:
        return dict(configured)
    main = Path(app.config["QUESTIONNAIRE_RULES"])
    beside = {name: main.with_name(f"{name}.yaml") for name in OTHERS}
    return {name: str(path) for name, path in beside.items() if path.is_file()}


def studies_path(app: Flask) -> str | None:
    """The studies file to load: QUESTIONNAIRE_STUDIES, or studies.yaml beside the rule file
    when there is one."""
    configured = app.config.get("QUESTIONNAIRE_STUDIES")
    if configured is not None:
        return configured or None
    beside = Path(app.config["QUESTIONNAIRE_RULES"]).with_name("studies.yaml")
    return str(beside) if beside.is_file() else None


def rule_files(app: Flask) -> list[Path]:
    """Every rule file the app loads, each with its .es file beside it: the rules, each other
    questionnaire's (offer.yaml), the studies. The release gate and the plain-language check
    both read this list."""
    others = [Path(path) for path in other_rule_files(app).values()]
    studies = studies_path(app)
    return [Path(app.config["QUESTIONNAIRE_RULES"]), *others, *([Path(studies)] if studies else [])]


def init_app(app: Flask) -> None:
    """Load, check and verify the configured rule file and its translations (rules.es.yaml),
    one engine per language, and each other questionnaire's the same way; an unusable file or
    a missing translation stops the start-up."""
    files: dict[str | None, str] = {None: app.config["QUESTIONNAIRE_RULES"]}
    files.update(other_rule_files(app))
    for name, path in files.items():
        rulesets = load_languages(path, LANGUAGES[1:])
        app.extensions[_key(name)] = {lang: Engine(rs) for lang, rs in rulesets.items()}
    app.extensions[_KEY] = app.extensions[_key(None)][LANGUAGES[0]]


def _key(name: str | None) -> str:
    return _KEY + ".languages" + (f".{name}" if name else "")


def engine_of(app: Flask) -> Engine:
    """The app's rule engine, in English."""
    return app.extensions[_KEY]


def engine_for(app: Flask, lang: str | None, questionnaire: str | None = None) -> Engine:
    """The app's rule engine whose every text is in `lang` ("en" or "es"); English for any
    other value. Same rules and answers as engine_of(app): only the words differ. With
    `questionnaire` (such as "offer"), that questionnaire's engine instead."""
    engines = app.extensions[_key(questionnaire)]
    return engines.get(lang or "", engines[LANGUAGES[0]])


def has_engine(app: Flask, questionnaire: str | None = None) -> bool:
    """Whether the app loaded its rules (the CLI-only app does not), or that questionnaire's."""
    return (_key(questionnaire) if questionnaire else _KEY) in app.extensions
