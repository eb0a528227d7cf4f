"""`rules diff` also names each Spanish text added, removed or reworded (rules.es.yaml beside each
rule file), at its line: the fingerprint a clinician signs covers both files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from questionnaire.engine import read_rules
from questionnaire.engine.verify.diff import structure
from questionnaire.engine.verify.translation_changes import translation_changes

ROOT = Path(__file__).resolve().parents[2]
ES = (ROOT / "rules.es.yaml").read_text(encoding="utf-8")
TITLE = "  fda-2021: "
ADDED = '  extra-source: "Una fuente nueva"\n'


def pair(tmp_path: Path, old_es: str | None, new_es: str | None) -> tuple[str, str]:
    """Two rule file names with these Spanish texts beside them (None: no translation)."""
    for name, text in (("old", old_es), ("new", new_es)):
        if text is not None:
            (tmp_path / f"{name}.es.yaml").write_text(text, encoding="utf-8")
    return str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_a_reworded_spanish_text_is_named_at_its_line_in_the_new_file(tmp_path):
    new = ES.replace("FDA: Lo que los pacientes", "FDA: Lo que las personas", 1)
    assert new != ES
    old_rules, new_rules = pair(tmp_path, ES, new)

    assert translation_changes(old_rules, new_rules) == [
        (
            "translation",
            "sources.fda-2021",
            "wording changed: Spanish",
            str(tmp_path / "new.es.yaml"),
            line_of(new, TITLE),
        )
    ]


def test_an_added_text_is_at_its_new_line_and_a_removed_one_at_its_old_line(tmp_path):
    removed = next(line for line in ES.splitlines(keepends=True) if line.startswith(TITLE))
    new = ES.replace(removed, "").replace("\nsources:\n", "\nsources:\n" + ADDED, 1)
    old_rules, new_rules = pair(tmp_path, ES, new)

    assert translation_changes(old_rules, new_rules) == [
        ("translation", "sources.extra-source", "added", str(tmp_path / "new.es.yaml"), 17),
        ("translation", "sources.fda-2021", "removed", str(tmp_path / "old.es.yaml"), 17),
    ]
    assert line_of(new, ADDED.rstrip()) == 17 and line_of(ES, TITLE) == 17


def test_a_text_in_a_list_is_named_by_its_place(tmp_path):
    data = yaml.safe_load(ES)
    outcome, steps = next(
        (k, v["next_steps"]) for k, v in data["outcomes"].items() if "next_steps" in v
    )
    assert steps[1] in ES
    new = ES.replace(steps[1], steps[1] + " Pregunte.", 1)

    found = translation_changes(*pair(tmp_path, ES, new))

    assert [(kind, ident, what) for kind, ident, what, _, _ in found] == [
        ("translation", f"outcomes.{outcome}.next_steps.1", "wording changed: Spanish")
    ]


def test_an_unchanged_translation_gives_no_change(tmp_path):
    assert translation_changes(*pair(tmp_path, ES, ES)) == []


def test_no_translation_on_either_side_gives_no_change(tmp_path):
    assert translation_changes(*pair(tmp_path, None, None)) == []


@pytest.mark.parametrize(("old", "new", "what"), [(None, ES, "added"), (ES, None, "removed")])
def test_a_whole_translation_new_or_gone_is_one_line_not_every_text(tmp_path, old, new, what):
    """1.0.0 had no Spanish: one line says so, rather than hundreds of "added" lines."""
    found = translation_changes(*pair(tmp_path, old, new))

    side = "new" if what == "added" else "old"
    assert found == [
        ("translation", "es", what, str(tmp_path / f"{side}.es.yaml"), line_of(ES, "meta:") + 1)
    ]


def changelog_spanish(version: str) -> dict[str, tuple[str, str]]:
    """The Spanish keys docs/rules-changelog.md's entry for `version` lists, with before, after."""
    log = (ROOT / "docs/rules-changelog.md").read_text(encoding="utf-8")
    entry = log.split(f"\n## {version} ", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)`( \(\w+\))? \| (.*?) \| (.*?) \| .* \|$", entry, re.M)
    return {key: (before, after) for key, lang, before, after in rows if lang != " (English)"}


def test_the_shipped_3_1_1_lists_exactly_the_spanish_texts_its_changelog_entry_lists():
    sides = []
    for version in ("3.1.0", "3.1.1"):
        path = ROOT / "releases" / version / "rules.yaml"
        loaded = read_rules(path.read_bytes(), str(path), verify=False)
        sides.append((loaded.ruleset, loaded.raw, loaded.marks))

    changes = [c for c in structure(*sides, translations=True).changes if c.kind == "translation"]

    listed = changelog_spanish("3.1.1")
    assert len(listed) == 12  # 11 source titles and meta.title
    assert [c.id for c in changes] == list(listed)  # the same texts, in the file's order
    assert {c.what for c in changes} == {"wording changed: Spanish"}
    old, new = (
        yaml.safe_load((ROOT / f"releases/{v}/rules.es.yaml").read_text())
        for v in ("3.1.0", "3.1.1")
    )
    es = (ROOT / "releases/3.1.1/rules.es.yaml").read_text(encoding="utf-8").splitlines()
    for change in changes:
        section, key = change.id.split(".", 1)
        assert (old[section][key], new[section][key]) == listed[change.id]
        assert change.file.endswith("releases/3.1.1/rules.es.yaml")
        assert es[change.line - 1].lstrip().startswith(f"{key}:")


def test_an_uploaded_file_can_be_compared_without_its_translation():
    path = ROOT / "releases/3.1.0/rules.yaml"
    loaded = read_rules(path.read_bytes(), str(path), verify=False)
    side = (loaded.ruleset, loaded.raw, loaded.marks)
    new = ROOT / "releases/3.1.1/rules.yaml"
    current = read_rules(new.read_bytes(), str(new), verify=False)

    changes = structure(side, (current.ruleset, current.raw, current.marks), False).changes

    assert [c.kind for c in changes] == ["meta"]


@pytest.mark.parametrize("broken", ["old", "new"])
def test_a_spanish_file_that_is_not_yaml_is_said_not_compared_never_added_or_removed(
    tmp_path, broken
):
    # A review found a broken Spanish file read as "no translation", so a reviewer read
    # "translation es: added" where nothing had been compared.
    bad = ES.replace("\nsources:\n", "\nsources:\n  [oops\n", 1)
    old, new = (bad, ES) if broken == "old" else (ES, bad)
    found = translation_changes(*pair(tmp_path, old, new))
    assert found == [
        (
            "translation",
            "es",
            "not compared: not YAML",
            str(tmp_path / f"{broken}.es.yaml"),
            line_of(bad, "  [oops") + 1,
        )
    ]
