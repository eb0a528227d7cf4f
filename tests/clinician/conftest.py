"""Clinician preview and FHIR tests: one app, pages parsed with BeautifulSoup, and a patient who
walks the wizard through the test client with CSRF on (the token is read from each page).
The parsing and the patient live in tests/pages.py, shared with tests/web.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pages import Patient, csrf_token, form_data
from pages import parse as parse_html


@pytest.fixture(scope="session")
def app(shared_app):
    return shared_app


@pytest.fixture(scope="session")
def rules_data(rules) -> dict:
    return rules


@pytest.fixture(scope="session")
def parse() -> Callable[[str], BeautifulSoup]:
    return parse_html


@pytest.fixture(scope="session")
def token() -> Callable[[str], str]:
    """The CSRF token from a page's HTML."""
    return csrf_token


@pytest.fixture(scope="session")
def as_form() -> Callable[[Mapping[str, Any]], dict]:
    return form_data


@pytest.fixture(scope="session")
def walk_wizard() -> Callable:
    """Answer the pages of the patient wizard from `answers` (see `Patient.walk`); return the
    last response. The walk ends off the question pages, or on the first page asking a question
    `answers` does not answer.
    """
    return lambda client, answers: Patient(client).walk(answers).response
