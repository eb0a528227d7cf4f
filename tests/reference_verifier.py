"""The reference verifier: an exact depth-first search over every valid set of answers.

The app runs the symbolic verifier (questionnaire/engine/verify/symbolic.py); this search, the first
verifier, stays here as the reference the tests compare it with (tests/engine/test_symbolic.py).

Each question's answers are split into classes that no condition can tell apart (every leaf on
that question agrees), so searching the classes is searching every answer, exactly. The search
walks the engine's `Flow` (its questions, skip logic and the stopping rules each step checks)
one question at a time with its own `_advance`, which can branch: it branches over the classes
of the questions that matter and passes `ANY` for the others. Branches whose result is already
certain are pruned (three-valued logic).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from questionnaire.engine.evaluation.conditions import Condition, Leaf, questions_of
from questionnaire.engine.evaluation.questions import QuestionInfo
from questionnaire.engine.evaluation.ruleset import RuleSet
from questionnaire.engine.evaluation.walk import Flow, State
from questionnaire.engine.verify.report import Report

ANY = object()  # stands for every answer to a question, none of them known


class Point(NamedTuple):
    """Where a walk stands: before question `index`, with the answer keys known so far."""

    index: int
    keys: dict[str, Any]  # question id -> answer key; None: not asked
    stopped_after: str | None = None
    continuing: bool = False  # the person went on past a stop that may be continued
    went_on: bool = False  # continuing, and a question after that stop was asked
    may_go_on: bool = False  # stopped at the first stop, which may be continued


Visit = Callable[[Point, dict[str, Any], int], bool]


def _asks(flow: Flow, at: Point) -> bool:
    q = flow.questions[at.index]
    return q.show_if is None or q.show_if.truth(at.keys) is not False


def _advance(flow: Flow, at: Point, offer: Any) -> tuple[State, Point]:
    """One question on, as `Flow.read` takes it, from a Point left as it was (so a search can
    branch); `offer` is a valid answer key or ANY."""
    q, keys = flow.questions[at.index], dict(at.keys)
    if at.stopped_after is not None:
        return State.AFTER_STOP, Point(at.index + 1, keys, at.stopped_after)
    if not _asks(flow, at):
        state, keys[q.id] = State.HIDDEN, None
    else:
        state = State.ANSWERED
        if offer is not ANY:
            keys[q.id] = offer
            if any(c.problem(q.id, keys) for c in q.contradictions):  # the engine refuses it
                return State.INVALID, Point(at.index + 1, keys, at.stopped_after)
    went_on = at.went_on or (at.continuing and state is State.ANSWERED)
    if not any(cond.truth(keys) is True for cond in q.stop_checks):
        return state, Point(at.index + 1, keys, None, at.continuing, went_on)
    may = flow.may_continue(q, keys)
    if at.continuing and may:  # as Flow.read's second pass: walked past
        return state, Point(at.index + 1, keys, None, True, went_on)
    return state, Point(at.index + 1, keys, q.step, at.continuing, went_on, may)


@dataclass(frozen=True)
class AnswerClass:
    key: Any  # a representative answer key (see questions.py)
    count: int  # how many concrete answers the class stands for


# --- Answer classes --------------------------------------------------------------------------


def _integer_domain(info: QuestionInfo, points: set[int]) -> Iterator[tuple[int, int]]:
    """Every number the rules name (and its neighbours) alone; the gaps between as one class."""
    ordered = sorted({info.min, info.max} | {p for p in points if info.min <= p <= info.max})
    yield from ((p, 1) for p in ordered)
    yield from ((a + 1, b - a - 1) for a, b in zip(ordered, ordered[1:], strict=False) if b - a > 1)


def _multi_domain(info: QuestionInfo, mentioned: set[str]) -> Iterator[tuple[frozenset, int]]:
    """'none'; every subset of the choices the rules name, with any of the others; the others."""
    named = [c for c in info.choices if c in mentioned and c != "none"]
    others = [c for c in info.choices if c not in mentioned and c != "none"]
    free = 2 ** len(others)
    yield frozenset({"none"}), 1
    for subset in range(1, 1 << len(named)):
        yield frozenset(c for j, c in enumerate(named) if subset >> j & 1), free
    if others:
        yield frozenset(others[:1]), free - 1


def _classes(
    rs: RuleSet, qid: str, telling: set[Leaf] | None = None, finer: list[AnswerClass] | None = None
) -> list[AnswerClass]:
    """A question's answers grouped by the leaves they make true (of `telling`, if given);
    regrouped from `finer` classes of every leaf, when given, instead of every answer."""
    info = rs.catalogue[qid]
    leaves = tuple(leaf for leaf in rs.leaves if leaf.question == qid)
    points = {p for leaf in leaves for p in leaf.op.points(info, leaf.value)}
    if telling is not None:
        leaves = tuple(leaf for leaf in leaves if leaf in telling)
    domain: Iterable[tuple[Any, int]]
    if finer is not None:
        return _grouped(info, leaves, ((c.key, c.count) for c in finer))
    if info.type == "integer":
        domain = _integer_domain(info, points)
    elif info.type == "multi":
        domain = _multi_domain(info, points)
    else:
        domain = ((c, 1) for c in info.choices)
    return _grouped(info, leaves, domain)


def _grouped(
    info: QuestionInfo, leaves: tuple[Leaf, ...], domain: Iterable[tuple[Any, int]]
) -> list[AnswerClass]:
    grouped: dict[tuple[bool, ...], list] = {}
    for key, count in domain:
        truths = tuple(leaf.op.holds(info, leaf.value, key) for leaf in leaves)
        if truths in grouped:
            grouped[truths][1] += count
        else:
            grouped[truths] = [key, count]
    return [AnswerClass(key, count) for key, count in grouped.values()]


# --- The search ------------------------------------------------------------------------------


class _Search:
    """Depth-first over answer classes, through the engine's walk."""

    def __init__(
        self, rs: RuleSet, read_by: Iterable[Condition] | None = None, like: _Search | None = None
    ):
        """`read_by`: only these conditions (and skip logic) need answers told apart; answers
        that only other conditions (findings) tell apart share a class. Exact for them.
        `like`: a search of the same rules whose (finer) classes are regrouped."""
        self.rs, self.flow = rs, Flow(rs)
        refusing = [c for conds in rs.contradictions.values() for c in conds]
        telling = (
            None
            if read_by is None
            else {
                leaf
                for cond in (*read_by, *rs.show_if.values(), *refusing)
                for leaf in cond.leaves()
            }
        )
        self.classes = {
            q.id: _classes(rs, q.id, telling, like.classes[q.id] if like else None)
            for q in self.flow.questions
        }
        self.sizes = {q: sum(c.count for c in classes) for q, classes in self.classes.items()}
        self.stop_questions = {
            q
            for c in (*self.flow.stop_rules, *rs.may_continue.values(), *refusing)
            for q in questions_of(c)
        }

    def closure(self, questions: Iterable[str]) -> set[str]:
        """Questions needed to decide these: add skip-logic and early-stop dependencies."""
        needed, todo = set(), list(questions) + list(self.stop_questions)
        while todo:
            qid = todo.pop()
            if qid not in needed:
                needed.add(qid)
                cond = self.rs.show_if.get(qid)
                todo.extend(questions_of(cond) if cond else ())
        return needed

    def run(
        self,
        relevant: set[str],
        visit: Visit,
        prune: Callable[[Any], bool] | None = None,
        *,
        every_answer: bool = False,
    ) -> None:
        """Call `visit(end, answers, count)` at each end of a walk until it returns True.

        `count` is how many answer sets the walk stands for: over the relevant questions, or
        over every question when `every_answer` is set.
        """
        flow, end = self.flow, len(self.flow.questions)

        def go(at: Point, answers: dict[str, Any], count: int) -> bool:
            if at.may_go_on:  # two walks: stopped here, and gone on (as `Flow.read`)
                gone_on = at._replace(stopped_after=None, continuing=True, may_go_on=False)
                return visit(at, answers, count) or go(gone_on, answers, count)
            if at.continuing and not at.went_on and (at.stopped_after or at.index == end):
                return False  # nothing asked after the stop: the stopped walk's answers
            if at.stopped_after is not None or at.index == end:
                return visit(at, answers, count)
            if prune is not None and prune(at.keys):
                return False
            q = flow.questions[at.index]
            asked = _asks(flow, at)
            if not asked or q.id not in relevant:
                state, after = _advance(flow, at, ANY)
                weight = self.sizes[q.id] if every_answer and state is State.ANSWERED else 1
                return go(after, answers, count * weight)
            for cls in self.classes[q.id]:
                answers[q.id] = cls.key
                state, after = _advance(flow, at, cls.key)
                # an answer that contradicts an earlier one is refused: no answer set goes on
                if state is not State.INVALID and go(after, answers, count * cls.count):
                    return True
                del answers[q.id]
            return False

        go(Point(0, {}), {}, 1)

    def answers(self, keys: dict[str, Any], continuing: bool = False) -> dict[str, Any]:
        """A complete, valid set of answers for a report or a scenario file.

        Questions the search did not need get a plain default (the first choice, the lowest
        number, or "none"); no condition that decided the result reads them.
        """

        def offer(q):
            info = q.info
            if q.id in keys:
                return keys[q.id]
            return (
                frozenset({"none"})
                if info.type == "multi"
                else info.min
                if info.type == "integer"
                else info.choices[0]
            )

        at, out = Point(0, {}, continuing=continuing), {}
        for q in self.flow.questions:
            key = offer(q)
            state, at = _advance(self.flow, at, key)
            if state is State.ANSWERED:
                out[q.id] = q.info.readable(key)
        return out


# --- The three questions the verifier answers ------------------------------------------------


def _check_complete(finer: _Search, report: Report, rules: list, max_examples: int) -> None:
    """A walk where no outcome rule fires is a gap."""
    outcome_conds = [cond for rule, cond in rules if rule.outcome is not None]
    # Only outcome rules decide the headline: this walk needs only the answer classes they (and
    # skip logic) tell apart, far fewer than the findings need.
    search = _Search(finer.rs, outcome_conds, like=finer)

    def covered(keys) -> bool:
        return any(cond.truth(keys) is True for cond in outcome_conds)

    def gap(end: Point, answers: dict, count: int) -> bool:
        if not covered(end.keys):
            report.gap_count += count
            if len(report.gaps) < max_examples:
                report.gaps.append(search.answers(answers, end.continuing))
        return False

    search.run(search.closure(q for c in outcome_conds for q in questions_of(c)), gap, covered)


def _first(
    search: _Search,
    needed: Iterable[str],
    found: Callable[[Any], bool],
    lost: Callable[[Any], bool],
) -> dict[str, Any] | None:
    """Complete answers for the first walk whose end keys satisfy `found`, or None."""
    hits: list[dict[str, Any]] = []

    def hit(end: Point, answers: dict, count: int) -> bool:
        if found(end.keys):
            hits.append(search.answers(answers, end.continuing))
            return True
        return False

    search.run(search.closure(needed), hit, lost)
    return hits[0] if hits else None


def _find_witnesses(search: _Search, report: Report, rules: list) -> None:
    """Every rule: answers where it fires."""
    for rule, cond in rules:
        found = _first(
            search,
            questions_of(cond),
            lambda keys, c=cond: c.truth(keys) is True,
            lambda keys, c=cond: c.truth(keys) is False,
        )
        if found is None:
            report.never_match.append(rule.id)
        else:
            report.witnesses[rule.id] = found


def _find_wins(search: _Search, report: Report, rules: list) -> None:
    """Every outcome rule: answers where it gives the headline."""
    rank = search.rs.outcome_rank()
    for rule, cond in rules:
        if rule.outcome is None:
            continue
        if rule.id in report.never_match:
            report.never_win[rule.id] = {}
            continue
        higher: list[Condition] = [
            c for r, c in rules if r.outcome is not None and rank[r.outcome] < rank[rule.outcome]
        ]

        def wins(keys, cond=cond, higher=higher) -> bool:
            return cond.truth(keys) is True and not any(h.truth(keys) is True for h in higher)

        def lost(keys, cond=cond, higher=higher) -> bool:
            return cond.truth(keys) is False or any(h.truth(keys) is True for h in higher)

        needed = questions_of(cond) + tuple(q for h in higher for q in questions_of(h))
        found = _first(search, needed, wins, lost)
        if found is None:
            report.never_win[rule.id] = report.witnesses[rule.id]
        else:
            report.wins[rule.id] = found


def _count(search: _Search) -> int:
    """How many distinct valid answer sets the engine accepts (a walk that stops counts once)."""
    total = 0

    def add(end: Point, answers: dict, count: int) -> bool:
        nonlocal total
        total += count
        return False

    coarse = search.closure(q for cond in search.rs.show_if.values() for q in questions_of(cond))
    search.run(coarse, add, every_answer=True)
    return total


def verify(rs: RuleSet, *, max_examples: int = 3) -> Report:
    """Prove that every valid set of answers gets a headline; find dead and shadowed rules."""
    started = time.perf_counter()
    search, report = _Search(rs), Report()
    rules = list(zip(rs.file.rules, rs.when, strict=True))
    _check_complete(search, report, rules, max_examples)
    _find_witnesses(search, report, rules)
    _find_wins(search, report, rules)
    report.answer_sets = _count(search)
    report.seconds = time.perf_counter() - started
    return report
