"""Hypothesis profiles for the fuzz tests, and a count of the inputs they really generate.

HYPOTHESIS_PROFILE picks the profile:
- "ci" (the default): a fixed seed (derandomize), 100 examples per unit of a test's weight.
  The weights of all fuzz tests add up to more than 100 units: at least 10,000 inputs.
- "long" (`make fuzz`): ten times as many examples, and a new random seed every run.

Loading a profile is global to the pytest run; "ci" keeps hypothesis's usual 100 examples, so
other hypothesis tests only gain the fixed seed and lose the deadline.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import core as hypothesis_core
from hypothesis import settings
from hypothesis.vendor import pretty

# Schemathesis's pytest plugin, loaded in every run once it is installed, replaces hypothesis's
# printer with one that prints nothing, so a failing example reads "answers=,". Put it back:
# a fuzz failure is only useful with the input that caused it.
hypothesis_core.RepresentationPrinter = pretty.RepresentationPrinter

settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None, print_blob=False
)
settings.register_profile("long", max_examples=1000, deadline=None)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


class InputCount(Counter):
    """Test name (with "[param]" if any) -> inputs run."""

    def _repr_pretty_(self, printer, cycle) -> None:  # keeps failing examples short
        printer.text(f"<{sum(self.values())} inputs counted so far>")


INPUTS = InputCount()
FAILED: set[str] = set()  # test names (without parameters) that failed


@pytest.fixture(scope="session")
def inputs() -> Counter[str]:
    """The count of generated inputs: fuzzing.count(inputs) in a test adds one."""
    return INPUTS


@pytest.fixture(scope="session")
def failed() -> set[str]:
    return FAILED


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.failed:
        FAILED.add(report.nodeid.split("::")[-1].split("[")[0])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker (`make test`), hand the counts to the main process, which prints
    them (tests/conftest.py): a worker's own summary is never shown."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzz_inputs"] = dict(INPUTS)
        output["fuzz_profile"] = PROFILE


def pytest_terminal_summary(terminalreporter) -> None:
    if not INPUTS:
        return
    total = sum(INPUTS.values())
    terminalreporter.write_sep(
        "-", f"fuzz: {total:,} generated inputs (hypothesis profile '{PROFILE}')"
    )
    for name, count in sorted(INPUTS.items()):
        terminalreporter.write_line(f"{count:>9,}  {name}")
