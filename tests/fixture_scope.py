"""Fixture scopes that stay honest under mutation testing (docs/testing.md, "Mutation testing").

mutmut maps each test to the functions it runs (its stats phase, with MUTANT_UNDER_TEST=stats)
and later runs, for a mutant, only the tests mapped to its function. A session or module
fixture runs the loader and the verifier once, inside the first test that asks for it, so the
other tests that read what it built would never be run against a mutant of the loader.
"""

from __future__ import annotations

import os

import pytest


def shared(scope: str):
    """`scope`, except in mutmut's stats phase: then each test builds its own."""

    def pick(fixture_name: str, config: pytest.Config) -> str:
        return "function" if os.environ.get("MUTANT_UNDER_TEST") == "stats" else scope

    return pick
