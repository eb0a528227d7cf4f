"""The verifier's check of studies.yaml: a study whose main criteria no set of answers meets
under a lower outcome (the only place the summary shows studies) is a mapping mistake.

The studies' criteria are analysed on the rule file's own answer space and walk-through (skip
logic, early stops): their leaves join the rule set's, so the space splits answers by them too.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..evaluation.ruleset import RuleSet
from ..load.studies import Studies
from .answerspace import Space
from .symbolic import SymbolicWalk, pick


def study_witnesses(rs: RuleSet, studies: Studies) -> dict[str, dict[str, Any] | None]:
    """NCT id -> a complete answer set that meets its criteria under a lower outcome, or None
    when no answer set does."""
    extra = [leaf for cond in studies.criteria.values() for leaf in cond.leaves()]
    leaves = tuple(dict.fromkeys((*rs.leaves, *extra)))
    walk = SymbolicWalk(Space([dataclasses.replace(rs, leaves=leaves)]), 0)
    ranks = [i for i, o in enumerate(rs.file.outcomes) if o.urgency == "routine"]
    # walk.valid: an answer set there is (going on past a stop only where it asks something)
    lower = ~walk.higher[ranks[0]] & walk.valid if ranks else walk.bdd.false
    return {
        study.nct_id: pick(walk, walk.fire(studies.criteria[study.nct_id]) & lower)
        if study.nct_id in studies.criteria
        else None
        for study in studies.studies
    }
