"""Conditions: parsed and type-checked once, compiled to closures, and explained in plain English.

A condition is `all`, `any`, `not`, `always`, or a leaf that tests one question:
`{q: pain_duration, at_least: 6_to_12_months}`. Every distinct leaf gets one bit; the truth of all
leaves for a set of answers is one integer (`bits`), so a compiled condition is a few integer
operations, and the same representation lets the verifier reason exactly about every answer.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# --- The question catalogue a condition is checked against --------------------------------


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What conditions need to know about a question."""

    id: str
    type: str  # single | multi | integer
    index: int  # position in the questionnaire
    short: str
    choices: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    ordered: bool = False
    min: int | None = None
    max: int | None = None

    def label(self, value: Any) -> str:
        return f"“{self.labels.get(value, value)}”" if self.type != "integer" else str(value)

    def choice_bit(self, value: str) -> int:
        return 1 << self.choices.index(value)

    def decode(self, mask: int) -> tuple[str, ...]:
        return tuple(c for i, c in enumerate(self.choices) if mask >> i & 1)


OPERATORS: dict[str, tuple[str, ...]] = {
    "single": ("is", "in", "at_least", "at_most", "between", "answered"),
    "integer": ("is", "in", "at_least", "at_most", "between", "answered"),
    "multi": ("has", "has_any", "has_all", "answered"),
}
ALL_OPERATORS = ("is", "in", "has", "has_any", "has_all", "at_least", "at_most", "between",
                 "answered")
COMBINATORS = ("all", "any", "not", "always")


# --- Condition tree ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leaf:
    question: str
    op: str
    value: Any  # str | int | bool | tuple of those, already checked against the question
    bit: int  # 1 << index of this leaf
    arg: Any = None  # what the operator compares with, ready to use (rank, mask, set)


@dataclass(frozen=True, slots=True)
class All:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Condition


@dataclass(frozen=True, slots=True)
class Always:
    value: bool


Condition = Leaf | All | AnyOf | Not | Always


def leaves(cond: Condition):
    """Every leaf in a condition."""
    if isinstance(cond, Leaf):
        yield cond
    elif isinstance(cond, All | AnyOf):
        for child in cond.children:
            yield from leaves(child)
    elif isinstance(cond, Not):
        yield from leaves(cond.child)


def questions_of(cond: Condition) -> tuple[str, ...]:
    """The questions a condition reads, without repeats."""
    return tuple(dict.fromkeys(leaf.question for leaf in leaves(cond)))


# --- Parsing -----------------------------------------------------------------------------

Path = tuple[str | int, ...]


@dataclass
class ConditionProblem:
    path: Path
    problem: str
    expected: str | None = None
    on_key: bool = False
    silent: bool = False  # makes the condition unusable without repeating a reported problem


def did_you_mean(word: Any, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def listing(options: Sequence[Any], limit: int = 12) -> str:
    shown = ", ".join(str(o) for o in list(options)[:limit])
    return shown + (", ..." if len(options) > limit else "")


class Parser:
    """Parses raw conditions against a question catalogue; assigns one bit per distinct leaf."""

    def __init__(self, catalogue: dict[str, QuestionInfo], ignore: Iterable[str] = ()):
        self.catalogue = catalogue
        self.ignore = set(ignore)  # questions already reported broken: no knock-on problems
        self.problems: list[ConditionProblem] = []
        self.leaf_list: list[Leaf] = []
        self._leaf_ids: dict[tuple, Leaf] = {}

    def parse(self, raw: Any, path: Path, *, before: int | None = None) -> Condition | None:
        """Parse one condition; None if it has problems (recorded in `self.problems`)."""
        count = len(self.problems)
        cond = self._parse(raw, path, before)
        return cond if len(self.problems) == count else None

    def _fail(self, path: Path, problem: str, expected: str | None = None, on_key=False) -> None:
        self.problems.append(ConditionProblem(path, problem, expected, on_key))

    def _parse(self, raw: Any, path: Path, before: int | None) -> Condition | None:
        if not isinstance(raw, dict) or not raw:
            self._fail(path, "a condition must be a mapping",
                       "all/any/not/always, or {q: question, operator: value}")
            return None
        keys = set(raw)
        for combinator in COMBINATORS:
            if combinator in keys:
                if len(keys) > 1:
                    other = sorted(keys - {combinator})[0]
                    self._fail(path + (other,), f"'{other}' cannot sit beside '{combinator}'",
                               f"'{combinator}' alone; nest the other part inside it", True)
                    return None
                return self._combinator(combinator, raw[combinator], path + (combinator,), before)
        if "q" not in keys:
            unknown = sorted(keys)[0]
            self._fail(path + (unknown,), f"unknown condition '{unknown}'"
                       + did_you_mean(unknown, COMBINATORS + ALL_OPERATORS + ("q",)),
                       "all, any, not, always, or a leaf {q: question, operator: value}", True)
            return None
        return self._leaf(raw, path, before)

    def _combinator(self, name: str, value: Any, path: Path, before) -> Condition | None:
        if name == "always":
            if value is not True and value is not False:
                self._fail(path, f"'always' must be true or false, not {value!r}", "true or false")
                return None
            return Always(value)
        if name == "not":
            child = self._parse(value, path, before)
            return Not(child) if child is not None else None
        if not isinstance(value, list) or not value:
            self._fail(path, f"'{name}' needs a list of conditions",
                       "a list with at least one item")
            return None
        children = [self._parse(item, path + (i,), before) for i, item in enumerate(value)]
        if any(c is None for c in children):
            return None
        return All(tuple(children)) if name == "all" else AnyOf(tuple(children))

    def _leaf(self, raw: dict, path: Path, before) -> Leaf | None:
        qid = raw["q"]
        ops = [k for k in raw if k != "q"]
        info = self.catalogue.get(qid) if isinstance(qid, str) else None
        if info is None and qid in self.ignore:
            self.problems.append(ConditionProblem(path + ("q",), "", None, silent=True))
            return None
        if info is None:
            self._fail(path + ("q",), f"unknown question '{qid}'"
                       + did_you_mean(qid, list(self.catalogue)),
                       "one of the question ids: " + listing(list(self.catalogue)))
            return None
        if before is not None and info.index >= before:
            self._fail(path + ("q",), f"show_if uses '{qid}', which is not asked before this "
                       "question", "a question that comes earlier in the questionnaire")
            return None
        if len(ops) != 1:
            where = path + (ops[1],) if len(ops) > 1 else path
            self._fail(where, f"a leaf needs exactly one operator, found {len(ops)}",
                       f"one of: {', '.join(OPERATORS[info.type])}", bool(ops))
            return None
        op = ops[0]
        allowed = OPERATORS[info.type]
        if op not in ALL_OPERATORS:
            self._fail(path + (op,), f"unknown operator '{op}'" + did_you_mean(op, ALL_OPERATORS),
                       f"for a {info.type} question: {', '.join(allowed)}", True)
            return None
        if op not in allowed or (op in ("at_least", "at_most", "between")
                                 and info.type == "single" and not info.ordered):
            why = (" (its choices are not marked `ordered: true`)"
                   if info.type == "single" and op in OPERATORS["single"] else "")
            self._fail(path + (op,), f"'{op}' does not fit the {info.type} question '{qid}'{why}",
                       f"for a {info.type} question: {', '.join(allowed)}", True)
            return None
        checked = self._value(info, op, raw[op], path + (op,))
        if checked is None:
            return None
        value, arg = checked
        key = (qid, op, value)
        if key not in self._leaf_ids:
            leaf = Leaf(qid, op, value, 1 << len(self.leaf_list), arg)
            self.leaf_list.append(leaf)
            self._leaf_ids[key] = leaf
        return self._leaf_ids[key]

    def _one(self, info: QuestionInfo, value: Any, path: Path) -> Any:
        """Check one value against a question: a choice, or an integer in range."""
        if info.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                self._fail(path, f"'{info.id}' takes whole numbers, not {value!r}",
                           f"a whole number from {info.min} to {info.max}")
                return None
            if info.min is not None and info.max is not None and not info.min <= value <= info.max:
                self._fail(path, f"{value} is outside the range of '{info.id}'",
                           f"a whole number from {info.min} to {info.max}")
                return None
            return value
        if value not in info.choices:
            self._fail(path, f"'{value}' is not a choice of '{info.id}'"
                       + did_you_mean(value, info.choices), "one of: " + listing(info.choices))
            return None
        return value

    def _value(self, info: QuestionInfo, op: str, raw: Any, path: Path):
        """Check an operator's value; return (value, arg) or None."""
        if op == "answered":
            if raw is not True and raw is not False:
                self._fail(path, f"'answered' must be true or false, not {raw!r}", "true or false")
                return None
            return raw, raw
        if op in ("in", "has_any", "has_all", "between"):
            if not isinstance(raw, list) or not raw:
                self._fail(path, f"'{op}' needs a list", "a list like [a, b]")
                return None
            if op == "between" and len(raw) != 2:
                self._fail(path, f"'between' needs exactly two values, found {len(raw)}",
                           "[low, high]")
                return None
            items = [self._one(info, item, path + (i,)) for i, item in enumerate(raw)]
            if any(item is None for item in items):
                return None
            value = tuple(dict.fromkeys(items))
            if op == "between":
                low, high = (self._rank(info, v) for v in items)
                if low > high:
                    self._fail(path, f"'between' runs from {items[0]} down to {items[1]}",
                               "the lower value first")
                    return None
                return tuple(items), (low, high)
            if info.type == "multi":
                mask = 0
                for item in value:
                    mask |= info.choice_bit(item)
                return value, mask
            return value, frozenset(value)
        if isinstance(raw, list):
            self._fail(path, f"'{op}' takes one value, not a list",
                       "one value" + ("; use 'has_any' or 'has_all' for several"
                                      if op == "has" else "; use 'in' for several"))
            return None
        item = self._one(info, raw, path)
        if item is None:
            return None
        if op == "has":
            return item, info.choice_bit(item)
        if op in ("at_least", "at_most"):
            return item, self._rank(info, item)
        return item, item

    @staticmethod
    def _rank(info: QuestionInfo, value: Any) -> int:
        return value if info.type == "integer" else info.choices.index(value)


# --- Truth of a leaf for one answer --------------------------------------------------------


def leaf_true(leaf: Leaf, info: QuestionInfo, key: Any) -> bool:
    """Whether a leaf holds for one question's answer key (None: not answered).

    Keys: a single choice is its value, an integer is itself, a multi-select is a bit mask of
    its choices in the order of the rule file.
    """
    op, arg = leaf.op, leaf.arg
    if op == "answered":
        return (key is not None) is arg
    if key is None:
        return False
    if op == "is":
        return key == arg
    if op == "in":
        return key in arg
    if op == "has" or op == "has_any":
        return bool(key & arg)
    if op == "has_all":
        return key & arg == arg
    rank = key if info.type == "integer" else info.choices.index(key)
    if op == "at_least":
        return rank >= arg
    if op == "at_most":
        return rank <= arg
    return arg[0] <= rank <= arg[1]  # between


# --- Compiled to closures over the leaf bits ----------------------------------------------


def compile_bits(cond: Condition) -> Callable[[int], bool]:
    """A closure `f(bits) -> bool`; flat any/all of leaves become one mask test."""
    if isinstance(cond, Always):
        value = cond.value
        return lambda bits: value
    if isinstance(cond, Leaf):
        mask = cond.bit
        return lambda bits: bits & mask != 0
    if isinstance(cond, Not):
        if isinstance(cond.child, Leaf):
            mask = cond.child.bit
            return lambda bits: bits & mask == 0
        inner = compile_bits(cond.child)
        return lambda bits: not inner(bits)
    if all(isinstance(c, Leaf) for c in cond.children):
        mask = 0
        for child in cond.children:
            mask |= child.bit
        if isinstance(cond, AnyOf):
            return lambda bits: bits & mask != 0
        return lambda bits: bits & mask == mask
    parts = tuple(compile_bits(c) for c in cond.children)
    if isinstance(cond, AnyOf):
        return lambda bits: any(p(bits) for p in parts)
    return lambda bits: all(p(bits) for p in parts)


def eval3(cond: Condition, bits: int, known: int) -> bool | None:
    """Three-valued truth: None when it depends on leaves not yet known (Kleene logic)."""
    if isinstance(cond, Leaf):
        return bool(bits & cond.bit) if known & cond.bit else None
    if isinstance(cond, Always):
        return cond.value
    if isinstance(cond, Not):
        inner = eval3(cond.child, bits, known)
        return None if inner is None else not inner
    decisive = isinstance(cond, AnyOf)  # any: one True decides; all: one False decides
    result: bool | None = not decisive
    for child in cond.children:
        value = eval3(child, bits, known)
        if value is decisive:
            return decisive
        if value is None:
            result = None
    return result


# --- Plain English -------------------------------------------------------------------------


def _labels(info: QuestionInfo, values: Sequence[Any], joiner: str = "or") -> str:
    shown = [info.label(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {joiner} " + shown[-1]


def explain(cond: Condition, catalogue: dict[str, QuestionInfo]) -> str:
    """What a condition asks, in plain English, for clinicians."""
    if isinstance(cond, Always):
        return "always" if cond.value else "never"
    if isinstance(cond, Not):
        if isinstance(cond.child, Leaf):
            return _explain_leaf(cond.child, catalogue[cond.child.question], negated=True)
        return "not (" + explain(cond.child, catalogue) + ")"
    if isinstance(cond, Leaf):
        return _explain_leaf(cond, catalogue[cond.question])
    joiner = " and " if isinstance(cond, All) else " or "
    parts = [explain(c, catalogue) for c in cond.children]
    if len(parts) == 1:
        return parts[0]
    return joiner.join(f"({p})" if isinstance(c, All | AnyOf) else p
                       for p, c in zip(parts, cond.children, strict=True))


def _explain_leaf(leaf: Leaf, info: QuestionInfo, negated: bool = False) -> str:
    op, v, name = leaf.op, leaf.value, info.short
    no = " not" if negated else ""
    if op == "answered":
        return f"{name} was{' not' if v == negated else ''} answered"
    if op == "is":
        return f"{name} is{no} {info.label(v)}"
    if op == "in":
        return f"{name} is{no} {_labels(info, v)}"
    if op == "has":
        return f"{name} {'do not include' if negated else 'include'} {info.label(v)}"
    if op == "has_any":
        return f"{name} {'include none of' if negated else 'include any of'} {_labels(info, v)}"
    if op == "has_all":
        return f"{name} {'do not include all of' if negated else 'include all of'} " \
               f"{_labels(info, v, 'and')}"
    if op == "at_least":
        return f"{name} is{no} {info.label(v)} or more"
    if op == "at_most":
        return f"{name} is{no} {info.label(v)} or less"
    return f"{name} is{no} between {info.label(v[0])} and {info.label(v[1])}"


NOT_ASKED = "not asked, because it does not apply to the earlier answers"
NOT_REACHED = "not asked, because the questions stopped early"
UNKNOWN = object()  # a question the walk-through never reached


def because(cond: Condition, keys: dict[str, Any], catalogue: dict[str, QuestionInfo]
            ) -> tuple[bool | None, str]:
    """Whether a condition holds for the given answer keys, and why, in plain English.

    `keys` maps question ids to answer keys (see `leaf_true`), None for a question that was not
    asked, or UNKNOWN for one the walk-through never reached.
    """
    if isinstance(cond, Always):
        return cond.value, "this rule always applies" if cond.value else "this rule never applies"
    if isinstance(cond, Leaf):
        return _because_leaf(cond, catalogue[cond.question], keys.get(cond.question, UNKNOWN))
    if isinstance(cond, Not):
        value, text = because(cond.child, keys, catalogue)
        return (None if value is None else not value), text
    results = [because(c, keys, catalogue) for c in cond.children]
    decisive = isinstance(cond, AnyOf)

    def joined(texts) -> str:
        return "; and ".join(dict.fromkeys(texts))  # one fact once, even if two leaves read it

    deciding = [text for value, text in results if value is decisive]
    if deciding:
        return decisive, joined(deciding)
    if any(value is None for value, _ in results):
        return None, joined(text for value, text in results if value is None)
    return not decisive, joined(text for _, text in results)


def _because_leaf(leaf: Leaf, info: QuestionInfo, key: Any) -> tuple[bool | None, str]:
    name = info.short
    if key is UNKNOWN:
        return None, f"{name}: {NOT_REACHED}"
    value = leaf_true(leaf, info, key)
    if key is None:
        return value, f"{name}: {NOT_ASKED}"
    op, v = leaf.op, leaf.value
    if op == "answered":
        return value, f"{name} was answered"
    if info.type == "multi":
        chosen = info.decode(key)
        if op == "has":
            return value, f"{name} {'include' if value else 'do not include'} {info.label(v)}"
        if op == "has_any":
            hits = [c for c in v if c in chosen]
            return value, (f"{name} include {_labels(info, hits, 'and')}" if value
                           else f"{name} include none of {_labels(info, v)}")
        missing = [c for c in v if c not in chosen]
        return value, (f"{name} include {_labels(info, v, 'and')}" if value
                       else f"{name} do not include {_labels(info, missing, 'or')}")
    said = f"{name} is {info.label(key)}"
    if op == "is":
        return value, said if value else f"{said}, not {info.label(v)}"
    if op == "in":
        return value, f"{said}, which is {'' if value else 'not '}{_labels(info, v)}"
    if op == "at_least":
        return value, f"{said}, which is " + (f"{info.label(v)} or more" if value
                                              else f"less than {info.label(v)}")
    if op == "at_most":
        return value, f"{said}, which is " + (f"{info.label(v)} or less" if value
                                              else f"more than {info.label(v)}")
    low, high = v
    return value, f"{said}, which is {'' if value else 'not '}between {info.label(low)} and " \
                  f"{info.label(high)}"


def answer_bits(question_leaves: Sequence[Leaf], info: QuestionInfo, key: Any) -> int:
    """The bits of every leaf on one question that holds for an answer key."""
    bits = 0
    for leaf in question_leaves:
        if leaf_true(leaf, info, key):
            bits |= leaf.bit
    return bits
