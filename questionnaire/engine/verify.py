"""Exact analysis of a rule set over every valid set of answers.

Each question's answers are split into classes that no condition can tell apart (all leaves on
that question agree), so searching the classes is searching every answer, exactly. The search
walks questions in order, respects skip logic and early stops, and prunes branches whose result
is already certain (three-valued logic on the leaves known so far).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .conditions import answer_bits, eval3, leaves, questions_of
from .loader import RuleSet


@dataclass(frozen=True)
class AnswerClass:
    key: Any  # a representative answer key (see conditions.leaf_true)
    bits: int  # leaf bits of every answer in the class
    count: int  # how many concrete answers the class stands for


@dataclass
class Report:
    """What the verifier found."""

    answer_sets: int = 0  # valid answer sets the engine accepts (early stops counted once)
    gaps: list[dict[str, Any]] = field(default_factory=list)  # counterexamples: no headline
    gap_count: int = 0  # combinations of the deciding answers that have no headline
    never_match: list[str] = field(default_factory=list)  # rule ids
    never_win: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id -> answers where
    #  it matches but a higher outcome wins (empty dict if it never even matches)
    witnesses: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id -> answers
    wins: dict[str, dict[str, Any]] = field(default_factory=dict)  # outcome rule id -> answers
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.gaps or self.never_match or self.never_win)

    def gap_message(self) -> str:
        example = ", ".join(f"{q}={v}" for q, v in self.gaps[0].items())
        return (f"the rules give no headline for some answers ({self.gap_count} combinations of "
                f"the answers that decide the headline), for example: {example}")


class _Space:
    """Answer classes per question, and the walk through them."""

    def __init__(self, rs: RuleSet, read_by: Iterable[Any] | None = None,
                 like: _Space | None = None):
        """`read_by`: only these conditions (and skip logic) need telling answers apart; answers
        that only other conditions (findings) can tell apart share one class. Exact for them.
        `like`: a space of the same rules whose answer domains can be reused."""
        self.rs = rs
        self.order = [q.id for q in rs.questions]
        seen = ~0
        if read_by is not None:
            seen = 0
            for cond in (*read_by, *rs.show_if.values()):
                for leaf in leaves(cond):
                    seen |= leaf.bit
        self.domains = like.domains if like else {qid: _domain_bits(rs, qid) for qid in self.order}
        self.classes = {qid: _classes(self.domains[qid], seen) for qid in self.order}
        rank = rs.outcome_rank()
        stop_ids = {o.id for o in rs.file.outcomes if o.stop}
        self.stop_rules = [(rank[r.outcome], i) for i, r in enumerate(rs.file.rules)
                           if r.outcome in stop_ids]
        self.stop_questions = {q for _, i in self.stop_rules for q in questions_of(rs.when[i])}
        self.last_of_step: dict[int, str] = {}
        for qid in self.order:
            self.last_of_step[rs.step_of[qid]] = qid

    def closure(self, questions: Iterable[str]) -> list[str]:
        """Questions needed to decide these: add skip-logic and early-stop dependencies."""
        needed = set(questions) | self.stop_questions
        changed = True
        while changed:
            changed = False
            for qid in list(needed):
                cond = self.rs.show_if.get(qid)
                for dep in questions_of(cond) if cond else ():
                    if dep not in needed:
                        needed.add(dep)
                        changed = True
        return [q for q in self.order if q in needed]

    def stopped(self, bits: int, known: int) -> bool:
        return any(eval3(self.rs.when[i], bits, known) is True for _, i in self.stop_rules)

    def walk(self, questions: list[str], visit: Callable[[int, int, bool, dict, int], bool],
             prune: Callable[[int, int], bool]) -> None:
        """Depth-first over answer classes of `questions`.

        `visit(bits, known, stopped, answers, count)` is called on each complete walk and
        returns True to stop the whole search; `prune(bits, known)` skips a branch.
        """
        rs, masks = self.rs, {q: _mask(self.rs, q) for q in questions}
        absent = {q: answer_bits(rs.leaves_of(q), rs.catalogue[q], None) for q in questions}
        steps = [rs.step_of[q] for q in questions]

        def go(i: int, bits: int, known: int, answers: dict, count: int) -> bool:
            if i and (i == len(questions) or steps[i] != steps[i - 1]):
                if self.stopped(bits, known):
                    return visit(bits, known, True, answers, count)
            if i == len(questions):
                return visit(bits, known, False, answers, count)
            if prune(bits, known):
                return False
            qid = questions[i]
            show_if = rs.show_if.get(qid)
            if show_if is not None and eval3(show_if, bits, known) is False:
                return go(i + 1, bits | absent[qid], known | masks[qid], answers, count)
            for cls in self.classes[qid]:
                answers[qid] = cls.key
                if go(i + 1, bits | cls.bits, known | masks[qid], answers, count * cls.count):
                    return True
                del answers[qid]
            return False

        go(0, 0, 0, {}, 1)

    def answers(self, keys: dict[str, Any], stopped: bool = False) -> dict[str, Any]:
        """A complete, valid set of answers for a report or a scenario file.

        Questions the search did not need get a plain default (the first choice, the lowest
        number, or "none"); no condition that decided the result reads them. After an early stop,
        later steps are left out, as the walk-through would leave them.
        """
        rs, out, bits = self.rs, {}, 0
        last_step = max((rs.step_of[q] for q in keys), default=-1)
        for qid in self.order:
            if stopped and rs.step_of[qid] > last_step:
                break
            info = rs.catalogue[qid]
            cond = rs.show_if.get(qid)
            if cond is not None and eval3(cond, bits, ~0) is False:
                bits |= answer_bits(rs.leaves_of(qid), info, None)
                continue
            key = keys.get(qid)
            if key is None:
                key = (info.choice_bit("none") if info.type == "multi" else
                       info.min if info.type == "integer" else info.choices[0])
            bits |= answer_bits(rs.leaves_of(qid), info, key)
            out[qid] = list(info.decode(key)) if info.type == "multi" else key
        return out


def _mask(rs: RuleSet, qid: str) -> int:
    mask = 0
    for leaf in rs.leaves_of(qid):
        mask |= leaf.bit
    return mask


def _domain(rs: RuleSet, qid: str) -> list[tuple[Any, int]]:
    """(answer key, how many answers it stands for); multi-selects reduced exactly."""
    info = rs.catalogue[qid]
    if info.type == "single":
        return [(c, 1) for c in info.choices]
    if info.type == "integer":
        assert info.min is not None and info.max is not None
        points = {info.min, info.max}
        for leaf in rs.leaves_of(qid):
            values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
            for v in values:
                if isinstance(v, int) and not isinstance(v, bool):
                    points.update(p for p in (v - 1, v, v + 1) if info.min <= p <= info.max)
        ordered = sorted(points)
        domain = [(p, 1) for p in ordered]
        domain += [(a + 1, b - a - 1) for a, b in zip(ordered, ordered[1:], strict=False)
                   if b - a > 1]
        return domain
    # Multi-select: choices no condition mentions are interchangeable.
    none_bit = info.choice_bit("none")
    mentioned = 0
    for leaf in rs.leaves_of(qid):
        if isinstance(leaf.arg, int) and leaf.op != "answered":
            mentioned |= leaf.arg
    mentioned &= ~none_bit
    others = [1 << i for i in range(len(info.choices)) if not (mentioned | none_bit) >> i & 1]
    bits = [1 << i for i in range(len(info.choices)) if mentioned >> i & 1]
    domain = [(none_bit, 1)]
    for subset in range(1 << len(bits)):
        mask = 0
        for j, bit in enumerate(bits):
            if subset >> j & 1:
                mask |= bit
        free = 2 ** len(others)
        if mask:
            domain.append((mask, free))
        elif others:
            domain.append((others[0], free - 1))
    return domain


def _domain_bits(rs: RuleSet, qid: str) -> list[tuple[Any, int, int]]:
    """(answer key, how many answers it stands for, leaf bits) of a question's domain."""
    info, question_leaves = rs.catalogue[qid], rs.leaves_of(qid)
    return [(key, count, answer_bits(question_leaves, info, key))
            for key, count in _domain(rs, qid)]


def _classes(domain: list[tuple[Any, int, int]], seen: int = ~0) -> list[AnswerClass]:
    """A question's answers grouped by the leaves in `seen` they make true."""
    grouped: dict[int, list] = {}
    for key, count, bits in domain:
        if bits & seen in grouped:
            grouped[bits & seen][2] += count
        else:
            grouped[bits & seen] = [key, bits, count]
    return [AnswerClass(key, bits, count) for key, bits, count in grouped.values()]


def verify(rs: RuleSet, *, max_examples: int = 3) -> Report:
    """Prove that every valid set of answers gets a headline; find dead and shadowed rules."""
    started = time.perf_counter()
    space, report = _Space(rs), Report()
    rules, when = rs.file.rules, rs.when
    rank = rs.outcome_rank()
    outcome_rules = [i for i, r in enumerate(rules) if r.outcome is not None]

    def fires(i: int, bits: int, known: int, stopped: bool) -> bool:
        return eval3(when[i], bits, known) is True if stopped else \
            eval3(when[i], bits, known | ~0) is True

    # 1. Completeness: a walk where no outcome rule fires is a gap.
    def covered(bits: int, known: int) -> bool:
        return any(eval3(when[i], bits, known) is True for i in outcome_rules)

    def gap(bits, known, stopped, answers, count) -> bool:
        if not any(fires(i, bits, known, stopped) for i in outcome_rules):
            report.gap_count += count
            if len(report.gaps) < max_examples:
                report.gaps.append(space.answers(answers, stopped))
        return False

    # Only outcome rules decide the headline, so this walk needs only the answer classes they
    # (and skip logic) can tell apart: far fewer than the findings need.
    coarse = _Space(rs, [when[i] for i in outcome_rules], like=space)
    relevant = coarse.closure(q for i in outcome_rules for q in questions_of(when[i]))
    coarse.walk(relevant, gap, covered)

    # 2. Every rule: find answers where it fires.
    for i, rule in enumerate(rules):
        found: list[dict] = []

        def hit(bits, known, stopped, answers, count, i=i, found=found) -> bool:
            if fires(i, bits, known, stopped):
                found.append(space.answers(answers, stopped))
                return True
            return False

        space.walk(space.closure(questions_of(when[i])), hit,
                   lambda bits, known, i=i: eval3(when[i], bits, known) is False)
        if found:
            report.witnesses[rule.id] = found[0]
        else:
            report.never_match.append(rule.id)

    # 3. Every outcome rule: find answers where it gives the headline.
    for i in outcome_rules:
        rule = rules[i]
        if rule.id in report.never_match:
            report.never_win[rule.id] = {}
            continue
        higher = [j for j in outcome_rules if rank[rules[j].outcome] < rank[rule.outcome]]
        wins: list[dict] = []

        def win(bits, known, stopped, answers, count, i=i, higher=higher, wins=wins) -> bool:
            if fires(i, bits, known, stopped) and not any(
                    fires(j, bits, known, stopped) for j in higher):
                wins.append(space.answers(answers, stopped))
                return True
            return False

        def lost(bits, known, i=i, higher=higher) -> bool:
            return eval3(when[i], bits, known) is False or any(
                eval3(when[j], bits, known) is True for j in higher)

        needed = questions_of(when[i]) + tuple(q for j in higher for q in questions_of(when[j]))
        space.walk(space.closure(needed), win, lost)
        if wins:
            report.wins[rule.id] = wins[0]
        else:
            report.never_win[rule.id] = report.witnesses[rule.id]

    report.answer_sets = _count(space)
    report.seconds = time.perf_counter() - started
    return report


def _count(space: _Space) -> int:
    """How many distinct valid answer sets the engine accepts (a walk that stops counts once)."""
    total = 0
    sizes = {q: sum(c.count for c in space.classes[q]) for q in space.order}
    # Questions that decide skip logic and early stops: nothing else changes what is asked.
    coarse = space.closure(q for cond in space.rs.show_if.values() for q in questions_of(cond))

    def add(bits, known, stopped, answers, count) -> bool:
        nonlocal total
        if stopped:
            step = max(space.rs.step_of[q] for q in answers)
            rest = [q for q in space.order if space.rs.step_of[q] <= step and q not in answers]
        else:
            rest = [q for q in space.order if q not in answers]
        for qid in rest:
            cond = space.rs.show_if.get(qid)
            if cond is None or eval3(cond, bits, known) is not False:
                count *= sizes[qid]
        total += count
        return False

    space.walk(coarse, add, lambda bits, known: False)
    return total
