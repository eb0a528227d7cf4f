"""The command line of the registered studies: `flask studies refresh`, and the studies' part of
`flask rules verify` and `flask rules test`."""

from __future__ import annotations

import datetime as dt
import io
import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .engine import Engine, RulesError, RuleSet, Summary, load_rules
from .engine.evaluation.studies import StudyMatch, match_studies
from .engine.load.registry import RegistryProblem, RegistryRecord, read_page
from .engine.load.studies import Studies, check_studies, load_studies
from .engine.load.yamlsource import YamlProblem, read_yaml
from .engine.verify.studies import study_witnesses
from .engines import engine_of, has_engine, studies_path
from .web.studies import studies_for


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


def study_matches(engine: Engine, summary: Summary) -> tuple[list[StudyMatch], str | None]:
    """The studies of `flask rules eval --json`, and their file's fingerprint: as the API."""
    studies = app_studies(engine)
    if studies is None:
        return [], None
    return match_studies(studies, summary), studies.fingerprint


# --- flask studies refresh --------------------------------------------------------------------

API = "https://clinicaltrials.gov/api/v2/studies"
studies_group = AppGroup("studies", help="The registered studies in studies.yaml.")


class BadInput(click.ClickException):
    exit_code = 2


def fetch_pages(ids: list[str]) -> list[Any]:
    """The registry's API v2 pages for these NCT ids (filter.ids), following nextPageToken."""
    pages: list[Any] = []
    token = None
    while True:
        query = {"filter.ids": ",".join(ids), "pageSize": "100", "format": "json"}
        if token:
            query["pageToken"] = token
        url = f"{API}?{urllib.parse.urlencode(query)}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (https only)
                page = json.loads(response.read())
        except (OSError, ValueError) as exc:
            raise BadInput(f"could not read {url}: {exc}") from None
        pages.append(page)
        token = page.get("nextPageToken") if isinstance(page, dict) else None
        if not token:
            return pages


def _round_trip() -> YAML:
    yaml = YAML()  # ruamel.yaml keeps the file's comments, order and quoting
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda data: True  # one date in many places: no &anchors
    yaml.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def _flow(values: tuple[str, ...]) -> CommentedSeq:
    """A list written [a, b] on one line, as the file writes places."""
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def _set(study: Any, key: str, new: Any, after: str) -> bool:
    """Put `new` under `key` (after the key `after` when it is new); True if it changed."""
    old = study.get(key)
    if str(old) == str(new):
        return False
    if key in study:
        study[key] = new
    else:
        study.insert(list(study).index(after) + 1, key, new)
    return True


def apply_records(doc: Any, records: dict[str, RegistryRecord], on: dt.date) -> list[str]:
    """Update status, last_updated and locations of every study the registry answered for;
    criteria and every other field stay as the clinician wrote them. Lines of what changed."""
    changes: list[str] = []
    for study in doc["studies"]:
        nct = study["nct_id"]
        record = records.get(nct)
        if record is None:
            changes.append(f"{nct}: not in the registry's answer; left as it was")
            continue
        if record.status and _set(study, "status", record.status, "phases"):
            changes.append(f"{nct}: status is now {record.status}")
        if record.last_updated and _set(study, "last_updated", record.last_updated, "status"):
            changes.append(f"{nct}: the registry last updated it on {record.last_updated}")
        if record.countries:
            now = CommentedMap(countries=_flow(record.countries))
            if record.states:
                now["states"] = _flow(record.states)
            before = dict(study.get("locations") or {})
            if {k: list(v) for k, v in before.items()} != {k: list(v) for k, v in now.items()}:
                _set(study, "locations", now, "last_updated")
                changes.append(f"{nct}: locations are now {_places(record)}")
        study["read_on"] = on
        reads = [c for c in study["copy_read"] if not str(c).startswith("ClinicalTrials.gov API")]
        study["copy_read"] = [
            f"ClinicalTrials.gov API v2, read on {on}: status, last update, locations",
            *reads,
        ]
    doc["meta"]["snapshot"] = on
    return changes


def _places(record: RegistryRecord) -> str:
    states = f" ({', '.join(record.states)})" if record.states else ""
    return ", ".join(record.countries) + states


def _ruleset() -> RuleSet:
    if has_engine(current_app):
        return engine_of(current_app).ruleset
    return load_rules(current_app.config["QUESTIONNAIRE_RULES"])


@studies_group.command("refresh")
@click.option(
    "--from",
    "saved",
    type=click.Path(exists=True, dir_okay=False),
    help='A saved answer of the registry\'s API v2 (a {"studies": [...]} page) instead of '
    "asking the registry.",
)
@click.option("--on", "on", help="The date the records were read (YYYY-MM-DD; default today).")
def refresh_command(saved: str | None, on: str | None) -> None:
    """Update status, last update and locations in studies.yaml from the registry's API v2
    (the snapshot's NCT ids through filter.ids); print what changed. Never edits criteria."""
    path = studies_path(current_app)
    if not path:
        raise BadInput("there is no studies file (QUESTIONNAIRE_STUDIES)")
    try:
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except ValueError:
        raise BadInput(f"--on must be a date written YYYY-MM-DD, not {on!r}") from None
    yaml = _round_trip()
    doc = yaml.load(Path(path).read_text(encoding="utf-8"))
    ids = [s["nct_id"] for s in doc["studies"]]
    try:
        pages = [json.loads(Path(saved).read_text(encoding="utf-8"))] if saved else fetch_pages(ids)
        records = {k: v for page in pages for k, v in read_page(page).items()}
    except (RegistryProblem, ValueError) as exc:
        raise BadInput(f"{saved or API}: {exc}") from None
    changes = apply_records(doc, records, day)
    out = io.StringIO()
    yaml.dump(doc, out)
    text = out.getvalue()
    try:  # the refreshed file must still load, in every language
        raw, marks = read_yaml(text)
        check_studies(raw, marks, path, _ruleset())
    except (RulesError, YamlProblem) as exc:
        raise BadInput(
            f"the refreshed file would not load, so it was not written:\n{exc}"
        ) from None
    Path(path).write_text(text, encoding="utf-8")
    for line in changes:
        click.echo(line)
    changed = sum(not line.endswith("left as it was") for line in changes)
    click.echo(f"{len(ids)} studies checked against the registry on {day}; {changed} changes.")
