"""The rule engine: a pure library (no Flask) that loads rules.yaml and evaluates answers."""

from .errors import AnswerProblem, AnswersError, QuestionnaireError, RuleProblem, RulesError
from .evaluate import Engine, FoundFinding, Summary, TraceEntry
from .loader import load_rules, loads_rules
from .ruleset import RuleSet

__all__ = [
    "AnswerProblem", "AnswersError", "Engine", "FoundFinding", "QuestionnaireError",
    "RuleProblem", "RuleSet", "RulesError", "Summary", "TraceEntry",
    "load_rules", "loads_rules",
]

