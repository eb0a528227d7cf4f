"""The command line of the registered studies: `flask studies refresh`, and the studies' part of
`flask rules verify` and `flask rules test`."""

from __future__ import annotations

import click
from flask import current_app

from .engine import Engine, RulesError, RuleSet, Summary
from .engine.evaluation.studies import StudyMatch, match_studies
from .engine.load.studies import Studies, load_studies
from .engine.verify.studies import study_witnesses
from .rules import engine_of, has_engine
from .web.studies import studies_for, studies_path


def _load(ruleset: RuleSet) -> Studies | None:
    path = studies_path(current_app)
    return load_studies(path, {"en": ruleset})["en"] if path else None


def app_studies(engine: Engine) -> Studies | None:
    """The studies that go with this engine's rules: the app's, or the studies file loaded
    against another rule file (None when it has none, or when they do not fit it)."""
    if has_engine(current_app) and engine is engine_of(current_app):
        return studies_for(current_app)
    try:
        return _load(engine.ruleset)
    except RulesError:
        return None


def verify_studies(ruleset: RuleSet) -> bool:
    """Print whether each study's main criteria can be met under a lower outcome; False when
    the studies file is broken or one study's criteria can never be met."""
    try:
        studies = _load(ruleset)
    except RulesError as exc:
        click.echo(str(exc))
        return False
    if studies is None:
        return True
    witnesses = study_witnesses(ruleset, studies)
    never = [nct for nct, witness in witnesses.items() if witness is None]
    click.echo(
        f"Studies ({studies.path}): {len(witnesses) - len(never)} of {len(witnesses)} "
        "have main criteria some answers meet under a lower outcome."
    )
    for nct in never:
        click.echo(
            f"Study {nct}: no set of answers meets its main criteria without an emergency or "
            "urgent headline; check its mapping."
        )
    return not never


def study_matches(engine: Engine, summary: Summary) -> list[StudyMatch]:
    """The studies of `flask rules eval --json`: the same list as the API gives."""
    studies = app_studies(engine)
    return match_studies(engine, studies, summary) if studies else []
