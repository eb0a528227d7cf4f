"""Sources as data (design section 8): every statement a source lists is covered or decided,
every cover names a real choice or rule, and every source is cited by something."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from .. import model
from ..errors import RuleProblem
from ..evaluation.questions import QuestionInfo, did_you_mean, listing
from .yamlsource import Marks, Path


def cited_by(item: Any) -> tuple[str, ...]:
    """The source ids a rule, note or page cites (one `source`, or several `sources`)."""
    several = getattr(item, "sources", None)
    if several is not None:
        return tuple(several)
    one = getattr(item, "source", None)
    if isinstance(one, str):
        return (one,)
    return tuple(one or ())


def _cited(items: list[Any], pages: Any) -> set[str]:
    items = items + ([getattr(pages, key, None) for key in ("start", "help")] if pages else [])
    return {source for item in items if item is not None for source in cited_by(item)}


def citations(parts: dict[str, Any]) -> set[str]:
    """Every source id the rules, notes and pages cite (of a file being checked)."""
    items = [item for key in ("rules", "notes") for _, item, _ in parts.get(key, [])]
    return _cited(items, parts.get("pages"))


def citations_of(file: model.RuleFile) -> set[str]:
    """Every source id the rules, notes and pages of a checked file cite."""
    return _cited([*file.rules, *file.notes], file.pages)


def cover_problem(cover: str, catalogue: dict[str, QuestionInfo], rules: list[str]) -> str | None:
    """Why `cover` ("question:value" or a rule id) names nothing in the file (None: it names)."""
    if ":" not in cover:
        if cover in rules:
            return None
        return f"covered_by names rule '{cover}', which is not in the rules" + did_you_mean(
            cover, rules
        )
    question, value = cover.split(":", 1)
    info = catalogue.get(question)
    if info is None:
        return f"covered_by names question '{question}', which is not asked" + did_you_mean(
            question, list(catalogue)
        )
    if value not in info.choices:
        return f"covered_by names '{value}', which is not a choice of '{question}'" + did_you_mean(
            value, list(info.choices)
        )
    return None


# A problem: (path in the file, what is wrong, what was expected, on the key, soft). Soft ones
# leave a usable model, so `flask rules trace` can still print the matrix around them.
_Found = tuple[Path, str, str, bool, bool]


def _statement_problems(
    meta: model.Meta, catalogue: dict[str, QuestionInfo], rules: list[str], broken: set[str]
) -> Iterator[_Found]:
    for sid, source in meta.sources.items():
        for i, statement in enumerate(source.statements):
            path: Path = ("meta", "sources", sid, "statements", i)
            if not statement.covered_by and statement.decision is None:
                yield (
                    path,
                    f"source '{sid}' says \"{statement.quote[:80]}\" but nothing covers it "
                    "and no decision is recorded",
                    "'covered_by:' naming choices (question:value) or rules, or 'decision:' "
                    "with its reason and who decided",
                    False,
                    True,
                )
            for k, cover in enumerate(statement.covered_by):
                if cover.split(":", 1)[0] in broken:  # that question is reported already
                    continue
                problem = cover_problem(cover, catalogue, rules)
                if problem:
                    expected = "question:value of a choice, or a rule id: " + listing(rules)
                    yield path + ("covered_by", k), problem, expected, False, False


def source_problems(
    name: str,
    marks: Marks,
    meta: model.Meta | None,
    parts: dict[str, Any],
    catalogue: dict[str, QuestionInfo],
    broken: Collection[str] = (),
) -> tuple[list[RuleProblem], list[RuleProblem]]:
    """(hard, soft) problems: a cover that names no choice or rule is hard; a statement neither
    covered nor decided, and a source cited by nothing, are soft. A cover of a question whose
    definition is broken (`broken`, reported already) is not reported again."""
    if meta is None or any(item is None for _, item, _ in parts.get("rules", [])):
        return [], []  # the broken part is reported already; its ids cannot be trusted
    rules = [rule.id for _, rule, _ in parts.get("rules", [])]
    found = list(_statement_problems(meta, catalogue, rules, set(broken)))
    cited = citations(parts)
    # A misspelt citation is reported where it is; its source is not "cited by nothing" too.
    unknown = cited - set(meta.sources)
    for sid in meta.sources if not unknown else ():
        if sid not in cited:
            found.append(
                (
                    ("meta", "sources", sid),
                    f"source '{sid}' is cited by nothing",
                    "a rule, note or page that cites it, or remove the source",
                    True,
                    True,
                )
            )
    hard: list[RuleProblem] = []
    soft: list[RuleProblem] = []
    for path, problem, expected, key, is_soft in found:
        line, column = marks.at(path, key=key)
        (soft if is_soft else hard).append(RuleProblem(name, line, column, problem, expected))
    return hard, soft
