"""What the fuzz modules share: their budget, strategies for answers built from a loaded rule set
(nothing about the shipped questions is written here), and an independent reading of the rules
to check the engine against.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, settings
from hypothesis import strategies as st

from questionnaire import create_app
from questionnaire.engine import Engine, model

ROOT = Path(__file__).resolve().parents[2]
# One app for the fuzz modules that send requests: answers live in each client's cookie.
APP = create_app(
    {
        "TESTING": True,
        "SECRET_KEY": "fuzz-secret",
        "CLINICIAN_PREVIEW": True,
        "QUESTIONNAIRE_RULES": str(ROOT / "rules.yaml"),
    }
)


def examples(weight: int) -> int:
    """Examples for a fuzz test of this weight: 100 per unit in the "ci" profile (conftest.py)."""
    return weight * settings.default.max_examples


def count(inputs: Counter[str], param: str = "") -> None:
    """Count one input for the calling test (its function name, and a parameter if any)."""
    name = sys._getframe(1).f_code.co_name
    inputs[f"{name}[{param}]" if param else name] += 1


def check_budget(budget: dict[str, int], inputs: Counter[str], failed: set[str]) -> None:
    """Every fuzz test of a module ran at least its planned number of inputs.

    budget: test name (with "[param]" if any) -> planned inputs. A test that failed stopped
    early and is left out: its own failure is the report.
    """
    ran = {name: inputs[name] for name in budget}
    if not all(ran.values()):
        pytest.skip(
            "not every fuzz test of this module ran: "
            + ", ".join(name for name, count in ran.items() if not count)
        )
    short = {
        name: f"{ran[name]} of {planned}"
        for name, planned in budget.items()
        if ran[name] < planned and name.split("[")[0] not in failed
    }
    assert not short, f"fuzz tests that ran fewer inputs than planned: {short}"


# JSON values of every shape, two levels deep (st.recursive costs twice as much per value).
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
JSON_VALUES = st.one_of(
    JSON_SCALARS,
    st.lists(
        st.one_of(
            JSON_SCALARS,
            st.lists(JSON_SCALARS, max_size=2),
            st.dictionaries(st.text(max_size=4), JSON_SCALARS, max_size=2),
        ),
        max_size=3,
    ),
    st.dictionaries(
        st.text(max_size=8), st.one_of(JSON_SCALARS, st.lists(JSON_SCALARS, max_size=2)), max_size=3
    ),
)


def exclusive_choices(q: model.Question) -> list[str]:
    return [c.value for c in q.choices if c.exclusive]


def other_choices(q: model.Question) -> list[str]:
    return [c.value for c in q.choices if not c.exclusive]


def valid_answer(q: model.Question) -> st.SearchStrategy[Any]:
    """A valid answer to one question, as the API receives it."""
    if q.type == "single":
        return st.sampled_from([c.value for c in q.choices])
    if q.type == "integer":
        assert q.min is not None and q.max is not None
        return st.integers(q.min, q.max)
    alone = [st.just([value]) for value in exclusive_choices(q)]
    together = st.lists(st.sampled_from(other_choices(q)), min_size=1, unique=True)
    return st.one_of(*alone, together) if alone else together


@dataclass(frozen=True)
class Drawn:
    """A valid set of answers and how the questionnaire reads it."""

    answers: dict[str, Any]
    required: tuple[str, ...]  # questions asked before any early stop: each has an answer
    hidden: tuple[str, ...]  # answered although show_if hides them: the engine drops these
    after_stop: tuple[str, ...]  # answered after an early stop: checked, not used


def valid_answers(engine: Engine, *, extras: bool = True) -> st.SearchStrategy[Drawn]:
    """Answers question by question, asking the engine which question comes next.

    With `extras`, questions that are hidden or come after an early stop may get a valid
    answer too, as a client that sends every field would. After a stop that may be continued
    (`may_continue`), a coin decides: the person answers the rest (every question then shown
    is required) or sends nothing after the stop.
    """
    questions = engine.ruleset.questions
    answer = {q.id: valid_answer(q) for q in questions}  # built once: building is slow
    coin = st.booleans()
    contradicting = {q.id for q in questions if q.contradictions}
    # The engine is asked only where its answer can change: a stop is decided at the end of
    # a step, so at the start of the next one; and at each question with skip logic.
    ask = {step.questions[0].id for step in engine.ruleset.file.steps} | {
        q.id for q in questions if q.show_if is not None
    }

    @st.composite
    def drawn(draw) -> Drawn:
        answers: dict[str, Any] = {}
        required, hidden, after_stop = [], [], []
        stopped = final = going_on = declined = False
        for q in questions:
            value = None
            if going_on:
                # Past a stop that may be continued, the walk goes on once a later question has
                # an answer: ask the engine with this question answered.
                value = draw(answer[q.id])
                walk = engine.walk({**answers, q.id: value})
                stopped, shown = walk.stopped_after is not None, q.id in walk.shown
                final = final or stopped
            elif q.id in ask:
                walk = engine.walk(answers)
                stopped, shown = walk.stopped_after is not None, q.id in walk.shown
                if stopped and walk.continuable and not declined and not draw(coin):
                    declined = True
                elif stopped and walk.continuable and not declined:
                    going_on = True  # the person answers the rest after an urgent stop
                    value = draw(answer[q.id])
                    walk = engine.walk({**answers, q.id: value})
                    stopped, shown = walk.stopped_after is not None, q.id in walk.shown
                final = stopped and (going_on or not walk.continuable)
            else:
                shown = not stopped
            if shown and not stopped:
                answers[q.id] = draw(answer[q.id]) if value is None else value
                if q.id in contradicting:  # rules 3.1.0: an answer that contradicts an earlier
                    assume(not engine.walk(answers).problems)  # one is refused: not valid
                required.append(q.id)
            elif extras and (final or not stopped) and draw(coin):
                # After a stop that may be continued, any later answer would continue the walk:
                # a client that stops there sends none.
                answers[q.id] = draw(answer[q.id]) if value is None else value
                (after_stop if stopped else hidden).append(q.id)
        return Drawn(answers, tuple(required), tuple(hidden), tuple(after_stop))

    return drawn()


def answer_objects(engine: Engine) -> st.SearchStrategy[dict[str, Any]]:
    """Each question validly answered or not at all; then one to three questions, and a few
    keys that may not be questions, set to any JSON value (or a list of them, the shape of a
    multi-select). The valid answers let the engine read on past the first question."""
    questions = engine.ruleset.questions
    answer = {q.id: valid_answer(q) for q in questions}
    coin = st.booleans()
    any_value = JSON_VALUES | st.lists(JSON_VALUES, min_size=1, max_size=3)
    some_questions = st.lists(st.sampled_from([q.id for q in questions]), min_size=1, max_size=3)
    other_keys = st.dictionaries(st.text(max_size=12), any_value, max_size=2)

    @st.composite
    def objects(draw) -> dict[str, Any]:
        answers = {q.id: draw(answer[q.id]) for q in questions if draw(coin)}
        for qid in draw(some_questions):
            answers[qid] = draw(any_value)
        answers.update(draw(other_keys))
        return answers

    return objects()


# --- an independent reading of `when`, straight from the rule file -----------------------------

UNKNOWN = object()  # a question the walk never reached (after an early stop)


def holds(cond: dict[str, Any], values: dict[str, Any], file: model.RuleFile) -> bool | None:
    """Three-valued truth of a raw condition; values: question id -> answer, None if not asked,
    UNKNOWN if not reached. Written from docs/rules-format.md, not from the engine's code."""
    if "always" in cond:
        return bool(cond["always"])
    if "not" in cond:
        inner = holds(cond["not"], values, file)
        return None if inner is None else not inner
    if "all" in cond or "any" in cond:
        deciding = "any" in cond
        results = [holds(c, values, file) for c in cond["any" if deciding else "all"]]
        if deciding in results:
            return deciding
        return None if None in results else not deciding
    qid = cond["q"]
    op, arg = next((k, v) for k, v in cond.items() if k != "q")
    value = values.get(qid)
    if value is UNKNOWN:
        return None
    if op == "answered":
        return (value is not None) == arg
    if value is None:
        return False
    question = next(x for step in file.steps for x in step.questions if x.id == qid)
    order = [c.value for c in question.choices]

    def rank(v):
        return v if question.type == "integer" else order.index(v)

    checks = {
        "is": lambda: value == arg,
        "in": lambda: value in arg,
        "has": lambda: arg in value,
        "has_any": lambda: any(a in value for a in arg),
        "has_all": lambda: all(a in value for a in arg),
        "at_least": lambda: rank(value) >= rank(arg),
        "at_most": lambda: rank(value) <= rank(arg),
        "between": lambda: rank(arg[0]) <= rank(value) <= rank(arg[1]),
    }
    return checks[op]()
