"""The traceability matrix (design section 8): source -> statement -> covered by / decision.

A red-flag source lists every red flag it names; each is covered by choices (question:value) or
rules, or carries a decision with its reason and who decided. `flask rules trace` prints this,
the outcome book shows it, and the checker refuses a statement that is neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import model
from ..evaluation.ruleset import RuleSet
from ..load.source_checks import citations_of


@dataclass(frozen=True, slots=True)
class Cover:
    """One choice or rule that covers a statement, in words."""

    ref: str  # "warning_signs:leg_weakness" or "under_18"
    what: str  # the choice's label, or what the rule does


@dataclass(frozen=True, slots=True)
class Row:
    """One statement of one source, and what answers it."""

    source: str
    index: int  # its place in the source's statements
    statement: model.Statement
    covers: tuple[Cover, ...]

    @property
    def status(self) -> str:
        """covered, decided, covered and decided (in part), or MISSING."""
        if self.covers and self.statement.decision:
            return "covered in part, decided"
        if self.covers:
            return "covered"
        return "decided" if self.statement.decision else "MISSING"

    @property
    def pending(self) -> bool:
        """A decision still waiting for clinical sign-off."""
        return self.statement.decision is not None and self.statement.decision.pending


@dataclass(frozen=True, slots=True)
class Matrix:
    rows: tuple[Row, ...]
    sources: dict[str, model.Source]
    uncited: tuple[str, ...]  # sources that no rule, note or page cites

    @property
    def missing(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.status == "MISSING")

    @property
    def pending(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.pending)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.uncited

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "statements": len(self.rows),
            "missing": len(self.missing),
            "pending": len(self.pending),
            "uncited_sources": list(self.uncited),
            "sources": [
                {
                    "id": sid,
                    "title": source.title,
                    "url": source.url,
                    "statements": [_row_dict(row) for row in self.rows if row.source == sid],
                }
                for sid, source in self.sources.items()
                if source.statements
            ],
        }


def _row_dict(row: Row) -> dict[str, Any]:
    s = row.statement
    decision = s.decision
    return {
        "quote": s.quote,
        "where": s.where,
        "read": {"date": s.read.date.isoformat(), "page": s.read.page, "url": s.read.url},
        "urgency": s.urgency,
        "status": row.status,
        "covered_by": [{"ref": c.ref, "what": c.what} for c in row.covers],
        "decision": decision
        and {
            "reason": decision.reason,
            "by": decision.by,
            "signed_off_by": decision.signed_off_by,
            "pending": decision.pending,
        },
    }


def _describe(ref: str, ruleset: RuleSet) -> str:
    if ":" in ref:
        question, value = ref.split(":", 1)
        info = ruleset.catalogue.get(question)
        return info.labels.get(value, value) if info else ref
    rule = next((r for r in ruleset.file.rules if r.id == ref), None)
    if rule is None:
        return ref
    does = [f"gives {rule.outcome}"] if rule.outcome else []
    does += [f"a {rule.finding.criterion} finding"] if rule.finding else []
    return "rule: " + ", ".join(does)


def trace_matrix(ruleset: RuleSet) -> Matrix:
    """Every statement of every source, with what covers it; and the sources nothing cites."""
    sources = ruleset.file.meta.sources
    rows = tuple(
        Row(sid, i, statement, tuple(Cover(c, _describe(c, ruleset)) for c in statement.covered_by))
        for sid, source in sources.items()
        for i, statement in enumerate(source.statements)
    )
    cited = citations_of(ruleset.file)
    return Matrix(rows, dict(sources), tuple(sid for sid in sources if sid not in cited))
