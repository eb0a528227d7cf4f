"""What changed in the translations beside two rule files, one Change per text key.

A translation (`rules.es.yaml` beside `rules.yaml`) is keyed by the English file's ids, so its
texts are compared key by key: each leaf string, by its dotted key (`sources.fda-2021`,
`questions.pain.choices.yes.label`, a list's items by their place), at its line in the NEW
translation (a removed one at its line in the old). A changed text is wording; an added or
removed one is "added" or "removed", as the structural diff says of items. When one side has no
translation at all (1.0.0 had none), one line says the whole translation is new (or gone):
listing each of its hundreds of texts would bury the changes a reviewer must weigh, and a new
translation is reviewed as a whole file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from ..load.translations import translation_path
from ..load.yamlsource import Marks, Path, YamlProblem, read_yaml

KIND = "translation"
NAMES = {"es": "Spanish"}  # how a language is named in a change's `what`

Side = tuple[dict[Path, str], Marks, str] | None  # texts by key, their marks, the file's name


@dataclass(frozen=True, slots=True)
class Broken:
    """A translation that is there but is not YAML: its file's name, and the line."""

    name: str
    line: int


# A change as diff.Change takes it (kind, id, what, file, line): diff.py builds the Change.
Found = tuple[str, str, str, str, int]


def _texts(node: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """(key path, text) of every text of a translation, in the file's order."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, (*path, i))


def read_translation(rules_path: str, language: str) -> Side | Broken:
    """The translation beside a rule file; None when there is none; (name, line) when it is
    there but not YAML (said as such, never as a translation added or removed)."""
    name = translation_path(rules_path, language)
    try:
        raw, marks = read_yaml(FilePath(name).read_bytes())
    except OSError:
        return None
    except YamlProblem as problem:
        return Broken(name, problem.line)
    return dict(_texts(raw)), marks, name


def _key(path: Path) -> str:
    return ".".join(str(part) for part in path)


def compare_translations(old: Side, new: Side, language: str) -> list[Found]:
    """The texts of NEW's translation added or changed (in its order), then those removed."""
    either = new or old
    if either is None:
        return []
    if old is None or new is None:
        texts, marks, name = either
        first = min((marks.at(path)[0] for path in texts), default=1)
        return [(KIND, language, "added" if new else "removed", name, first)]
    (old_texts, old_marks, old_name), (new_texts, new_marks, new_name) = old, new
    changes: list[Found] = []
    for path, text in new_texts.items():
        if path not in old_texts:
            changes.append((KIND, _key(path), "added", new_name, new_marks.at(path)[0]))
        elif old_texts[path] != text:
            what = f"wording changed: {NAMES.get(language, language)}"
            changes.append((KIND, _key(path), what, new_name, new_marks.at(path)[0]))
    for path in old_texts:
        if path not in new_texts:
            changes.append((KIND, _key(path), "removed", old_name, old_marks.at(path)[0]))
    return changes


def translation_changes(old_rules: str, new_rules: str, language: str = "es") -> list[Found]:
    """What changed in the `language` translation beside OLD's rule file and NEW's."""
    old, new = read_translation(old_rules, language), read_translation(new_rules, language)
    if isinstance(old, Broken) or isinstance(new, Broken):
        broken = [side for side in (old, new) if isinstance(side, Broken)]
        return [(KIND, language, "not compared: not YAML", b.name, b.line) for b in broken]
    return compare_translations(old, new, language)
