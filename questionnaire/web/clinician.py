"""Clinician preview: every question and rule in plain words, try any answers, the outcome book.

Read-only and holds no patient data. Off unless CLINICIAN_PREVIEW=1 (`make run` sets it) or
CLINICIAN_PASSWORD is set (then over HTTPS only, behind HTTP Basic authentication).
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request
from jinja2 import ChoiceLoader, DictLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import ServiceUnavailable, Unauthorized

from ..engine import AnswersError, Engine, RuleSet, Summary
from ..engine.load.yamlsource import ANSWERS_FILE
from ..engine.scenarios import Result, Scenario, run_scenario
from ..engine.verify.report import Report
from ..engine.verify.symbolic import verify
from ..engine.verify.trace import Matrix, trace_matrix
from ..engines import engine_of
from ..safety import Hazard, hazard_log
from . import clinician_changes, documents
from .clinician_answers import load_scenario_answers, uploaded_answers
from .clinician_text import gist, short_quotes
from .forms import build_all_questions_form, to_answer, to_form_data
from .slots import PreviewSlots, Slot
from .summary_view import given_answers, summary_context

bp = Blueprint("clinician", __name__, url_prefix="/clinician")


@dataclass(frozen=True)
class Preview:
    """What the clinician pages show, computed once at start-up."""

    report: Report
    skip_logic: dict[str, str]  # question id -> "asked only if ..."
    conditions: dict[str, str]  # rule id -> plain-English condition
    form: type
    scenarios: dict[str, tuple[str, Scenario]]  # key -> (label, scenario)
    scenario_choices: tuple[tuple[str, str], ...]  # (key, label): the try page's list
    trace: Matrix  # the traceability matrix of the sources (book and sign-off sheet)
    hazards: tuple[Hazard, ...]  # the safety case (docs/safety/), for the book

    @classmethod
    def build(cls, rs: RuleSet, scenarios: str | os.PathLike[str]) -> Preview:
        return cls(
            report=verify(rs),  # the symbolic verifier, as `rules verify` runs it
            skip_logic={q: c.explain() for q, c in rs.show_if.items()},
            conditions={r.id: c.explain() for r, c in zip(rs.file.rules, rs.when, strict=True)},
            form=build_all_questions_form(rs),
            scenarios=(found := load_scenario_answers(Path(scenarios))),
            scenario_choices=tuple((key, label) for key, (label, _) in found.items()),
            trace=trace_matrix(rs),
            hazards=hazard_log().hazards,
        )


def preview() -> Preview:
    return current_app.extensions["preview"]


@bp.context_processor
def no_patient_timeout() -> dict[str, Any]:
    """The preview keeps no patient's answers: it never warns that the answers of a patient
    who used the same browser will expire (their footer is not there either)."""
    return {"expiry": None}


@bp.before_request
def only_when_enabled():
    """Not found unless turned on; with a password, only over HTTPS and only with it."""
    config = current_app.config
    password = config.get("CLINICIAN_PASSWORD")
    if not (config["CLINICIAN_PREVIEW"] or password):
        abort(404)
    if not password:
        return
    if not request.is_secure:  # a password sent over plain http can be read on the way
        abort(403, "The clinician preview has a password, so it opens only over HTTPS.")
    given = request.authorization
    if (
        given is None
        or given.type != "basic"
        or not given.password
        or not hmac.compare_digest(given.password.encode(), str(password).encode())
    ):
        raise Unauthorized(
            "Enter the clinician preview's password (any user name).",
            www_authenticate=WWWAuthenticate("basic", {"realm": "Clinician preview"}),
        )


@bp.get("/")
def overview():
    """Every step, question and rule in plain English, folded, with an index by outcome; every
    section open with ?open=all. Written when the app is built (init_documents)."""
    return release_page(OVERVIEW_OPEN if request.args.get("open") == "all" else OVERVIEW)


def overview_page(expanded: bool) -> str:
    file = engine_of(current_app).ruleset.file
    rules_by_outcome, findings_only = rule_groups(file)
    return render_template(
        "clinician/overview.html",
        file=file,
        preview=preview(),
        rules_by_outcome=rules_by_outcome,
        findings_only=findings_only,
        outcome_rule_count=sum(len(rules) for _, rules in rules_by_outcome),
        finding_rule_count=sum(len(rules) for _, rules in findings_only),
        question_count=sum(len(step.questions) for step in file.steps),
        expanded=expanded,
    )


def rule_groups(file) -> tuple[list, list]:
    """(outcome, its rules) in priority order; (criterion, rules that only add a finding)."""
    by_outcome = [(o, [r for r in file.rules if r.outcome == o.id]) for o in file.outcomes]
    findings_only = [
        (
            c,
            [
                r
                for r in file.rules
                if r.outcome is None and r.finding and r.finding.criterion == c.id
            ],
        )
        for c in file.criteria
    ]
    return by_outcome, findings_only


def try_slots() -> PreviewSlots:
    """How many tries the whole server runs at once: one, and one comparison beside it.

    A try evaluates with the full trace and draws the longest page; with gunicorn's sync
    workers, a few clients trying at once could hold every worker and patients would wait. The
    slots (slots.py) are made before gunicorn forks and shared by its workers; a try waits up to
    TRY_WAIT_SECONDS for another one to finish (they take milliseconds), then is told to try again
    in a moment, cheaply. Threads (`make run`) share them too.
    """
    return PreviewSlots(tries=Slot("try"), compare=Slot("compare"))


TRY_WAIT_SECONDS = 2.0


@bp.route("/try", methods=["GET", "POST"])
def try_answers():
    """All questions on one page; the patient's summary beside the full trace."""
    if request.method != "POST":
        return _try_page()
    held = current_app.extensions["try_slots"].tries.take(wait=TRY_WAIT_SECONDS)
    if held is None:
        raise ServiceUnavailable(
            "Another try is running on this server. Send it again in a moment.", retry_after=1
        )
    with held:
        return _try_page()


def _try_page():
    engine = engine_of(current_app)
    questions = engine.ruleset.questions
    answers: dict[str, Any] | None = None
    message = None
    scenario: Scenario | None = None
    uploading = request.method == "POST" and "answers_file" in request.files
    if uploading:
        answers, message = uploaded_answers(
            engine, request.files["answers_file"].read(ANSWERS_FILE.max_bytes + 1)
        )
    elif request.args.get("scenario"):
        found = preview().scenarios.get(request.args["scenario"])
        scenario = found[1] if found else None
        answers = scenario.answers if scenario else None
        message = None if answers is not None else "That scenario was not found."
    if request.method == "POST" and not uploading:
        form = preview().form()
        if form.validate():
            answers = {
                q.id: to_answer(q, form[q.id].data)
                for q in questions
                if form[q.id].data not in (None, "", [])
            }
    else:  # show the answers from a scenario or upload in the same fields the patient sees
        form = preview().form(
            formdata=None,
            data={q.id: to_form_data(q, (answers or {}).get(q.id)) for q in questions},
        )
    summary = problems = evaluated = None
    if answers is not None:
        try:
            summary = evaluated = engine.evaluate(answers)
        except AnswersError as exc:
            problems, evaluated = exc.problems, exc
    field_errors = [(q, form[q.id].errors[0]) for q in questions if form[q.id].errors]
    return render_template(
        "clinician/try.html",
        form=form,
        file=engine.ruleset.file,
        summary=summary,
        problems=problems,
        message=message,
        field_errors=field_errors,
        scenarios=preview().scenario_choices,
        patient_view=patient_view,
        matched=[t for t in summary.trace if t.matched] if summary else [],
        checked=(
            scenario_check(engine, scenario, evaluated)
            if scenario and request.method == "GET"
            else None
        ),
    )


def scenario_check(
    engine: Engine, scenario: Scenario, evaluated: Summary | AnswersError | None
) -> tuple[Scenario, Result]:
    """The scenario filled in, and whether the rules still give what it expects (its studies are
    checked by `rules test`, not here), from its answers as this page evaluated them."""
    without_studies = scenario.expect.model_copy(update={"studies": None})
    tried = scenario.model_copy(update={"expect": without_studies})
    return scenario, run_scenario(engine, tried, evaluated=evaluated)


# The patient's summary page, laid out in nothing but its `main` block: for the try page.
MAIN_ONLY = {"base.html": "{% block main %}{% endblock %}"}


@pass_context
def patient_view(page: Context, result: Summary) -> Markup:
    """The patient's summary as their own page shows it (notes included), so it never drifts.

    The try page calls it while it is drawn: the summary page is rendered with the try page's
    context (the same request's context processors, run once for both) and the summary's own
    variables, in a Jinja environment whose base layout is only the `main` block: every
    top-level `set` and import of the page still runs, which rendering the block on its own
    would skip.
    """
    engine = engine_of(current_app)
    env = current_app.extensions.get("main_only_templates")
    if env is None:
        jinja = current_app.jinja_env
        pages = [DictLoader(MAIN_ONLY)] + ([jinja.loader] if jinja.loader else [])
        env = jinja.overlay(loader=ChoiceLoader(pages))
        current_app.extensions["main_only_templates"] = env
    first = engine.ruleset.file.steps[0]
    context = {
        **page.parent,
        **summary_context(engine, result),
        "today": dt.date.today(),
        "change_url": f"#step-{first.id}",  # the try form's first step, on this page
        "given": given_answers(engine, result),
    }
    return Markup(env.get_template("patient/summary.html").render(context))


@bp.get("/book")
def outcome_book():
    """Every outcome and finding as a patient would see it, with its rules in plain words.
    Written when the app is built (init_documents)."""
    return release_page(BOOK)


def book_page() -> str:
    ruleset = engine_of(current_app).ruleset
    file = ruleset.file
    return render_template(
        "clinician/book.html",
        file=file,
        fingerprint=ruleset.fingerprint,
        hazards=preview().hazards,
        trace=preview().trace,
        preview=preview(),
        rules_by_outcome=rule_groups(file)[0],
    )


# The clinician's pages that depend only on the rule files (and the previous release the book
# compares with): (document name, the URL it is written for, how it is written).
OVERVIEW, OVERVIEW_OPEN, BOOK = "clinician overview", "clinician overview open", "clinician book"
RELEASE_PAGES: tuple[tuple[str, str, Callable[[], str]], ...] = (
    (OVERVIEW, "/clinician/", lambda: overview_page(expanded=False)),
    (OVERVIEW_OPEN, "/clinician/?open=all", lambda: overview_page(expanded=True)),
    (BOOK, "/clinician/book", book_page),
)
HTML = "text/html"


def init_documents(app: Flask) -> None:
    """Write the release's pages once (documents.py), each in a request for its own URL at the
    app's root, as nginx serves it: nothing in them depends on the request (the language is
    English, the page's own link is marked by its route; no form, no date, no patient's
    answers); the clinician tests compare them with fresh renders (test_release_pages.py)."""
    for name, url, write in RELEASE_PAGES:
        with app.test_request_context(url, base_url="https://localhost"):
            documents.keep(app, name, write(), HTML)


def release_page(name: str) -> Response | str:
    """A page written when the app was built, for the app at the root of its host. Under a
    sub-path (SCRIPT_NAME) its links would differ, so there it is written for the request."""
    if request.script_root:
        return next(write for page, _, write in RELEASE_PAGES if page == name)()
    return documents.send(name)


bp.add_app_template_filter(short_quotes, "short_quotes")
bp.add_app_template_filter(gist, "gist")


@bp.get("/sign-off")
def sign_off():
    """One page to sign: version, fingerprint, the headlines, red flags with their sources, the
    exclusions and thresholds, and what changed since the previous version; a box per section."""
    ruleset = engine_of(current_app).ruleset
    file = ruleset.file
    comparison, _ = clinician_changes.configured(current_app).get()
    return render_template(
        "clinician/sign_off.html",
        file=file,
        fingerprint=ruleset.fingerprint,
        preview=preview(),
        rules_by_outcome=rule_groups(file)[0],
        matrix=preview().trace,
        statuses=statuses(preview().trace),
        changes_by_kind=by_kind(comparison.changes) if comparison else {},
        comparison=comparison,
        today=dt.date.today(),
    )


def statuses(matrix: Matrix) -> dict[str, int]:
    """The sheet's counts of the traceability matrix: its rows' sources, and how many are
    covered by a question, decided otherwise, or missing (in Python: Jinja's filters took
    three fifths of the sheet's CPU for these four numbers, docs/benchmarks.md)."""
    status = Counter(row.status for row in matrix.rows)
    return {
        "sources": len({row.source for row in matrix.rows}),
        "covered": status["covered"],
        "decided": len(matrix.rows) - status["covered"] - status["MISSING"],
        "missing": status["MISSING"],
    }


def by_kind(changes: list) -> dict[str, dict[str, Any]]:
    """kind -> how many changes of that kind, added, removed, and their ids, for the sheet."""
    found: dict[str, dict[str, Any]] = {}
    for change in changes:
        kind = found.setdefault(change.kind, {"count": 0, "added": 0, "removed": 0, "ids": []})
        kind["count"] += 1
        kind["ids"].append(change.id)
        if change.what in ("added", "removed"):
            kind[change.what] += 1
    return found


@bp.route("/changes", methods=["GET", "POST"])
def changes():
    """What changed since the previous rule file: headlines first, then items and wording."""
    uploaded = request.method == "POST"
    configured = clinician_changes.configured(current_app)
    comparison, problem = clinician_changes.uploaded(configured) if uploaded else configured.get()
    status = 422 if uploaded and problem else 200
    return render_template(
        "clinician/changes.html",
        changes_report=comparison,
        problem=problem,
        missing=None if uploaded else configured.missing,
        uploaded=uploaded,
        max_kb=clinician_changes.UPLOADED_RULE_FILE.max_bytes // 1024,
    ), status
