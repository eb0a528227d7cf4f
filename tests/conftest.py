"""Shared fixtures: the app on the shipped rules, its client and CLI runner, and the engine."""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

import pytest
import yaml
from fixture_scope import shared
from sample_answers import DISCUSS_ANSWERS

from questionnaire import create_app
from questionnaire.engine import Engine, load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook (`make test` runs two processes)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadfile`, but every test of tests/deploy in one process: they share one
    deployment (nginx and two gunicorn hosts) per process, so it is started once, not twice.
    (`--dist loadgroup` would do this with marks, but pytest-xdist 3.8 cannot add the group to a
    test's id under pytest 9.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ByFileDeployTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "tests/deploy/" if path.startswith("tests/deploy/") else path

    return ByFileDeployTogether(config, log)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported and collected so far lives to the end of the run: move it out of the
    garbage collector's reach (gc.freeze), so its full collections no longer walk it each time.
    They took 4.4 s of the 22 s of CPU of `make quick`, 1.3 s after this. Only the test
    process is tuned; the app and engine run under Python's defaults."""
    gc.collect()
    gc.freeze()


# Under pytest-xdist: the workers' fuzz input counts, and their hypothesis profile.
FUZZ_INPUTS: Counter[str] = Counter()
FUZZ_PROFILE: set[str] = set()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """A pytest-xdist worker finished: keep its fuzz input counts (tests/fuzz/conftest.py)."""
    FUZZ_INPUTS.update(node.workeroutput.get("fuzz_inputs", {}))
    if "fuzz_profile" in node.workeroutput:
        FUZZ_PROFILE.add(node.workeroutput["fuzz_profile"])


def pytest_terminal_summary(terminalreporter) -> None:
    """The fuzz tests' input counts, as tests/fuzz/conftest.py prints them in one process."""
    if not FUZZ_INPUTS:
        return
    total, profile = sum(FUZZ_INPUTS.values()), ", ".join(sorted(FUZZ_PROFILE))
    terminalreporter.write_sep(
        "-", f"fuzz: {total:,} generated inputs (hypothesis profile '{profile}')"
    )
    for name, count in sorted(FUZZ_INPUTS.items()):
        terminalreporter.write_line(f"{count:>9,}  {name}")


@pytest.fixture(scope=shared("session"))
def engine() -> Engine:
    """The engine on the shipped rules.yaml, with no Flask app."""
    return Engine(load_rules(RULES))


@pytest.fixture(scope="session")
def rules() -> dict:
    """rules.yaml as plain data: the wording the pages must show. (libyaml's loader: PyYAML's
    pure-Python one took 0.7 s for this file.)"""
    return yaml.load(RULES.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


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
