"""Rule file -> checked RuleSet. Every problem is found at once, each with file:line:col.

`read_rules` is the one reader: it returns what it found (a `Loaded`: the data, its marks, the
rule set and every problem, YAML problems included), so a caller that wants the marks or an
imperfect rule set (`rules verify`, `rules diff`, the changes page) parses the file once.
`load_rules` and `loads_rules` wrap it and raise `RulesError` for callers that want a usable
rule set or nothing (as jsonschema's `validate` wraps `iter_errors`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path as FilePath
from typing import Any

from ..errors import RuleProblem, RulesError
from ..evaluation.ruleset import RuleSet
from ..verify import deciding, symbolic
from .checker import Checker
from .fingerprint import file_fingerprint
from .translations import translated_rules
from .yamlsource import RULE_FILE, Limits, Marks, YamlProblem, read_yaml


@dataclass(frozen=True)
class Loaded:
    """What reading one rule file found."""

    name: str  # the file name shown in messages
    ruleset: RuleSet | None  # when the file's shape and references are right
    problems: tuple[RuleProblem, ...]  # every problem, in file order (empty: usable as it is)
    raw: Any = None  # the data, when the text is YAML
    marks: Marks = field(default_factory=Marks)  # where each value is in the text

    def usable(self) -> RuleSet:
        """The rule set; RulesError with every problem if there is any."""
        if self.problems or self.ruleset is None:
            raise RulesError(list(self.problems))
        return self.ruleset


def read_rules(
    data: bytes | str, name: str = "rules.yaml", *, verify: bool = True, limits: Limits = RULE_FILE
) -> Loaded:
    """Read and check rule-file text, and (by default) verify that every answer set gets a
    headline; `name` is the file name shown in messages."""
    try:
        raw, marks = read_yaml(data, limits)
    except YamlProblem as exc:
        return Loaded(name, None, (exc.at(name),))
    checker = Checker(name, marks)
    ruleset = checker.check(raw)
    problems = checker.problems + checker.soft
    if ruleset is not None and verify:
        problems += _completeness(ruleset, name, raw, marks)
    return Loaded(
        name, ruleset, tuple(sorted(problems, key=lambda p: (p.line, p.column))), raw, marks
    )


def read_rules_file(path: str | os.PathLike[str], *, verify: bool = True) -> Loaded:
    """`read_rules` on a file; a file that cannot be read is a problem too."""
    name = os.fspath(path)
    try:
        data = FilePath(name).read_bytes()
    except OSError as exc:
        problem = RuleProblem(
            name, 1, 1, f"cannot read the rule file: {exc.strerror}", "a readable YAML file"
        )
        return Loaded(name, None, (problem,))
    loaded = read_rules(data, name, verify=verify)
    if loaded.ruleset is None:
        return loaded
    return replace(loaded, ruleset=replace(loaded.ruleset, fingerprint=file_fingerprint(name)))


def load_rules(path: str | os.PathLike[str], *, verify: bool = True) -> RuleSet:
    """Read, check and (by default) verify a rule file; raise RulesError with every problem."""
    return read_rules_file(path, verify=verify).usable()


def loads_rules(data: bytes | str, name: str = "rules.yaml", *, verify: bool = True) -> RuleSet:
    """Check rule-file text; `name` is the file name shown in messages."""
    return read_rules(data, name, verify=verify).usable()


def load_languages(
    path: str | os.PathLike[str], languages: Iterable[str] = ("es",), *, verify: bool = True
) -> dict[str, RuleSet]:
    """The rule file in English and in each language of its translation files (rules.es.yaml),
    each checked; the structure is the same for all, so it is verified once, in English."""
    english = read_rules_file(path, verify=verify)
    return translated_rules(english.usable(), english.raw, english.marks, tuple(languages))


# The symbolic verifier proves completeness within a time budget, so a large or broken rule
# file never hangs start-up; past the budget the message names the command.
def _completeness(ruleset: RuleSet, name: str, raw: Any, marks: Marks) -> list[RuleProblem]:
    where, budget = marks.at(("rules",)), symbolic.LOADER_BUDGET_SECONDS
    try:
        gaps = symbolic.check_complete(ruleset, budget)
    except symbolic.VerifyTimeout:
        return [
            RuleProblem(
                name,
                *where,
                f"could not prove within {budget:g} s "
                "that every set of answers gets a headline; run `flask --app wsgi "
                "rules verify` to see the full analysis",
                "a rule file the verifier can check quickly",
            )
        ]
    if not gaps:
        return []
    example = ", ".join(f"{q}={v}" for q, v in gaps[0].items())
    return [
        RuleProblem(
            name,
            *deciding.gap_line(ruleset, raw, marks, gaps[0]),  # the condition likely at fault
            f"the rules give no headline for some answers, for example: {example}",
            "rules that give a headline for every set of answers",
        )
    ]
