"""The checks of a rule file's data, read from YAML: shape, references and meaning, each
problem with file:line:col."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from .. import model
from ..errors import RuleProblem
from ..evaluation.conditions import Condition, ConditionProblem, Parser, questions_of
from ..evaluation.questions import QuestionInfo, did_you_mean, listing
from ..evaluation.ruleset import RuleSet
from .question_checks import QuestionChecks
from .shape import shape_problem
from .source_checks import source_problems
from .yamlsource import Marks, Path

REQUIRED_NOTES = ("consult", "regulatory")

# --- The checker ---------------------------------------------------------------------------

_PARTS: dict[str, Any] = {
    "meta": model.Meta,
    "criteria": model.Criterion,
    "steps": model.Step,
    "outcomes": model.Outcome,
    "rules": model.Rule,
    "notes": model.Note,
    "pages": model.Pages,
}
_LISTS = ("criteria", "steps", "outcomes", "rules", "notes")


class Checker(QuestionChecks):
    def __init__(self, name: str, marks: Marks):
        self.name, self.marks = name, marks
        self.problems: list[RuleProblem] = []
        self.soft: list[RuleProblem] = []  # problems of meaning that still leave a usable model
        self.broken_questions: set[str] = set()

    def fail(
        self, path: Path, problem: str, expected: str | None = None, *, key: bool = False
    ) -> None:
        line, column = self.marks.at(path, key=key)
        self.problems.append(RuleProblem(self.name, line, column, problem, expected))

    def soft_fail(self, path: Path, problem: str, expected: str | None = None) -> None:
        line, column = self.marks.at(path)
        self.soft.append(RuleProblem(self.name, line, column, problem, expected))

    # Shape: each part and each list item is checked on its own, so one bad rule does not hide
    # the problems of the others.
    def shape(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail(
                (),
                "the file must be a mapping with meta, criteria, steps, outcomes, rules and notes",
                "a YAML mapping at the top level",
            )
            return {}
        parts: dict[str, Any] = {}
        known = list(_PARTS)
        for key in raw:
            if key not in _PARTS:
                self.fail(
                    (key,),
                    f"unknown section '{key}'" + did_you_mean(key, known),
                    "one of: " + ", ".join(known),
                    key=True,
                )
        for key, cls in _PARTS.items():
            if key not in raw:
                if key != "notes":
                    self.fail((), f"missing section '{key}'", f"a '{key}:' section")
                continue
            value = raw[key]
            if key not in _LISTS:
                parts[key] = self.validate(cls, value, (key,))
                continue
            if not isinstance(value, list) or not value:
                self.fail(
                    (key,),
                    f"'{key}' must be a list with at least one item",
                    "a list of items, each starting with '- '",
                )
                parts[key] = []
                continue
            validate = self.validate_step if key == "steps" else self.validate
            parts[key] = [(i, validate(cls, item, (key, i)), item) for i, item in enumerate(value)]
        return parts

    def validate_step(self, cls: type[BaseModel], value: Any, path: Path) -> Any:
        """A step, with each question checked on its own so one bad question hides nothing."""
        raw_questions = value.get("questions") if isinstance(value, dict) else None
        if not isinstance(raw_questions, list) or not raw_questions:
            return self.validate(cls, value, path)
        questions = []
        for k, item in enumerate(raw_questions):
            question = self.validate(model.Question, item, path + ("questions", k))
            if question is not None:
                questions.append(question)
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                self.broken_questions.add(item["id"])  # reported once; no knock-on errors
        if not questions:
            return None
        return self.validate(cls, {**value, "questions": questions}, path)

    def validate(self, cls: type[BaseModel], value: Any, path: Path) -> Any:
        try:
            return cls.model_validate(value)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                problem, expected, on_key = shape_problem(err, cls)
                self.fail(path + tuple(err["loc"]), problem, expected, key=on_key)
            return None

    def unique(self, section: str, items: list[tuple[int, Any, Any]], what: str) -> list[str]:
        seen: dict[str, int] = {}
        for i, _, raw in items:
            ident = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in seen:
                line, _ = self.marks.at((section, seen[ident]))
                self.fail(
                    (section, i, "id"),
                    f"duplicate {what} id '{ident}' (first on line {line})",
                    "each id used once",
                )
            else:
                seen[ident] = i
        return list(seen)

    def check(self, raw: Any) -> RuleSet | None:
        parts = self.shape(raw)
        meta: model.Meta | None = parts.get("meta")
        sources = list(meta.sources) if meta else []
        criteria = self.unique("criteria", parts.get("criteria", []), "criterion")
        outcome_ids = self.unique("outcomes", parts.get("outcomes", []), "outcome")
        self.unique("rules", parts.get("rules", []), "rule")
        notes = self.unique("notes", parts.get("notes", []), "note")
        self.unique("steps", parts.get("steps", []), "step")

        catalogue, step_of = self.questions(parts.get("steps", []))
        parser = Parser(catalogue, ignore=self.broken_questions)
        show_if = self.skip_logic(parts.get("steps", []), parser, catalogue)
        when, named = self.rules(parts.get("rules", []), parser, sources, criteria, outcome_ids)
        may_continue = self.continuations(parts.get("outcomes", []), parser)
        contradictions = self.contradictions(parts.get("steps", []), parser, catalogue)
        self.contradictions_after_stops(parts, when, catalogue, step_of)
        for problem in parser.problems:
            self.condition_problem(problem)
        self.notes_and_pages(raw, parts, notes, sources)
        hard, soft = source_problems(
            self.name, self.marks, meta, parts, catalogue, self.broken_questions
        )
        self.problems, self.soft = self.problems + hard, self.soft + soft
        all_rules_read = all(rule is not None for _, rule, _ in parts.get("rules", []))
        self.outcomes(parts.get("outcomes", []), named if all_rules_read else None)
        if self.problems or meta is None or parts.get("pages") is None:
            return None
        return RuleSet(
            file=model.RuleFile(
                meta=meta,
                criteria=tuple(c for _, c, _ in parts["criteria"]),
                steps=tuple(s for _, s, _ in parts["steps"]),
                outcomes=tuple(o for _, o, _ in parts["outcomes"]),
                rules=tuple(r for _, r, _ in parts["rules"]),
                notes=tuple(n for _, n, _ in parts.get("notes", [])),
                pages=parts["pages"],
            ),
            path=self.name,
            catalogue=catalogue,
            step_of=step_of,
            show_if=show_if,
            when=tuple(when),
            leaves=tuple(parser.leaf_list),
            may_continue=may_continue,
            contradictions=contradictions,
        )

    def contradictions_after_stops(
        self,
        parts: dict[str, Any],
        when: list[Condition],
        catalogue: dict[str, QuestionInfo],
        step_of: dict[str, int],
    ) -> None:
        """Refuse a contradiction on a question at or before a stopping rule's last question:
        the walk checks a stop only over valid answers, so an answer asked back there would hold
        up an emergency or urgent card."""
        steps, rules = parts.get("steps", []), [r for _, r, _ in parts.get("rules", [])]
        if not steps or None in rules or len(when) != len(rules):
            return  # reported already
        stopping = {o.id for _, o, _ in parts.get("outcomes", []) if o is not None and o.stop}
        read = {
            q
            for c, r in zip(when, rules, strict=True)
            if r.outcome in stopping
            for q in questions_of(c)
        }
        stop_steps = {0} | {step_of[q] for q in read if q in step_of}
        last = max(catalogue[q].index for q in catalogue if step_of.get(q) in stop_steps)
        for s, step, _ in steps:
            for k, q in enumerate(step.questions if step else ()):
                if q.contradictions and catalogue[q.id].index <= last:
                    self.fail(
                        ("steps", s, "questions", k, "contradictions"),
                        f"a contradiction on '{q.id}', which is asked before a stopping rule "
                        "is checked: an answer asked back there would hold up that stop",
                        "contradictions only on questions after every stopping rule's questions",
                    )

    def continuations(
        self, outcomes: list[tuple[int, Any, Any]], parser: Parser
    ) -> dict[str, Condition]:
        """Each stopping outcome's `may_continue`, parsed."""
        found: dict[str, Condition] = {}
        for i, outcome, _ in outcomes:
            if outcome is None or outcome.may_continue is None:
                continue
            if not outcome.stop:
                self.fail(
                    ("outcomes", i, "may_continue"),
                    f"outcome '{outcome.id}' does not stop, so it cannot be continued",
                    "may_continue only on an outcome with stop: true",
                    key=True,
                )
                continue
            cond = parser.parse(outcome.may_continue, ("outcomes", i, "may_continue"))
            if cond is not None:
                found[outcome.id] = cond
        return found

    def skip_logic(
        self, steps: list[tuple[int, Any, Any]], parser: Parser, catalogue: dict[str, QuestionInfo]
    ) -> dict[str, Condition]:
        show_if: dict[str, Condition] = {}
        for s, step, _ in steps:
            for k, question in enumerate(step.questions if step else ()):
                if question.show_if is not None:
                    cond = parser.parse(
                        question.show_if,
                        ("steps", s, "questions", k, "show_if"),
                        before=catalogue[question.id].index,
                    )
                    if cond is not None:
                        show_if[question.id] = cond
        return show_if

    def rules(
        self,
        rules: list[tuple[int, Any, Any]],
        parser: Parser,
        sources: list[str],
        criteria: list[str],
        outcome_ids: list[str],
    ) -> tuple[list[Condition], set[str]]:
        """Each rule's condition and references; the outcomes some rule names."""
        when: list[Condition] = []
        named: set[str] = set()
        for r, rule, _ in rules:
            if rule is None:
                continue
            cond = parser.parse(rule.when, ("rules", r, "when"))
            if cond is not None:
                when.append(cond)
            for k, source in enumerate(rule.sources):  # (a single id has no index: its parent)
                self.reference(("rules", r, "source", k), source, sources, "source", "meta.sources")
            if rule.outcome is not None:
                named.add(rule.outcome)
                # raw ids: a broken outcome is reported once, not per rule
                self.reference(
                    ("rules", r, "outcome"), rule.outcome, outcome_ids, "outcome", "the outcomes"
                )
            if rule.finding is not None:
                self.reference(
                    ("rules", r, "finding", "criterion"),
                    rule.finding.criterion,
                    criteria,
                    "criterion",
                    "the criteria",
                )
            if rule.outcome is None and rule.finding is None:
                self.fail(
                    ("rules", r),
                    f"rule '{rule.id}' has neither an outcome nor a finding",
                    "'outcome:', 'finding:', or both",
                )
        return when, named

    def notes_and_pages(
        self, raw: Any, parts: dict[str, Any], notes: list[str], sources: list[str]
    ) -> None:
        for n, note, _ in parts.get("notes", []):
            for k, source in enumerate(note.sources if note else ()):
                self.reference(("notes", n, "source", k), source, sources, "source", "meta.sources")
        self.notes_order(parts.get("notes", []))
        for required in REQUIRED_NOTES if isinstance(raw, dict) else ():
            if required not in notes:
                self.fail(
                    ("notes",) if "notes" in raw else (),
                    f"missing the '{required}' note, which every summary shows",
                    f"a note with id '{required}'",
                )
        pages: model.Pages | None = parts.get("pages")
        for key in ("start", "help"):
            page = getattr(pages, key, None) if pages else None
            if page is not None and page.source is not None:
                self.reference(
                    ("pages", key, "source"), page.source, sources, "source", "meta.sources"
                )

    def notes_order(self, notes: list[tuple[int, Any, Any]]) -> None:
        """The file lists notes in the order the summary shows them: 'show: first' ones first."""
        later = None  # the first note shown after the findings
        for n, note, _ in notes:
            if note is None or note.show != "first":
                later = later or note
            elif later is not None:
                self.fail(
                    ("notes", n, "show"),
                    f"note '{note.id}' is shown first, before the "
                    f"findings, but comes after note '{later.id}', which is not",
                    "the notes in the order the summary shows them: every "
                    "'show: first' note before the others",
                )

    def reference(
        self, path: Path, value: str, known: Iterable[str], what: str, where: str
    ) -> None:
        known = list(known)
        if not known:  # the list itself is broken and already reported
            return
        if value not in known:
            self.fail(
                path,
                f"unknown {what} '{value}'" + did_you_mean(value, known),
                f"one of the ids in {where}: " + listing(known),
            )

    def condition_problem(self, problem: ConditionProblem) -> None:
        if problem.silent:  # its question is broken and already reported, so no model is built
            return
        self.fail(problem.path, problem.problem, problem.expected, key=problem.on_key)

    def outcomes(self, outcomes: list[tuple[int, Any, Any]], named: set[str] | None) -> None:
        seen_non_stop = None
        for i, outcome, _ in outcomes:
            if outcome is None:
                continue
            if named is not None and outcome.id not in named:
                self.soft_fail(
                    ("outcomes", i, "id"),
                    f"no rule can reach outcome '{outcome.id}'",
                    f"a rule with 'outcome: {outcome.id}'",
                )
            if outcome.stop and seen_non_stop is not None:
                self.fail(
                    ("outcomes", i, "stop"),
                    f"stopping outcome '{outcome.id}' comes after "
                    f"'{seen_non_stop}', which does not stop",
                    "every outcome with stop: true before the others",
                    key=True,
                )
            if not outcome.stop:
                seen_non_stop = seen_non_stop or outcome.id
