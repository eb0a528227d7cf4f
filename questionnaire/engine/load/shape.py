"""Shape errors from pydantic, in words a clinician can act on."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from ..evaluation.questions import did_you_mean


def _field_type(annotation: Any) -> Any:
    """Unwrap Optional/Annotated/tuple/dict to the model inside, if any."""
    for arg in typing.get_args(annotation) or ():
        found = _field_type(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation


def _model_at(root: type[BaseModel], loc: Iterable[Any]) -> type[BaseModel] | None:
    current: Any = root
    for part in loc:
        if isinstance(part, str) and isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = _field_type(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping of names to values",
    "model_type": "a mapping of names to values",
    "model_attributes_type": "a mapping of names to values",
    "date_type": "a date like 2026-11-23",
    "date_parsing": "a date like 2026-11-23",
    "date_from_datetime_parsing": "a date like 2026-11-23",
    "date_from_datetime_inexact": "a date like 2026-11-23",
}


def _pattern(name: str, shown: str, ctx: dict[str, Any]) -> tuple[str, str]:
    if str(ctx.get("pattern", "")).startswith("^https?"):
        return f"'{name}' is not a web address:{shown}", "a URL starting with https://"
    return (
        f"'{name}' is not a usable id:{shown}",
        "lowercase letters, digits, _ and -, like pain_duration",
    )


# pydantic error type -> (problem, expected) from the field name, the value shown and the context
_WORDED: dict[str, Callable[[str, str, Any], tuple[str, str | None]]] = {
    "literal_error": lambda name, shown, ctx: (f"'{name}' cannot be{shown}", ctx.get("expected")),
    "string_pattern_mismatch": _pattern,
    "string_too_short": lambda name, shown, ctx: (f"'{name}' is empty", "some text"),
    "string_too_long": lambda name, shown, ctx: (
        f"'{name}' is too long",
        f"at most {ctx.get('max_length')} characters",
    ),
    "too_short": lambda name, shown, ctx: (
        f"'{name}' is empty",
        f"at least {ctx.get('min_length')} item(s)",
    ),
    "too_long": lambda name, shown, ctx: (
        f"'{name}' has {ctx.get('actual_length')} items",
        f"at most {ctx.get('max_length')}",
    ),
}


def _field_name(loc: tuple[str | int, ...]) -> str:
    name = str(loc[-1]) if loc else "file"
    if name == "[key]":  # pydantic's marker for a mapping key
        name = f"key {str(loc[-2])!r}" if len(loc) > 1 else "key"
    return name


def shape_problem(err: Mapping[str, Any], root: type[BaseModel]) -> tuple[str, str | None, bool]:
    """(problem, expected, points at the key) for one pydantic error."""
    loc, kind, ctx = err["loc"], err["type"], err.get("ctx") or {}
    name = _field_name(loc)
    if kind == "missing":
        return f"missing '{name}'", f"a value for '{name}'", False
    if kind == "extra_forbidden":
        parent = _model_at(root, loc[:-1])
        fields = list(parent.model_fields) if parent else []
        return (
            f"unknown field '{name}'" + did_you_mean(name, fields),
            "one of: " + ", ".join(fields) if fields else None,
            True,
        )
    got = err.get("input")
    shown = "" if isinstance(got, dict | list) else f" {got!r}"
    if kind in _TYPE_WORDS:
        return f"'{name}' has the wrong type{shown}", _TYPE_WORDS[kind], False
    if kind in _WORDED:
        return (*_WORDED[kind](name, shown, ctx), False)
    return f"'{name}': {err['msg']}", None, False
