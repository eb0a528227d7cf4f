"""Conditions: a tree of node types, each one class that evaluates, explains and renders itself.

A condition is `all`, `any`, `not`, `always`, or a leaf that tests one question with one operator
(see `operators`). Every node is evaluated on a mapping of answer keys (see `questions`): a
question missing from the mapping is not known yet, so `truth` is three-valued (Kleene logic):
True, False, or None when it depends on answers not known. `bdd` is the same logic over every
answer set at once, as decision diagrams (the verifier's `Symbols`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .operators import REGISTRY, BadValue, Operator, operators_for
from .questions import QuestionInfo, did_you_mean, listing

NOT_ASKED = "not asked, because it does not apply to the earlier answers"
NOT_REACHED = "not asked, because the questions stopped early"
UNKNOWN = object()  # a question the walk-through never reached
Keys = Mapping[str, Any]


FhirLeaf = tuple[str, str, str, Any]  # (question, FHIR operator, answer kind, answer)


class Symbols(Protocol):
    """Decision diagrams over answer sets, as the verifier gives them to `bdd`.

    A pair (certainly true, certainly false) is the Kleene truth of a condition on every answer
    set at once: where neither holds, the condition is unknown (None in `truth`)."""

    true: Any
    false: Any

    def leaf(self, leaf: Leaf) -> Any | None:
        """Where the leaf holds; None while its question is not known."""

    def all(self, parts: Sequence[Any]) -> Any:
        """The conjunction of diagrams."""

    def any(self, parts: Sequence[Any]) -> Any:
        """The disjunction of diagrams."""


def _joined(texts: Iterable[str]) -> str:
    return "; and ".join(dict.fromkeys(texts))  # one fact once, even if two leaves read it


@dataclass(frozen=True, slots=True)
class Leaf:
    """`{q: question, operator: value}`."""

    question: str
    op: Operator = field(compare=False)
    value: Any  # checked against the question by the operator
    info: QuestionInfo = field(compare=False, repr=False)
    name: str = ""  # the operator's name, for equality and display

    def leaves(self) -> Iterator[Leaf]:
        yield self

    def holds(self, key: Any) -> bool:
        """Whether the leaf holds for one answer key (None: the question was not asked)."""
        return self.op.holds(self.info, self.value, key)

    def truth(self, keys: Keys) -> bool | None:
        key = keys.get(self.question, UNKNOWN)
        return None if key is UNKNOWN else self.op.holds(self.info, self.value, key)

    def bdd(self, symbols: Symbols) -> tuple[Any, Any]:
        held = symbols.leaf(self)
        return (symbols.false, symbols.false) if held is None else (held, ~held)

    def explain(self, negated: bool = False) -> str:
        return self.op.explain(self.info, self.value, negated)

    def because(self, keys: Keys) -> tuple[bool | None, str]:
        key = keys.get(self.question, UNKNOWN)
        if key is UNKNOWN:
            return None, f"{self.info.short}: {NOT_REACHED}"
        held = self.op.holds(self.info, self.value, key)
        if key is None:
            return held, f"{self.info.short}: {NOT_ASKED}"
        return held, self.op.because(self.info, self.value, key, held)

    def fhir(self, negated: bool = False) -> list[FhirLeaf] | None:
        """[(question, FHIR operator, answer kind, answer)], or None if FHIR cannot say it."""
        parts = self.op.fhir(self.info, self.value, negated)
        return None if parts is None else [(self.question, *part) for part in parts]


@dataclass(frozen=True, slots=True)
class Always:
    """`{always: true}` or `{always: false}`."""

    value: bool

    def leaves(self) -> Iterator[Leaf]:
        return iter(())

    def truth(self, keys: Keys) -> bool | None:
        return self.value

    def bdd(self, symbols: Symbols) -> tuple[Any, Any]:
        return (symbols.true, symbols.false) if self.value else (symbols.false, symbols.true)

    def explain(self, negated: bool = False) -> str:
        return "always" if self.value != negated else "never"

    def because(self, keys: Keys) -> tuple[bool | None, str]:
        return self.value, "this rule always applies" if self.value else "this rule never applies"

    def fhir(self, negated: bool = False) -> list[FhirLeaf] | None:
        return None


@dataclass(frozen=True, slots=True)
class Not:
    """`{not: condition}`."""

    child: Condition

    def leaves(self) -> Iterator[Leaf]:
        return self.child.leaves()

    def truth(self, keys: Keys) -> bool | None:
        inner = self.child.truth(keys)
        return None if inner is None else not inner

    def bdd(self, symbols: Symbols) -> tuple[Any, Any]:
        true, false = self.child.bdd(symbols)
        return false, true

    def explain(self, negated: bool = False) -> str:
        if negated:
            return self.child.explain()
        if isinstance(self.child, Leaf):
            return self.child.explain(negated=True)
        return "not (" + self.child.explain() + ")"

    def because(self, keys: Keys) -> tuple[bool | None, str]:
        value, text = self.child.because(keys)
        return (None if value is None else not value), text

    def fhir(self, negated: bool = False) -> list[FhirLeaf] | None:
        return self.child.fhir(not negated) if isinstance(self.child, Leaf) else None


@dataclass(frozen=True, slots=True)
class All:
    """`{all: [conditions]}`: true when every child is; one false child decides."""

    children: tuple[Condition, ...]
    decisive = False  # the child value that decides the whole
    joiner = " and "
    behavior = "all"  # FHIR enableBehavior

    def leaves(self) -> Iterator[Leaf]:
        for child in self.children:
            yield from child.leaves()

    def truth(self, keys: Keys) -> bool | None:
        result: bool | None = not self.decisive
        for child in self.children:
            value = child.truth(keys)
            if value is self.decisive:
                return value
            if value is None:
                result = None
        return result

    def bdd(self, symbols: Symbols) -> tuple[Any, Any]:
        parts = [child.bdd(symbols) for child in self.children]
        trues, falses = [t for t, _ in parts], [f for _, f in parts]
        if self.decisive:  # any: one certainly true child, or every child certainly false
            return symbols.any(trues), symbols.all(falses)
        return symbols.all(trues), symbols.any(falses)

    def explain(self, negated: bool = False) -> str:
        parts = [c.explain() for c in self.children]
        if len(parts) == 1:
            text = parts[0]
        else:
            text = self.joiner.join(
                f"({p})" if isinstance(c, All) else p
                for p, c in zip(parts, self.children, strict=True)
            )
        return f"not ({text})" if negated else text

    def because(self, keys: Keys) -> tuple[bool | None, str]:
        results = [c.because(keys) for c in self.children]
        deciding = [text for value, text in results if value is self.decisive]
        if deciding:
            return self.decisive, _joined(deciding)
        if any(value is None for value, _ in results):
            return None, _joined(text for value, text in results if value is None)
        return not self.decisive, _joined(text for _, text in results)

    def fhir(self, negated: bool = False) -> list[FhirLeaf] | None:
        if negated:
            return None
        parts = [c.fhir() if isinstance(c, Leaf | Not) else None for c in self.children]
        said = [part for part in parts if part is not None]
        return None if len(said) < len(parts) else [x for part in said for x in part]


@dataclass(frozen=True, slots=True)
class AnyOf(All):
    """`{any: [conditions]}`: true when some child is; one true child decides."""

    decisive = True
    joiner = " or "
    behavior = "any"


Condition = Leaf | All | AnyOf | Not | Always


def questions_of(cond: Condition) -> tuple[str, ...]:
    """The questions a condition reads, without repeats."""
    return tuple(dict.fromkeys(leaf.question for leaf in cond.leaves()))


# --- Parsing -----------------------------------------------------------------------------

Path = tuple[str | int, ...]
COMBINATORS = ("all", "any", "not", "always")


@dataclass
class ConditionProblem:
    path: Path
    problem: str
    expected: str | None = None
    on_key: bool = False
    silent: bool = False  # makes the condition unusable without repeating a reported problem


class Parser:
    """Parses raw conditions against a question catalogue; one Leaf object per distinct leaf."""

    def __init__(self, catalogue: dict[str, QuestionInfo], ignore: Iterable[str] = ()):
        self.catalogue = catalogue
        self.ignore = set(ignore)  # questions already reported broken: no knock-on problems
        self.problems: list[ConditionProblem] = []
        self.leaf_list: list[Leaf] = []
        self._leaf_ids: dict[tuple[str, str, Any], Leaf] = {}

    def parse(self, raw: Any, path: Path, *, before: int | None = None) -> Condition | None:
        """Parse one condition; None if it has problems (recorded in `self.problems`)."""
        count = len(self.problems)
        cond = self._parse(raw, path, before)
        return cond if len(self.problems) == count else None

    def _fail(
        self, path: Path, problem: str, expected: str | None = None, on_key: bool = False
    ) -> None:
        self.problems.append(ConditionProblem(path, problem, expected, on_key))

    def _parse(self, raw: Any, path: Path, before: int | None) -> Condition | None:
        if not isinstance(raw, dict) or not raw:
            self._fail(
                path,
                "a condition must be a mapping",
                "all/any/not/always, or {q: question, operator: value}",
            )
            return None
        keys = set(raw)
        for name in COMBINATORS:
            if name in keys:
                if len(keys) > 1:
                    other = sorted(keys - {name})[0]
                    self._fail(
                        path + (other,),
                        f"'{other}' cannot sit beside '{name}'",
                        f"'{name}' alone; nest the other part inside it",
                        True,
                    )
                    return None
                return self._combinator(name, raw[name], path + (name,), before)
        if "q" not in keys:
            unknown = sorted(keys)[0]
            self._fail(
                path + (unknown,),
                f"unknown condition '{unknown}'"
                + did_you_mean(unknown, COMBINATORS + tuple(REGISTRY) + ("q",)),
                "all, any, not, always, or a leaf {q: question, operator: value}",
                True,
            )
            return None
        return self._leaf(raw, path, before)

    def _combinator(
        self, name: str, value: Any, path: Path, before: int | None
    ) -> Condition | None:
        if name == "always":
            if value is not True and value is not False:
                self._fail(path, f"'always' must be true or false, not {value!r}", "true or false")
                return None
            return Always(value)
        if name == "not":
            child = self._parse(value, path, before)
            return Not(child) if child is not None else None
        if not isinstance(value, list) or not value:
            self._fail(
                path, f"'{name}' needs a list of conditions", "a list with at least one item"
            )
            return None
        parsed = [self._parse(item, path + (i,), before) for i, item in enumerate(value)]
        children = tuple(c for c in parsed if c is not None)
        if len(children) < len(parsed):
            return None
        return All(children) if name == "all" else AnyOf(children)

    def _question(self, raw: dict[str, Any], path: Path, before: int | None) -> QuestionInfo | None:
        qid = raw["q"]
        named = isinstance(qid, str)  # a list or a mapping here is a mistake, and unhashable
        info = self.catalogue.get(qid) if named else None
        if info is None and named and qid in self.ignore:
            self.problems.append(ConditionProblem(path + ("q",), "", None, silent=True))
        elif info is None:
            self._fail(
                path + ("q",),
                f"unknown question '{qid}'" + did_you_mean(qid, list(self.catalogue)),
                "one of the question ids: " + listing(list(self.catalogue)),
            )
        elif before is not None and info.index >= before:
            self._fail(
                path + ("q",),
                f"show_if uses '{qid}', which is not asked before this question",
                "a question that comes earlier in the questionnaire",
            )
            return None
        return info

    def _operator(self, raw: dict[str, Any], info: QuestionInfo, path: Path) -> Operator | None:
        ops = [k for k in raw if k != "q"]
        allowed = ", ".join(operators_for(info.type))
        if len(ops) != 1:
            where = path + (ops[1],) if len(ops) > 1 else path
            self._fail(
                where,
                f"a leaf needs exactly one operator, found {len(ops)}",
                f"one of: {allowed}",
                bool(ops),
            )
            return None
        op = REGISTRY.get(ops[0])
        if op is None:
            self._fail(
                path + (ops[0],),
                f"unknown operator '{ops[0]}'" + did_you_mean(ops[0], list(REGISTRY)),
                f"for a {info.type} question: {allowed}",
                True,
            )
        elif not op.fits_question(info):
            why = " (its choices are not marked `ordered: true`)" if info.type in op.fits else ""
            self._fail(
                path + (op.name,),
                f"'{op.name}' does not fit the {info.type} question '{info.id}'{why}",
                f"for a {info.type} question: {allowed}",
                True,
            )
            return None
        return op

    def _leaf(self, raw: dict[str, Any], path: Path, before: int | None) -> Leaf | None:
        info = self._question(raw, path, before)
        op = self._operator(raw, info, path) if info is not None else None
        if op is None or info is None:
            return None
        try:
            value = op.check(info, raw[op.name])
        except BadValue as exc:
            self._fail(path + (op.name, *exc.where), exc.problem, exc.expected)
            return None
        key = (info.id, op.name, value)
        if key not in self._leaf_ids:
            leaf = Leaf(info.id, op, value, info, op.name)
            self.leaf_list.append(leaf)
            self._leaf_ids[key] = leaf
        return self._leaf_ids[key]
