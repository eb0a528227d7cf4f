"""`flask rules gate` (run by `make check`): a headline change needs a new version and an entry."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from questionnaire import create_app

pytestmark = pytest.mark.slow  # left out of `make quick`; `make test` runs it

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")
MILD = "when: {q: pain_intensity, at_most: 3}"
CURRENT = str(yaml.safe_load(SRC)["meta"]["version"])  # whatever rules.yaml is at now
VERSION = f'version: "{CURRENT}"'
NEXT = f"{CURRENT}.1"  # any new version string will do


@pytest.fixture()
def checkout(tmp_path) -> Path:
    """A git checkout with rules.yaml committed."""
    (tmp_path / "rules.yaml").write_text(SRC, encoding="utf-8")
    (tmp_path / "rules.es.yaml").write_text(
        (ROOT / "rules.es.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )  # the app loads the Spanish too
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rules-changelog.md").write_text(
        f"# Changes\n\n## {CURRENT} (2026-11-23)\n"
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "rules"], cwd=tmp_path, check=True)
    return tmp_path


def gate(path: Path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "QUESTIONNAIRE_RULES": str(path)})
    return app.test_cli_runner().invoke(args=["rules", "gate"])


def edit(checkout: Path, *pairs: tuple[str, str], entry: str | None = None) -> Path:
    text = SRC
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new, 1)
    (checkout / "rules.yaml").write_text(text, encoding="utf-8")
    if entry:
        with (checkout / "docs" / "rules-changelog.md").open("a") as log:
            log.write(entry)
    return checkout / "rules.yaml"


def test_a_headline_change_without_a_new_version_fails(checkout):
    result = gate(edit(checkout, (MILD, "when: {q: pain_intensity, at_most: 4}")))
    assert result.exit_code == 1
    assert f"some headlines change but meta.version is still {CURRENT}" in result.output


def test_a_new_version_without_a_changelog_entry_fails(checkout):
    result = gate(
        edit(
            checkout,
            (MILD, "when: {q: pain_intensity, at_most: 4}"),
            (VERSION, f'version: "{NEXT}"'),
        )
    )
    assert result.exit_code == 1
    assert f"has no '## {NEXT}' entry" in result.output


def test_a_new_version_with_its_entry_passes(checkout):
    result = gate(
        edit(
            checkout,
            (MILD, "when: {q: pain_intensity, at_most: 4}"),
            (VERSION, f'version: "{NEXT}"'),
            entry=f"\n## {NEXT} (2026-12-01)\n- x\n",
        )
    )
    assert result.exit_code == 0, result.output


def test_a_wording_edit_passes_without_a_new_version(checkout):
    result = gate(
        edit(checkout, ("title: Get emergency care now", "title: Get emergency care right now"))
    )
    assert result.exit_code == 0, result.output


def test_outside_a_git_checkout_the_gate_says_it_is_skipped(tmp_path):
    (tmp_path / "rules.yaml").write_text(SRC, encoding="utf-8")
    (tmp_path / "rules.es.yaml").write_text(
        (ROOT / "rules.es.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )  # the app loads the Spanish too
    result = gate(tmp_path / "rules.yaml")
    assert result.exit_code == 0 and "skipped" in result.output
