"""Registered studies: the dated list (`/studies`), one record (`/studies/<NCT id>`), and the
section of the patient's summary that names the studies whose main criteria the answers seem
to meet. Every word comes from studies.yaml (and studies.es.yaml); nothing is stored.

The studies file sits beside the rule file (`rules.yaml` -> `studies.yaml`) unless the config
`QUESTIONNAIRE_STUDIES` names another file ("" for none). It is loaded and checked at start-up
against the questionnaire's questions: an unknown question or value stops the start-up with
file:line, like a broken rules.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, current_app, render_template

from ..engine import Summary
from ..engine.evaluation.studies import StudyMatch, match_studies
from ..engine.load.studies import Studies, load_studies
from ..engines import LANGUAGES, engine_for, studies_path
from .i18n import current_language

bp = Blueprint("studies", __name__)
_KEY = "studies"
NCT_ID = re.compile(r"^NCT[0-9]{8}$")


def init_app(app: Flask) -> None:
    """Load and check the studies in every language; a broken file stops the start-up."""
    path = studies_path(app)
    rulesets = {lang: engine_for(app, lang).ruleset for lang in LANGUAGES}
    app.extensions[_KEY] = load_studies(path, rulesets, LANGUAGES[1:]) if path else {}
    app.add_template_global(studies_on_summary)


def studies_for(app: Flask, lang: str | None = None) -> Studies | None:
    """The app's studies in a language (English for any other), or None if it has none."""
    loaded = app.extensions.get(_KEY) or {}
    return loaded.get(lang or "", loaded.get(LANGUAGES[0]))


def matches(app: Flask, summary: Summary, lang: str | None = None) -> list[StudyMatch]:
    """Every study with whether the summary's answers meet its main criteria ([] if none)."""
    studies = studies_for(app, lang)
    if studies is None:
        return []
    return match_studies(studies, summary)


@dataclass(frozen=True)
class OnSummary:
    studies: Studies
    met: list[StudyMatch]
    example: StudyMatch | None  # when none is met: one study, with why not


def studies_on_summary(summary: Summary) -> OnSummary | None:
    """The summary's studies section, or None: never under an emergency or urgent headline."""
    lang = current_language()
    studies = studies_for(current_app, lang)
    found = matches(current_app, summary, lang)
    if studies is None or not found:  # none beside an emergency or urgent headline
        return None
    met = [m for m in found if m.meets]
    return OnSummary(studies, met, None if met else (found[0] if found else None))


def page_context(studies: Studies) -> dict[str, Any]:
    return {"studies": studies, "texts": studies.file.texts, "meta": studies.file.meta}


@bp.get("/studies")
def index():
    """Every study of the snapshot, open ones first, with the snapshot's date."""
    studies = studies_for(current_app, current_language())
    if studies is None:
        return render_template("studies/none.html"), 404
    listed = sorted(studies.studies, key=lambda s: not s.is_open)
    return render_template("studies/index.html", listed=listed, **page_context(studies))


@bp.get("/studies/<nct_id>")
def record(nct_id: str):
    """One study's record; a study not in the snapshot says so and links to the registry. At
    the list's URL and the NCT id: study cards build their links so, from one `url_for` per
    page (studies/_macros.html)."""
    studies = studies_for(current_app, current_language())
    if studies is None:
        return render_template("studies/none.html"), 404
    wanted = nct_id.strip().upper()
    if not NCT_ID.match(wanted):
        return render_template("studies/bad_id.html", **page_context(studies)), 404
    study = studies.get(wanted)
    if study is None:
        context = page_context(studies)
        return render_template("studies/missing.html", nct_id=wanted, **context), 404
    criteria = studies.criteria[study.nct_id].explain()
    return render_template(
        "studies/record.html", study=study, criteria=criteria, **page_context(studies)
    )
