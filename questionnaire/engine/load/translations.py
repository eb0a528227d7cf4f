"""Translation files: every patient-facing text of rules.yaml in another language.

A translation sits next to its rule file (`rules.yaml` -> `rules.es.yaml`) and is keyed by the
ids of rules.yaml, so a clinician edits both in one place and nothing depends on the order of
a list. Merging puts each translated text into a copy of the English data before it is checked,
so every language gets a RuleSet with exactly the English structure (questions, choices,
conditions), and only the words differ. A text without its translation, or a translated text
whose key rules.yaml does not have, stops the load with file:line:col.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from ..errors import RuleProblem, RulesError
from ..evaluation.questions import did_you_mean
from ..evaluation.ruleset import RuleSet
from .checker import Checker
from .yamlsource import Marks, Path, YamlProblem, read_yaml

# The languages the app and the API speak, the default first; each other one needs its
# translation file next to the rule file.
LANGUAGES = ("en", "es")

_QUESTION_TEXTS = ("short", "prompt", "said", "hint")
_CHOICE_TEXTS = ("label", "said", "hint")
_ERROR_TEXTS = ("required", "exclusive", "range")


@dataclass(frozen=True, slots=True)
class Slot:
    """One text: where it is in rules.yaml, and under which key its translation is."""

    english: Path
    key: Path


def translation_path(rules_path: str | os.PathLike[str], language: str) -> str:
    """`rules.yaml` -> `rules.es.yaml`, in the same folder."""
    path = FilePath(os.fspath(rules_path))
    return str(path.with_name(f"{path.stem}.{language}{path.suffix or '.yaml'}"))


def _texts(
    item: dict[str, Any], fields: tuple[str, ...], english: Path, key: Path
) -> Iterator[Slot]:
    for field in fields:
        if isinstance(item.get(field), str):
            yield Slot(english + (field,), key + (field,))


def _listed(item: dict[str, Any], field: str, english: Path, key: Path) -> Iterator[Slot]:
    for i, text in enumerate(item.get(field) or ()):
        if isinstance(text, str):
            yield Slot(english + (field, i), key + (field, i))


def _by_id(
    raw: dict[str, Any], section: str, id_field: str = "id"
) -> Iterator[tuple[Path, str, dict[str, Any]]]:
    for i, item in enumerate(raw.get(section) or ()):
        if isinstance(item, dict) and isinstance(item.get(id_field), str | int | bool):
            yield (section, i), str(item[id_field]), item


def _question_slots(q: dict[str, Any], english: Path) -> Iterator[Slot]:
    key: Path = ("questions", str(q.get("id")))
    yield from _texts(q, _QUESTION_TEXTS, english, key)
    if isinstance(q.get("errors"), dict):
        yield from _texts(q["errors"], _ERROR_TEXTS, english + ("errors",), key + ("errors",))
    for path, value, choice in _by_id(q, "choices", "value"):
        yield from _texts(choice, _CHOICE_TEXTS, english + path, key + ("choices", value))
    for path, ident, item in _by_id(q, "contradictions"):  # one text each: no ".message"
        if isinstance(item.get("message"), str):
            yield Slot(english + path + ("message",), key + ("contradictions", ident))


def _step_slots(raw: dict[str, Any]) -> Iterator[Slot]:
    for path, ident, step in _by_id(raw, "steps"):
        yield from _texts(step, ("title", "intro"), path, ("steps", ident))
        for k, q in enumerate(step.get("questions") or ()):
            if isinstance(q, dict):
                yield from _question_slots(q, path + ("questions", k))


def _outcome_slots(raw: dict[str, Any]) -> Iterator[Slot]:
    for path, ident, item in _by_id(raw, "outcomes"):
        key: Path = ("outcomes", ident)
        yield from _texts(item, ("title", "message"), path, key)
        yield from _listed(item, "actions", path, key)
        yield from _listed(item, "next_steps", path, key)
        if isinstance(item.get("call"), dict) and isinstance(item["call"].get("label"), str):
            yield Slot(path + ("call", "label"), key + ("call",))  # one text: no ".label"


def _page_slots(raw: dict[str, Any]) -> Iterator[Slot]:
    pages: dict[str, Any] = raw["pages"] if isinstance(raw.get("pages"), dict) else {}
    for name, page in pages.items():
        if not isinstance(page, dict):
            continue
        path: Path = ("pages", name)
        yield from _texts(page, ("title",), path, path)
        for j, section in enumerate(page.get("sections") or ()):
            if isinstance(section, dict):
                at = path + ("sections", j)
                yield from _texts(section, ("heading", "text"), at, at)
                yield from _listed(section, "items", at, at)


def slots(raw: Any) -> list[Slot]:
    """Every patient-facing text of a rule file's data, with its translation key."""
    if not isinstance(raw, dict):
        return []
    found: list[Slot] = []
    meta: dict[str, Any] = raw["meta"] if isinstance(raw.get("meta"), dict) else {}
    found += _texts(meta, ("title",), ("meta",), ("meta",))
    for ident, source in (meta.get("sources") or {}).items():  # one text each: no ".title"
        if isinstance(source, dict) and isinstance(source.get("title"), str):
            found.append(Slot(("meta", "sources", ident, "title"), ("sources", ident)))
    for path, ident, item in _by_id(raw, "criteria"):
        if isinstance(item.get("title"), str):
            found.append(Slot(path + ("title",), ("criteria", ident)))
    found += _step_slots(raw)
    found += _outcome_slots(raw)
    for path, ident, item in _by_id(raw, "rules"):
        if isinstance(item.get("finding"), dict) and isinstance(item["finding"].get("text"), str):
            found.append(Slot(path + ("finding", "text"), ("rules", ident)))
    for path, ident, item in _by_id(raw, "notes"):
        found += _texts(item, ("title", "text"), path, ("notes", ident))
        found += _listed(item, "items", path, ("notes", ident))
    found += _page_slots(raw)
    return found


def _leaves(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, path + (i,))
    else:
        yield path, node


def _lookup(node: Any, path: Path) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def _put(node: Any, path: Path, value: str) -> None:
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _dotted(path: Path) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path).replace(".[", "[")


@dataclass
class Translation:
    """A translation file merged into a copy of the English data."""

    language: str
    data: Any  # the English data with every text replaced
    texts: int  # how many texts the file gives
    problems: list[RuleProblem]


def merge(
    raw: Any,
    marks: Marks,
    name: str,
    language: str,
    translated: Any,
    translated_marks: Marks,
    translated_name: str,
    slots_of: Callable[[Any], list[Slot]] | None = None,
) -> Translation:
    """Replace each English text with its translation; list what is missing or unknown.
    `slots_of` lists the texts of another kind of file (studies.yaml); rules.yaml's by default."""
    problems: list[RuleProblem] = []
    data = copy.deepcopy(raw)
    wanted = (slots_of or slots)(raw)
    keys = {slot.key for slot in wanted}
    given = 0
    for slot in wanted:
        text = _lookup(translated, slot.key)
        if isinstance(text, str) and text.strip():
            _put(data, slot.english, text)
            given += 1
        else:
            where = translated_marks.at(slot.key) if text is not None else marks.at(slot.english)
            problem = (
                f"missing {language} translation"
                if text is None
                else f"the {language} translation is empty or not text"
            )
            problems.append(
                RuleProblem(
                    name if text is None else translated_name,
                    *where,
                    problem,
                    f"{_dotted(slot.key)} in {translated_name}",
                )
            )
    known = sorted({_dotted(k) for k in keys})
    for path, _ in _leaves(translated):
        if path and path not in keys:
            dotted = _dotted(path)
            problems.append(
                RuleProblem(
                    translated_name,
                    *translated_marks.at(path, key=True),
                    f"unknown key '{dotted}': {FilePath(name).name} has no text there"
                    + did_you_mean(dotted, known),
                    "a key of a text in the rule file, such as questions.pain_area.prompt",
                )
            )
    return Translation(language, data, given, problems)


def read_translation(
    raw: Any,
    marks: Marks,
    name: str,
    language: str,
    slots_of: Callable[[Any], list[Slot]] | None = None,
) -> Translation:
    """Read `name`'s translation file for `language` and merge it into the English data."""
    path = translation_path(name, language)
    try:
        text = FilePath(path).read_bytes()
    except OSError as exc:
        problem = RuleProblem(
            path,
            1,
            1,
            f"cannot read the {language} translation: {exc.strerror}",
            f"a file {path} next to {name}",
        )
        raise RulesError([problem]) from None
    try:
        translated, translated_marks = read_yaml(text)
    except YamlProblem as exc:
        raise RulesError([exc.at(path)]) from None
    if not isinstance(translated, dict):
        raise RulesError(
            [
                RuleProblem(
                    path,
                    1,
                    1,
                    "a translation file must be a mapping",
                    "sections such as steps:, questions: and outcomes:",
                )
            ]
        )
    return merge(raw, marks, name, language, translated, translated_marks, path, slots_of)


def translated_rules(
    english: RuleSet, raw: Any, marks: Marks, languages: tuple[str, ...]
) -> dict[str, RuleSet]:
    """{"en": english, language: its RuleSet, ...} from the English file's data and marks;
    RulesError lists every missing text."""
    name = english.path
    result = {"en": dataclasses.replace(english, texts=len(slots(raw)))}
    problems: list[RuleProblem] = []
    for language in languages:
        translation = read_translation(raw, marks, name, language)
        problems += translation.problems
        if translation.problems:
            continue
        checker = Checker(name, marks)
        ruleset = checker.check(translation.data)
        problems += checker.problems  # e.g. a translated text longer than any text may be
        if ruleset is not None:
            # The English rule set with the translated words: the conditions (and anything the
            # verifier left on it) are the English ones, so the structure is the same by
            # construction. The catalogue holds the words conditions and FHIR codings show.
            result[language] = dataclasses.replace(
                result["en"],
                file=ruleset.file,
                catalogue=ruleset.catalogue,
                language=language,
                texts=translation.texts,
            )
    if problems:
        raise RulesError(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
    return result
