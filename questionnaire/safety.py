"""The hazard log of the clinical risk management file (docs/safety/hazard-log.yaml, DCB0129).

Read by the outcome book and by the test that every control names tests that exist. The risk
rating is worked out here from severity and likelihood with the DCB0129 matrix, never typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

HAZARD_LOG = Path(__file__).resolve().parent.parent / "docs" / "safety" / "hazard-log.yaml"

Severity = Literal["minor", "significant", "considerable", "major", "catastrophic"]
Likelihood = Literal["very low", "low", "medium", "high", "very high"]
SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]
LIKELIHOODS: tuple[str, ...] = Likelihood.__args__  # type: ignore[attr-defined]
# DCB0129's risk matrix: likelihood (rows, very low first) by severity (columns, minor first).
MATRIX = (
    (1, 1, 2, 2, 3),
    (1, 2, 2, 3, 4),
    (2, 2, 3, 3, 4),
    (2, 3, 3, 4, 5),
    (3, 4, 4, 5, 5),
)
RISK_WORDS = {
    1: "acceptable",
    2: "acceptable",
    3: "undesirable",
    4: "unacceptable",
    5: "unacceptable",
}
NodeId = Annotated[str, StringConstraints(pattern=r"^tests/[\w/]+\.py::\w+(::\w+)?$")]
Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def risk(severity: str, likelihood: str) -> int:
    """The DCB0129 risk rating, 1 (acceptable) to 5 (unacceptable)."""
    return MATRIX[LIKELIHOODS.index(likelihood)][SEVERITIES.index(severity)]


class Control(_Frozen):
    control: Words
    tests: tuple[NodeId, ...] = Field(min_length=1)


class Residual(_Frozen):
    severity: Severity
    likelihood: Likelihood
    note: Words

    @property
    def risk(self) -> int:
        return risk(self.severity, self.likelihood)


class Hazard(_Frozen):
    id: Annotated[str, StringConstraints(pattern=r"^H\d{2}$")]
    hazard: Words
    cause: Words
    effect: Words
    severity: Severity
    likelihood: Likelihood
    controls: tuple[Control, ...] = Field(min_length=1)
    residual: Residual

    @property
    def risk(self) -> int:
        return risk(self.severity, self.likelihood)

    @property
    def tests(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for c in self.controls for t in c.tests))


class HazardLog(_Frozen):
    hazards: tuple[Hazard, ...] = Field(min_length=1)


def hazard_log(path: Path = HAZARD_LOG) -> HazardLog:
    """The hazard log, checked against its model."""
    return HazardLog.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
