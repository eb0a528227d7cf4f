"""The rule engine: a pure library (no Flask) that loads rules.yaml and evaluates answers."""

from .errors import AnswerProblem, AnswersError, QuestionnaireError, RuleProblem, RulesError
from .evaluate import Engine, FoundFinding, Summary, TraceEntry
from .loader import RuleSet, load_rules, loads_rules

__all__ = [
    "AnswerProblem", "AnswersError", "Engine", "FoundFinding", "QuestionnaireError",
    "RuleProblem", "RuleSet", "RulesError", "Summary", "TraceEntry", "load_engine",
    "load_rules", "loads_rules",
]


def load_engine(path) -> Engine:
    """Load, check and verify a rule file, and compile it into an Engine."""
    return Engine(load_rules(path))
