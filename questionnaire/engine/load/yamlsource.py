"""Read YAML into plain Python data while remembering where every value came from."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import QuestionnaireError, RuleProblem

# libyaml is much faster on big files; both keep line marks.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """How much a file may make the reader do: its size, values, nesting, aliases and time."""

    what: str  # named in messages: "a rule file", "an answers file"
    max_bytes: int
    max_nodes: int
    max_depth: int
    max_aliases: int
    max_seconds: float  # of the reading thread's CPU, so a busy machine refuses no file


# A rule file is a few hundred lines; these limits keep a hostile file from eating the machine.
RULE_FILE = Limits(
    "a rule file",
    max_bytes=2_000_000,
    max_nodes=200_000,
    max_depth=64,
    max_aliases=10_000,
    max_seconds=5.0,
)
# An answers file (an upload to the clinician preview) is a few dozen values: far tighter, so
# an upload costs milliseconds whatever it holds and cannot slow the patients' pages.
ANSWERS_FILE = Limits(
    "an answers file",
    max_bytes=64 * 1024,
    max_nodes=2_000,
    max_depth=16,
    max_aliases=0,
    max_seconds=0.25,
)
# Whole numbers beyond this are never a pain score, a count or a range bound; refusing them keeps
# every message that quotes a number short (and Python refuses to print ints over 4,300 digits).
MAX_INT = 10**15

_TAG = "tag:yaml.org,2002:"
_BOOL, _INT, _FLOAT, _STR = _TAG + "bool", _TAG + "int", _TAG + "float", _TAG + "str"
_MERGE, _VALUE = _TAG + "merge", _TAG + "value"
_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_EXPECTED = {
    _INT: f"a whole number between -{MAX_INT:,} and {MAX_INT:,}",
    _FLOAT: "a number",
    _TAG + "timestamp": "a real date written YYYY-MM-DD, such as 2026-11-23",
}


@dataclass
class Marks:
    """1-based (line, column) of every value and mapping key, by path."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The mark of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


class YamlProblem(QuestionnaireError):
    """The text is not YAML we accept; carries a 1-based line and column, and what would do."""

    def __init__(self, message: str, line: int = 1, column: int = 1, expected: str | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column
        self.expected = expected

    def at(self, name: str) -> RuleProblem:
        """The problem in file `name`, as every other problem in a file is told."""
        return RuleProblem(name, self.line, self.column, self.message, self.expected)


def _mark(node: yaml.Node | yaml.Event) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Builder:
    def __init__(self, limits: Limits, deadline: float) -> None:
        self.limits, self.deadline = limits, deadline
        self.marks = Marks()
        self.nodes = 0
        self._scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.nodes += 1
        limits = self.limits
        if self.nodes > limits.max_nodes:  # aliases, each built again, add to the events' count
            raise YamlProblem(_too_many_values(limits), *_mark(node))
        if depth > limits.max_depth:
            raise YamlProblem(
                f"the file is nested more than {limits.max_depth} levels deep", *_mark(node)
            )
        if self.nodes % 1024 == 0 and time.thread_time() > self.deadline:
            raise YamlProblem(
                "the file takes too long to read; is it the right file?", *_mark(node)
            )
        self.marks.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            self.check_tag(node)
            return self.build_mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node)
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self.build_scalar(node)

    def build_mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("a key must be plain text", *_mark(key_node))
            if key_node.tag == _MERGE or key_node.value == "<<":
                raise YamlProblem(
                    "merge keys ('<<') are not supported; write the fields out", *_mark(key_node)
                )
            key = str(self.build_scalar(key_node))
            if key in result:
                line, _ = self.marks.keys[path + (key,)]
                raise YamlProblem(
                    f"duplicate key '{key}' (first given on line {line})", *_mark(key_node)
                )
            self.marks.keys[path + (key,)] = _mark(key_node)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def check_tag(self, node: yaml.Node) -> None:
        if node.tag not in _TAGS:
            # The tag as typed, cut short: it is quoted back to whoever sent the file.
            raise YamlProblem(
                f"the tag '{node.tag[:60]}' is not allowed in {self.limits.what}; remove it",
                *_mark(node),
                "plain text, numbers, lists and mappings",
            )

    def build_scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR:  # most values: the text itself, as PyYAML would construct it
            return node.value
        # YAML 1.1 reads yes/no/on/off as booleans; a clinician typing `value: no` means the word.
        if node.tag == _BOOL and node.value.lower() not in ("true", "false"):
            return node.value
        if node.tag == _VALUE:  # a lone '=' is the text '='
            return node.value
        self.check_tag(node)
        if node.tag == _INT and len(node.value) > 40:  # never build a huge number at all
            raise self.unreadable(node, "this number is too big")
        try:
            value = self._scalars.construct_object(node)
        except yaml.YAMLError as exc:
            said = getattr(exc, "problem", None) or exc
            raise self.unreadable(node, f"cannot read this value: {said}") from None
        except (ValueError, OverflowError, TypeError):
            # Impossible dates (2026-02-30) or time zones; PyYAML lets datetime's errors through.
            raise self.unreadable(
                node, f"cannot read this value: '{node.value[:40]}' is not a real date"
            ) from None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            raise self.unreadable(node, "this number is too big")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.unreadable(node, f"'{node.value[:40]}' is not a finite number")
        return value

    @staticmethod
    def unreadable(node: yaml.ScalarNode, message: str) -> YamlProblem:
        return YamlProblem(message, *_mark(node), _EXPECTED.get(node.tag, "a plain value"))


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_VALUES = (*_OPEN, yaml.ScalarEvent)  # the events that become a value (a node)


def _check_events(text: str, limits: Limits, deadline: float) -> None:
    """Refuse deep nesting, many aliases, too many values or a slow file before composing:
    libyaml's composer recurses in C and can crash, and aliases are what makes a tiny file
    expand. Values are counted here too, so a file with too many is named as such before a
    busy machine's clock can run out on it (the time limit fired first under load)."""
    depth, too_deep, aliases, values = 0, False, 0, 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=_Loader)):  # does not recurse
            if too_deep:  # point at the first thing inside, as the line a person would look at
                raise YamlProblem(
                    f"the file is nested more than {limits.max_depth} levels deep", *_mark(event)
                )
            values += isinstance(event, _VALUES)
            if values > limits.max_nodes:
                raise YamlProblem(_too_many_values(limits), *_mark(event))
            if isinstance(event, _OPEN):
                depth += 1
                too_deep = depth > limits.max_depth + 1  # the top level is depth 1 here
            elif isinstance(event, _CLOSE):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > limits.max_aliases:
                    raise YamlProblem(_too_many_aliases(limits), *_mark(event))
            if count % 1024 == 0 and time.thread_time() > deadline:
                raise YamlProblem(
                    "the file takes too long to read; is it the right file?", *_mark(event)
                )
    except yaml.YAMLError:
        return  # compose reports syntax errors with their position


def _too_many_values(limits: Limits) -> str:
    return f"the file has more than {limits.max_nodes} values; is it the right file?"


def _too_many_aliases(limits: Limits) -> str:
    if not limits.max_aliases:
        return f"aliases ('*name') are not allowed in {limits.what}; write the values out"
    return f"the file uses more than {limits.max_aliases} aliases ('*name')"


def _text(data: bytes | str, limits: Limits) -> str:
    size = len(data)
    if size > limits.max_bytes:
        shown = (
            f"{limits.max_bytes // 1_000_000} MB"
            if limits.max_bytes >= 1_000_000
            else f"{limits.max_bytes // 1024} KB"
        )
        raise YamlProblem(f"the file is larger than {shown}")
    if isinstance(data, str):
        try:
            data.encode("utf-8")  # text read with surrogateescape holds lone surrogates
        except UnicodeEncodeError as exc:
            line = data[: exc.start].count("\n") + 1
            raise YamlProblem("the file is not valid UTF-8 text; save it as UTF-8", line) from None
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlProblem("the file is not valid UTF-8 text; save it as UTF-8", line) from None


def read_yaml(data: bytes | str, limits: Limits = RULE_FILE) -> tuple[object, Marks]:
    """Parse one YAML document into plain data and the marks of each value."""
    deadline = time.thread_time() + limits.max_seconds
    text = _text(data, limits)
    _check_events(text, limits, deadline)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = f"this is not valid YAML: {exc.problem or exc.context}"
        raise YamlProblem(problem, line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"this is not valid YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"the file is nested more than {limits.max_depth} levels deep") from None
    if node is None:
        raise YamlProblem("the file is empty")
    builder = _Builder(limits, deadline)
    return builder.build(node, (), 0), builder.marks
