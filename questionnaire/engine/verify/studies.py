"""The verifier's check of studies.yaml: a study whose main criteria no set of answers meets
under a lower outcome (the only place the summary shows studies) is a mapping mistake.

The studies' criteria join the rule file as finding-less rules, so they are analysed on the
same answer space and the same walk-through (skip logic, early stops) as the rules.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .. import model
from ..evaluation.ruleset import RuleSet
from ..load.studies import Studies
from .answerspace import Space
from .symbolic import FileWalk, pick


def study_witnesses(rs: RuleSet, studies: Studies) -> dict[str, dict[str, Any] | None]:
    """NCT id -> a complete answer set that meets its criteria under a lower outcome, or None
    when no answer set does."""
    source = next(iter(rs.file.meta.sources))
    extra = tuple(
        model.Rule(id=s.nct_id.lower(), when=s.criteria, source=source) for s in studies.studies
    )
    file = rs.file.model_copy(update={"rules": rs.file.rules + extra})
    walk = FileWalk(Space([dataclasses.replace(rs, file=file)]), 0)
    ranks = [i for i, o in enumerate(rs.file.outcomes) if o.urgency == "routine"]
    lower = ~walk.higher[ranks[0]] if ranks else walk.bdd.false
    first = len(rs.file.rules)
    return {
        study.nct_id: pick(walk, walk.fires[first + i] & lower)
        for i, study in enumerate(studies.studies)
    }
