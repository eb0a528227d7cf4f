"""Which registered studies' main criteria a set of answers seems to meet.

Each study's criteria are a condition over the questionnaire's answers, evaluated like a rule
(three-valued: a criterion on a question not answered is not known). Studies are shown only
under the lower outcomes: never beside an emergency or urgent card.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..load.studies import Studies, Study
from .evaluate import Engine, Summary


@dataclass(frozen=True, slots=True)
class StudyMatch:
    study: Study
    meets: bool  # the main criteria are met by the answers given
    why: str  # the criteria, in words, as these answers decide them


def match_studies(engine: Engine, studies: Studies, summary: Summary) -> list[StudyMatch]:
    """Every study of the snapshot, open ones (recruiting) first, each with whether the
    answers meet its main criteria; none at all beside an emergency or urgent headline
    (nothing about studies belongs there)."""
    if summary.outcome.urgency != "routine":
        return []
    _, end = engine.flow.read(summary.answers)
    found = []
    for study in studies.studies:
        value, why = studies.criteria[study.nct_id].because(end.keys)
        found.append(StudyMatch(study, value is True, why))
    return sorted(found, key=lambda m: not m.study.is_open)
