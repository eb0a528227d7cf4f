"""Releases pinned to content: the fingerprint, docs/rules-changelog.md and releases/<version>/.

`flask rules gate` needs no git history: any change to rules.yaml or rules.es.yaml, a word of
wording included, without a new meta.version and its changelog entry fails here, in CI.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from questionnaire.app import create_cli_app
from questionnaire.engine.load.fingerprint import (
    changelog_entries,
    file_fingerprint,
    fingerprint,
    fingerprint_line,
)
from questionnaire.release_cli import gate_problems

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = yaml.load((ROOT / "rules.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
CURRENT = str(SHIPPED["meta"]["version"])


def test_the_shipped_rule_files_are_their_version_as_released():
    # Fails when rules.yaml or rules.es.yaml changed without a new meta.version; the message
    # says what to do (a new version and entry, or the fingerprint line to paste).
    version, shipped, problems = gate_problems(ROOT / "rules.yaml")
    assert not problems, "\n".join(problems)
    assert changelog_entries((ROOT / "docs/rules-changelog.md").read_text())[version].fingerprint


def test_every_release_folder_holds_the_files_its_changelog_entry_fingerprints():
    entries = changelog_entries((ROOT / "docs/rules-changelog.md").read_text(encoding="utf-8"))
    folders = sorted(p.name for p in (ROOT / "releases").iterdir())
    assert {"1.0.0", "2.0.0"} <= set(folders)
    for version in folders:
        assert file_fingerprint(ROOT / "releases" / version / "rules.yaml") == (
            entries[version].fingerprint
        ), version


def test_the_fingerprint_is_the_sha256_of_both_files_with_a_nul_between():
    # design.md section 5, computed here with hashlib and nothing of ours
    rules, spanish = b"meta:\n  version: 1\n", b"meta:\n  title: t\n"
    assert fingerprint(rules, spanish) == hashlib.sha256(rules + b"\0" + spanish).hexdigest()
    assert fingerprint(rules, spanish) != fingerprint(rules + spanish, b"")


def test_line_endings_do_not_change_the_fingerprint_but_a_word_does(tmp_path):
    lf = (ROOT / "rules.yaml").read_bytes()
    es = (ROOT / "rules.es.yaml").read_bytes()
    assert fingerprint(lf.replace(b"\n", b"\r\n"), es.replace(b"\n", b"\r\n")) == fingerprint(
        lf, es
    )
    assert fingerprint(lf, es.replace(b"Llame", b"Llame ya", 1)) != fingerprint(lf, es)


@pytest.fixture()
def release(tmp_path) -> Path:
    """A copy of the project's rule files, changelog and releases, as a CI checkout has them,
    with the shipped files released (an entry with their fingerprint, and their folder) if they
    are not yet: each test below starts from a released version, whatever is shipped today."""
    for name in ("rules.yaml", "rules.es.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "docs").mkdir()
    changelog = tmp_path / "docs/rules-changelog.md"
    shutil.copy(ROOT / "docs/rules-changelog.md", changelog)
    shutil.copytree(ROOT / "releases", tmp_path / "releases")
    if gate_problems(tmp_path / "rules.yaml")[2]:  # not released yet: release it in the copy
        text = changelog.read_text().replace(f"## {CURRENT} (", f"## {CURRENT}-draft (", 1)
        line = fingerprint_line(file_fingerprint(tmp_path / "rules.yaml"))
        entry = f"## {CURRENT} (2026-12-06)\n\n{line}\n\n"
        changelog.write_text(re.sub(r"^(?=## \d)", entry, text, count=1, flags=re.MULTILINE))
        shutil.rmtree(tmp_path / "releases" / CURRENT, ignore_errors=True)
        (tmp_path / "releases" / CURRENT).mkdir()
        for name in ("rules.yaml", "rules.es.yaml"):
            shutil.copy(ROOT / name, tmp_path / "releases" / CURRENT / name)
    return tmp_path


def gate(folder: Path, *args: str):
    # the commands-only app, as `flask --app wsgi rules` runs when the rules do not load
    app = create_cli_app()
    app.config["QUESTIONNAIRE_RULES"] = str(folder / "rules.yaml")
    return app.test_cli_runner().invoke(args=["rules", "gate", *args])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_gate_passes_on_the_shipped_files_and_prints_their_fingerprint(release):
    result = gate(release)
    assert result.exit_code == 0, result.output
    assert file_fingerprint(ROOT / "rules.yaml") in result.output


def test_a_wording_change_without_a_new_version_fails_and_says_what_to_do(release):
    edit(release / "rules.es.yaml", "meta:\n  title: ", "meta:\n  title: Nuevo - ")
    result = gate(release)
    assert result.exit_code == 1
    assert f"the rule files changed since {CURRENT} was released" in result.output
    assert "needs a new meta.version: raise meta.version in rules.yaml" in result.output


def test_a_new_version_needs_an_entry_then_its_fingerprint_then_its_release_folder(release):
    edit(release / "rules.yaml", f'version: "{CURRENT}"', 'version: "99.0.0"')
    result = gate(release)
    assert result.exit_code == 1
    line = fingerprint_line(file_fingerprint(release / "rules.yaml"))
    assert "meta.version 99.0.0 has no entry in docs/rules-changelog.md" in result.output
    assert line in result.output  # the line to paste

    changelog = release / "docs/rules-changelog.md"
    edit(changelog, f"## {CURRENT} (", f"## 99.0.0 (2026-12-06)\n\n- A test.\n\n## {CURRENT} (")
    result = gate(release)
    assert result.exit_code == 1
    assert "the '## 99.0.0' entry has no fingerprint; paste:" in result.output
    assert line in result.output

    edit(changelog, "- A test.\n", f"- A test.\n{line}\n")
    result = gate(release)
    assert result.exit_code == 1
    assert "releases/99.0.0/ is missing" in result.output

    (release / "releases/99.0.0").mkdir()
    for name in ("rules.yaml", "rules.es.yaml"):
        shutil.copy(release / name, release / "releases/99.0.0" / name)
    result = gate(release)
    assert result.exit_code == 0, result.output


def test_a_changed_release_folder_fails(release):
    edit(release / "releases/1.0.0/rules.yaml", "version:", "version: ")
    result = gate(release)
    assert result.exit_code == 1
    assert "releases/1.0.0/ does not match the fingerprint" in result.output


def test_a_rule_file_without_a_version_is_bad_input(release):
    (release / "other.yaml").write_text("meta: {title: x}\n", encoding="utf-8")
    result = gate(release, str(release / "other.yaml"))
    assert result.exit_code == 2
    assert "meta.version is missing" in result.output


def test_healthz_and_the_api_return_the_fingerprint_beside_the_version(client):
    expected = file_fingerprint(ROOT / "rules.yaml")
    health = client.get("/healthz").get_json()
    assert (health["rules_version"], health["rules_fingerprint"]) == (CURRENT, expected)
    body = client.post(
        "/api/v1/evaluate", json={"answers": {"warning_signs": ["bladder_bowel"]}}
    ).get_json()
    assert (body["rules_version"], body["rules_fingerprint"]) == (CURRENT, expected)
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert "rules_fingerprint" in schemas["EvaluateResponse"]["required"]
    assert "rules_fingerprint" in schemas["Health"]["required"]
