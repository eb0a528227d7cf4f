"""Two families of errors: the rule file is wrong, or the answers are wrong."""

from __future__ import annotations

from dataclasses import dataclass


class QuestionnaireError(Exception):
    """Root of every error the engine raises on purpose."""


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One problem in a rule file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    problem: str
    expected: str | None = None

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.problem}"
        return f"{text} (expected {self.expected})" if self.expected else text


class RulesError(QuestionnaireError):
    """The rule file cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[RuleProblem]):
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the rule file"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """One problem with a set of answers; `question` is None for the answers as a whole."""

    question: str | None
    code: str  # missing | unknown_question | unknown_choice | wrong_type | out_of_range | exclusive
    # | contradiction
    message: str
    earlier: tuple[str, ...] = ()  # a contradiction: the earlier questions it contradicts

    def as_dict(self) -> dict[str, str | None]:
        return {"question": self.question, "code": self.code, "message": self.message}


class AnswersError(QuestionnaireError, ValueError):
    """The answers cannot be evaluated; `problems` lists every problem found."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems = tuple(problems)
        super().__init__(
            "; ".join(
                f"{p.question}: {p.message}" if p.question else p.message for p in self.problems
            )
        )
