"""One app for the whole folder: these tests send no cookies and change no configuration, so a
fresh app per test (loading, checking and verifying both languages' rules) only cost time."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def app(shared_app):
    return shared_app
