"""Check a clinic's offer (design.md section 7): the second questionnaire, on the same engine,
wizard (wizard.py: the pages of questions and "Check your answers"), forms and step template as
the main one. Its answers live only in the same encrypted session cookie, under their own key;
no JavaScript is needed.

Every word comes from offer.yaml (and offer.es.yaml) or the interface catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    session,
    url_for,
)

from ..engines import engine_for, has_engine
from .journey import Journey
from .session import IDLE_SECONDS, MAX_SECONDS, now
from .summary_view import given_answers, summary_context
from .wizard import Wizard

NAME = "offer"
bp = Blueprint(NAME, __name__, url_prefix="/offer")


def init_app(app) -> None:
    """One wizard per language, when the app serves the offer check."""
    if has_engine(app, NAME):
        app.extensions["offer_journeys"] = {
            lang: Journey(engine_for(app, lang, NAME)) for lang in app.extensions["journeys"]
        }
    app.add_template_global(offer_link)


@dataclass(frozen=True)
class Link:
    url: str
    title: str


def offer_link() -> Link | None:
    """The start page's and the summary's link to the check, in the page's language."""
    if not current_app.extensions.get("offer_journeys"):
        return None
    return Link(url_for("offer.start"), WIZARD.journey().engine.ruleset.file.pages.start.title)


def stored() -> dict[str, Any]:
    """The offer's answers, if they are this version's and not stale (else none). They sit in
    the main answers cookie (encrypted), with their own version and start time; the idle and
    hard limits are the main wizard's."""
    kept = session.get(NAME)
    if not isinstance(kept, dict) or kept.get("v") != WIZARD.journey().engine.version:
        return {}
    seen, born = kept.get("seen"), kept.get("born")
    if not isinstance(seen, int) or not isinstance(born, int):
        return {}
    if now() - seen > IDLE_SECONDS or now() - born > MAX_SECONDS:
        session.pop(NAME, None)
        return {}
    answers = kept.get("answers")
    return answers if isinstance(answers, dict) else {}


def save(answers: dict[str, Any]) -> None:
    kept = session.get(NAME)
    born = kept.get("born") if isinstance(kept, dict) else None
    session[NAME] = {
        "answers": answers,
        "v": WIZARD.journey().engine.version,
        "seen": now(),
        "born": born if isinstance(born, int) else now(),
    }


# The step and check pages: the one wizard of the patient questionnaire (wizard.py), on this
# blueprint, over offer.yaml, with the answers in their own slot of the session.
WIZARD = Wizard(NAME, "offer_journeys", stored=stored, save=save, check_template="offer/check.html")
bp.add_url_rule("/step/<step_id>", view_func=WIZARD.step, methods=["GET", "POST"])
bp.add_url_rule("/check", view_func=WIZARD.check)


@bp.get("/")
def start():
    """What the check is, then Start."""
    j = WIZARD.journey()
    return render_template(
        "offer/start.html",
        page=j.engine.ruleset.file.pages.start,
        start_url=WIZARD.page_url(j.pages[0]),
        resume=bool(stored()),
    )


@bp.get("/summary")
def summary():
    """The headline, each warning sign with its source, the price beside what others charge."""
    j = WIZARD.journey()
    answers = stored()
    walk = j.walk(answers)
    if not answers:
        return redirect(url_for(".start"))
    first = j.first_open(walk)
    if first is not None:
        return redirect(WIZARD.page_url(first))
    result = j.engine.evaluate(walk.answers, trace=False)
    return render_template(
        "offer/summary.html",
        **summary_context(j.engine, result),
        offer=j.engine.ruleset.file,
        given=given_answers(j.engine, walk),
        today=dt.date.today(),
        change_url=url_for(".check"),
    )
