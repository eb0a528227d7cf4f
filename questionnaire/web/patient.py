"""The patient's pages: start, summary, handout, clear, help. The pages of questions and "Check
your answers" are the one wizard's (wizard.py), on this blueprint."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from . import handout as handouts
from .i18n import current_language, kept_language
from .page_context import service, service_context
from .session import IDLE_SECONDS, MAX_SECONDS, now
from .summary_view import given_answers, is_scale, summary_context
from .wizard import Wizard

bp = Blueprint("patient", __name__)

NOTICES = ("unreadable", "changed", "cleared", "no_answers")


bp.app_context_processor(service_context)
bp.add_app_template_global(is_scale)  # for the question macro, imported without context


def stored_answers() -> dict[str, Any]:
    """The answers in the session (guard_session has already checked their version and age)."""
    answers = session.get("answers")
    return answers if isinstance(answers, dict) else {}


@bp.before_request
def guard_session():
    """Start over, with a message, on an untrusted, stale or idle session."""
    if session.unreadable:
        session.clear()
        session["notice"] = "unreadable"
        return redirect(url_for(".start"))
    if "answers" not in session:
        return None
    version = WIZARD.journey().engine.version
    if session.get("v") != version or not isinstance(session.get("answers"), dict):
        session.clear()
        session["notice"] = "changed"
        return redirect(url_for(".start"))
    seen = session.get("seen")
    born = session.get("born", seen)
    if (
        not isinstance(seen, int)
        or not isinstance(born, int)
        or now() - seen > IDLE_SECONDS
        or now() - born > MAX_SECONDS
    ):  # the hard limit bounds a copied cookie's life
        session.clear()
        return redirect(url_for(".expired"))
    session["seen"] = now()
    return None


def save(answers: dict[str, Any]) -> None:
    session["answers"] = answers
    session["v"] = WIZARD.journey().engine.version
    session["seen"] = now()
    session.setdefault("born", now())


# The step and check pages: the one wizard the offer check uses too (wizard.py), with what only
# this questionnaire has: the headline as soon as it is certain, answers it removed named, and
# Change links that land on the answer.
WIZARD = Wizard(
    "patient",
    "journeys",
    stored=stored_answers,
    save=save,
    check_template="patient/check.html",
    early_headline=True,
    tell_removed=True,
    focus_on_change=True,
)
bp.add_url_rule("/step/<step_id>", view_func=WIZARD.step, methods=["GET", "POST"])
bp.add_url_rule("/check", view_func=WIZARD.check)


@bp.get("/")
def start():
    """What this is and is not, then Start."""
    notice = session.pop("notice", None)
    if request.args.get("cleared") == "1":
        notice = "cleared"
    first = WIZARD.journey().pages[0]
    return render_template(
        "patient/start.html",
        notice=notice if notice in NOTICES else None,
        start_url=WIZARD.page_url(first),
        resume=bool(stored_answers()),
        minutes=IDLE_SECONDS // 60,
        hours=MAX_SECONDS // 3600,
    )


def finished_walk():
    """(the patient's walk, its Summary) if it reached a summary, or (None, where to send them
    instead). A summary is reached at the end, at an early stop, or as soon as the answers so
    far make the headline certain (its Summary's `unanswered` lists what is still open). The
    answers are walked once: the headline, the findings and the studies all come from that
    walk's Summary."""
    j = WIZARD.journey()
    answers = stored_answers()
    if not answers:
        session["notice"] = "no_answers"
        return None, redirect(url_for(".start"))
    walk = j.walk(answers)
    result = j.engine.summary(walk, trace=False)
    if result is None:
        return None, redirect(WIZARD.page_url(j.first_open(walk)))
    return walk, result


@bp.get("/summary")
def summary():
    """The informational summary: headline, findings, notes, sources."""
    j = WIZARD.journey()
    walk, result = finished_walk()
    if walk is None:
        return result
    first = j.pages[0]
    change_url = WIZARD.page_url(first, change=True, focus=first.questions[0].id)
    after_stop = j.after_stop(walk) if walk.continuable else None
    return render_template(
        "patient/summary.html",
        **summary_context(j.engine, result, answers=False),
        change_url=change_url,
        continue_url=WIZARD.page_url(after_stop, go_on=True) if after_stop else None,
        unanswered=[j.questions[q] for q in result.unanswered],
        rest_url=WIZARD.page_url(j.first_open(walk)) if result.unanswered else None,
        today=dt.date.today(),
        given=given_answers(j.engine, walk),
    )


@bp.get("/summary.pdf")
def handout():
    """The take-away handout as a PDF, made now from the answers in the cookie (in Spanish, with
    an English copy for the clinician)."""
    walk, elsewhere = finished_walk()
    if walk is None:
        return elsewhere
    pdf = handouts.make(walk.answers, service)
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="my-summary.pdf"'
    return response


@bp.get("/summary/answers.json")
def download_answers():
    """The patient's answers as a FHIR QuestionnaireResponse file, to take to a clinician."""
    from .. import fhir

    j = WIZARD.journey()
    walk = j.walk(stored_answers())
    if not walk.answers or (walk.stopped_after is None and not walk.complete):
        return redirect(url_for(".summary"))
    resource = fhir.response(j.engine.ruleset, walk.answers)  # texts in the page's language
    resource["language"] = current_language()
    response = current_app.response_class(
        json.dumps(resource, indent=2, ensure_ascii=False), mimetype="application/fhir+json"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="my-answers.json"'
    return response


@bp.post("/clear")
def clear():
    """Forget every answer, here and in the browser."""
    session.clear()  # the session cookie is sent back expired: only this app's cookie
    # The language cookie stays (it holds no answer); the link keeps a chosen language too.
    response = redirect(url_for(".start", cleared=1, lang=kept_language()))
    # Not "cookies": that wipes every cookie of the whole registrable domain (other sites on
    # it too). "cache" is this origin's only, and pages are no-store anyway.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.get("/start-again")
def start_again():
    """Ask before forgetting every answer: a page, so that it works without JavaScript."""
    fallback = url_for(".summary") if stored_answers() else url_for(".start")
    return render_template("patient/start_again.html", back_url=same_site_referrer(fallback))


@bp.get("/help")
def help_now():
    """Where to get urgent help: the same link on every page, with the same care cards."""
    file = WIZARD.journey().engine.ruleset.file
    return render_template(
        "patient/page.html",
        page=file.pages.help,
        outcomes={o.id: o for o in file.outcomes},
        back_url=same_site_referrer(),
    )


def same_site_referrer(fallback: str | None = None) -> str:
    """The page the patient came from on this site (for a way back), else `fallback` or the
    start page."""
    came_from = urlsplit(request.referrer or "")
    here = urlsplit(request.host_url)
    if came_from.netloc == here.netloc and came_from.path.startswith(request.script_root + "/"):
        back = came_from.path + (f"?{came_from.query}" if came_from.query else "")
        if not back.startswith("//"):
            return back
    return fallback or url_for(".start")


@bp.get("/still-here")
def still_here():
    """The timeout warning's "Keep my answers": opening any page keeps them (guard_session)."""
    return "", 204


@bp.get("/expired")
def expired():
    """Answers were cleared after 30 idle minutes."""
    return render_template(
        "patient/expired.html", minutes=IDLE_SECONDS // 60, hours=MAX_SECONDS // 3600
    )
