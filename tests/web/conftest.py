"""The patient pages through the Flask test client, with CSRF on, like a browser would use them.

`patient` walks the wizard: it opens a page, reads the CSRF token from the HTML, posts the
answers for the questions the page shows and follows the redirects. Pages are parsed with
BeautifulSoup (see tests/pages.py), so tests can ask for elements the way a person sees them.
"""

from __future__ import annotations

import pytest
from pages import Patient


@pytest.fixture(scope="session")
def app(shared_app):
    return shared_app


@pytest.fixture(scope="session")
def questions(rules) -> dict[str, dict]:
    """Question id -> its entry in rules.yaml, with the id of its step added."""
    return {
        q["id"]: {**q, "step": step["id"]} for step in rules["steps"] for q in step["questions"]
    }


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
