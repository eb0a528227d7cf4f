"""The patient pages through the Flask test client, with CSRF on, like a browser would use them.

`patient` walks the wizard: it opens a page, reads the CSRF token from the HTML, posts the
answers for the questions the page shows and follows the redirects. Pages are parsed with
BeautifulSoup (see tests/pages.py), so tests can ask for elements the way a person sees them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pages import Patient

from questionnaire import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def app():
    """One app for these tests: answers live in each test client's cookie, not in the app."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "QUESTIONNAIRE_RULES": str(ROOT / "rules.yaml")})


@pytest.fixture(scope="session")
def rules() -> dict:
    """rules.yaml as plain data: the wording the pages must show."""
    return yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def questions(rules) -> dict[str, dict]:
    """Question id -> its entry in rules.yaml, with the id of its step added."""
    return {q["id"]: {**q, "step": step["id"]} for step in rules["steps"]
            for q in step["questions"]}


@pytest.fixture()
def patient(client) -> Patient:
    return Patient(client)


@pytest.fixture()
def new_patient(app):
    """Another browser, with its own cookies."""
    return lambda base_url="http://localhost": Patient(app.test_client(), base_url=base_url)


@pytest.fixture()
def https_patient(new_patient) -> Patient:
    return new_patient("https://localhost")
