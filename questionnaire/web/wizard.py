"""One wizard for every questionnaire the app serves: a page per question, "Check your answers",
and the way between them (design.md sections 5 and 7).

The patient questionnaire (patient.py) and the clinic-offer check (offer.py) each make one
`Wizard`, naming their blueprint, their pages in each language, where their answers live in the
session and their check page, and register its views on their own blueprint:

    WIZARD = Wizard("offer", "offer_journeys", stored=stored, save=save, check_template=...)
    bp.add_url_rule("/step/<step_id>", view_func=WIZARD.step, methods=["GET", "POST"])

A plain object whose bound methods are the view functions (as Flask's `View.as_view` with
`init_every_request = False`, without the class machinery): one per questionnaire, built at
import, holding nothing of a request. The start and summary pages differ by questionnaire and
stay in their modules; they use `journey` and `page_url` from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm

from ..engine import AnswerProblem
from ..engine.evaluation.evaluate import Walk
from ..engine.model import Outcome
from .forms import Page, to_answer, to_form_data
from .i18n import current_language
from .journey import Journey
from .summary_view import answer_text

Answers = dict[str, Any]


@dataclass(frozen=True)
class Wizard:
    """One questionnaire's step and check pages, on its own blueprint and session slot."""

    name: str  # its blueprint: the endpoints are "<name>.step", "<name>.check", "<name>.start"...
    journeys: str  # the app.extensions key of its Journey in each language
    stored: Callable[[], Answers]  # its answers in the session ({} when none or stale)
    save: Callable[[Answers], None]  # keep its answers in the session
    check_template: str  # "Check your answers", given `sections` of (step, rows)
    # What only the patient questionnaire does (design.md sections 4 and 5):
    early_headline: bool = False  # a step says the headline as soon as the answers decide it
    tell_removed: bool = False  # the check page names answers a change made unneeded
    focus_on_change: bool = False  # a Change link lands on the answer, focused

    def url(self, endpoint: str, **args: Any) -> str:
        """The URL of one of this wizard's pages ("start", "check", "summary")."""
        return url_for(f"{self.name}.{endpoint}", **args)

    def journey(self) -> Journey:
        """The wizard in the page's language (its forms carry the questions' words)."""
        journeys = current_app.extensions.get(self.journeys)
        if not journeys:  # the app serves no such questionnaire (its rule file is not there)
            abort(404)
        return journeys.get(current_language()) or next(iter(journeys.values()))

    def page_url(
        self,
        page: Page | None,
        *,
        change: bool = False,
        focus: str | None = None,
        go_on: bool = False,
    ) -> str:
        """A page's URL (the check page after the last); `focus` names the question to land on,
        with its answer focused."""
        if page is None:
            return self.url("check")
        args: dict[str, Any] = {"step_id": page.step.id}
        if page.part:
            args["part"] = page.part
        if change:
            args["change"] = 1
        if focus:  # no #fragment: Chromium drops the focus when it scrolls to one
            args["focus"] = focus
        if go_on:  # past an urgent stop that may be continued ("A doctor has checked these signs")
            args["go_on"] = 1
        return self.url("step", **args)

    def step(self, step_id: str):
        """One page of questions."""
        j = self.journey()
        page = j.page(step_id, request.args.get("part", 0, type=int))
        if page is None:
            abort(404)
        answers = self.stored()
        walk = j.walk(answers)
        going_on = j.continues_here(page, walk) and request.args.get("go_on") == "1"
        if not (going_on or j.reachable(page, walk)):
            first = j.first_open(walk)
            return redirect(self.page_url(first) if first else self.url("summary"))
        shown = list(page.questions) if going_on else j.shown_on(page, walk)
        change = request.args.get("change") == "1"
        if not shown:
            return redirect(self.page_url(j.next_page(page, walk), change=change))
        form = self._form(page, shown, answers)
        given, refused = self._checked(page, form, shown, answers, walk)
        if given is not None:
            return self.saved(page, answers, given, change)
        fields = {q.id: form[q.id] for q in shown}
        return render_template(
            "patient/step.html",
            page=page,
            fields=fields,
            shown=shown,
            change=change,
            action=self.page_url(page, change=change, go_on=going_on),
            focus=request.args.get("focus") if request.method == "GET" else None,
            known=None if going_on or change else self.known_headline(answers, walk),
            summary_url=self.url("summary"),
            parts=j.parts_of(page, walk),
            step_count=j.step_count,
            back_url=self.back_url(page, walk, change),
            errors=[(q, fields[q.id].errors[0]) for q in shown if fields[q.id].errors],
            change_links=self.change_links(refused),
        )

    def _checked(
        self, page: Page, form: FlaskForm, shown: list, answers: Answers, walk: Walk
    ) -> tuple[Answers | None, list[AnswerProblem]]:
        """(the page's answers, or None until the form and the engine accept them; the engine's
        problems with this page's answers among all of them). A field alone cannot see an
        answer that contradicts an earlier one (`contradictions` in the rule file): the engine
        refuses it, and its message goes on the field."""
        j = self.journey()
        given = None
        if request.method == "POST" and form.validate():
            given = {q.id: to_answer(q, form[q.id].data) for q in shown}
        refused = j.refused(page, j.walk({**answers, **given}) if given else walk)
        for problem in refused:
            if not form[problem.question].errors:
                form[problem.question].errors = [problem.message]
        return (None if refused else given), refused

    def change_links(self, refused: list[AnswerProblem]) -> list[tuple[str, str]]:
        """(question, its page) of each earlier answer that a refused answer contradicts."""
        j = self.journey()
        earlier = dict.fromkeys(q for problem in refused for q in problem.earlier)
        return [
            (j.questions[q].prompt, self.page_url(j.page_of(q), change=True, focus=q))
            for q in earlier
        ]

    @staticmethod
    def _form(page: Page, shown: list, answers: Answers) -> FlaskForm:
        """The page's form: as posted, or prefilled with the stored answers; only the questions
        shown to these answers."""
        if request.method == "POST":
            form = page.form()
        else:
            stored = {q.id: to_form_data(q, answers.get(q.id)) for q in shown}
            form = page.form(formdata=None, data=stored)
        for q in page.questions:
            if q not in shown:
                del form[q.id]
        return form

    def known_headline(self, answers: Answers, walk: Walk) -> Outcome | None:
        """The headline, when the answers so far already decide it whatever the rest are
        (Engine.settled: three-valued evaluation of every rule); only for the routine outcomes,
        since emergency and urgent stop the questions themselves."""
        if not self.early_headline or not answers or walk.complete:
            return None
        if walk.stopped_after is not None:
            return None
        settled = self.journey().engine.settled(answers, trace=False)
        if settled is None or settled.outcome.urgency != "routine":
            return None
        return settled.outcome

    def care_first(self, walk: Walk, answers: Answers) -> bool:
        """Whether answers a contradiction holds back already call for emergency or urgent care:
        the card comes before the question asked back."""
        if not walk.problems:
            return False
        settled = self.journey().engine.settled(answers, trace=False)
        return settled is not None and settled.outcome.urgency != "routine"

    def saved(self, page: Page, answers: Answers, given: Answers, change: bool):
        """Store a page's valid answers, forget those that no longer apply, and go on."""
        j = self.journey()
        updated = {**answers, **given}
        after = j.walk(updated)
        for qid in after.dropped:  # answers that no longer apply are forgotten
            updated.pop(qid, None)
        if after.dropped and self.tell_removed:  # and the check page says so
            session["removed"] = sorted(set(session.get("removed", [])) | set(after.dropped))
        self.save(updated)
        if after.stopped_after is not None or self.care_first(after, updated):
            return redirect(self.url("summary"))
        if change:
            open_page = j.first_open(after)
            if open_page is None:
                return redirect(self.url("check"))
            return redirect(self.page_url(open_page, change=True))
        return redirect(self.page_url(j.next_page(page, after)))

    def back_url(self, page: Page, walk: Walk, change: bool) -> str:
        """Back to where they came from: the check page while changing a finished set of
        answers (the summary after an early stop), else the previous page that applies."""
        j = self.journey()
        if change and j.first_open(walk) is None:
            return self.url("check" if walk.stopped_after is None else "summary")
        for earlier in reversed(j.pages[: j.index(page)]):
            if set(earlier.ids) & set(walk.shown):
                return self.page_url(earlier, change=change)
        return self.url("start")

    def check(self):
        """Every answer, with a Change link."""
        j = self.journey()
        walk = j.walk(self.stored())
        if walk.stopped_after is not None:
            return redirect(self.url("summary"))
        open_page = j.first_open(walk)
        if open_page is not None:
            return redirect(self.page_url(open_page))
        removed = session.pop("removed", []) if self.tell_removed else []
        last = next(page for page in reversed(j.pages) if j.shown_on(page, walk))
        return render_template(
            self.check_template,
            sections=self.sections(j, walk),
            removed=[j.questions[q] for q in removed if q in j.questions],
            back_url=self.page_url(last),
        )

    def sections(self, j: Journey, walk: Walk) -> list[tuple[Any, list]]:
        """(step, [(question, answer in words, change URL)]) for each step answered."""
        found: list[tuple[Any, list]] = []
        for page in j.pages:
            rows = [
                (q, answer_text(q, walk.answers[q.id]), self._change_url(page, q.id))
                for q in j.shown_on(page, walk)
            ]
            if rows and found and found[-1][0] is page.step:
                found[-1][1].extend(rows)
            elif rows:
                found.append((page.step, rows))
        return found

    def _change_url(self, page: Page, question: str) -> str:
        return self.page_url(page, change=True, focus=question if self.focus_on_change else None)
