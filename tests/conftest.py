"""Shared fixtures: the app on the shipped rules, its client and CLI runner, and the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fixture_scope import shared
from sample_answers import DISCUSS_ANSWERS

from questionnaire import create_app
from questionnaire.engine import Engine, load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"


@pytest.fixture(scope=shared("session"))
def engine() -> Engine:
    """The engine on the shipped rules.yaml, with no Flask app."""
    return Engine(load_rules(RULES))


@pytest.fixture(scope="session")
def rules() -> dict:
    """rules.yaml as plain data: the wording the pages must show."""
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shared_app():
    """One app for a whole folder of tests (CSRF on): answers live in each client's cookie.
    The clinician preview is off unless configured; the tests turn it on."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(RULES),
        }
    )


@pytest.fixture()
def app():
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(RULES),
        }
    )


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def discuss_answers() -> dict:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in DISCUSS_ANSWERS.items()}


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright for the whole run, shared by tests/browser and tests/deploy: its sync API
    refuses to start while another instance is running in the same process."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver
