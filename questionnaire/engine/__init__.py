"""The rule engine: a pure library (no Flask) that loads rules.yaml and evaluates answers."""

from .errors import AnswerProblem, AnswersError, QuestionnaireError, RuleProblem, RulesError
from .evaluation.evaluate import Engine, FoundFinding, Summary, TraceEntry
from .evaluation.ruleset import RuleSet
from .load.loader import (
    Loaded,
    load_languages,
    load_rules,
    loads_rules,
    read_rules,
    read_rules_file,
)

__all__ = [
    "AnswerProblem",
    "AnswersError",
    "Engine",
    "FoundFinding",
    "Loaded",
    "QuestionnaireError",
    "RuleProblem",
    "RuleSet",
    "RulesError",
    "Summary",
    "TraceEntry",
    "load_languages",
    "load_rules",
    "loads_rules",
    "read_rules",
    "read_rules_file",
]
