"""Check a clinic's offer (design.md section 7): the second questionnaire's wizard, on the same
engine, forms and page templates as the main one. Its answers live only in the same encrypted
session cookie, under their own key; no JavaScript is needed.

Every word comes from offer.yaml (and offer.es.yaml) or the interface catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

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

from ..engines import engine_for, has_engine
from .forms import Page, to_answer, to_form_data
from .i18n import current_language
from .journey import Journey
from .session import IDLE_SECONDS, MAX_SECONDS, now
from .summary_view import answer_text, given_answers, summary_context

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
    journeys = current_app.extensions.get("offer_journeys")
    if not journeys:
        return None
    j = journeys.get(current_language()) or next(iter(journeys.values()))
    return Link(url_for("offer.start"), j.engine.ruleset.file.pages.start.title)


def journey() -> Journey:
    journeys = current_app.extensions.get("offer_journeys")
    if not journeys:
        abort(404)
    return journeys.get(current_language()) or next(iter(journeys.values()))


def stored() -> dict[str, Any]:
    """The offer's answers, if they are this version's and not stale (else none). They sit in
    the main answers cookie (encrypted), with their own version and start time; the idle and
    hard limits are the main wizard's."""
    kept = session.get(NAME)
    if not isinstance(kept, dict) or kept.get("v") != journey().engine.version:
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
        "v": journey().engine.version,
        "seen": now(),
        "born": born if isinstance(born, int) else now(),
    }


def page_url(page: Page | None, *, change: bool = False) -> str:
    if page is None:
        return url_for(".check")
    args: dict[str, Any] = {"step_id": page.step.id}
    if page.part:
        args["part"] = page.part
    if change:
        args["change"] = 1
    return url_for(".step", **args)


@bp.get("/")
def start():
    """What the check is, then Start."""
    j = journey()
    return render_template(
        "offer/start.html",
        page=j.engine.ruleset.file.pages.start,
        start_url=page_url(j.pages[0]),
        resume=bool(stored()),
    )


@bp.route("/step/<step_id>", methods=["GET", "POST"])
def step(step_id: str):
    """One page of questions, as in the main wizard."""
    j = journey()
    page = j.page(step_id, request.args.get("part", 0, type=int))
    if page is None:
        abort(404)
    answers = stored()
    walk = j.walk(answers)
    if not j.reachable(page, walk):
        first = j.first_open(walk)
        return redirect(page_url(first) if first else url_for(".summary"))
    shown = j.shown_on(page, walk)
    change = request.args.get("change") == "1"
    if not shown:
        return redirect(page_url(j.next_page(page, walk), change=change))
    if request.method == "POST":
        form = page.form()
    else:  # prefilled with the stored answers
        given = {q.id: to_form_data(q, answers.get(q.id)) for q in shown}
        form = page.form(formdata=None, data=given)
    for q in page.questions:
        if q not in shown:
            del form[q.id]
    if request.method == "POST" and form.validate():
        return saved(page, answers, {q.id: to_answer(q, form[q.id].data) for q in shown}, change)
    fields = {q.id: form[q.id] for q in shown}
    return render_template(
        "patient/step.html",
        page=page,
        fields=fields,
        shown=shown,
        change=change,
        action=page_url(page, change=change),
        focus=None,
        parts=j.parts_of(page, walk),
        step_count=j.step_count,
        back_url=back_url(page, walk, change),
        errors=[(q, fields[q.id].errors[0]) for q in shown if fields[q.id].errors],
    )


def saved(page: Page, answers: dict[str, Any], given: dict[str, Any], change: bool):
    """Store a page's answers, forget those that no longer apply, and go on."""
    j = journey()
    updated = {**answers, **given}
    after = j.walk(updated)
    for qid in after.dropped:
        updated.pop(qid, None)
    save(updated)
    if change:
        open_page = j.first_open(after)
        return redirect(page_url(open_page, change=True) if open_page else url_for(".check"))
    return redirect(page_url(j.next_page(page, after)))


def back_url(page: Page, walk, change: bool) -> str:
    j = journey()
    if change and j.first_open(walk) is None:
        return url_for(".check")
    for earlier in reversed(j.pages[: j.index(page)]):
        if set(earlier.ids) & set(walk.shown):
            return page_url(earlier, change=change)
    return url_for(".start")


@bp.get("/check")
def check():
    """Every answer, with a Change link."""
    j = journey()
    walk = j.walk(stored())
    open_page = j.first_open(walk)
    if open_page is not None:
        return redirect(page_url(open_page))
    rows = [
        (q, answer_text(q, walk.answers[q.id]), page_url(page, change=True))
        for page in j.pages
        for q in j.shown_on(page, walk)
    ]
    last = next(page for page in reversed(j.pages) if j.shown_on(page, walk))
    return render_template("offer/check.html", rows=rows, back_url=page_url(last))


@bp.get("/summary")
def summary():
    """The headline, each warning sign with its source, the price beside what others charge."""
    j = journey()
    answers = stored()
    walk = j.walk(answers)
    if not answers:
        return redirect(url_for(".start"))
    first = j.first_open(walk)
    if first is not None:
        return redirect(page_url(first))
    result = j.engine.evaluate(walk.answers, trace=False)
    return render_template(
        "offer/summary.html",
        **summary_context(j.engine, result),
        offer=j.engine.ruleset.file,
        given=given_answers(j.engine, walk),
        today=dt.date.today(),
        change_url=url_for(".check"),
    )
