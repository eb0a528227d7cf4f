"""The checks of each question in a rule file: ids, types, ranges and choices."""

from __future__ import annotations

from typing import Any

from .. import model
from ..errors import RuleProblem
from ..evaluation.conditions import Condition, Parser, questions_of
from ..evaluation.questions import QuestionInfo
from .yamlsource import Marks, Path

# A questionnaire is small; these bounds keep the exact verifier exact and quick.
MAX_MULTI_CHOICES = 20  # design.md section 3 (v3): 19 warning signs and "none"
MAX_INTEGER_SPAN = 1_000_000  # a price in dollars (offer.yaml); the verifier splits ranges


class QuestionChecks:
    """The checker's question checks (a mixin: `fail` and `reference` come from the checker)."""

    name: str
    marks: Marks
    problems: list[RuleProblem]
    broken_questions: set[str]

    def fail(
        self, path: Path, problem: str, expected: str | None = None, *, key: bool = False
    ) -> None:
        raise NotImplementedError

    def questions(
        self, steps: list[tuple[int, Any, Any]]
    ) -> tuple[dict[str, QuestionInfo], dict[str, int]]:
        catalogue: dict[str, QuestionInfo] = {}
        step_of: dict[str, int] = {}
        first_seen: dict[str, Path] = {}
        index = 0
        for s, step, _ in steps:
            for k, q in enumerate(step.questions if step else ()):
                path = ("steps", s, "questions", k)
                if q.id in first_seen:
                    line, _ = self.marks.at(first_seen[q.id])
                    self.fail(
                        path + ("id",),
                        f"duplicate question id '{q.id}' (first on line {line})",
                        "each question id used once",
                    )
                    continue
                first_seen[q.id] = path
                self.question(q, path)
                catalogue[q.id] = QuestionInfo(
                    id=q.id,
                    type=q.type,
                    index=index,
                    short=q.short,
                    choices=tuple(c.value for c in q.choices),
                    labels={c.value: c.label for c in q.choices},
                    ordered=q.ordered,
                    min=q.min,
                    max=q.max,
                )
                step_of[q.id] = s
                index += 1
        return catalogue, step_of

    def question(self, q: model.Question, path: Path) -> None:
        values = [c.value for c in q.choices]
        for i, value in enumerate(values):
            if value in values[:i]:
                self.fail(
                    path + ("choices", i, "value"),
                    f"duplicate choice '{value}' in '{q.id}'",
                    "each choice value used once",
                )
        if q.type == "integer":
            self.integer_question(q, path)
        else:
            self.choice_question(q, path)
        if q.ordered and q.type != "single":
            self.fail(
                path + ("ordered",),
                "'ordered' only fits single-choice questions",
                "no 'ordered' here",
                key=True,
            )

    def integer_question(self, q: model.Question, path: Path) -> None:
        if q.choices:
            self.fail(
                path + ("choices",),
                f"integer question '{q.id}' cannot have choices",
                "min and max instead",
                key=True,
            )
        if q.min is None or q.max is None:
            self.fail(
                path,
                f"integer question '{q.id}' needs 'min' and 'max'",
                "min: and max: whole numbers",
            )
        elif q.min > q.max:
            self.fail(path + ("max",), f"max ({q.max}) is below min ({q.min})", "max at least min")
        elif q.max - q.min > MAX_INTEGER_SPAN:
            self.fail(
                path + ("max",),
                f"the range {q.min} to {q.max} is too wide",
                f"at most {MAX_INTEGER_SPAN} values",
            )
        if q.errors.range is None:
            self.fail(
                path + ("errors",),
                f"integer question '{q.id}' needs errors.range",
                "a message for a number outside min to max",
            )

    def choice_question(self, q: model.Question, path: Path) -> None:
        for field in ("min", "max"):
            if getattr(q, field) is not None:
                self.fail(
                    path + (field,),
                    f"'{field}' only fits integer questions",
                    "no min or max on a choice question",
                    key=True,
                )
        if len(q.choices) < 2:
            self.fail(
                path + ("choices",),
                f"question '{q.id}' needs at least 2 choices",
                "a list of choices with value and label",
            )
        exclusive = [i for i, c in enumerate(q.choices) if c.exclusive]
        if q.type == "multi":
            self.multi_question(q, path, exclusive)
        else:
            for i in exclusive:
                self.fail(
                    path + ("choices", i, "exclusive"),
                    "only multi-select choices can be exclusive",
                    "no 'exclusive' here",
                    key=True,
                )

    def multi_question(self, q: model.Question, path: Path, exclusive: list[int]) -> None:
        values = [c.value for c in q.choices]
        if values and (values.count("none") != 1 or exclusive != [values.index("none")]):
            self.fail(
                path + ("choices",),
                f"multi-select '{q.id}' needs one exclusive 'none' choice",
                "a choice {value: none, label: ..., exclusive: true}",
            )
        if len(values) > MAX_MULTI_CHOICES:
            self.fail(
                path + ("choices",),
                f"'{q.id}' has {len(values)} choices",
                f"at most {MAX_MULTI_CHOICES} in a multi-select",
            )
        if q.errors.exclusive is None:
            self.fail(
                path + ("errors",),
                f"multi-select '{q.id}' needs errors.exclusive",
                "a message for 'none' ticked with other boxes",
            )

    def contradictions(
        self, steps: list[tuple[int, Any, Any]], parser: Parser, catalogue: dict[str, QuestionInfo]
    ) -> dict[str, tuple[Condition, ...]]:
        """Each question's contradictions, parsed: a condition on this question and earlier
        ones (it is checked as soon as this question is answered), with a unique id."""
        found: dict[str, tuple[Condition, ...]] = {}
        for s, step, _ in steps:
            for k, q in enumerate(step.questions if step else ()):
                path: Path = ("steps", s, "questions", k, "contradictions")
                parsed = [
                    self.contradiction(q, c, path + (i,), parser, catalogue)
                    for i, c in enumerate(q.contradictions)
                ]
                ids = [c.id for c in q.contradictions]
                for i, ident in enumerate(ids):
                    if ident in ids[:i]:
                        self.fail(
                            path + (i, "id"),
                            f"duplicate contradiction id '{ident}' in '{q.id}'",
                            "each contradiction id used once in a question",
                        )
                if parsed and all(c is not None for c in parsed):
                    found[q.id] = tuple(c for c in parsed if c is not None)
        return found

    def contradiction(
        self,
        q: model.Question,
        c: model.Contradiction,
        path: Path,
        parser: Parser,
        catalogue: dict[str, QuestionInfo],
    ) -> Condition | None:
        cond = parser.parse(c.when, path + ("when",))
        if cond is None:
            return None
        reads = questions_of(cond)
        own = catalogue[q.id].index
        later = [x for x in reads if catalogue[x].index > own]
        if later:
            self.fail(
                path + ("when",),
                f"contradiction '{c.id}' of '{q.id}' reads '{later[0]}', which is asked later",
                f"a condition on '{q.id}' and questions asked before it",
            )
        elif q.id not in reads or len(reads) < 2:
            self.fail(
                path + ("when",),
                f"contradiction '{c.id}' must read '{q.id}' and an earlier question",
                f"a condition on '{q.id}' and the earlier answer it contradicts",
            )
        else:
            return cond
        return None
