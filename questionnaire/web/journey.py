"""Where a patient is in the wizard: which page comes next, what is missing, what was dropped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine import AnswerProblem, Engine
from ..engine.evaluation.evaluate import Walk
from .forms import Page, build_pages


class Journey:
    """The wizard's pages over one engine; built once at start-up."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.pages = build_pages(engine.ruleset)
        self.step_count = len(engine.ruleset.file.steps)
        self._index = {id(page): i for i, page in enumerate(self.pages)}
        self.questions = {q.id: q for q in engine.ruleset.questions}

    def page(self, step_id: str, part: int) -> Page | None:
        for page in self.pages:
            if page.step.id == step_id and page.part == part:
                return page
        return None

    def index(self, page: Page) -> int:
        return self._index[id(page)]

    def walk(self, answers: Mapping[str, Any]) -> Walk:
        return self.engine.walk(answers)

    def page_of(self, question: str) -> Page | None:
        """The page that asks a question."""
        return next((page for page in self.pages if question in page.ids), None)

    def refused(self, page: Page, walk: Walk) -> list[AnswerProblem]:
        """The engine's problems with this page's answers among all of them: an answer that
        contradicts an earlier one (`contradictions` in rules.yaml), which a field alone
        cannot see."""
        return [p for p in walk.problems if p.question in page.ids]

    def shown_on(self, page: Page, walk: Walk) -> list:
        """The page's questions that apply to the answers so far."""
        return [q for q in page.questions if q.id in walk.shown]

    def first_open(self, walk: Walk) -> Page | None:
        """The first page with a question still to answer (or answered wrongly)."""
        open_ids = set(walk.missing) | {p.question for p in walk.problems}
        for page in self.pages:
            if open_ids & set(page.ids):
                return page
        return None

    def next_page(self, page: Page, walk: Walk) -> Page | None:
        """The next page after `page` that has a question to show."""
        for later in self.pages[self.index(page) + 1 :]:
            if set(later.ids) & set(walk.shown):
                return later
        return None

    def reachable(self, page: Page, walk: Walk) -> bool:
        """Whether a patient may open this page now: earlier pages done, no early stop before."""
        if walk.stopped_after is not None:  # pages up to the stop stay open, to change answers
            steps = [s.id for s in self.engine.ruleset.file.steps]
            return steps.index(page.step.id) <= steps.index(walk.stopped_after)
        first = self.first_open(walk)
        return first is None or self.index(page) <= self.index(first)

    def after_stop(self, walk: Walk) -> Page | None:
        """The first page after the step where the questions stopped."""
        steps = [s.id for s in self.engine.ruleset.file.steps]
        if walk.stopped_after is None:
            return None
        stop = steps.index(walk.stopped_after)
        return next((p for p in self.pages if steps.index(p.step.id) > stop), None)

    def continues_here(self, page: Page, walk: Walk) -> bool:
        """Whether this page is where a stop that may be continued goes on."""
        return walk.continuable and page is self.after_stop(walk)

    def parts_of(self, page: Page, walk: Walk) -> tuple[int, int] | None:
        """(this page's number, how many) among its step's pages that ask something of this
        patient, for "Step 2 of 5, page 1 of 2"; None when the step is one page."""
        asked = [
            p
            for p in self.pages
            if p.step.id == page.step.id and (p is page or set(p.ids) & set(walk.shown))
        ]
        if len(asked) < 2:
            return None
        return asked.index(page) + 1, len(asked)
