"""Which registered studies' main criteria a set of answers seems to meet.

Each study's criteria are a condition over the questionnaire's answers, evaluated like a rule
(three-valued: a criterion on a question not answered is not known). Studies are shown only
under the lower outcomes: never beside an emergency or urgent card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..load.studies import Studies, Study
from .conditions import Condition
from .evaluate import Summary


@dataclass(frozen=True, slots=True)
class StudyMatch:
    study: Study
    meets: bool  # the main criteria are met by the answers given
    criteria: Condition
    keys: Mapping[str, Any]  # the answer keys they were decided on

    @property
    def why(self) -> str:
        """The criteria, in words, as these answers decide them (written only when shown: the
        summary shows it for one study at most)."""
        return self.criteria.because(self.keys)[1]


def match_studies(studies: Studies, summary: Summary) -> list[StudyMatch]:
    """Every study of the snapshot, open ones (recruiting) first, each with whether the
    answers meet its main criteria; none at all beside an emergency or urgent headline
    (nothing about studies belongs there)."""
    if summary.outcome.urgency != "routine":
        return []
    keys = summary.keys  # the answer keys of the summary's own walk: not read again
    found = []
    for study in studies.studies:
        criteria = studies.criteria[study.nct_id]
        found.append(StudyMatch(study, criteria.truth(keys) is True, criteria, keys))
    return sorted(found, key=lambda m: not m.study.is_open)
