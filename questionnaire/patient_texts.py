"""Every patient-facing text of a file, at its file:line, in English and Spanish: what
`flask rules lint` reads (docs/plain-language.md).

A file's kind is known by its name:
- `*.yaml`: a rule file (rules.yaml, offer.yaml) or the studies file (a `studies:` list), and
  its Spanish beside it (`*.es.yaml`), through the loader's own text slots (`slots`,
  `study_slots`), so a new text is linted as soon as the loader knows it;
- `*.po`: a gettext catalogue, the interface texts of the templates and views (templates hold no
  words of their own), every msgid and msgstr, plural forms included;
- `*.toml`: nginx's own error pages (deploy/nginx/error-pages.toml), and the words of the
  template beside it that deploy/render.py fills in (error-page.html).
Placeholders become "7" (a short word with no syllables to count), HTML tags are dropped.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from .engine.load.studies import study_slots
from .engine.load.translations import Slot, _dotted, _lookup, slots, translation_path
from .engine.load.yamlsource import Marks, YamlProblem, read_yaml
from .engine.verify.plain_language import PatientText
from .release_cli import BadRulesInput

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")  # gettext's %(name)s, the rule files' {answer}
TAG = re.compile(r"<[^>]*>")
ERROR_PAGE_TEMPLATE = "error-page.html"  # beside error-pages.toml (deploy/render.py)


def texts_of(path: Path) -> list[PatientText]:
    """The patient-facing texts of one file (and of its Spanish), each at its line."""
    if path.suffix == ".po":
        return catalogue_texts(path)
    if path.suffix == ".toml":
        return error_page_texts(path)
    return yaml_texts(path)


def words(value: Any) -> str | None:
    """A text as the reader sees it: placeholders filled, tags gone, spaces single."""
    if not isinstance(value, str):
        return None
    plain = html.unescape(TAG.sub("", PLACEHOLDER.sub("7", value)))
    return " ".join(plain.split()) or None


def _read_yaml(path: Path) -> tuple[Any, Marks]:
    try:
        return read_yaml(path.read_bytes())
    except OSError as exc:
        raise BadRulesInput(f"cannot read {path}: {exc.strerror}") from None
    except YamlProblem as exc:
        raise BadRulesInput(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None


def _kind(key: str) -> str:
    if ".errors." in key:
        return "error"
    return {"outcomes": "outcome", "rules": "finding"}.get(key.split(".")[0], "other")


def yaml_texts(path: Path) -> list[PatientText]:
    """Every patient-facing text of a rule or studies file and of its Spanish, at its line,
    the file's title (`meta.title`) included. A source's title is linted in Spanish only: the
    Spanish is our translation, the English the source's own words (docs/plain-language.md)."""
    raw, marks = _read_yaml(path)
    is_studies = isinstance(raw, dict) and "studies" in raw
    slots_of: Callable[[Any], list[Slot]] = study_slots if is_studies else slots
    es_path = Path(translation_path(path, "es"))
    es_raw, es_marks = _read_yaml(es_path) if es_path.exists() else ({}, None)
    found = []
    for slot in slots_of(raw):
        key, english = _dotted(slot.key), words(_lookup(raw, slot.english))
        if english is None:
            continue
        kind = _kind(key)
        if slot.key[0] != "sources":
            found.append(PatientText(f"{path}:{marks.at(slot.english)[0]}", key, english, kind))
        spanish = words(_lookup(es_raw, slot.key))
        if spanish and es_marks is not None:
            where = f"{es_path}:{es_marks.at(slot.key)[0]}"
            found.append(PatientText(where, key, spanish, kind, "es", english))
    return found


def _line_of(lines: list[str], start: int, prefix: str) -> int:
    """The 1-based line, at or after `start`, that starts with `prefix` (else `start`)."""
    for number in range(start, len(lines) + 1):
        if lines[number - 1].startswith(prefix):
            return number
    return start


def catalogue_texts(path: Path) -> list[PatientText]:
    """The interface texts of a gettext catalogue: each English msgid (and msgid_plural) at its
    line, and each Spanish msgstr (msgstr[n]) at its own, beside the English it translates."""
    try:
        with path.open("rb") as po:
            catalogue = read_po(po)
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise BadRulesInput(f"cannot read {path}: {exc.strerror}") from None
    found = []
    for message in catalogue:
        if message.id:  # not the header
            found += _message_texts(path, lines, message)
    return found


def _message_texts(path: Path, lines: list[str], message: Message) -> list[PatientText]:
    """One catalogue message: its English forms, then its Spanish ones, each at its line."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    string = message.string or ""
    strings = [string] if isinstance(string, str) else list(string)
    at = message.lineno or 1
    id_lines = [at, _line_of(lines, at, "msgid_plural")]
    found = [
        PatientText(f"{path}:{line}", "interface", words(english) or "", "other")
        for english, line in zip(ids, id_lines, strict=False)
    ]
    for n, spanish in enumerate(map(words, strings)):
        if spanish:
            line = _line_of(lines, at, f"msgstr[{n}]" if len(strings) > 1 else "msgstr")
            english = words(ids[min(n, len(ids) - 1)])
            where = f"{path}:{line}"
            found.append(PatientText(where, "interface", spanish, "other", "es", english))
    return found


def error_page_texts(path: Path) -> list[PatientText]:
    """nginx's own error pages: each page's title and text in English and Spanish, at their
    lines in error-pages.toml, and the words of the template they fill (its start-page link)."""
    try:
        source = path.read_text("utf-8")
        pages = tomllib.loads(source).get("page") or []
    except OSError as exc:
        raise BadRulesInput(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadRulesInput(f"{path}: {exc}") from None
    lines = dict(_page_lines(source))
    found = []
    for i, page in enumerate(pages):
        for field in ("title", "text"):
            key = f"page[{i}].{field}"
            english, spanish = words(page.get(field)), words(page.get(f"{field}_es"))
            if english:
                found.append(
                    PatientText(f"{path}:{lines.get((i, field), 1)}", key, english, "other")
                )
            if spanish:
                where = f"{path}:{lines.get((i, f'{field}_es'), 1)}"
                found.append(PatientText(where, key, spanish, "other", "es", english))
    template = path.with_name(ERROR_PAGE_TEMPLATE)
    return found + (_template_texts(template) if template.exists() else [])


def _page_lines(source: str) -> Iterator[tuple[tuple[int, str], int]]:
    """((page index, field), line) of each text of each [[page]] of error-pages.toml."""
    page = -1
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip() == "[[page]]":
            page += 1
        field = re.match(r"(title|text)(_es)?\s*=", line)
        if field and page >= 0:
            yield (page, field.group(0).rstrip(" =")), number


class _TemplateWords(HTMLParser):
    """The text nodes of a Jinja HTML template that are its own words (not {{ values }}), with
    the language of the element they are in."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr"})

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.langs, self.found = name, ["en"], list[PatientText]()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            lang = dict(attrs).get("lang")
            self.langs.append(("es" if lang.startswith("es") else "en") if lang else self.langs[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and len(self.langs) > 1:
            self.langs.pop()

    def handle_data(self, data: str) -> None:
        text = words(re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", data))
        if text and re.search(r"[^\W\d_]", text):
            where = f"{self.name}:{self.getpos()[0]}"
            self.found.append(PatientText(where, "template", text, "other", self.langs[-1]))


def _template_texts(path: Path) -> list[PatientText]:
    parser = _TemplateWords(str(path))
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return parser.found
