"""Shared fixtures: the app on the shipped rules, its client and CLI runner, and the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaire import create_app
from questionnaire.engine import Engine, load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine on the shipped rules.yaml, with no Flask app."""
    return Engine(load_rules(RULES))


@pytest.fixture()
def app():
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "QUESTIONNAIRE_RULES": str(RULES)})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


# A complete set of answers that reaches the "discuss" outcome; tests change one thing at a time.
DISCUSS_ANSWERS = {
    "warning_signs": ["none"],
    "pain_area": "lower_back",
    "pain_duration": "1_to_5_years",
    "pain_pattern": "mostly_back",
    "pain_intensity": 6,
    "diagnosis": "yes_imaging",
    "treatments_tried": ["physical_therapy", "pain_medication"],
    "treatment_duration": "over_6_months",
    "treatment_relief": "little_or_none",
    "previous_procedures": ["none"],
    "health_conditions": ["none"],
    "overall_health": "good",
    "payment": "self_pay_possible",
    "clinical_trial": "yes",
    "travel": "yes",
}


@pytest.fixture()
def discuss_answers() -> dict:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in DISCUSS_ANSWERS.items()}
