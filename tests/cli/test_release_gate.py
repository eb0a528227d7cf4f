"""Releases pinned to content: each rule file's fingerprint, its docs/<name>-changelog.md and its
copy in releases/<version>/.

`flask rules gate` needs no git history: any change to a rule file the app loads (rules.yaml,
offer.yaml, studies.yaml) or its .es file, a word of wording included, without a new
meta.version and its changelog entry fails here, in CI.
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
    repeated_versions,
)
from questionnaire.release_cli import gate_problems

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = ("rules.yaml", "offer.yaml", "studies.yaml")  # each with its .es.yaml


def version_of(path: Path) -> str:
    # libyaml's loader: PyYAML's pure-Python one took 0.7 s for rules.yaml
    return str(
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["meta"]["version"]
    )


def spanish(name: str) -> str:
    return name.replace(".yaml", ".es.yaml")


def changelog(folder: Path, name: str) -> Path:
    return folder / "docs" / name.replace(".yaml", "-changelog.md")


CURRENT = version_of(ROOT / "rules.yaml")


def gate(folder: Path, *args: str):
    # the commands-only app, as `flask --app wsgi rules` runs when the rules do not load; the
    # other rule files are found beside rules.yaml, as the app finds them
    app = create_cli_app()
    app.config.update(QUESTIONNAIRE_RULES=str(folder / "rules.yaml"), QUESTIONNAIRE_STUDIES=None)
    app.config.pop("QUESTIONNAIRE_OTHERS", None)
    return app.test_cli_runner().invoke(args=["rules", "gate", *args])


def test_the_shipped_rule_files_are_their_version_as_released():
    # Fails when any rule file changed without a new meta.version; the message says what to do
    # (a new version and entry, or the fingerprint line to paste). The gate checks every rule
    # file in the project's root, not only rules.yaml.
    result = gate(ROOT)
    assert result.exit_code == 0, result.output
    gated = set(re.findall(r"^Version gate: OK, (\S+) ", result.output, re.MULTILINE))
    beside = {p.name for p in ROOT.glob("[!.]*.yaml") if not p.name.endswith(".es.yaml")}
    assert gated == beside == set(RULE_FILES)
    for name in RULE_FILES:
        assert f"OK, {name} {version_of(ROOT / name)}, fingerprint " in result.output
        assert file_fingerprint(ROOT / name) in result.output


def test_every_release_folder_holds_the_files_its_changelog_entry_fingerprints():
    copies = [p for p in (ROOT / "releases").glob("*/*.yaml") if not p.name.endswith(".es.yaml")]
    assert {p.name for p in copies} == set(RULE_FILES)
    for name in RULE_FILES:  # the shipped version is released
        assert (ROOT / "releases" / version_of(ROOT / name) / name).exists(), name
    for copy in copies:
        entries = changelog_entries(changelog(ROOT, copy.name).read_text(encoding="utf-8"))
        assert file_fingerprint(copy) == entries[copy.parent.name].fingerprint, copy


def test_the_fingerprint_is_the_sha256_of_both_files_with_a_nul_between():
    # design.md section 5, computed here with hashlib and nothing of ours
    rules, translation = b"meta:\n  version: 1\n", b"meta:\n  title: t\n"
    assert (
        fingerprint(rules, translation) == hashlib.sha256(rules + b"\0" + translation).hexdigest()
    )
    assert fingerprint(rules, translation) != fingerprint(rules + translation, b"")
    for name in RULE_FILES:  # each file's covers its own .es file, and no other file
        english, es = (ROOT / name).read_bytes(), (ROOT / spanish(name)).read_bytes()
        assert file_fingerprint(ROOT / name) == hashlib.sha256(english + b"\0" + es).hexdigest()


def test_line_endings_do_not_change_the_fingerprint_but_a_word_does(tmp_path):
    lf = (ROOT / "rules.yaml").read_bytes()
    es = (ROOT / "rules.es.yaml").read_bytes()
    assert fingerprint(lf.replace(b"\n", b"\r\n"), es.replace(b"\n", b"\r\n")) == fingerprint(
        lf, es
    )
    assert fingerprint(lf, es.replace(b"Llame", b"Llame ya", 1)) != fingerprint(lf, es)


def release_in(folder: Path, name: str) -> None:
    """Release the copied `name` in the copied changelog and releases/ (a version being edited
    on the branch is not released yet)."""
    version = version_of(folder / name)
    log = changelog(folder, name)
    text = log.read_text().replace(f"## {version} (", f"## {version}-draft (", 1)
    line = fingerprint_line(file_fingerprint(folder / name), name)
    entry = f"## {version} (2026-12-06)\n\n{line}\n\n"
    log.write_text(re.sub(r"^(?=## \d)", entry, text, count=1, flags=re.MULTILINE))
    (folder / "releases" / version).mkdir(exist_ok=True)
    for each in (name, spanish(name)):
        shutil.copy(folder / each, folder / "releases" / version / each)


@pytest.fixture()
def release(tmp_path) -> Path:
    """A copy of the project's rule files, changelogs and releases, as a CI checkout has them,
    with each shipped file released (an entry with its fingerprint, and its copy) if it is not
    yet: each test below starts from released versions, whatever is shipped today."""
    (tmp_path / "docs").mkdir()
    shutil.copytree(ROOT / "releases", tmp_path / "releases")
    for name in RULE_FILES:
        for each in (name, spanish(name)):
            shutil.copy(ROOT / each, tmp_path / each)
        shutil.copy(changelog(ROOT, name), changelog(tmp_path, name))
        if gate_problems(tmp_path / name)[2]:
            release_in(tmp_path, name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_gate_passes_on_the_shipped_files_and_prints_their_fingerprint(release):
    result = gate(release)
    assert result.exit_code == 0, result.output
    for name in RULE_FILES:
        assert file_fingerprint(ROOT / name) in result.output


def test_a_wording_change_without_a_new_version_fails_and_says_what_to_do(release):
    edit(release / "rules.es.yaml", "meta:\n  title: ", "meta:\n  title: Nuevo - ")
    result = gate(release)
    assert result.exit_code == 1
    assert f"rules.yaml and rules.es.yaml changed since {CURRENT} was released" in result.output
    assert "needs a new meta.version: raise meta.version in rules.yaml" in result.output


@pytest.mark.parametrize("name", RULE_FILES)
def test_each_rule_file_edited_under_the_same_version_fails_alone(release, name):
    edit(release / name, "meta:\n  title: ", "meta:\n  title: New - ")
    version = version_of(release / name)
    result = gate(release)
    assert result.exit_code == 1
    assert f"{name} and {spanish(name)} changed since {version} was released" in result.output
    assert f"raise meta.version in {name}, add its entry to docs/" in result.output
    assert file_fingerprint(release / name) in result.output  # the shipped files' fingerprint
    passed = re.findall(r"^Version gate: OK, (\S+) ", result.output, re.MULTILINE)
    assert sorted(passed) == sorted(set(RULE_FILES) - {name})


@pytest.mark.parametrize("name", RULE_FILES)
def test_each_rule_file_needs_its_release_copy(release, name):
    version = version_of(release / name)
    (release / "releases" / version / name).unlink()
    result = gate(release)
    assert result.exit_code == 1
    assert (
        f"releases/{version}/{name} is missing: copy {name} and {spanish(name)} into "
        f"releases/{version}/"
    ) in result.output


def test_a_missing_changelog_is_named_with_the_line_to_paste(release):
    changelog(release, "offer.yaml").unlink()
    result = gate(release)
    assert result.exit_code == 1
    version = version_of(release / "offer.yaml")
    assert (
        f"offer.yaml {version} has no entry in docs/offer-changelog.md: docs/offer-changelog.md "
        f"is missing: create it, and add '## {version} (<date>)'"
    ) in result.output
    assert fingerprint_line(file_fingerprint(release / "offer.yaml"), "offer.yaml") in result.output


def test_the_gate_of_one_file_checks_only_that_file(release):
    edit(release / "rules.yaml", "meta:\n  title: ", "meta:\n  title: New - ")
    result = gate(release, str(release / "offer.yaml"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Version gate: OK, offer.yaml ")
    assert result.output.count("Version gate:") == 1


def test_a_new_version_needs_an_entry_then_its_fingerprint_then_its_release_folder(release):
    edit(release / "rules.yaml", f'version: "{CURRENT}"', 'version: "99.0.0"')
    result = gate(release)
    assert result.exit_code == 1
    line = fingerprint_line(file_fingerprint(release / "rules.yaml"), "rules.yaml")
    assert "rules.yaml 99.0.0 has no entry in docs/rules-changelog.md: add" in result.output
    assert line in result.output  # the line to paste

    log = release / "docs/rules-changelog.md"
    edit(log, f"## {CURRENT} (", f"## 99.0.0 (2026-12-06)\n\n- A test.\n\n## {CURRENT} (")
    result = gate(release)
    assert result.exit_code == 1
    assert "the '## 99.0.0' entry has no fingerprint; paste:" in result.output
    assert line in result.output

    edit(log, "- A test.\n", f"- A test.\n{line}\n")
    result = gate(release)
    assert result.exit_code == 1
    assert "releases/99.0.0/rules.yaml is missing" in result.output

    (release / "releases/99.0.0").mkdir()
    for name in ("rules.yaml", "rules.es.yaml"):
        shutil.copy(release / name, release / "releases/99.0.0" / name)
    result = gate(release)
    assert result.exit_code == 0, result.output


def test_a_changed_release_folder_fails(release):
    edit(release / "releases/1.0.0/rules.yaml", "version:", "version: ")
    result = gate(release)
    assert result.exit_code == 1
    assert "releases/1.0.0/ does not hold rules.yaml and rules.es.yaml as" in result.output
    assert "OK, studies.yaml" in result.output  # the studies' 1.0.0 in the same folder is whole


def test_an_old_release_whose_spanish_changed_names_both_files(release):
    edit(release / "releases/2.0.0/rules.es.yaml", "meta:\n  title: ", "meta:\n  title: Otro - ")
    result = gate(release)
    assert result.exit_code == 1
    assert (
        "releases/2.0.0/ does not hold rules.yaml and rules.es.yaml as docs/rules-changelog.md "
        "records them for 2.0.0: released files never change; restore them"
    ) in result.output


@pytest.mark.parametrize("name", RULE_FILES)
def test_a_second_entry_for_a_released_version_does_not_let_a_change_through(release, name):
    # The way past the gate a review found: change the files under the same version, then add
    # a second '## <version>' entry with the new fingerprint and copy them into releases/.
    version = version_of(release / name)
    translation = release / spanish(name)
    translation.write_text(translation.read_text(encoding="utf-8") + "# otro cambio\n")
    log = changelog(release, name)
    line = fingerprint_line(file_fingerprint(release / name), name)
    log.write_text(log.read_text(encoding="utf-8") + f"\n## {version} (again)\n\n{line}\n")
    for each in (name, spanish(name)):
        shutil.copy(release / each, release / "releases" / version / each)
    result = gate(release)
    assert result.exit_code == 1
    assert re.search(
        rf"docs/{name[:-5]}-changelog.md: version {re.escape(version)} has 2 entries "
        rf"\(lines \d+, \d+\): a version is released once",
        result.output,
    ), result.output
    assert f"OK, {name}" not in result.output


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


def test_a_heading_that_is_not_a_version_fails_and_a_fenced_example_is_not_an_entry(release):
    # "## v3.1.1" would be an entry the gate cannot find; "## 3.1.1" inside a fenced example is
    # not a second entry (both found by a review of the repeated-version check)
    log = changelog(release, "rules.yaml")
    text = log.read_text(encoding="utf-8")
    log.write_text(text + f"\n```markdown\n## {CURRENT} (an example)\n```\n", encoding="utf-8")
    assert gate(release).exit_code == 0
    log.write_text(text + f"\n## v{CURRENT} (2026-12-06)\n", encoding="utf-8")
    result = gate(release)
    assert result.exit_code == 1
    assert f"docs/rules-changelog.md: '## v{CURRENT} (2026-12-06)' is not a version's entry" in (
        result.output
    )


def test_a_repeated_version_is_named_at_its_lines_after_a_fenced_example():
    text = (
        "# Changes\n```markdown\n## 1.0.0 (an example)\nmore\n```\n## 1.0.0 (a)\n\n## 1.0.0 (b)\n"
    )
    assert repeated_versions(text) == {"1.0.0": [6, 8]}
