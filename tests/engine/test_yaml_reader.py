"""The line-tracking YAML reader parses the text once and builds the values from libyaml's events
itself. PyYAML's own composer is the reference: every value and key is marked where PyYAML's
node starts, aliases included, and the first problem is the one the two-pass reader gave (a
limit, then text that is not one YAML document, then a value that cannot be built)."""

from __future__ import annotations

import inspect
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml

from questionnaire.engine.load.yamlsource import ANSWERS_FILE, YamlProblem, read_yaml

ROOT = Path(__file__).resolve().parents[2]
KEY = yaml.CSafeLoader("")  # builds a key node's value as PyYAML would
FILES = ["rules.yaml", "rules.es.yaml", "studies.yaml", "offer.yaml", "scenarios/findings.yaml"]


def composer_marks(node: yaml.Node, path=(), values=None, keys=None):
    """Path -> 1-based (line, column) of every value and key, from PyYAML's composed nodes."""
    values = {} if values is None else values
    keys = {} if keys is None else keys
    values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(KEY.construct_object(key_node))
            keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            composer_marks(value_node, path + (key,), values, keys)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            composer_marks(item, path + (index,), values, keys)
    return values, keys


@pytest.mark.parametrize("name", FILES)
def test_every_value_and_key_is_marked_where_pyyamls_composer_puts_it(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    _, marks = read_yaml(text)
    values, keys = composer_marks(yaml.compose(text, Loader=yaml.CSafeLoader))
    assert marks.values == values
    assert marks.keys == keys


ALIASES = """\
base: &base {kind: single, choices: [&yes "yes", "no"]}
copy: *base
list:
  - *yes
  - &inner [1, 2]
  - *inner
"""


def test_an_alias_is_built_again_and_marked_at_its_anchor():
    data, marks = read_yaml(ALIASES)
    assert data == yaml.safe_load(ALIASES)
    assert data["copy"] is not data["base"]  # built again: changing one never changes the other
    yes = (1, ALIASES.index("&yes") + 1)  # a node starts at its anchor
    assert marks.values[("copy", "choices", 0)] == marks.values[("base", "choices", 0)] == yes
    assert marks.values[("list", 0)] == yes
    assert marks.values[("list", 2)] == marks.values[("list", 1)] == (5, 5)
    assert (marks.values, marks.keys) == composer_marks(yaml.compose(ALIASES))


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        # A later syntax error is named before an earlier duplicate key, as before.
        ("a: 1\na: 2\nb: [\n", "this is not valid YAML", 4),
        ("a: 1\na: 2\n", "duplicate key 'a' (first given on line 1)", 2),
        # Then an anchor named twice, an alias of nothing, a second document.
        ("a: 1\na: 2\nb: &x 1\nc: &x 2\n", "this is not valid YAML: second occurrence", 4),
        ("a: [1, 2]\nb: *nothing\n", "this is not valid YAML: found undefined alias", 2),
        ("a: 1\n---\nb: 2\n", "this is not valid YAML: but found another document", 2),
        # A node that contains itself is followed down until the nesting limit.
        ("a: 1\nb: &self [x, *self]\n", "nested more than 64 levels deep", 2),
        ("a: 1\n? [x]\n: 1\n", "a key must be plain text", 2),
        ("a: !!int\n", "cannot read this value: ''", 1),
    ],
    ids=[
        "syntax_before_duplicate",
        "duplicate",
        "anchor_twice",
        "undefined_alias",
        "two_documents",
        "contains_itself",
        "list_as_key",
        "int_tag_on_nothing",
    ],
)
def test_the_first_problem_is_named_at_its_line(text, problem, line):
    with pytest.raises(YamlProblem) as caught:
        read_yaml(text)
    assert problem in caught.value.message
    assert caught.value.line == line


def test_limits_come_before_every_other_problem():
    """Too deep at the end of the file is named before a duplicate key at its start."""
    text = "a: 1\na: 2\nb: " + "[" * 20 + "]" * 20 + "\n"
    read_yaml("a: 1\nb: " + "[" * 20 + "]" * 20 + "\n")  # deep enough for an answers file only
    with pytest.raises(YamlProblem) as caught:
        read_yaml(text, ANSWERS_FILE)
    assert "nested more than 16 levels deep" in caught.value.message
    assert caught.value.line == 3


def nested_anchors(anchored: int, levels: int = 60, values: int = 8_000) -> str:
    """`levels` mappings one inside the other, the outermost `anchored` of them anchored, and
    `values` numbers in a list at the bottom: every number is inside every anchor."""
    lines = [
        "  " * level + f"l{level}:" + (f" &a{level}" if level < anchored else "")
        for level in range(levels)
    ]
    lines.append("  " * levels + "v: [" + ", ".join(["1"] * values) + "]")
    return "\n".join(lines) + "\n"


def test_deeply_nested_anchors_and_their_aliases_are_read_as_pyyaml_composes_them():
    text = nested_anchors(60, values=5) + "all: *a0\nmiddle: *a30\ninner: *a59\nagain: *a58\n"
    data, marks = read_yaml(text)
    assert data == yaml.safe_load(text)
    assert (marks.values, marks.keys) == composer_marks(yaml.compose(text, Loader=yaml.CSafeLoader))
    inner = data["all"]
    for level in range(1, 60):
        inner = inner[f"l{level}"]
    assert inner == {"v": [1, 1, 1, 1, 1]}
    # Built again where it is named, and marked at its anchor: the line its node starts on.
    assert (
        marks.values[("inner", "v", 4)]
        == marks.values[("l0",) + tuple(f"l{level}" for level in range(1, 60)) + ("v", 4)]
    )


def test_an_alias_inside_an_alias_is_built_without_recursion():
    """61 aliases each naming a list that holds the one before: built with a stack of positions,
    not a call per alias, so the reader never runs into Python's recursion limit."""
    text = "a0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 62))
    expected = yaml.safe_load(text)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 40)  # the reader's own calls, not one per alias
    try:
        data, _ = read_yaml(text)
    finally:
        sys.setrecursionlimit(limit)
    assert data == expected


def peak_memory(text: str) -> int:
    tracemalloc.start()
    try:
        read_yaml(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_anchors_around_a_value():
    """3,000 values inside 60 nested anchors take no more memory
    than inside one: each event is kept once, not once per anchor still open (which took 41% more
    here). Counted in bytes allocated, so a busy machine cannot change it."""
    one = peak_memory(nested_anchors(1, values=3_000))
    sixty = peak_memory(nested_anchors(60, values=3_000))
    assert sixty < one * 1.1
