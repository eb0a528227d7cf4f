"""Read YAML into plain Python data while remembering where every value came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:  # libyaml is much faster on big files; both keep line marks.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

Path = tuple[str | int, ...]

# A rule file is a few hundred lines; these limits keep a hostile file from eating the machine.
MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64

_BOOL = "tag:yaml.org,2002:bool"
_TAGS = {f"tag:yaml.org,2002:{name}"
         for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


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


class YamlProblem(Exception):
    """The text is not YAML we accept; carries a 1-based line and column."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self) -> None:
        self.marks = Marks()
        self.nodes = 0
        self._scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path, depth: int):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlProblem(f"the file has more than {MAX_NODES} values; is it the right file?",
                              *_mark(node))
        if depth > MAX_DEPTH:
            raise YamlProblem(f"the file is nested more than {MAX_DEPTH} levels deep", *_mark(node))
        self.marks.values[path] = _mark(node)
        if node.tag not in _TAGS:
            raise YamlProblem(f"the tag '{node.tag}' is not allowed in a rule file; remove it",
                              *_mark(node))
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlProblem("a key must be plain text", *_mark(key_node))
                key = str(self.build_scalar(key_node))
                if key == "<<":
                    raise YamlProblem("merge keys ('<<') are not supported; write the fields out",
                                      *_mark(key_node))
                if key in result:
                    line, _ = self.marks.keys[path + (key,)]
                    raise YamlProblem(f"duplicate key '{key}' (first given on line {line})",
                                      *_mark(key_node))
                self.marks.keys[path + (key,)] = _mark(key_node)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.build_scalar(node)

    def build_scalar(self, node: yaml.ScalarNode):
        # YAML 1.1 reads yes/no/on/off as booleans; a clinician typing `value: no` means the word.
        if node.tag == _BOOL and node.value.lower() not in ("true", "false"):
            return node.value
        try:
            return self._scalars.construct_object(node)
        except yaml.YAMLError as exc:
            problem = f"cannot read this value: {exc.problem or exc}"
            raise YamlProblem(problem, *_mark(node)) from None


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_depth(text: str) -> None:
    """Refuse deep nesting before composing: libyaml's composer recurses in C and can crash."""
    depth, too_deep = 0, False
    try:
        for event in yaml.parse(text, Loader=_Loader):  # the parser itself does not recurse
            if too_deep:  # point at the first thing inside, as the line a person would look at
                raise YamlProblem(f"the file is nested more than {MAX_DEPTH} levels deep",
                                  *_mark(event))
            if isinstance(event, _OPEN):
                depth += 1
                too_deep = depth > MAX_DEPTH + 1  # the top level is depth 1 here, 0 below
            elif isinstance(event, _CLOSE):
                depth -= 1
    except yaml.YAMLError:
        return  # compose reports syntax errors with their position


def read_yaml(data: bytes | str) -> tuple[object, Marks]:
    """Parse one YAML document into plain data and the marks of each value."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise YamlProblem(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise YamlProblem("the file is not valid UTF-8 text; save it as UTF-8", line) from None
    elif len(data) > MAX_BYTES:
        raise YamlProblem(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
    _check_depth(data)
    try:
        node = yaml.compose(data, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = f"this is not valid YAML: {exc.problem or exc.context}"
        raise YamlProblem(problem, line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"this is not valid YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"the file is nested more than {MAX_DEPTH} levels deep") from None
    if node is None:
        raise YamlProblem("the file is empty")
    builder = _Builder()
    return builder.build(node, (), 0), builder.marks
