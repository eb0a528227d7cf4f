"""`flask rules lint [FILE]...`: plain-language checks of every patient-facing text, with file:line.

With no FILE, every file whose words a patient reads: the app's rule file and each other
questionnaire beside it (offer.yaml), the studies file, each with its Spanish; the interface
catalogue (the templates' and views' words); and nginx's own error pages. With FILEs, those
files only, each read by its kind (questionnaire/patient_texts.py). Exit 0 clean, 1 a problem
found, 2 bad input.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .engines import rule_files
from .release_cli import BadRulesInput

ERROR_PAGES = Path("deploy") / "nginx" / "error-pages.toml"


def app_files() -> list[Path]:
    """Every file of patient-facing words the app and its nginx serve, English first (each
    file's Spanish is read beside it)."""
    app = current_app
    files = rule_files(app)
    root = Path(app.root_path).parent
    files += sorted(root.glob("translations/*/LC_MESSAGES/messages.po"))
    return [_shown(path) for path in [*files, root / ERROR_PAGES]]


def _shown(path: Path) -> Path:
    """The path from the working directory when it is under it: `rules.yaml:12: ...`."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


@click.command("lint")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@with_appcontext
def lint_command(files: tuple[str, ...]) -> None:
    """Plain-language checks of every patient text, in English and Spanish, with file:line:
    the app's rule files, studies, interface catalogue and nginx error pages, or FILEs."""
    try:  # an authoring check: textstat is a dev dependency, never loaded by the web app
        from .engine.verify.plain_language import lint
        from .patient_texts import texts_of
    except ModuleNotFoundError as exc:
        raise BadRulesInput(
            f"{exc.name} is not installed: `flask rules lint` is an authoring check; install "
            "the dev requirements (make quick, or pip install -r requirements-dev.txt)"
        ) from None

    texts = [t for path in ([Path(f) for f in files] or app_files()) for t in texts_of(path)]
    problems = lint(texts)
    for problem in problems:
        click.echo(str(problem))
    per_file = Counter(Path(t.where.rsplit(":", 1)[0]).name for t in texts)
    counts = ", ".join(f"{n} in {name}" for name, n in per_file.items())
    click.echo(f"Checked {len(texts)} texts: {counts}; {len(problems)} problems.")
    if problems:
        sys.exit(1)
