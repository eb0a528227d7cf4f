"""`flask rules check|eval|verify|test` (design.md section 5): exit 0 ok, 1 failed, 2 bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules.yaml"
SCENARIOS = ROOT / "scenarios"

# Three independent mistakes in a copy of rules.yaml: (text in the file, replacement).
BREAKAGES = [
    ('when: {q: diagnosis, is: "no"}', 'when: {q: diagnosys, is: "no"}'),  # unknown question
    (
        "when: {q: pain_intensity, at_most: 3}\n    outcome: not_yet",
        "when: {q: pain_intensity, at_most: 3}\n    outcome: not_soon",
    ),  # unknown outcome
    (
        "    source: [respine-2024, mesoblast-2026]\n",
        "    source: [respine-2042, mesoblast-2026]\n",
    ),  # unknown source
]

GENERAL_RULE = "  - id: general_criteria_may_apply\n"  # the rule that proposes `discuss`

DISCUSS_YAML = """\
# The answers of someone the general criteria may apply to.
warning_signs: [none]
age: 45
pain_area: lower_back
pain_duration: 1_to_5_years
pain_pattern: mostly_back
pain_intensity: 6
diagnosis: yes_imaging
disc_count: one
treatments_tried:
  - physical_therapy
  - pain_medication
treatment_duration: over_6_months
treatment_relief: little_or_none
previous_procedures: [none]
health_conditions: [none]
overall_health: good
payment: self_pay_possible
clinical_trial: "yes"
travel: "yes"
"""


def invoke(runner, *args: str, input: str | None = None):
    """Run `flask rules ...`; an unexpected exception fails the test with its own traceback."""
    result = runner.invoke(args=["rules", *args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def line_of(text: str, fragment: str) -> int:
    """1-based line on which `fragment` starts in `text`."""
    assert fragment in text, fragment
    return text[: text.index(fragment)].count("\n") + 1


@pytest.fixture()
def broken_rules(tmp_path) -> tuple[Path, list[int]]:
    """A copy of rules.yaml with three mistakes, and the line of each."""
    text = RULES.read_text(encoding="utf-8")
    for old, new in BREAKAGES:
        assert text.count(old) == 1, f"rules.yaml changed; update BREAKAGES: {old!r}"
        text = text.replace(old, new)
    path = tmp_path / "broken-rules.yaml"
    path.write_text(text, encoding="utf-8")
    lines = [line_of(text, new.strip().splitlines()[-1]) for _, new in BREAKAGES]
    return path, lines


@pytest.fixture()
def answers_file(tmp_path, discuss_answers):
    def write(name: str, content: str | dict) -> Path:
        path = tmp_path / name
        path.write_text(
            content if isinstance(content, str) else json.dumps(content), encoding="utf-8"
        )
        return path

    return write


# --- rules check ----------------------------------------------------------------------------


def test_check_accepts_the_shipped_rules_by_default(runner):
    result = invoke(runner, "check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")
    assert str(RULES) in result.output
    assert "17 questions, 5 outcomes" in result.output


def test_check_accepts_an_explicit_rule_file(runner, tmp_path):
    copy = tmp_path / "copy.yaml"
    copy.write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    spanish = RULES.with_name("rules.es.yaml").read_text(encoding="utf-8")
    (tmp_path / "copy.es.yaml").write_text(spanish, encoding="utf-8")
    result = invoke(runner, "check", str(copy))
    assert result.exit_code == 0, result.output
    assert f"OK: {copy}" in result.output


def test_check_says_how_many_texts_each_language_has(runner):
    result = invoke(runner, "check")
    counts = re.search(r"Texts: en (\d+), es (\d+)", result.output)
    assert counts, result.output
    assert int(counts[1]) == int(counts[2]) > 300


def test_check_refuses_a_rule_file_without_its_spanish(runner, tmp_path):
    copy = tmp_path / "copy.yaml"
    copy.write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke(runner, "check", str(copy))
    assert result.exit_code == 2
    assert f"{tmp_path / 'copy.es.yaml'}:1:1: cannot read the es translation" in result.output


def test_check_lists_every_problem_with_file_line_and_column(runner, broken_rules):
    path, lines = broken_rules
    result = invoke(runner, "check", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "3 problems" in result.output
    for line, word in zip(lines, ["diagnosys", "not_soon", "respine-2042"], strict=True):
        assert re.search(rf"{re.escape(str(path))}:{line}:\d+: .*'{word}'", result.output), (
            line,
            result.output,
        )


def test_check_of_a_missing_file_is_bad_input(runner, tmp_path):
    result = invoke(runner, "check", str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2
    assert "nowhere.yaml" in result.output


# --- rules eval -----------------------------------------------------------------------------


def test_eval_of_a_json_file_prints_the_outcome_and_trace(runner, answers_file, discuss_answers):
    path = answers_file("answers.json", {"answers": discuss_answers})
    result = invoke(runner, "eval", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Outcome: discuss - ")
    assert "MATCH general_criteria_may_apply" in result.output
    assert "Rules version" in result.output.splitlines()[-1]


def test_eval_of_a_yaml_file_reads_yaml(runner, answers_file):
    result = invoke(runner, "eval", str(answers_file("answers.yaml", DISCUSS_YAML)))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Outcome: discuss - ")


def test_eval_reads_answers_from_stdin(runner):
    result = invoke(runner, "eval", "-", input='{"warning_signs": ["bladder_bowel"]}')
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Outcome: emergency - ")
    assert "stopped after step 'warning_signs'" in result.output


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(None, id="discuss"),
        pytest.param({"warning_signs": ["fever"]}, id="urgent-stopped-early"),
        pytest.param({"treatments_tried": ["none"]}, id="not-yet-with-dropped-answers"),
    ],
)
def test_eval_json_prints_the_same_object_as_the_api(runner, client, discuss_answers, answers):
    answers = discuss_answers if answers is None else {**discuss_answers, **answers}
    result = invoke(runner, "eval", "-", "--json", input=json.dumps({"answers": answers}))
    assert result.exit_code == 0, result.output
    api = client.post("/api/v1/evaluate", json={"answers": answers})
    assert api.status_code == 200
    assert json.loads(result.stdout) == api.get_json()


@pytest.mark.parametrize(
    ("changes", "question"),
    [
        pytest.param({"pain_intensity": 11}, "pain_intensity", id="out-of-range"),
        pytest.param({"pain_area": "knee"}, "pain_area", id="unknown-choice"),
        pytest.param({"favourite_colour": "blue"}, "favourite_colour", id="unknown-question"),
        # Missing, and the headline depends on it (without overall_health it would not: the
        # API and `rules eval` answer such a partial set, tests/cli/test_rules_eval_partial.py).
        pytest.param({"health_conditions": None}, "health_conditions", id="missing"),
    ],
)
def test_eval_of_invalid_answers_is_bad_input_naming_the_question(
    runner, answers_file, discuss_answers, changes, question
):
    answers = {k: v for k, v in {**discuss_answers, **changes}.items() if v is not None}
    result = invoke(runner, "eval", str(answers_file("bad.json", answers)))
    assert result.exit_code == 2
    assert "cannot be evaluated" in result.output
    assert re.search(rf"^\s+{question}: ", result.output, re.MULTILINE), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "make_path",
    [
        pytest.param(lambda tmp: tmp / "no-such-answers.json", id="missing-file"),
        pytest.param(lambda tmp: tmp, id="directory"),
    ],
)
def test_eval_of_an_unreadable_path_is_bad_input(runner, tmp_path, make_path):
    path = make_path(tmp_path)
    result = invoke(runner, "eval", str(path))
    assert result.exit_code == 2
    assert f"cannot read {path}" in result.output


def test_eval_of_invalid_yaml_is_bad_input_with_the_line(runner, answers_file):
    path = answers_file(
        "broken.yaml",
        "warning_signs: [none]\npain_area: lower_back\npain_duration: 1_to_5: years\n",
    )
    result = invoke(runner, "eval", str(path))
    assert result.exit_code == 2
    assert f"{path}:3:" in result.output
    assert "not valid YAML" in result.output


# --- rules verify ---------------------------------------------------------------------------


def test_verify_proves_the_shipped_rules_complete(runner):
    result = invoke(runner, "verify")
    assert result.exit_code == 0, result.output
    assert "Complete" in result.output
    assert "can never" not in result.output


def test_verify_without_the_catch_all_rule_prints_a_counterexample(runner, tmp_path):
    text = RULES.read_text(encoding="utf-8")
    start = text.index(GENERAL_RULE)
    end = text.index("\n\n", start)  # the rule ends at the next blank line
    copy = tmp_path / "no-catch-all.yaml"
    copy.write_text(text[:start] + text[end + 2 :], encoding="utf-8")
    assert "general_criteria_may_apply" not in copy.read_text(encoding="utf-8")
    result = invoke(runner, "verify", str(copy))
    assert result.exit_code == 1, result.output
    assert "Complete" not in result.output
    assert "no headline" in result.output
    # Any warning sign stops with emergency or urgent, so every gap has warning_signs none.
    assert "for example: warning_signs=['none']" in result.output


# --- rules test -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paths",
    [
        pytest.param([], id="default"),
        pytest.param([str(SCENARIOS)], id="explicit-directory"),
    ],
)
def test_shipped_scenarios_pass(runner, paths):
    result = invoke(runner, "test", *paths)
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"[1-9]\d* scenarios passed, 0 failed", last), last


def test_a_wrong_expectation_fails_naming_the_scenario_and_line(runner, tmp_path):
    path = tmp_path / "wrong.yaml"
    path.write_text(
        "# one right, one wrong\n"
        "- name: fever is urgent\n"
        "  answers: {warning_signs: [fever]}\n"
        "  expect: {outcome: urgent, fired: [infection_sign]}\n"
        "\n"
        "- name: fever is an emergency (wrong)\n"
        "  answers: {warning_signs: [fever]}\n"
        "  expect: {outcome: emergency}\n",
        encoding="utf-8",
    )
    result = invoke(runner, "test", str(path))
    assert result.exit_code == 1
    assert f"FAIL {path}:6: fever is an emergency (wrong)" in result.output
    assert "expected outcome 'emergency', got 'urgent'" in result.output
    assert "fever is urgent" not in result.output
    assert result.output.strip().splitlines()[-1] == "1 scenarios passed, 1 failed"


@pytest.mark.parametrize(
    ("content", "line"),
    [
        pytest.param(
            "- name: misspelt key\n  answer: {warning_signs: [fever]}\n"
            "  expect: {outcome: urgent}\n",
            1,
            id="unknown-key",
        ),
        pytest.param("name: not a list\nanswers: {}\nexpect: {}\n", 1, id="not-a-list"),
        pytest.param(
            "- name: broken yaml\n  answers: {warning_signs: [fever}\n", 2, id="invalid-yaml"
        ),
    ],
)
def test_a_malformed_scenario_file_is_bad_input(runner, tmp_path, content, line):
    path = tmp_path / "malformed.yaml"
    path.write_text(content, encoding="utf-8")
    result = invoke(runner, "test", str(path))
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(str(path))}:{line}:\d+: ", result.output), result.output
    assert "Traceback" not in result.output


# --- the real command line ------------------------------------------------------------------


def run_flask(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QUESTIONNAIRE_RULES", "FLASK_APP", "SECRET_KEY")
    }
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # left out of `make quick`
def test_flask_rules_check_runs_from_the_command_line():
    done = run_flask("rules", "check", SECRET_KEY="cli-test-secret")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: ")


@pytest.mark.slow  # a subprocess; test_check_lists_every_problem_with_file_line_and_column
# checks the same file in-process in `make quick`
def test_flask_refuses_a_broken_rule_file_listing_every_problem(broken_rules):
    path, lines = broken_rules
    done = run_flask("rules", "check", SECRET_KEY="cli-test-secret", QUESTIONNAIRE_RULES=str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    found = re.findall(rf"^\s*{re.escape(str(path))}:(\d+):\d+: ", done.stderr, re.MULTILINE)
    assert sorted(int(n) for n in found) == sorted(lines), done.stderr


@pytest.mark.slow  # a subprocess; test_verify_without_the_catch_all_rule_prints_a_counterexample
# verifies a file without the same rule in-process in `make quick`
def test_rules_verify_explains_the_apps_own_incomplete_rule_file(tmp_path):
    incomplete = tmp_path / "rules.yaml"
    source = RULES.read_text()
    start = source.index("  - id: general_criteria_may_apply\n")
    end = source.index("\n  - id:", start + 1)
    incomplete.write_text(source[:start] + source[end + 1 :])

    done = run_flask("rules", "verify", QUESTIONNAIRE_RULES=str(incomplete))

    assert done.returncode == 1, done.stdout + done.stderr
    assert "no headline" in done.stdout and "warning_signs=['none']" in done.stdout
    assert "Traceback" not in done.stderr


# --- messages a tester can act on (issue 22) --------------------------------------------------

PAIN_FLOOR = "- {q: pain_intensity, at_least: 4}"  # general_criteria_may_apply's pain condition


def test_a_scenario_file_problem_names_the_scenario_file_and_the_keys_expect_takes(
    runner, tmp_path
):
    path = tmp_path / "typo.yaml"
    path.write_text(
        "- name: misspelt key under expect\n"
        "  answers: {warning_signs: [fever]}\n"
        "  expect: {outcome: urgent, fird: [infection_sign]}\n",
        encoding="utf-8",
    )
    result = invoke(runner, "test", str(path))
    assert result.exit_code == 2
    assert "1 problem in the scenario file" in result.output
    assert "rule file" not in result.output
    assert f"{path}:3:" in result.output
    assert "expect.fird" in result.output and "fired, not_fired" in result.output
    assert "name, answers and expect" not in result.output  # the keys of the wrong level


def test_a_misspelt_outcome_and_rule_are_named_with_did_you_mean(runner, tmp_path):
    path = tmp_path / "misspelt.yaml"
    path.write_text(
        "- name: loss of bladder control\n"
        "  answers: {warning_signs: [bladder_bowel]}\n"
        "  expect: {outcome: emergncy, fired: [cauda_equina_sign]}\n",
        encoding="utf-8",
    )
    result = invoke(runner, "test", str(path))
    assert result.exit_code == 1
    assert (
        "the scenario expects unknown outcome 'emergncy'; did you mean 'emergency'?"
        in result.output
    )
    assert (
        "the scenario names unknown rule 'cauda_equina_sign'; did you mean 'cauda_equina_signs'?"
        in result.output
    )
    assert "got 'emergency'" not in result.output  # not mistaken for a wrong headline


def test_refused_answers_are_listed_one_per_line(runner, tmp_path):
    path = tmp_path / "refused.yaml"
    path.write_text(
        "- name: answers a patient could not give\n"
        "  answers: {warning_signs: [nonee], age: 300}\n"
        "  expect: {outcome: emergency}\n",
        encoding="utf-8",
    )
    result = invoke(runner, "test", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any("the answers were refused" in line for line in lines)
    refused = [line.strip() for line in lines if ": missing: " in line or "_choice: " in line]
    assert any(line.startswith("warning_signs: unknown_choice: 'nonee'") for line in refused)
    assert "did you mean 'none'" in result.output
    assert any(line.strip().startswith("age: out_of_range:") for line in lines)
    assert any(line.strip().startswith("pain_area: missing:") for line in lines)
    assert max(len(line) for line in lines if "missing:" in line) < 200


@pytest.fixture()
def gap_rules(tmp_path) -> tuple[Path, int]:
    """rules.yaml with a gap: the may-apply rule needs pain 5, mild pain covers 3 or less."""
    text = RULES.read_text(encoding="utf-8")
    assert text.count(PAIN_FLOOR) == 1, "rules.yaml changed; update PAIN_FLOOR"
    text = text.replace(PAIN_FLOOR, "- {q: pain_intensity, at_least: 5}")
    path = tmp_path / "gap.yaml"
    path.write_text(text, encoding="utf-8")
    path.with_name("gap.es.yaml").write_text(
        (ROOT / "rules.es.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return path, line_of(text, "- {q: pain_intensity, at_least: 5}")


def test_verify_names_the_deciding_answer_of_a_gap_and_repeats_no_example(runner, gap_rules):
    path, _ = gap_rules
    result = invoke(runner, "verify", str(path))
    assert result.exit_code == 1, result.output
    assert "The deciding answer: pain_intensity=4." in result.output
    assert "with pain_intensity=5, rule general_criteria_may_apply gives discuss" in result.output
    assert "with pain_intensity=3, rule mild_pain gives not_yet" in result.output
    others = [line for line in result.output.splitlines() if line.startswith("  another: ")]
    assert len(others) == len(set(others))


def test_check_points_at_the_condition_that_makes_a_gap(runner, gap_rules):
    path, line = gap_rules
    result = invoke(runner, "check", str(path))
    assert result.exit_code == 2
    assert re.search(
        rf"{re.escape(str(path))}:{line}:\d+: the rules give no headline", result.output
    )
