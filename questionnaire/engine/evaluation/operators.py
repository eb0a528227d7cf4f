"""Leaf operators: each one is one unit that knows everything about itself.

An operator checks its value against the question (`check`), says whether it holds for an answer
key (`holds`), words itself for clinicians (`explain`) and for one patient's answer (`because`),
names the values the verifier must tell apart (`points`), and renders itself as FHIR enableWhen
where FHIR can say it (`fhir`). `REGISTRY` maps each name to its unit; nothing else switches on
an operator's name. To add one, write a subclass, decorate it with `@register`, and test it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from .questions import QuestionInfo, did_you_mean, listing

REGISTRY: dict[str, Operator] = {}
FhirPart = tuple[str, str, Any]  # (FHIR operator, answer kind, answer)
CHOICE_TYPES = ("single", "integer")


class BadValue(Exception):
    """An operator's value does not fit its question; `where` extends the path to the value."""

    def __init__(
        self, problem: str, expected: str | None = None, where: tuple[str | int, ...] = ()
    ):
        super().__init__(problem)
        self.problem, self.expected, self.where = problem, expected, where


def register(cls: type[Operator]) -> type[Operator]:
    REGISTRY[cls.name] = cls()
    return cls


def labels(info: QuestionInfo, values: Sequence[Any], joiner: str = "or") -> str:
    shown = [info.label(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {joiner} " + shown[-1]


def one_value(info: QuestionInfo, value: Any, where: tuple[str | int, ...] = ()) -> Any:
    """Check one value against a question: one of its choices, or a whole number in range."""
    if info.type != "integer":
        if value not in info.choices:
            raise BadValue(
                f"'{value}' is not a choice of '{info.id}'" + did_you_mean(value, info.choices),
                "one of: " + listing(info.choices),
                where,
            )
        return value
    expected = f"a whole number from {info.min} to {info.max}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"'{info.id}' takes whole numbers, not {value!r}", expected, where)
    low, high = info.bounds
    if not low <= value <= high:
        raise BadValue(f"{value} is outside the range of '{info.id}'", expected, where)
    return value


def value_list(info: QuestionInfo, name: str, raw: Any) -> tuple[Any, ...]:
    """A non-empty list of values, each checked; repeats dropped."""
    if not isinstance(raw, list) or not raw:
        raise BadValue(f"'{name}' needs a list", "a list like [a, b]")
    return tuple(dict.fromkeys(one_value(info, item, (i,)) for i, item in enumerate(raw)))


class Operator:
    """The defaults; each operator overrides what differs."""

    name: ClassVar[str]
    fits: ClassVar[tuple[str, ...]]  # question types it applies to
    needs_order: ClassVar[bool] = False  # on a single question, only with `ordered: true`
    schema: ClassVar[dict[str, Any]] = {"type": ["string", "integer"]}
    several_hint: ClassVar[str] = "; use 'in' for several"

    def fits_question(self, info: QuestionInfo) -> bool:
        return info.type in self.fits and not (
            self.needs_order and info.type == "single" and not info.ordered
        )

    def check(self, info: QuestionInfo, raw: Any) -> Any:
        """The checked value; raise BadValue. Default: exactly one value."""
        if isinstance(raw, list):
            raise BadValue(
                f"'{self.name}' takes one value, not a list", "one value" + self.several_hint
            )
        return one_value(info, raw)

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        """Whether the leaf holds for an answer key; None (not asked) makes it false."""
        raise NotImplementedError

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        raise NotImplementedError

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        """Why the leaf held or not, for a real answer key."""
        raise NotImplementedError

    def points(self, info: QuestionInfo, value: Any) -> Iterable[Any]:
        """Values the verifier must tell apart: choices named, or numbers at the edges."""
        values = value if isinstance(value, tuple) else (value,)
        if info.type != "integer":
            return values
        return (p for v in values for p in (v - 1, v, v + 1))

    def fhir(self, info: QuestionInfo, value: Any, negated: bool) -> list[FhirPart] | None:
        """[(FHIR operator, answer kind, answer)] for enableWhen, or None if FHIR cannot say it."""
        return None


@register
class Is(Operator):
    name, fits = "is", CHOICE_TYPES

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and key == value

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return f"{info.short} is{' not' if negated else ''} {info.label(value)}"

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        said = f"{info.short} is {info.label(key)}"
        return said if held else f"{said}, not {info.label(value)}"

    def fhir(self, info: QuestionInfo, value: Any, negated: bool) -> list[FhirPart] | None:
        kind = "integer" if info.type == "integer" else "coding"
        return [("!=" if negated else "=", kind, value)]


@register
class In(Operator):
    name, fits = "in", CHOICE_TYPES
    schema = {"type": "array", "items": {"type": ["string", "integer"]}, "minItems": 1}

    def check(self, info: QuestionInfo, raw: Any) -> Any:
        return value_list(info, self.name, raw)

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and key in value

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return f"{info.short} is{' not' if negated else ''} {labels(info, value)}"

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        return (
            f"{info.short} is {info.label(key)}, which is {'' if held else 'not '}"
            f"{labels(info, value)}"
        )


@register
class NotIn(In):
    """`{q: pain_area, not_in: [neck, both]}`: the answer is none of the values."""

    name = "not_in"

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and key not in value

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return super().explain(info, value, not negated)

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        return (
            f"{info.short} is {info.label(key)}, which is {'not ' if held else ''}"
            f"{labels(info, value)}"
        )


@register
class Has(Operator):
    name, fits = "has", ("multi",)
    schema = {"type": "string"}
    several_hint = "; use 'has_any' or 'has_all' for several"

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and value in key

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return f"{info.short} {'do not include' if negated else 'include'} {info.label(value)}"

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        return f"{info.short} {'include' if held else 'do not include'} {info.label(value)}"

    def fhir(self, info: QuestionInfo, value: Any, negated: bool) -> list[FhirPart] | None:
        return [("!=" if negated else "=", "coding", value)]


@register
class HasAny(Operator):
    name, fits = "has_any", ("multi",)
    schema = {"type": "array", "items": {"type": "string"}, "minItems": 1}

    def check(self, info: QuestionInfo, raw: Any) -> Any:
        return value_list(info, self.name, raw)

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and not key.isdisjoint(value)

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return (
            f"{info.short} {'include none of' if negated else 'include any of'} "
            f"{labels(info, value)}"
        )

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        if held:
            return f"{info.short} include {labels(info, [c for c in value if c in key], 'and')}"
        return f"{info.short} include none of {labels(info, value)}"


@register
class HasAll(HasAny):
    name = "has_all"

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and key.issuperset(value)

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return (
            f"{info.short} {'do not include all of' if negated else 'include all of'} "
            f"{labels(info, value, 'and')}"
        )

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        if held:
            return f"{info.short} include {labels(info, value, 'and')}"
        return f"{info.short} do not include {labels(info, [c for c in value if c not in key])}"


class _Scale(Operator):
    """Operators that compare a position on the question's scale."""

    fits, needs_order = CHOICE_TYPES, True
    word: ClassVar[str]  # "more" or "less"

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return f"{info.short} is{' not' if negated else ''} {info.label(value)} or {self.word}"


@register
class AtLeast(_Scale):
    name, word = "at_least", "more"

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and info.rank(key) >= info.rank(value)

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        return f"{info.short} is {info.label(key)}, which is " + (
            f"{info.label(value)} or more" if held else f"less than {info.label(value)}"
        )

    def fhir(self, info: QuestionInfo, value: Any, negated: bool) -> list[FhirPart] | None:
        return None if negated or info.type != "integer" else [(">=", "integer", value)]


@register
class AtMost(_Scale):
    name, word = "at_most", "less"

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and info.rank(key) <= info.rank(value)

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        return f"{info.short} is {info.label(key)}, which is " + (
            f"{info.label(value)} or less" if held else f"more than {info.label(value)}"
        )

    def fhir(self, info: QuestionInfo, value: Any, negated: bool) -> list[FhirPart] | None:
        return None if negated or info.type != "integer" else [("<=", "integer", value)]


@register
class Between(_Scale):
    name = "between"
    schema = {"type": "array", "minItems": 2, "maxItems": 2}

    def check(self, info: QuestionInfo, raw: Any) -> Any:
        if not isinstance(raw, list) or not raw:
            raise BadValue("'between' needs a list", "a list like [a, b]")
        if len(raw) != 2:
            raise BadValue(f"'between' needs exactly two values, found {len(raw)}", "[low, high]")
        low, high = (one_value(info, item, (i,)) for i, item in enumerate(raw))
        if info.rank(low) > info.rank(high):
            raise BadValue(f"'between' runs from {low} down to {high}", "the lower value first")
        return low, high

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return key is not None and info.rank(value[0]) <= info.rank(key) <= info.rank(value[1])

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return (
            f"{info.short} is{' not' if negated else ''} between {info.label(value[0])} "
            f"and {info.label(value[1])}"
        )

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        return (
            f"{info.short} is {info.label(key)}, which is {'' if held else 'not '}between "
            f"{info.label(value[0])} and {info.label(value[1])}"
        )


@register
class Answered(Operator):
    name, fits = "answered", ("single", "integer", "multi")
    schema = {"type": "boolean"}

    def check(self, info: QuestionInfo, raw: Any) -> Any:
        if raw is not True and raw is not False:
            raise BadValue(f"'answered' must be true or false, not {raw!r}", "true or false")
        return raw

    def holds(self, info: QuestionInfo, value: Any, key: Any) -> bool:
        return (key is not None) is value

    def explain(self, info: QuestionInfo, value: Any, negated: bool) -> str:
        return f"{info.short} was{' not' if value == negated else ''} answered"

    def because(self, info: QuestionInfo, value: Any, key: Any, held: bool) -> str:
        return f"{info.short} was answered"

    def points(self, info: QuestionInfo, value: Any) -> Iterable[Any]:
        return ()

    def fhir(self, info: QuestionInfo, value: Any, negated: bool) -> list[FhirPart] | None:
        return [("exists", "boolean", value != negated)]


def operators_for(question_type: str) -> tuple[str, ...]:
    """Names of the operators that fit a question type, in registry order."""
    return tuple(name for name, op in REGISTRY.items() if question_type in op.fits)
