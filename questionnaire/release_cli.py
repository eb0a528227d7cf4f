"""`flask rules gate`: the shipped rule files are exactly their meta.version as released.

No git history needed (CI checkouts are shallow, production hosts are not checkouts): the files'
fingerprint is compared with the one docs/rules-changelog.md records for their meta.version, and
with the released copy in releases/<version>/. Every message says what to do.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .engine.load.fingerprint import changelog_entries, file_fingerprint, release_problems
from .engine.load.yamlsource import YamlProblem, read_yaml

CHANGELOG = Path("docs") / "rules-changelog.md"
RELEASES = Path("releases")


class BadRulesInput(click.ClickException):
    """A rule file that cannot be read: printed without a traceback, exit code 2."""

    exit_code = 2


def rules_path(path: str | None) -> Path:
    """The rule file named on the command line, or the app's."""
    return Path(path or current_app.config["QUESTIONNAIRE_RULES"])


def meta_version(path: Path) -> str:
    """The rule file's meta.version, read without checking the rest of the file."""
    try:
        raw, _ = read_yaml(path.read_bytes())
    except OSError as exc:
        raise BadRulesInput(f"cannot read {path}: {exc.strerror}") from None
    except YamlProblem as exc:
        raise BadRulesInput(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    meta = raw.get("meta") if isinstance(raw, dict) else None
    version = meta.get("version") if isinstance(meta, dict) else None
    if not isinstance(version, str) or not version:
        raise BadRulesInput(f"{path}: meta.version is missing; give the version as text")
    return version


def gate_problems(path: Path) -> tuple[str, str, list[str]]:
    """(version, fingerprint, problems) of a rule file beside its docs/ and releases/ folders."""
    root = path.resolve().parent
    version = meta_version(path)
    shipped = file_fingerprint(path)
    changelog_path = root / CHANGELOG
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else ""
    released_file = root / RELEASES / version / path.name
    released = file_fingerprint(released_file) if released_file.exists() else None
    problems = release_problems(version, shipped, changelog, released, str(CHANGELOG))
    entries = changelog_entries(changelog)
    for folder in sorted((root / RELEASES).glob(f"*/{path.name}")):
        old = folder.parent.name
        recorded = entries[old].fingerprint if old in entries else None
        if old != version and recorded != file_fingerprint(folder):
            problems.append(
                f"{RELEASES / old}/ does not match the fingerprint {CHANGELOG} records for "
                f"{old}: released files never change; restore them"
            )
    return version, shipped, problems


@click.command("gate")
@click.argument("rules", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def gate_command(rules: str | None) -> None:
    """Check the rule files are their meta.version as released (docs/rules-changelog.md)."""
    version, shipped, problems = gate_problems(rules_path(rules))
    for problem in problems:
        click.echo(f"Version gate: {problem}")
    if problems:
        sys.exit(1)
    click.echo(f"Version gate: OK, version {version}, fingerprint {shipped}.")
