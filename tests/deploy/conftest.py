"""The production shape, for real: gunicorn hosts behind the shipped nginx, over HTTPS.

bench/deployment.py starts it (free ports on 127.0.0.1, a throwaway certificate for
criteria.test). Chromium reaches criteria.test through --host-resolver-rules and trusts the
certificate by its key's pin, so it treats the site as properly secure (HSTS included). A missing
nginx, openssl or Chromium fails these tests: they are never skipped (`make test` installs them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from form_filling import fill, location, questions
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Response
from sample_answers import DISCUSS_ANSWERS

from bench.deployment import SERVER_NAME, Certificate, Deployment, missing_tools

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    f"--host-resolver-rules=MAP {SERVER_NAME} 127.0.0.1",
]

JOURNEYS: dict[str, dict[str, Any]] = {
    "emergency": {"warning_signs": ["bladder_bowel"]},
    "urgent": {"warning_signs": ["fever"]},
    "usually_excluded": {**DISCUSS_ANSWERS, "health_conditions": ["pregnant"]},
    "not_yet": {**DISCUSS_ANSWERS, "treatments_tried": ["none"]},
    "discuss": dict(DISCUSS_ANSWERS),
}


@pytest.fixture()
def journeys() -> dict[str, dict[str, Any]]:
    """Answers that reach each of the five outcomes, by outcome id."""
    return JOURNEYS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here runs the real nginx and gunicorn, and most of them Chromium."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.deploy)


def need_tools() -> None:
    missing = missing_tools() + ([] if os.access(CHROMIUM, os.X_OK) else [CHROMIUM])
    if missing:
        pytest.fail(
            f"The deployment tests need {', '.join(missing)}: run 'make test', which "
            "installs Debian's nginx, openssl and chromium.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """One throwaway certificate for criteria.test, for every deployment of the session."""
    need_tools()
    return Certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def deployment(certificate: Certificate) -> Iterator[Deployment]:
    """Two app hosts behind one nginx, for the whole session (tests must not kill them)."""
    with Deployment(hosts=2, cert=certificate) as running:
        yield running


@pytest.fixture(scope="session")
def chromium(certificate: Certificate, playwright_driver: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, trusting the certificate as if a real CA had signed it."""
    pin = certificate.spki_pin()
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={pin}"],
    )
    yield browser
    browser.close()


class Visit:
    """A browser context on one deployment that records every response it got."""

    def __init__(self, context: BrowserContext, base_url: str):
        self.context, self.base_url = context, base_url
        self.page: Page = context.new_page()
        self.responses: list[Response] = []
        self.page.on("response", lambda response: self.responses.append(response))

    def goto(self, path_or_url: str) -> Response | None:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        return self.page.goto(url)

    def location(self) -> str:
        return location(self.page)

    def server_errors(self) -> list[str]:
        return [f"{r.status} {r.request.method} {r.url}" for r in self.responses if r.status >= 500]

    def questions(self) -> list[str]:
        return questions(self.page)

    def answer_page(self, answers: dict[str, Any]) -> None:
        """Tick, choose and type this page's answers, then press Continue."""
        missing = [name for name in self.questions() if name not in answers]
        assert not missing, f"no answers for {missing} at {self.location()}"
        fill(self.page, answers)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Continue").click()

    def walk(self, answers: dict[str, Any], between: Callable[[int], None] = lambda n: None) -> str:
        """From the first step to the summary; `between(n)` runs after the n-th page is
        answered. Returns the summary's data-outcome."""
        self.goto("/step/warning_signs")
        for number in range(40):  # one question a page, then the check page
            if self.location() == "/summary":
                return self.page.get_attribute("[data-outcome]", "data-outcome") or ""
            if self.location() == "/check":
                with self.page.expect_navigation():
                    self.page.get_by_role("link", name="See your summary").click()
                continue
            assert self.questions(), f"stuck at {self.location()}"
            self.answer_page(answers)
            between(number + 1)
        raise AssertionError(f"never reached the summary; stopped at {self.location()}")


@pytest.fixture()
def visit(chromium: Browser) -> Iterator[Callable[[Deployment], Visit]]:
    """visit(deployment): a fresh browser context (no cookies, no HSTS) on that deployment."""
    contexts: list[BrowserContext] = []

    def open_visit(where: Deployment) -> Visit:
        context = chromium.new_context()
        contexts.append(context)
        return Visit(context, where.nginx.base_url)

    yield open_visit
    for context in contexts:
        context.close()
