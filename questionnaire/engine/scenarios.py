"""Scenario files: answers in, expected outcome and rules out. Shared with clinicians and testers.

```yaml
- name: loss of bladder control comes before everything
  answers: {warning_signs: [bladder_bowel]}
  expect: {outcome: emergency, fired: [cauda_equina_signs], not_fired: []}
```
`expect.problems` lists question ids whose answers must be refused instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path as FilePath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import AnswersError, RuleProblem, RulesError
from .evaluation.evaluate import Engine, Summary
from .evaluation.questions import did_you_mean
from .evaluation.studies import match_studies
from .load.studies import Studies
from .load.yamlsource import RULE_FILE, YamlProblem, read_yaml


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    outcome: str | None = None
    fired: tuple[str, ...] = ()
    not_fired: tuple[str, ...] = ()
    findings: tuple[str, ...] | None = Field(None, description="Exactly these finding rules.")
    problems: tuple[str, ...] | None = Field(None, description="Questions whose answers fail.")
    studies: tuple[str, ...] | None = Field(
        None, description="Exactly these studies' main criteria are met (studies.yaml)."
    )


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    answers: dict[str, Any]
    expect: Expect
    file: str = ""
    line: int = 0


class ScenarioFileError(RulesError):
    """A scenario file cannot be used: said so, not "the rule file"."""

    def __init__(self, problems: list[RuleProblem]):
        super().__init__(problems)
        count = len(self.problems)
        self.args = (
            f"{count} problem{'s' if count != 1 else ''} in the scenario file:\n"
            + "\n".join(f"  {p}" for p in self.problems),
        )


# The rule file's limits, named for what it is in messages.
SCENARIO_FILE = replace(RULE_FILE, what="a scenario file")

# The keys each level of a scenario may have, for the hint of a misplaced or misspelt key.
KEYS = {
    "expect": "outcome, fired, not_fired, findings, problems or studies",
    "": "name, answers and expect",
}


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    failures: tuple[str, ...]
    fired: tuple[str, ...] = ()  # the rules that matched, for coverage

    @property
    def passed(self) -> bool:
        return not self.failures


def load_scenarios(path: str | os.PathLike[str]) -> list[Scenario]:
    """Read one scenario file; raise ScenarioFileError (with file:line) if it is malformed."""
    name = os.fspath(path)
    try:
        raw, marks = read_yaml(FilePath(name).read_bytes(), SCENARIO_FILE)
    except OSError as exc:
        raise ScenarioFileError([RuleProblem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None
    except YamlProblem as exc:
        raise ScenarioFileError([exc.at(name)]) from None
    if not isinstance(raw, list):
        raise ScenarioFileError(
            [
                RuleProblem(
                    name,
                    1,
                    1,
                    "a scenario file is a list of scenarios",
                    "items starting with '- name:'",
                )
            ]
        )
    scenarios, problems = [], []
    for i, item in enumerate(raw):
        line = marks.at((i,))[0]
        try:
            scenarios.append(
                Scenario.model_validate(
                    {**item, "file": name, "line": line} if isinstance(item, dict) else item
                )
            )
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                where = marks.at((i, *err["loc"]))
                problems.append(
                    RuleProblem(
                        name,
                        *where,
                        f"{'.'.join(map(str, err['loc']))}: {err['msg']}",
                        KEYS.get(str(err["loc"][0]) if err["loc"] else "", KEYS[""]),
                    )
                )
    if problems:
        raise ScenarioFileError(problems)
    return scenarios


def scenario_files(paths: Iterable[str | os.PathLike[str]]) -> list[FilePath]:
    """Expand directories into their *.yaml scenario files, sorted."""
    found: list[FilePath] = []
    for path in map(FilePath, paths):
        found.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return found


def run_scenario(
    engine: Engine,
    scenario: Scenario,
    studies: Studies | None = None,
    *,
    evaluated: Summary | AnswersError | None = None,
) -> Result:
    """Evaluate one scenario and list how the result differs from what it expects (with
    `studies`, also which studies' main criteria the answers meet). `evaluated`: its answers
    already evaluated by `engine` (their summary, or the error refusing them), as the clinician's
    try page has them: they are not evaluated a second time."""
    expect = scenario.expect
    known_rules = [r.id for r in engine.ruleset.file.rules]
    failures = [
        f"the scenario names unknown rule '{rule}'" + did_you_mean(rule, known_rules)
        for rule in dict.fromkeys((*expect.fired, *expect.not_fired, *(expect.findings or ())))
        if rule not in known_rules
    ]
    outcomes = [o.id for o in engine.ruleset.file.outcomes]
    if expect.outcome is not None and expect.outcome not in outcomes:
        failures.append(
            f"the scenario expects unknown outcome '{expect.outcome}'"
            + did_you_mean(expect.outcome, outcomes)
        )
    if evaluated is None:
        try:
            evaluated = engine.evaluate(scenario.answers, trace=False)
        except AnswersError as exc:
            evaluated = exc
    if isinstance(evaluated, AnswersError):
        return Result(scenario, tuple(failures + _refused(expect, evaluated)))
    summary = evaluated
    failures += _accepted(expect, summary, set(known_rules), set(outcomes))
    if expect.studies is not None:
        failures += _studies(expect.studies, summary, studies)
    return Result(scenario, tuple(failures), summary.fired)


def _studies(expected: tuple[str, ...], summary: Summary, studies: Studies | None) -> list[str]:
    if studies is None:
        return ["the scenario expects studies, but no studies file is loaded"]
    got = [m.study.nct_id for m in match_studies(studies, summary) if m.meets]
    if set(got) != set(expected):
        return [f"expected the criteria of {sorted(expected)} to be met, got {sorted(got)}"]
    return []


def _refused(expect: Expect, exc: AnswersError) -> list[str]:
    got = [p.question for p in exc.problems]
    if expect.problems is None:
        return ["the answers were refused (add expect.problems if they should be):"] + [
            f"  {p.question or '(answers)'}: {p.code}: {p.message}" for p in exc.problems
        ]
    if set(got) != set(expect.problems):
        return [f"expected problems with {sorted(expect.problems)}, got {sorted(got, key=str)}"]
    return []


def _accepted(
    expect: Expect, summary: Summary, known_rules: set[str], outcomes: set[str]
) -> list[str]:
    failures = []
    if expect.problems is not None:
        failures.append(
            f"expected problems with {sorted(expect.problems)}, but the answers "
            f"were accepted (outcome {summary.outcome.id})"
        )
    if expect.outcome in outcomes and summary.outcome.id != expect.outcome:
        failures.append(f"expected outcome '{expect.outcome}', got '{summary.outcome.id}'")
    fired = set(summary.fired)
    failures += [
        f"expected rule '{rule}' to fire, it did not"
        for rule in expect.fired
        if rule in known_rules and rule not in fired
    ]
    failures += [
        f"expected rule '{rule}' not to fire, it did" for rule in expect.not_fired if rule in fired
    ]
    if expect.findings is not None:
        got = [f.rule for f in summary.findings]
        if set(got) != set(expect.findings):
            failures.append(f"expected findings {sorted(expect.findings)}, got {sorted(got)}")
    return failures


def answers_in(data: Any) -> Any:
    """The answers in an answers file: either the answers themselves or {"answers": {...}},
    the API's request body."""
    if isinstance(data, dict) and set(data) == {"answers"}:
        return data["answers"]
    return data
