"""`flask rules ...`: check, evaluate, verify and test rule files from the command line.

The commands need no web app: each loads the rule file it is given (or QUESTIONNAIRE_RULES), and
`flask --app wsgi` gives them the CLI app (app.create_cli_app), with no SECRET_KEY. A command of
another concern lives in its own module and joins with one line: `rules_group.add_command(...)`
here (the version gate, release_cli.py), or `app.cli.add_command(...)` in app.register_commands
for a group of its own (`flask studies`, studies_cli.py).

Exit codes: 0 all good, 1 a check failed, 2 bad input (a broken rule, answers or scenario file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from .engine import (
    Engine,
    RulesError,
    load_languages,
    load_rules,
    read_rules_file,
)
from .engine.load.translations import LANGUAGES
from .engine.load.yamlsource import YamlProblem, read_yaml
from .engine.model import json_schema
from .engine.scenarios import answers_in, load_scenarios, run_scenario, scenario_files
from .engine.verify.deciding import deciding_message
from .engine.verify.diff import Diff, diff_rulesets
from .engine.verify.joint import joint_of
from .engine.verify.symbolic import verify
from .engines import engine_of, has_engine
from .lint_cli import lint_command
from .release_cli import gate_command
from .studies_cli import app_studies, study_matches, verify_studies
from .trace_cli import trace_command
from .web.api_schema import summary_json


class BadInput(click.ClickException):
    """Bad input: printed without a traceback, exit code 2."""

    exit_code = 2


def _rules_path(path: str | None) -> str:
    return path or current_app.config["QUESTIONNAIRE_RULES"]


def _load(path: str | None):
    try:
        return load_rules(_rules_path(path))
    except RulesError as exc:
        raise BadInput(str(exc)) from None


def _engine(path: str | None) -> Engine:
    """The app's engine, or one for another rule file (or when the app could not load its own)."""
    if path is None and has_engine(current_app):
        return engine_of(current_app)
    return Engine(_load(path))


# An AppGroup runs each command inside the app context, also under app.test_cli_runner().
rules_group = AppGroup("rules", help="Check, evaluate, verify and test the rules in rules.yaml.")
rules_group.add_command(gate_command)  # release_cli.py: the version gate
rules_group.add_command(trace_command)  # trace_cli.py: the traceability matrix
rules_group.add_command(lint_command)  # lint_cli.py: plain language


@rules_group.command("check")
@click.argument("rules", required=False, type=click.Path(dir_okay=False))
def check_command(rules: str | None) -> None:
    """Validate a rule file (default: the app's) and its translations, listing every problem."""
    try:
        languages = load_languages(_rules_path(rules), LANGUAGES[1:])
    except RulesError as exc:
        raise BadInput(str(exc)) from None
    ruleset = languages[LANGUAGES[0]]
    meta = ruleset.file.meta
    click.echo(
        f"OK: {ruleset.path} (version {meta.version}, reviewed {meta.reviewed}): "
        f"{len(ruleset.questions)} questions, {len(ruleset.file.outcomes)} outcomes, "
        f"{len(ruleset.file.rules)} rules; every set of answers gets a headline."
    )
    click.echo(
        "Texts: "
        + ", ".join(f"{lang} {rs.texts}" for lang, rs in languages.items())
        + " (every text has its translation)."
    )


def read_answers(source: str) -> Any:
    """Answers from a JSON or YAML file, or '-' for standard input."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {source}: {exc}") from None
    try:
        data, _ = read_yaml(text)  # YAML is a superset of JSON
    except YamlProblem as exc:
        raise BadInput(f"{source}:{exc.line}:{exc.column}: {exc.message}") from None
    return answers_in(data)


def format_summary(summary) -> str:
    lines = [f"Outcome: {summary.outcome.id} - {summary.outcome.title}"]
    if summary.stopped_after:
        lines.append(f"(stopped after step '{summary.stopped_after}')")
    if summary.dropped:
        lines.append("Dropped answers (question does not apply): " + ", ".join(summary.dropped))
    if summary.unanswered:
        lines.append(
            "Not answered (the headline is certain without them): " + ", ".join(summary.unanswered)
        )
    lines.append("Findings:")
    lines += [
        f"  [{f.criterion}] {f.text} ({f.rule}; source: {f.source})" for f in summary.findings
    ] or ["  (none)"]
    lines.append("Trace:")
    lines += [
        f"  {'MATCH' if t.matched else '  -  '} {t.rule}: {t.because}" for t in summary.trace or ()
    ]
    lines.append(f"Rules version {summary.rules_version}")
    return "\n".join(lines)


@rules_group.command("eval")
@click.argument("answers")
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON object as the API.")
@click.option("--rules", type=click.Path(dir_okay=False), help="Rule file (default: the app's).")
def eval_command(answers: str, as_json: bool, rules: str | None) -> None:
    """Evaluate a JSON or YAML answers file ('-' for standard input). A partial file is
    answered, as the API answers it, when its headline is already certain."""
    engine = _engine(rules)
    data = read_answers(answers)
    summary = engine.settled(data)
    if summary is None:
        problems = engine.check(data)
        unanswered = any(p.code == "missing" for p in problems)
        why = (
            " (the headline is not certain without the unanswered questions)" if unanswered else ""
        )
        lines = [f"  {p.question or '(answers)'}: {p.message}" for p in problems]
        raise BadInput(f"the answers cannot be evaluated{why}:\n" + "\n".join(lines))
    if as_json:
        found, snapshot = study_matches(engine, summary)
        fingerprint = engine.ruleset.fingerprint
        data = summary_json(summary, engine.sources, fingerprint, found, snapshot)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(format_summary(summary))


@rules_group.command("verify")
@click.argument("rules", required=False, type=click.Path(dir_okay=False))
def verify_command(rules: str | None) -> None:
    """Prove every possible set of answers gets exactly one headline; list dead rules."""
    ruleset = _parsed(_rules_path(rules))[0]  # the verifier explains what else is wrong
    report = verify(ruleset)
    click.echo(
        f"Checked {report.answer_sets:,} possible sets of answers in "
        f"{report.seconds * 1000:.1f} ms."
    )
    if not report.gaps:
        click.echo("Complete: every set of answers gets exactly one headline.")
    else:
        click.echo(report.gap_message())
        click.echo(deciding_message(ruleset, report.gaps[0]))
        shown = {json.dumps(report.gaps[0], sort_keys=True)}
        for example in report.gaps[1:]:
            text = json.dumps(example, sort_keys=True)
            if text not in shown:  # the verifier's examples may differ only in unasked answers
                shown.add(text)
                click.echo("  another: " + json.dumps(example))
    for rule in report.never_match:
        click.echo(f"Rule '{rule}' can never match.")
    studies_ok = rules is not None or verify_studies(ruleset)
    for rule, example in report.never_win.items():
        if rule not in report.never_match:
            click.echo(
                f"Rule '{rule}' can never give the headline; for example it matches "
                f"{json.dumps(example)} but a higher outcome wins."
            )
    if not report.ok or not studies_ok:
        sys.exit(1)


@rules_group.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--rules", type=click.Path(dir_okay=False), help="Rule file (default: the app's).")
@click.option(
    "--coverage",
    is_flag=True,
    help="List which rules the scenarios fire; fail if a rule never fires.",
)
def test_command(paths: tuple[str, ...], rules: str | None, coverage: bool) -> None:
    """Run scenario files (default: the app's scenarios folder, QUESTIONNAIRE_SCENARIOS)."""
    engine = _engine(rules)
    files = scenario_files(paths or [current_app.config["QUESTIONNAIRE_SCENARIOS"]])
    if not files:
        raise BadInput("no scenario files found")
    fired: dict[str, int] = {r.id: 0 for r in engine.ruleset.file.rules}
    results = [result for path in files for result in _run_file(engine, path, fired)]
    failed = sum(not result.passed for result in results)
    never = [rule for rule, count in fired.items() if not count]
    if coverage:
        click.echo("Rule coverage (scenarios that fire each rule):")
        for rule, count in fired.items():
            click.echo(f"  {count:4d}  {rule}{'   <- never fired' if not count else ''}")
        click.echo(f"{len(fired) - len(never)} of {len(fired)} rules fired by the scenarios.")
    click.echo(f"{len(results) - failed} scenarios passed, {failed} failed")
    if failed or (coverage and never):
        sys.exit(1)


def _run_file(engine: Engine, path: Path, fired: dict[str, int]) -> list:
    """Run one scenario file, print its failures and count the rules each scenario fires."""
    try:
        scenarios = load_scenarios(path)
    except RulesError as exc:
        raise BadInput(str(exc)) from None
    results = []
    for scenario in scenarios:
        result = run_scenario(engine, scenario, app_studies(engine))
        results.append(result)
        for rule in result.fired:
            fired[rule] += 1
        if not result.passed:
            click.echo(f"FAIL {path}:{scenario.line}: {scenario.name}")
            for failure in result.failures:
                click.echo(f"     {failure}")
    return results


@rules_group.command("witnesses")
@click.argument("rules", required=False, type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the scenario file here instead of standard output.",
)
def witnesses_command(rules: str | None, output: str | None) -> None:
    """Write a scenario file with one witness per rule and per outcome rule."""
    ruleset = _load(rules)
    report = verify(ruleset)
    text = witness_scenarios(ruleset, report)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {text.count('- name:')} scenarios to {output}.")
    else:
        click.echo(text, nl=False)


def witness_scenarios(ruleset, report) -> str:
    """Scenario YAML: for each rule, answers where it matches; for each outcome rule, where it wins.

    Made by the verifier, so a tester gets a regression file that fires every rule.
    """
    outcome_of = {r.id: r.outcome for r in ruleset.file.rules}
    items = []
    for rule, answers in report.witnesses.items():
        items.append(
            {"name": f"rule {rule} matches", "answers": answers, "expect": {"fired": [rule]}}
        )
    for rule, answers in report.wins.items():
        items.append(
            {
                "name": f"rule {rule} gives the headline {outcome_of[rule]}",
                "answers": answers,
                "expect": {"outcome": outcome_of[rule], "fired": [rule]},
            }
        )
    header = (
        f"# Generated by `flask rules witnesses` from {ruleset.path} "
        f"(version {ruleset.file.meta.version}): one witness per rule and outcome rule.\n"
    )
    return header + yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=100)


@rules_group.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
def schema_command(output: str | None) -> None:
    """Print the JSON Schema of rules.yaml (published as docs/rules.schema.json)."""
    text = json.dumps(json_schema(), indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


# --- rules diff (verifier branch) ------------------------------------------------------------


def _parsed(path: str):
    """(rule set, raw data, marks) of a rule file that parses, even if its meaning is wrong."""
    loaded = read_rules_file(path, verify=False)
    if loaded.ruleset is None:
        raise BadInput(str(RulesError(list(loaded.problems))))
    return loaded.ruleset, loaded.raw, loaded.marks


def _before(shift: Any) -> str:
    if shift.undecided or shift.refused:
        return "(not decided)" if shift.undecided else "(refused)"
    return shift.from_ or "(none)"


def _after(shift: Any) -> str:
    if shift.to_refused:
        return f"(refused: {shift.refused_by['question']}.{shift.refused_by['contradiction']})"
    return shift.to or "(none)"


def now_refused(diff: Diff, versions: tuple[str, str]) -> str | None:
    """The line of answer sets the old file accepted that the new one refuses, if any."""
    from .web.clinician_previous import share

    count = sum(s.answer_sets for s in diff.headlines if s.to_refused)
    if not count:
        return None
    return (
        f"{count:,} answer sets version {versions[0]} accepted are now asked back (refused) by "
        f"version {versions[1]} ({share(count, diff.possible)} of all answer sets)."
    )


def format_diff(diff: Diff, versions: tuple[str, str] = ("OLD", "NEW")) -> str:
    lines = [f"{c.file}:{c.line}: {c.kind} {c.id}: {c.what}" for c in diff.changes]
    lines = lines or ["No change in the rule file's items."]
    lines += [f"Warning: {warning}" for warning in diff.warnings]
    if not diff.compared:
        lines.append(f"Headlines not compared: {diff.note}.")
    elif diff.note:
        lines.append(f"Note: {diff.note}.")
    if diff.compared and not diff.headlines:
        lines.append("No headline changes: every set of answers gets the same headline.")
    refused = now_refused(diff, versions)
    lines += [refused] if refused else []
    for shift in diff.headlines:
        lines.append(
            f"Headline {_before(shift)} -> "
            f"{_after(shift)} for "
            f"{shift.answer_sets:,} sets of answers, for example: " + json.dumps(shift.witness)
        )
    for shift in diff.rules:
        lines.append(
            f"Rule {shift.rule} {shift.fires} firing for {shift.answer_sets:,} sets of "
            "answers, for example: " + json.dumps(shift.witness)
        )
    return "\n".join(lines)


def _causes(old, new, diff: Diff, joint) -> list:
    """The headline changes by cause, as the clinician preview lists them."""
    from .web.clinician_previous import cause_lines, typical_answers

    typical = typical_answers(Path(current_app.config["QUESTIONNAIRE_SCENARIOS"]), new)
    return cause_lines(old, new, diff.changes, typical, joint)


def format_causes(causes: list) -> str:
    lines = ["By cause (the rule, or the new question or choice, behind each headline change):"]
    return "\n".join(lines + ["  " + c.line() for c in causes])


@rules_group.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", required=False, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
def diff_command(old: str, new: str | None, as_json: bool) -> None:
    """What changed from OLD to NEW (default: the app's rule file), and which headlines change."""
    sides = _parsed(old), _parsed(_rules_path(new))
    joint = joint_of(sides[0][0], sides[1][0])
    diff = diff_rulesets(*sides, joint, translations=True)
    causes = _causes(sides[0][0], sides[1][0], diff, joint) if joint and diff.headlines else []
    if as_json:
        report = diff.to_dict() | {"causes": [c.to_dict() for c in causes]}
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(
            format_diff(diff, (sides[0][0].file.meta.version, sides[1][0].file.meta.version))
        )
        if causes:
            click.echo(format_causes(causes))
    if diff.headline_changes:
        sys.exit(1)
