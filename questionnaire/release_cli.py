"""`flask rules gate`: every shipped rule file is exactly its meta.version as released.

The rule files are the ones the app loads: rules.yaml (QUESTIONNAIRE_RULES), each other
questionnaire's (offer.yaml) and the studies (studies.yaml), each with its .es file. No git
history needed (CI checkouts are shallow, production hosts are not checkouts): each file's
fingerprint is compared with the one its changelog, docs/<name>-changelog.md, records for its
meta.version, and with the released copy in releases/<version>/. Every message says what to do.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .engine.load.fingerprint import (
    Release,
    changelog_entries,
    file_fingerprint,
    pair,
    release_problems,
)
from .engine.load.yamlsource import YamlProblem, read_yaml
from .engines import rule_files

RELEASES = Path("releases")


class BadRulesInput(click.ClickException):
    """A rule file that cannot be read: printed without a traceback, exit code 2."""

    exit_code = 2


def rules_path(path: str | None) -> Path:
    """The rule file named on the command line, or the app's."""
    return Path(path or current_app.config["QUESTIONNAIRE_RULES"])


def changelog_of(path: Path) -> Path:
    """A rule file's changelog, in docs/ beside it: rules.yaml -> docs/rules-changelog.md."""
    return Path("docs") / f"{path.stem}-changelog.md"


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
    where = changelog_of(path)
    text = (root / where).read_text(encoding="utf-8") if (root / where).exists() else None
    copy = root / RELEASES / version / path.name
    released = file_fingerprint(copy) if copy.exists() else None
    release = Release(path.name, version, shipped, str(where), text, released)
    problems = release_problems(release)
    entries = changelog_entries(text or "")
    for older in sorted((root / RELEASES).glob(f"*/{path.name}")):
        old = older.parent.name
        recorded = entries[old].fingerprint if old in entries else None
        if old != version and recorded != file_fingerprint(older):
            problems.append(
                f"{RELEASES / old}/ does not hold {pair(path.name)} as {where} records them "
                f"for {old}: released files never change; restore them"
            )
    return version, shipped, problems


@click.command("gate")
@click.argument("rules", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def gate_command(rules: str | None) -> None:
    """Check every rule file the app loads (or only RULES) is its meta.version as released:
    the fingerprint docs/<name>-changelog.md records, and the copy in releases/<version>/."""
    failed = False
    for path in [Path(rules)] if rules else rule_files(current_app):
        version, shipped, problems = gate_problems(path)
        for problem in problems:
            click.echo(f"Version gate: {problem}")
        if not problems:
            click.echo(f"Version gate: OK, {path.name} {version}, fingerprint {shipped}.")
        failed = failed or bool(problems)
    if failed:
        sys.exit(1)
