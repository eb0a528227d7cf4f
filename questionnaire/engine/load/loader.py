"""Rule file -> checked RuleSet. Every problem is found at once, each with file:line:col."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path as FilePath
from typing import Any

from ..errors import RuleProblem, RulesError
from ..evaluation.ruleset import RuleSet
from .checker import Checker
from .fingerprint import file_fingerprint
from .yamlsource import Marks, YamlProblem, read_yaml


def load_languages(
    path: str | os.PathLike[str], languages: Iterable[str] = ("es",), *, verify: bool = True
) -> dict[str, RuleSet]:
    """The rule file in English and in each language of its translation files (rules.es.yaml),
    each checked; the structure is the same for all, so it is verified once, in English."""
    from .translations import translated_rules

    english = load_rules(path, verify=verify)
    rulesets = translated_rules(english, tuple(languages), check_data)
    return {lang: replace(rs, fingerprint=english.fingerprint) for lang, rs in rulesets.items()}


def check_data(raw: Any, marks: Marks, name: str) -> tuple[RuleSet | None, list[RuleProblem]]:
    """Check rule-file data already read from YAML (used for translated copies)."""
    checker = Checker(name, marks)
    return checker.check(raw), checker.problems


def load_rules(path: str | os.PathLike[str], *, verify: bool = True) -> RuleSet:
    """Read, check and (by default) verify a rule file; raise RulesError with every problem."""
    name = os.fspath(path)
    try:
        data = FilePath(name).read_bytes()
    except OSError as exc:
        raise RulesError(
            [
                RuleProblem(
                    name, 1, 1, f"cannot read the rule file: {exc.strerror}", "a readable YAML file"
                )
            ]
        ) from None
    ruleset = loads_rules(data, name, verify=verify)
    return replace(ruleset, fingerprint=file_fingerprint(name))


def loads_rules(data: bytes | str, name: str = "rules.yaml", *, verify: bool = True) -> RuleSet:
    """Check rule-file text; `name` is the file name shown in messages."""
    try:
        raw, marks = read_yaml(data)
    except YamlProblem as exc:
        raise RulesError(
            [RuleProblem(name, exc.line, exc.column, exc.message, exc.expected)]
        ) from None
    checker = Checker(name, marks)
    ruleset = checker.check(raw)
    problems = checker.problems + checker.soft
    if ruleset is not None and verify:
        problems += _completeness(ruleset, name, marks)
    if problems:
        # `ruleset` is kept when only the meaning is wrong, so `rules verify` can still explain.
        raise RulesError(sorted(problems, key=lambda p: (p.line, p.column)), ruleset)
    assert ruleset is not None
    return ruleset


# HOOK (verifier branch): the symbolic verifier proves completeness within a time budget, so a
# large or broken rule file never hangs start-up; past the budget the message names the command.
def _completeness(ruleset: RuleSet, name: str, marks: Marks) -> list[RuleProblem]:
    from ..verify.symbolic import LOADER_BUDGET_SECONDS, VerifyTimeout, check_complete

    where = marks.at(("rules",))
    try:
        gaps = check_complete(ruleset, LOADER_BUDGET_SECONDS)
    except VerifyTimeout:
        return [
            RuleProblem(
                name,
                *where,
                f"could not prove within {LOADER_BUDGET_SECONDS:g} s "
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
            *where,
            f"the rules give no headline for some answers, for example: {example}",
            "rules that give a headline for every set of answers",
        )
    ]
