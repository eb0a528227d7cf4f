"""`flask rules trace [RULES] [--json]`: the traceability matrix of design section 8.

Exit 0 when every statement a source lists is covered or decided (and every source is cited),
1 when one is not, 2 for a rule file that cannot be read or checked.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click
from flask.cli import with_appcontext

from .engine import RulesError, RuleSet
from .engine.load.loader import read_rules_file
from .engine.load.yamlsource import Marks
from .engine.verify.trace import Matrix, Row, trace_matrix
from .release_cli import BadRulesInput, rules_path


def load_for_trace(path: Path) -> tuple[RuleSet, Marks]:
    """The rule set and its marks, also when only its sources are incomplete (which is what
    trace shows); a file that cannot be read or checked is bad input."""
    loaded = read_rules_file(path, verify=False)
    if loaded.ruleset is None:
        raise BadRulesInput(str(RulesError(list(loaded.problems))))
    return loaded.ruleset, loaded.marks


def statement_lines(marks: Marks, matrix: Matrix) -> dict[tuple[str, int], int]:
    """(source id, statement index) -> its line in the rule file."""
    return {
        (row.source, row.index): marks.at(("meta", "sources", row.source, "statements", row.index))[
            0
        ]
        for row in matrix.rows
    }


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def format_row(row: Row, where: str) -> list[str]:
    s = row.statement
    lines = [f'  {where}  [{row.status}] "{_short(s.quote, 80)}"']
    lines.append(f"      under: {_short(s.where)}; read {s.read.date}, {_short(s.read.page, 50)}")
    for cover in row.covers:
        lines.append(f"      covered by {cover.ref}: {_short(cover.what, 70)}")
    if s.decision:
        state = (
            "PENDING clinical sign-off"
            if s.decision.pending
            else (f"signed off by {s.decision.signed_off_by}")
        )
        lines.append(f"      decision ({state}; {s.decision.by}): {_short(s.decision.reason, 200)}")
    return lines


def format_matrix(matrix: Matrix, name: str, lines: dict[tuple[str, int], int]) -> str:
    out = []
    for sid, source in matrix.sources.items():
        rows = [row for row in matrix.rows if row.source == sid]
        if not rows:
            continue
        out.append(f"{sid}: {source.title} <{source.url}>")
        for row in rows:
            out += format_row(row, f"{name}:{lines.get((row.source, row.index), '?')}")
    counts = Counter(row.status for row in matrix.rows)
    listed = sum(1 for s in matrix.sources.values() if s.statements)
    out.append(
        f"{len(matrix.rows)} statements from {listed} sources: "
        + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        + f"; {len(matrix.pending)} decisions pending clinical sign-off."
    )
    for sid in matrix.uncited:
        out.append(f"Source '{sid}' is cited by no rule, note or page.")
    if matrix.missing:
        out.append(
            f"{len(matrix.missing)} statements are neither covered nor decided: add "
            "'covered_by:' (question:value or a rule id) or a 'decision:' with reason and by."
        )
    return "\n".join(out)


@click.command("trace")
@click.argument("rules", required=False, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the matrix as JSON.")
@with_appcontext
def trace_command(rules: str | None, as_json: bool) -> None:
    """The traceability matrix: each source's statements, and what covers or decides each."""
    path = rules_path(rules)
    ruleset, marks = load_for_trace(path)
    matrix = trace_matrix(ruleset)
    lines = statement_lines(marks, matrix)
    if as_json:
        data = matrix.to_dict()
        for source in data["sources"]:
            for i, row in enumerate(source["statements"]):
                row["line"] = lines.get((source["id"], i))
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(format_matrix(matrix, str(path), lines))
    if not matrix.ok:
        sys.exit(1)
