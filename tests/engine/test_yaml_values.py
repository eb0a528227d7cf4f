"""Every kind of value PyYAML can build, in a rule file: a file:line:col problem, never a crash.

Impossible dates and numbers over 4,300 digits used to escape as Python errors (a traceback
from `rules check`, exit 1). Each value below replaces the review date of the shipped rules
(`reviewed: ...`) or the pain scale's `max: 10`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from questionnaire.engine import RulesError, loads_rules
from questionnaire.engine.load.yamlsource import ANSWERS_FILE, YamlProblem, read_yaml

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")
REVIEWED = re.search(r"reviewed: \S+", SRC).group(0)  # such as "reviewed: 2026-11-23"
MAX = "        max: 10\n"

HUGE = "9" * 5000

VALUES = [
    pytest.param(
        REVIEWED,
        "reviewed: 2026-13-45",
        "'2026-13-45' is not a real date",
        "a real date",
        id="month_13",
    ),
    pytest.param(
        REVIEWED,
        "reviewed: 2026-02-30",
        "'2026-02-30' is not a real date",
        "a real date",
        id="february_30",
    ),
    pytest.param(
        REVIEWED, "reviewed: 2026-11-23 25:61:00", "is not a real date", "a real date", id="hour_25"
    ),
    pytest.param(
        REVIEWED,
        "reviewed: 2026-11-23T10:00:00+99:00",
        "is not a real date",
        "a real date",
        id="time_zone_99_hours",
    ),
    pytest.param(
        REVIEWED, "reviewed: 0000-01-01", "is not a real date", "a real date", id="year_0"
    ),
    pytest.param(
        MAX, f"        max: {HUGE}\n", "this number is too big", "a whole number", id="5000_digits"
    ),
    pytest.param(
        MAX,
        "        max: 0x" + "f" * 5000 + "\n",
        "this number is too big",
        "a whole number",
        id="5000_hex_digits",
    ),
    pytest.param(
        MAX,
        "        max: 10000000000000000\n",
        "this number is too big",
        "a whole number",
        id="over_10_to_15",
    ),
    pytest.param(MAX, "        max: .nan\n", "'.nan' is not a finite number", "a number", id="nan"),
    pytest.param(
        MAX,
        "        max: -.inf\n",
        "'-.inf' is not a finite number",
        "a number",
        id="minus_infinity",
    ),
    pytest.param(
        MAX, "        max: 1.0e+999\n", "is not a finite number", "a number", id="float_overflow"
    ),
    pytest.param(
        MAX,
        "        max: !!binary AAAA\n",
        "tag 'tag:yaml.org,2002:binary' is not allowed in a rule file",
        "plain text",
        id="binary",
    ),
    pytest.param(
        MAX,
        "        max: !!set {1, 2}\n",
        "tag 'tag:yaml.org,2002:set' is not",
        "plain text",
        id="set",
    ),
    pytest.param(
        MAX,
        "        max: !!omap [a: 1]\n",
        "tag 'tag:yaml.org,2002:omap' is not",
        "plain text",
        id="omap",
    ),
    pytest.param(
        MAX,
        "        max: !!pairs [a: 1]\n",
        "tag 'tag:yaml.org,2002:pairs' is not",
        "plain text",
        id="pairs",
    ),
    pytest.param(
        MAX,
        "        ? !!binary AAAA\n        : 10\n",
        "tag 'tag:yaml.org,2002:binary'",
        "plain text",
        id="binary_key",
    ),
]


@pytest.mark.parametrize(("old", "new", "problem", "expected"), VALUES)
def test_every_yaml_value_is_a_located_problem_with_what_was_expected(old, new, problem, expected):
    assert old in SRC
    text = SRC.replace(old, new, 1)
    line = SRC[: SRC.index(old)].count("\n") + 1

    with pytest.raises(RulesError) as caught:
        loads_rules(text, "rules.yaml", verify=False)

    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 1, shown
    assert shown[0].startswith(f"rules.yaml:{line}:"), shown
    assert problem in shown[0] and f"(expected {expected}" in shown[0], shown
    assert len(shown[0]) < 300, "a message never quotes a huge value back in full"


@pytest.mark.slow  # a subprocess; the february_30 case above reads the same value in-process
def test_rules_check_says_file_line_column_and_exits_2_for_an_impossible_date(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(SRC.replace(REVIEWED, "reviewed: 2026-02-30", 1), encoding="utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "rules", "check", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2, done.stderr
    line = SRC[: SRC.index(REVIEWED)].count("\n") + 1
    column = SRC.splitlines()[line - 1].index(":") + 3
    assert (
        f"{path}:{line}:{column}: cannot read this value: '2026-02-30' is not a real date "
        "(expected " in done.stdout + done.stderr
    )
    assert "Traceback" not in done.stdout + done.stderr


def test_text_read_with_lone_surrogates_is_not_utf8_not_a_crash():
    """`rules eval -` under a C locale reads bad bytes as lone surrogates."""
    with pytest.raises(YamlProblem) as caught:
        read_yaml("pain_area: caf\udce9\n")
    assert "not valid UTF-8" in caught.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: &x [1]\nb: *x\n", "aliases ('*name') are not allowed in an answers file"),
        ("x: " + "[" * 20 + "]" * 20, "nested more than 16 levels deep"),
        ("[" + "1, " * 3000 + "]", "more than 2000 values"),
        ("x: '" + "a" * 70_000 + "'", "larger than 64 KB"),
    ],
    ids=["alias", "deep", "many_values", "big"],
)
def test_an_answers_file_is_held_to_far_tighter_limits_than_a_rule_file(text, fragment):
    read_yaml(text)  # a rule file may do all of this
    with pytest.raises(YamlProblem) as caught:
        read_yaml(text, ANSWERS_FILE)
    assert fragment in caught.value.message
