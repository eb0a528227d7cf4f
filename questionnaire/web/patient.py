"""The patient's pages: start, one page per step, check your answers, summary, clear."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from . import handout as handouts
from .forms import Page, to_answer, to_form_data
from .i18n import current_language, kept_language
from .journey import Journey
from .page_context import service, service_context
from .session import IDLE_SECONDS, MAX_SECONDS, now
from .summary_view import answer_text, given_answers, is_scale, summary_context

bp = Blueprint("patient", __name__)

NOTICES = ("unreadable", "changed", "cleared", "no_answers")


bp.app_context_processor(service_context)
bp.add_app_template_global(is_scale)  # for the question macro, imported without context


def journey() -> Journey:
    """The wizard in the page's language (its forms carry the questions' words)."""
    return current_app.extensions["journeys"][current_language()]


def stored_answers() -> dict[str, Any]:
    answers = session.get("answers")
    return answers if isinstance(answers, dict) else {}


def page_url(
    page: Page | None, *, change: bool = False, focus: str | None = None, go_on: bool = False
) -> str:
    """A page's URL; `focus` names the question to land on, with its answer focused."""
    if page is None:
        return url_for(".check")
    args: dict[str, Any] = {"step_id": page.step.id}
    if page.part:
        args["part"] = page.part
    if change:
        args["change"] = 1
    if focus:  # no #fragment: Chromium drops the focus when it scrolls to one
        args["focus"] = focus
    if go_on:  # past an urgent stop that may be continued ("A doctor has checked these signs")
        args["go_on"] = 1
    return url_for(".step", **args)


@bp.before_request
def guard_session():
    """Start over, with a message, on an untrusted, stale or idle session."""
    if session.unreadable:
        session.clear()
        session["notice"] = "unreadable"
        return redirect(url_for(".start"))
    if "answers" not in session:
        return None
    version = journey().engine.version
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
    session["v"] = journey().engine.version
    session["seen"] = now()
    session.setdefault("born", now())


@bp.get("/")
def start():
    """What this is and is not, then Start."""
    notice = session.pop("notice", None)
    if request.args.get("cleared") == "1":
        notice = "cleared"
    first = journey().pages[0]
    return render_template(
        "patient/start.html",
        notice=notice if notice in NOTICES else None,
        start_url=page_url(first),
        resume=bool(stored_answers()),
        minutes=IDLE_SECONDS // 60,
        hours=MAX_SECONDS // 3600,
    )


@bp.route("/step/<step_id>", methods=["GET", "POST"])
def step(step_id: str):
    """One page of questions."""
    j = journey()
    page = j.page(step_id, request.args.get("part", 0, type=int))
    if page is None:
        abort(404)
    answers = stored_answers()
    walk = j.walk(answers)
    going_on = j.continues_here(page, walk) and request.args.get("go_on") == "1"
    if not (going_on or j.reachable(page, walk)):
        return redirect(page_url(j.first_open(walk)) if j.first_open(walk) else url_for(".summary"))
    shown = list(page.questions) if going_on else j.shown_on(page, walk)
    change = request.args.get("change") == "1"
    if not shown:
        return redirect(page_url(j.next_page(page, walk), change=change))
    if request.method == "POST":
        form = page.form()
    else:  # prefilled with the stored answers
        stored = {q.id: to_form_data(q, answers.get(q.id)) for q in shown}
        form = page.form(formdata=None, data=stored)
    for q in page.questions:
        if q not in shown:
            del form[q.id]
    if request.method == "POST" and form.validate():
        return saved(page, answers, {q.id: to_answer(q, form[q.id].data) for q in shown}, change)
    fields = {q.id: form[q.id] for q in shown}
    focus = request.args.get("focus") if request.method == "GET" else None
    return render_template(
        "patient/step.html",
        page=page,
        fields=fields,
        shown=shown,
        change=change,
        action=page_url(page, change=change, go_on=going_on),
        focus=focus,
        known=None if going_on or change else known_headline(answers, walk),
        parts=j.parts_of(page, walk),
        step_count=j.step_count,
        back_url=back_url(page, walk, change),
        errors=[(q, fields[q.id].errors[0]) for q in shown if fields[q.id].errors],
    )


def known_headline(answers: dict[str, Any], walk):
    """The headline, when the answers so far already decide it whatever the rest are
    (Engine.settled: three-valued evaluation of every rule); only for the routine outcomes,
    since emergency and urgent stop the questions themselves."""
    if not answers or walk.complete or walk.stopped_after is not None:
        return None
    settled = journey().engine.settled(answers, trace=False)
    if settled is None or settled.outcome.urgency != "routine":
        return None
    return settled.outcome


def saved(page: Page, answers: dict[str, Any], given: dict[str, Any], change: bool):
    """Store a page's valid answers, forget those that no longer apply, and go on."""
    j = journey()
    updated = {**answers, **given}
    after = j.walk(updated)
    for qid in after.dropped:  # answers that no longer apply are forgotten, and we say so
        updated.pop(qid, None)
    if after.dropped:
        session["removed"] = sorted(set(session.get("removed", [])) | set(after.dropped))
    save(updated)
    if after.stopped_after is not None:
        return redirect(url_for(".summary"))
    if change:
        open_page = j.first_open(after)
        return redirect(page_url(open_page, change=True) if open_page else url_for(".check"))
    return redirect(page_url(j.next_page(page, after)))


def back_url(page: Page, walk, change: bool) -> str:
    """Back to where the patient came from: the check page while changing a finished set of
    answers, else the previous page that applies to them."""
    j = journey()
    if change and j.first_open(walk) is None:
        return url_for(".check") if walk.stopped_after is None else url_for(".summary")
    for earlier in reversed(j.pages[: j.index(page)]):
        if set(earlier.ids) & set(walk.shown):
            return page_url(earlier, change=change)
    return url_for(".start")


@bp.get("/check")
def check():
    """Every answer, with a Change link."""
    j = journey()
    walk = j.walk(stored_answers())
    if walk.stopped_after is not None:
        return redirect(url_for(".summary"))
    open_page = j.first_open(walk)
    if open_page is not None:
        return redirect(page_url(open_page))
    sections = []
    for page in j.pages:
        rows = [
            (q, answer_text(q, walk.answers[q.id]), page_url(page, change=True, focus=q.id))
            for q in j.shown_on(page, walk)
        ]
        if rows:
            if sections and sections[-1][0] is page.step:
                sections[-1][1].extend(rows)
            else:
                sections.append((page.step, rows))
    removed = [j.questions[q] for q in session.pop("removed", []) if q in j.questions]
    last = next(page for page in reversed(j.pages) if j.shown_on(page, walk))
    return render_template(
        "patient/check.html", sections=sections, removed=removed, back_url=page_url(last)
    )


def finished_walk():
    """(the patient's walk, its Summary) if it reached a summary, or (None, where to send them
    instead). A summary is reached at the end, at an early stop, or as soon as the answers so
    far make the headline certain (its Summary's `unanswered` lists what is still open)."""
    j = journey()
    answers = stored_answers()
    if not answers:
        session["notice"] = "no_answers"
        return None, redirect(url_for(".start"))
    walk = j.walk(answers)
    if walk.stopped_after is None and j.first_open(walk) is not None:
        settled = j.engine.settled(answers, trace=False)
        if settled is None:
            return None, redirect(page_url(j.first_open(walk)))
        return walk, settled
    return walk, j.engine.evaluate(walk.answers, trace=False)


@bp.get("/summary")
def summary():
    """The informational summary: headline, findings, notes, sources."""
    j = journey()
    walk, result = finished_walk()
    if walk is None:
        return result
    first = j.pages[0]
    change_url = page_url(first, change=True, focus=first.questions[0].id)
    after_stop = j.after_stop(walk) if walk.continuable else None
    return render_template(
        "patient/summary.html",
        **summary_context(j.engine, result),
        change_url=change_url,
        continue_url=page_url(after_stop, go_on=True) if after_stop else None,
        unanswered=[j.questions[q] for q in result.unanswered],
        rest_url=page_url(j.first_open(walk)) if result.unanswered else None,
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

    j = journey()
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
    file = journey().engine.ruleset.file
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
