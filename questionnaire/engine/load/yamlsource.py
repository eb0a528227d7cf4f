"""Read YAML into plain Python data while remembering where every value came from.

The text is parsed once: the values are built from libyaml's events as they arrive, with the
limits checked on the way (`_Reader`), rather than checked over the events and then composed
into nodes by a second parse (rules.yaml: 18 to 20 ms of CPU instead of 24 to 36 ms)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
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
_TIMESTAMP = _TAG + "timestamp"
_TOO_SLOW = "the file takes too long to read; is it the right file?"
_NO_MERGE = "merge keys ('<<') are not supported; write the fields out"
_EXPECTED = {
    _INT: f"a whole number between -{MAX_INT:,} and {MAX_INT:,}",
    _FLOAT: "a number",
    _TIMESTAMP: "a real date written YYYY-MM-DD, such as 2026-11-23",
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


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    if isinstance(mark, tuple):  # an event kept for aliases (_Reader.follow)
        return mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Open:
    """A mapping or list whose events are still arriving."""

    __slots__ = ("data", "path", "depth", "key")

    def __init__(self, data: dict[str, Any] | list[Any], path: Path, depth: int) -> None:
        self.data, self.path, self.depth = data, path, depth
        self.key: str | None = None  # in a mapping: the key whose value comes next


class _Reader:
    """One pass over libyaml's events: the limits, the values and their marks together.

    Problems are told as when the text was parsed twice (limits first, then composing, then
    building): a limit the text breaks, as the events arrive; then text that is not one YAML
    document (a syntax error, an undefined or repeated anchor, a second document); then the
    first value that cannot be built. An alias is built again from its anchor's events, kept
    once in one list however many anchors hold them (a bomb counts every value it expands to);
    a node that contains itself is built deeper each time until the nesting limit stops it, as
    PyYAML's composer makes it. No recursion follows the nesting or an alias (`build` keeps a
    stack of positions), so no file can crash the process."""

    def __init__(self, limits: Limits, deadline: float) -> None:
        self.limits, self.deadline = limits, deadline
        self.marks, self.result, self.stack = Marks(), None, list[_Open]()
        # The text's limits: its values (aliases not expanded), aliases and nesting.
        self.values, self.aliases, self.depth, self.too_deep = 0, 0, 0, False
        # Composing: the documents; the events kept while an anchored node is open, where each
        # anchor's start in them and (once its node is complete) end; the anchors still open.
        self.documents, self.events = 0, list[yaml.Event]()
        self.starts, self.ends = dict[str | None, int](), dict[str | None, int]()
        self.recording: list[tuple[int, str | None]] = []  # (depth outside, anchor)
        # Building: the values built (aliases built again), and the first problem of each kind.
        self.nodes = 0
        self.broken: YamlProblem | None = None  # not one YAML document
        self.failed: YamlProblem | None = None  # a value that cannot be built
        self.building = True  # until one of these two
        self.loader = _Loader("")  # the text's, once read() starts: resolves and builds scalars

    def read(self, text: str) -> Any:
        """The text's one document as plain data; YamlProblem if there is a problem."""
        self.loader = loader = _Loader(text)
        on: dict[type[yaml.Event], Callable[[Any], None]] = {
            yaml.ScalarEvent: self.on_value,
            yaml.MappingStartEvent: self.on_open,
            yaml.SequenceStartEvent: self.on_open,
            yaml.MappingEndEvent: self.on_close,
            yaml.SequenceEndEvent: self.on_close,
            yaml.AliasEvent: self.on_alias,
            yaml.DocumentStartEvent: self.on_document,
        }
        try:
            next_event: Callable[[], yaml.Event] = loader.get_event
            event, count = next_event(), 0
            while type(event) is not yaml.StreamEndEvent:
                if self.too_deep:  # point at the first thing inside, the line a person would see
                    raise YamlProblem(_too_deep(self.limits), *_mark(event))
                handle = on.get(type(event))
                if handle is not None:
                    handle(event)
                if count % 1024 == 0 and time.thread_time() > self.deadline:
                    raise YamlProblem(_TOO_SLOW, *_mark(event))
                event, count = next_event(), count + 1
        except yaml.YAMLError as exc:
            raise self.broken or _not_yaml(exc) from None
        finally:
            loader.dispose()
        if self.broken or self.failed:
            raise self.broken or self.failed  # type: ignore[misc]
        if not self.documents:
            raise YamlProblem("the file is empty")
        return self.result

    def on_value(self, event: yaml.NodeEvent) -> None:
        self.values += 1
        if self.values > self.limits.max_nodes:
            raise YamlProblem(_too_many_values(self.limits), *_mark(event))
        if event.anchor is not None:
            self.anchor(event)
        self.follow(event)

    def on_open(self, event: yaml.CollectionStartEvent) -> None:
        self.depth += 1
        self.too_deep = self.depth > self.limits.max_depth + 1  # the top level is depth 1 here
        self.on_value(event)

    def on_close(self, event: yaml.Event) -> None:
        self.depth -= 1
        self.follow(event)

    def on_alias(self, event: yaml.AliasEvent) -> None:
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            raise YamlProblem(_too_many_aliases(self.limits), *_mark(event))
        if event.anchor not in self.starts:
            self.stop(_composing("found undefined alias", event))
        self.follow(event)

    def on_document(self, event: yaml.Event) -> None:
        self.documents += 1
        if self.documents > 1:
            self.stop(_composing("but found another document", event))

    def anchor(self, event: yaml.NodeEvent) -> None:
        if event.anchor in self.starts:
            self.stop(_composing("second occurrence", event))
        self.starts[event.anchor] = len(self.events)  # the next event kept is the node's first
        outside = self.depth - isinstance(event, yaml.CollectionStartEvent)
        self.recording.append((outside, event.anchor))

    def stop(self, problem: YamlProblem) -> None:
        """The text is not one YAML document: no more building; the first such problem wins."""
        self.broken, self.building = self.broken or problem, False

    def follow(self, event: yaml.Event) -> None:
        """Keep the event while an anchored node is open; build until the first problem."""
        if self.recording:
            self.events.append(event)
            # Its (line, column) for libyaml's marks: two objects fewer for the collector to walk.
            event.start_mark, event.end_mark = _mark(event), None  # type: ignore[assignment]
            depth, anchor = self.recording[-1]
            if depth == self.depth and not isinstance(event, yaml.CollectionStartEvent):
                self.recording.pop()  # that node is complete
                self.ends[anchor] = len(self.events)
        if self.building:
            try:
                self.build(event)
            except YamlProblem as problem:
                self.failed, self.building = problem, False

    def build(self, event: yaml.Event) -> None:
        """Build the event, and an alias's anchored events again, each alias inside them too."""
        again: list[Iterator[int]] = [iter(span)] if (span := self.place(event)) else []
        while again:
            index = next(again[-1], None)
            if index is None:
                again.pop()  # that alias is built
            elif span := self.place(self.events[index]):
                again.append(iter(span))

    def place(self, event: yaml.Event) -> range | None:
        """Put the event's value where it goes; an alias (as a value) gives its anchor's events."""
        if isinstance(event, yaml.CollectionEndEvent):
            self.stack.pop()
            return None
        if not self.stack:  # the document itself (never an alias: no anchor is known yet)
            self.result = self.value(event, (), 0)
            return None
        parent = self.stack[-1]
        data = parent.data
        if isinstance(data, dict) and parent.key is None:
            self.key(parent, event)
        elif isinstance(event, yaml.AliasEvent):  # its node's events (so far, if it is open)
            return range(self.starts[event.anchor], self.ends.get(event.anchor, len(self.events)))
        elif isinstance(data, list):
            data.append(self.value(event, parent.path + (len(data),), parent.depth + 1))
        else:
            key, parent.key = str(parent.key), None
            data[key] = self.value(event, parent.path + (key,), parent.depth + 1)
        return None

    def value(self, event: yaml.Event, path: Path, depth: int) -> Any:
        self.nodes += 1
        limits = self.limits
        if self.nodes > limits.max_nodes:  # aliases, each built again, add to the events' count
            raise YamlProblem(_too_many_values(limits), *_mark(event))
        if depth > limits.max_depth:
            raise YamlProblem(_too_deep(limits), *_mark(event))
        if self.nodes % 1024 == 0 and time.thread_time() > self.deadline:
            raise YamlProblem(_TOO_SLOW, *_mark(event))
        self.marks.values[path] = _mark(event)
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, self.tag(event))
        assert isinstance(event, yaml.CollectionStartEvent)
        mapping = isinstance(event, yaml.MappingStartEvent)
        tag = event.tag if event.tag not in (None, "!") else _TAG + ("map" if mapping else "seq")
        self.check_tag(tag, event)
        data: dict[str, Any] | list[Any] = {} if mapping else []
        self.stack.append(_Open(data, path, depth))
        return data

    def key(self, parent: _Open, event: yaml.Event) -> None:
        if isinstance(event, yaml.AliasEvent):
            event = self.events[self.starts[event.anchor]]  # the first event of the node it names
        if not isinstance(event, yaml.ScalarEvent):
            raise YamlProblem("a key must be plain text", *_mark(event))
        tag = self.tag(event)
        if tag == _MERGE or event.value == "<<":
            raise YamlProblem(_NO_MERGE, *_mark(event))
        key = str(self.scalar(event, tag))
        path = parent.path + (key,)
        if key in parent.data:
            line, _ = self.marks.keys[path]
            raise YamlProblem(f"duplicate key '{key}' (first given on line {line})", *_mark(event))
        self.marks.keys[path] = _mark(event)
        parent.key = key

    def tag(self, event: yaml.ScalarEvent) -> str:
        """The tag PyYAML's composer gives the scalar, resolved once and kept on the event."""
        if event.tag is None or event.tag == "!":
            event.tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        return str(event.tag)

    def check_tag(self, tag: str, event: yaml.Event) -> None:
        if tag not in _TAGS:
            # The tag as typed, cut short: it is quoted back to whoever sent the file.
            raise YamlProblem(
                f"the tag '{tag[:60]}' is not allowed in {self.limits.what}; remove it",
                *_mark(event),
                "plain text, numbers, lists and mappings",
            )

    def scalar(self, event: yaml.ScalarEvent, tag: str) -> Any:
        text = event.value
        # Text as typed: most values; yes/no/on/off, which YAML 1.1 reads as booleans (a
        # clinician typing `value: no` means the word); and a lone '='.
        if tag == _STR or tag == _VALUE or (tag == _BOOL and text.lower() not in ("true", "false")):
            return text
        self.check_tag(tag, event)
        if tag == _INT and len(text) > 40:  # never build a huge number at all
            raise _unreadable(event, tag, "this number is too big")
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]
        try:
            value = self.loader.construct_object(node)
        except yaml.YAMLError as exc:
            said = getattr(exc, "problem", None) or exc
            raise _unreadable(event, tag, f"cannot read this value: {said}") from None
        except (ValueError, OverflowError, TypeError, IndexError, AttributeError):
            # PyYAML lets Python's errors through: impossible dates (2026-02-30) and time zones,
            # and an explicit tag on text that is not of its type (`!!int 12x`, `!!int` alone).
            said = " is not a real date" if tag == _TIMESTAMP else ""
            raise _unreadable(event, tag, f"cannot read this value: '{text[:40]}'{said}") from None
        self.loader.constructed_objects.clear()  # PyYAML keeps every node, for aliases: not here
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            raise _unreadable(event, tag, "this number is too big")
        if isinstance(value, float) and not math.isfinite(value):
            raise _unreadable(event, tag, f"'{text[:40]}' is not a finite number")
        return value


def _unreadable(event: yaml.ScalarEvent, tag: str, message: str) -> YamlProblem:
    return YamlProblem(message, *_mark(event), _EXPECTED.get(tag, "a plain value"))


def _composing(problem: str, event: yaml.Event) -> YamlProblem:
    return YamlProblem(f"this is not valid YAML: {problem}", *_mark(event))


def _not_yaml(exc: yaml.YAMLError) -> YamlProblem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return YamlProblem(f"this is not valid YAML: {exc.problem or exc.context}", line, col)
    return YamlProblem(f"this is not valid YAML: {exc}")


def _too_deep(limits: Limits) -> str:
    return f"the file is nested more than {limits.max_depth} levels deep"


def _too_many_values(limits: Limits) -> str:
    return f"the file has more than {limits.max_nodes} values; is it the right file?"


def _too_many_aliases(limits: Limits) -> str:
    if not limits.max_aliases:
        return f"aliases ('*name') are not allowed in {limits.what}; write the values out"
    return f"the file uses more than {limits.max_aliases} aliases ('*name')"


def _text(data: bytes | str, limits: Limits) -> str:
    if len(data) > limits.max_bytes:
        mb = limits.max_bytes >= 1_000_000
        shown = f"{limits.max_bytes // 1_000_000} MB" if mb else f"{limits.max_bytes // 1024} KB"
        raise YamlProblem(f"the file is larger than {shown}")
    # Text read with surrogateescape holds lone surrogates: as bytes, they are not UTF-8.
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem("the file is not valid UTF-8 text; save it as UTF-8", line) from None


def read_yaml(data: bytes | str, limits: Limits = RULE_FILE) -> tuple[object, Marks]:
    """Parse one YAML document into plain data and the marks of each value."""
    reader = _Reader(limits, time.thread_time() + limits.max_seconds)
    return reader.read(_text(data, limits)), reader.marks
