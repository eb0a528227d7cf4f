"""`flask rules lint [RULES]`: plain-language checks of every patient-facing text, with file:line.

The texts are those of the rule file and its Spanish translation (the same list of text slots the
loader checks, so a new text is linted as soon as it exists), and of the patient templates (Jinja
and HTML stripped, split into text nodes). Exit 0 clean, 1 a problem found, 2 bad input.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from .engine.load.translations import _dotted, _lookup, slots, translation_path
from .engine.load.yamlsource import Marks, YamlProblem, read_yaml
from .release_cli import BadRulesInput, rules_path

CATALOGUE = Path("translations") / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def interface_texts(root: Path) -> list[Any]:
    """The interface texts of the templates and views (buttons, headings, the handout's labels)
    with their Spanish, from the gettext catalogue: templates hold no words of their own."""
    from babel.messages.pofile import read_po

    from .engine.verify.plain_language import PatientText

    path = root / CATALOGUE
    with path.open("rb") as po:
        catalogue = read_po(po)
    found = []
    for message in catalogue:
        if not message.id or not isinstance(message.id, str):
            continue  # the header, and plural forms (none are used)
        where = f"{CATALOGUE}:{message.lineno}"
        english = _words(PLACEHOLDER.sub("7", message.id))
        spanish = _words(PLACEHOLDER.sub("7", str(message.string or "")))
        found.append(PatientText(where, "interface", english or "", "other"))
        if spanish:
            found.append(PatientText(where, "interface", spanish, "other", "es", english))
    return found


def _kind(key: str) -> str:
    if ".errors." in key:
        return "error"
    return {"outcomes": "outcome", "rules": "finding"}.get(key.split(".")[0], "other")


def _read(path: Path) -> tuple[Any, Marks]:
    try:
        return read_yaml(path.read_bytes())
    except OSError as exc:
        raise BadRulesInput(f"cannot read {path}: {exc.strerror}") from None
    except YamlProblem as exc:
        raise BadRulesInput(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None


def _words(value: Any) -> str | None:
    return " ".join(value.split()).replace("{answer}", "7") if isinstance(value, str) else None


def rule_texts(path: Path) -> list[Any]:
    """Every patient-facing text of the rule file and of its Spanish, at its line."""
    from .engine.verify.plain_language import PatientText

    raw, marks = _read(path)
    es_path = Path(translation_path(path, "es"))
    es_raw, es_marks = _read(es_path) if es_path.exists() else ({}, None)
    found = []
    for slot in slots(raw):
        if slot.key[0] in ("meta", "sources"):  # the sources' own titles, and the file's
            continue
        key, english = _dotted(slot.key), _words(_lookup(raw, slot.english))
        if english is None:
            continue
        kind = _kind(key)
        found.append(PatientText(f"{path}:{marks.at(slot.english)[0]}", key, english, kind))
        spanish = _words(_lookup(es_raw, slot.key))
        if spanish and es_marks is not None:
            where = f"{es_path}:{es_marks.at(slot.key)[0]}"
            found.append(PatientText(where, key, spanish, kind, "es", english))
    return found


@click.command("lint")
@click.argument("rules", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--interface",
    is_flag=True,
    help=f"Also the interface texts of the templates and views ({CATALOGUE}).",
)
@with_appcontext
def lint_command(rules: str | None, interface: bool) -> None:
    """Plain-language checks of every patient text, in English and Spanish, with file:line."""
    try:  # an authoring check: textstat is a dev dependency, never loaded by the web app
        from .engine.verify.plain_language import lint
    except ModuleNotFoundError as exc:
        raise BadRulesInput(
            f"{exc.name} is not installed: `flask rules lint` is an authoring check; install "
            "the dev requirements (make quick, or pip install -r requirements-dev.txt)"
        ) from None

    path = rules_path(rules)
    texts = rule_texts(path)
    templates = interface_texts(Path(current_app.root_path).parent) if interface else []
    problems = lint(texts + templates)
    for problem in problems:
        click.echo(str(problem))
    english = sum(t.lang == "en" for t in texts)
    click.echo(
        f"Checked {len(texts) + len(templates)} texts: {english} in {path.name}, "
        f"{len(texts) - english} in its Spanish, {len(templates)} of the interface "
        f"({CATALOGUE}); "
        f"{len(problems)} problems."
    )
    if problems:
        sys.exit(1)
