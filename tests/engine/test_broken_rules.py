"""Broken rule files: each is a small edit of the shipped rules.yaml, and each must be refused
with a message that points at the right line and says what is wrong."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from questionnaire.engine import RulesError, loads_rules

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")
VERSION = re.search(r'^  version: "([^"]+)"', SRC, re.M).group(1)  # the shipped one


def mutate(text: str, *edits: tuple[str, str]) -> str:
    """Apply each (old, new) edit once; the old text must be there, so no test passes by luck."""
    for old, new in edits:
        assert old in text, f"the shipped rules.yaml no longer contains {old!r}; update the test"
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, marker: str, occurrence: int | None = None) -> int:
    """1-based line that contains `marker`: the only one, or the n-th (1-based, -1 for last)."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    if occurrence is None:
        assert len(found) == 1, f"{marker!r} is on lines {found}; expected exactly one"
        return found[0]
    assert found, f"{marker!r} is not in the text"
    return found[occurrence - 1 if occurrence > 0 else occurrence]


def problems_of(text: str | bytes) -> tuple:
    with pytest.raises(RulesError) as caught:
        loads_rules(text, "rules.yaml")
    return caught.value.problems


def assert_reported(problems, line: int, fragment: str) -> None:
    shown = "\n".join(str(p) for p in problems)
    assert any(p.line == line and fragment in str(p) for p in problems), (
        f"expected a problem on line {line} containing {fragment!r}; got:\n{shown}"
    )
    assert all(p.file == "rules.yaml" for p in problems)


class Case(NamedTuple):
    id: str
    old: str
    new: str
    marker: str  # text on the line the problem must point at, in the edited file
    fragment: str  # may contain {first}: the line of `first` in the edited file
    occurrence: int | None = None
    first: str | None = None


CRITERIA_BLOCK = SRC[SRC.find("\ncriteria:\n") + 1 : SRC.find("\nsteps:\n") + 1]
DISCUSS_RULE = "    outcome: discuss\n"  # the one rule that proposes `discuss`

CASES = [
    # --- YAML itself
    Case(
        "invalid_yaml",
        "  title: Stem cells for",
        "  title: Stem cells: for",
        "cells: for",
        "this is not valid YAML: mapping values are not allowed",
    ),
    Case(
        "duplicate_key",
        f'  version: "{VERSION}"\n',
        f'  version: "{VERSION}"\n  version: "9.9.9"\n',
        'version: "9.9.9"',
        "duplicate key 'version' (first given on line {first})",
        first=f'version: "{VERSION}"',
    ),
    Case(
        "tab_indent",
        "  reviewed: 2026-12-06\n",
        "\treviewed: 2026-12-06\n",
        "\treviewed:",
        "this is not valid YAML",
    ),
    Case(
        "bad_indent",
        "      - id: pain_area\n        type: single\n",
        "      - id: pain_area\n          type: single\n",
        "          type: single",
        "this is not valid YAML",
    ),
    # --- sections and fields
    Case(
        "unknown_section",
        "\npages:\n",
        "\npagse:\n",
        "pagse:",
        "unknown section 'pagse'; did you mean 'pages'?",
    ),
    Case("missing_section", CRITERIA_BLOCK, "", "meta:", "missing section 'criteria'"),
    Case(
        "misspelt_question_field",
        "        prompt: Where is your pain?",
        "        promt: Where is your pain?",
        "promt:",
        "unknown field 'promt'; did you mean 'prompt'?",
    ),
    Case(
        "version_is_a_list",
        f'  version: "{VERSION}"',
        f'  version: ["{VERSION}"]',
        f'version: ["{VERSION}"]',
        "'version' has the wrong type (expected text)",
    ),
    Case(
        "min_is_text",
        "        min: 0\n",
        "        min: zero\n",
        "min: zero",
        "'min' has the wrong type 'zero' (expected a whole number)",
    ),
    # --- conditions
    Case(
        "unknown_question_in_condition",
        "when: {q: pain_intensity, at_most: 3}",
        "when: {q: pain_intensty, at_most: 3}",
        "pain_intensty",
        "unknown question 'pain_intensty'; did you mean 'pain_intensity'?",
    ),
    Case(
        "unknown_choice_in_condition",
        "when: {q: pain_duration, is: under_3_months}",
        "when: {q: pain_duration, is: under_3_month}",
        "is: under_3_month}",
        "'under_3_month' is not a choice of 'pain_duration'; did you mean 'under_3_months'?",
    ),
    Case(
        "unknown_operator",
        "has_any: [bladder_bowel, saddle_numbness, sexual_function]",
        "has_anyy: [bladder_bowel, saddle_numbness, sexual_function]",
        "has_anyy",
        "unknown operator 'has_anyy'; did you mean 'has_any'?",
    ),
    Case(
        "has_on_single_choice",
        "when: {q: pain_pattern, is: mostly_limb}",
        "when: {q: pain_pattern, has: mostly_limb}",
        "has: mostly_limb",
        "'has' does not fit the single question 'pain_pattern'",
    ),
    Case(
        "at_least_on_unordered_single",
        "when: {q: pain_pattern, is: mostly_limb}",
        "when: {q: pain_pattern, at_least: mostly_limb}",
        "at_least: mostly_limb",
        "its choices are not marked `ordered: true`",
    ),
    Case(
        "is_on_multi_select",
        "when: {q: warning_signs, has: fever}",
        "when: {q: warning_signs, is: fever}",
        "is: fever",
        "'is' does not fit the multi question 'warning_signs'",
    ),
    Case(
        "integer_out_of_range",
        "when: {q: pain_intensity, at_most: 3}",
        "when: {q: pain_intensity, at_most: 11}",
        "at_most: 11",
        "11 is outside the range of 'pain_intensity' (expected a whole number from 0 to 10)",
    ),
    Case(
        "between_reversed",
        "when: {q: pain_intensity, at_most: 3}",
        "when: {q: pain_intensity, between: [3, 0]}",
        "between: [3, 0]",
        "'between' runs from 3 down to 0 (expected the lower value first)",
    ),
    Case(
        "show_if_on_later_question",
        "show_if: {not: {q: treatments_tried, has: none}}",
        "show_if: {q: health_conditions, has: none}",
        "show_if: {q: health_conditions",
        "show_if uses 'health_conditions', which is not asked before this question",
    ),
    # --- ids and references
    Case(
        "duplicate_rule_id",
        "  - id: mild_pain\n",
        "  - id: pain_under_3_months\n",
        "- id: pain_under_3_months",
        "duplicate rule id 'pain_under_3_months' (first on line {first})",
        occurrence=2,
        first="- id: pain_under_3_months",
    ),
    Case(
        "duplicate_question_id",
        "      - id: pain_pattern\n",
        "      - id: pain_area\n",
        "- id: pain_area",
        "duplicate question id 'pain_area' (first on line {first})",
        occurrence=-1,
        first="- id: pain_area",
    ),
    Case(
        "duplicate_choice",
        "{value: fair, label: Fair}",
        "{value: good, label: Fair}",
        "{value: good, label: Fair}",
        "duplicate choice 'good' in 'overall_health'",
    ),
    Case(
        "unknown_outcome",
        "    outcome: usually_excluded\n",
        "    outcome: usualy_excluded\n",
        "usualy_excluded",
        "unknown outcome 'usualy_excluded'; did you mean 'usually_excluded'?",
    ),
    Case(
        "unknown_source",
        "    source: [asra-2018]\n",
        "    source: [asra-2081]\n",
        "asra-2081",
        "unknown source 'asra-2081'; did you mean 'asra-2018'?",
    ),
    Case(
        "unknown_criterion",
        "      criterion: cost\n",
        "      criterion: costs\n",
        "criterion: costs",
        "unknown criterion 'costs'; did you mean 'cost'?",
    ),
    # --- meaning
    Case(
        "multi_select_without_exclusive_none",
        "on our list apply to you\n            exclusive: true\n",
        "on our list apply to you\n",
        "- value: pregnant",
        "multi-select 'health_conditions' needs one exclusive 'none' choice",
    ),
    Case(
        "outcome_no_rule_names",
        DISCUSS_RULE,
        "    outcome: not_yet\n",
        "- id: discuss",
        "no rule can reach outcome 'discuss'",
    ),
    Case(
        "stop_outcome_after_non_stop",
        "  - id: emergency\n    urgency: emergency\n    stop: true\n",
        "  - id: emergency\n    urgency: emergency\n    stop: false\n",
        "    stop: true",
        "stopping outcome 'urgent' comes after 'emergency', which does not stop",
    ),
    Case(
        "rule_with_neither_outcome_nor_finding",
        DISCUSS_RULE,
        "",
        "- id: general_criteria_may_apply",
        "rule 'general_criteria_may_apply' has neither an outcome nor a finding",
    ),
    Case(
        "missing_consult_note",
        "  - id: consult\n",
        "  - id: consulting\n",
        "- id: regulatory",
        "missing the 'consult' note",
    ),  # at the list's first note
    Case(
        "note_shown_first_after_one_that_is_not",  # the page order is the file's order
        "    title: What studies have found\n",
        "    title: What studies have found\n    show: first # before the findings\n",
        "show: first # before the findings",
        "note 'evidence' is shown first, before the findings, but comes after note 'consult'",
    ),
    Case(
        "more_than_four_next_steps",
        "      - Do not drive yourself.\n",
        "      - Do not drive yourself.\n      - One.\n      - Two.\n      - Three.\n",
        "- Do not drive yourself.",
        "'next_steps' has 5 items (expected at most 4)",
    ),
]


def test_the_shipped_rules_load():
    """The baseline every case below edits: without the edit, nothing is wrong."""
    assert loads_rules(SRC, "rules.yaml").file.meta.version


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_rule_file_is_refused_at_the_right_line(case: Case):
    text = mutate(SRC, (case.old, case.new))
    first = line_of(text, case.first, 1) if case.first else None
    problems = problems_of(text)
    assert_reported(
        problems, line_of(text, case.marker, case.occurrence), case.fragment.format(first=first)
    )


# --- Files that are not rule files at all -----------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n"
    for a, b in zip("abcdefghi", "bcdefghij", strict=True)
)
DEEP_FLOW = "meta: " + "[" * 200 + "]" * 200 + "\n"
DEEP_BLOCK = "meta:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(100))
NOT_UTF8 = SRC.encode("utf-8").replace(b"label: Lower back,", b"label: Lower b\xe4ck,", 1)

HOSTILE = [
    pytest.param(NOT_UTF8, "Lower b", "not valid UTF-8 text", id="not_utf8"),
    pytest.param("", None, "the file is empty", id="empty"),
    pytest.param("# nothing but a comment\n", None, "the file is empty", id="only_a_comment"),
    pytest.param(BOMB, "&a [", "more than 200000 values", id="billion_laughs"),
    pytest.param(DEEP_FLOW, "meta:", "nested more than 64 levels deep", id="deep_flow_nesting"),
    pytest.param(DEEP_BLOCK, "k64:", "nested more than 64 levels deep", id="deep_block_nesting"),
    pytest.param("- meta\n- rules\n", None, "the file must be a mapping", id="top_level_list"),
]


@pytest.mark.parametrize(("data", "marker", "fragment"), HOSTILE)
def test_hostile_or_empty_file_is_refused_quickly(data, marker, fragment):
    if isinstance(data, bytes):
        assert b"\xe4" in data, "the mutation did not apply"
        line = data[: data.index(b"\xe4")].count(b"\n") + 1
        assert line == line_of(SRC, "label: Lower back,")
    else:
        line = line_of(data, marker, 1) if marker else 1
    started = time.perf_counter()
    problems = problems_of(data)
    assert time.perf_counter() - started < 2
    assert len(problems) == 1
    assert_reported(problems, line, fragment)


def test_very_deep_nesting_is_refused_without_crashing_the_process():
    """A few hundred kilobytes of '[' must give a message, not kill the process."""
    code = (
        "from questionnaire.engine import RulesError, loads_rules\n"
        "try:\n"
        "    loads_rules('meta: ' + '[' * 100000 + ']' * 100000 + '\\n')\n"
        "except RulesError as exc:\n"
        "    print(exc.problems[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"exit status {done.returncode}; stderr: {done.stderr[-500:]}"
    assert "nested more than 64 levels deep" in done.stdout


# --- Several problems at once -----------------------------------------------------------------

THREE_EDITS = (
    ("{value: fair, label: Fair}", "{value: good, label: Fair}"),
    (
        "has_any: [bladder_bowel, saddle_numbness, sexual_function]",
        "has_anyy: [bladder_bowel, saddle_numbness, sexual_function]",
    ),
    ("    source: [asra-2018]\n", "    source: [asra-2081]\n"),
)


def test_every_problem_in_a_file_is_reported_at_once_sorted_by_line():
    text = mutate(SRC, *THREE_EDITS)
    problems = problems_of(text)
    expected_lines = [
        line_of(text, marker) for marker in ("{value: good, label: Fair}", "has_anyy", "asra-2081")
    ]
    assert [p.line for p in problems] == sorted(expected_lines)
    assert [p.line for p in problems] == expected_lines  # the edits run down the file
    for problem, fragment in zip(
        problems, ("duplicate choice 'good'", "unknown operator", "unknown source"), strict=True
    ):
        assert fragment in problem.problem


def test_the_error_lists_every_problem_in_file_line_column_form():
    with pytest.raises(RulesError) as caught:
        loads_rules(mutate(SRC, *THREE_EDITS), "rules.yaml")
    error = caught.value
    assert str(error).startswith("3 problems in the rule file:\n")
    for problem in error.problems:
        text = str(problem)
        assert text.startswith(f"rules.yaml:{problem.line}:{problem.column}: {problem.problem}")
        assert re.fullmatch(r"rules\.yaml:\d+:\d+: .+ \(expected .+\)", text), text
        assert text.endswith(f" (expected {problem.expected})")
        assert f"  {text}" in str(error)


def test_messages_name_the_file_they_were_given():
    with pytest.raises(RulesError) as caught:
        loads_rules(mutate(SRC, THREE_EDITS[0]), "clinic/rules-v2.yaml")
    problems = caught.value.problems
    assert [str(p).split(":")[0] for p in problems] == ["clinic/rules-v2.yaml"]


# --- One mistake, one message -----------------------------------------------------------------

LOCAL_MISTAKES = [
    pytest.param(
        ("        prompt: Where is your pain?", "        promt: Where is your pain?"),
        id="misspelt_field_in_a_question",
    ),
    pytest.param(("        min: 0\n", "        min: zero\n"), id="wrong_type_in_a_question"),
    pytest.param(
        (
            "      - Do not drive yourself.\n",
            "      - Do not drive yourself.\n      - One.\n      - Two.\n      - Three.\n",
        ),
        id="too_many_actions_in_an_outcome",
    ),
]


@pytest.mark.parametrize("edit", LOCAL_MISTAKES)
def test_a_mistake_inside_one_item_does_not_make_other_ids_unknown(edit):
    """A typo in one question must not report every question of its step as unknown, and a
    mistake in one outcome must not report every rule that names it as naming an unknown one."""
    problems = problems_of(mutate(SRC, edit))
    bogus = [
        str(p) for p in problems if p.problem.startswith(("unknown question", "unknown outcome"))
    ]
    assert not bogus, "\n".join(bogus)
