"""Real-browser fixtures: the app on a live local server, Debian's Chromium, a page per test.

Playwright's own browser download does not work here, so the tests drive /usr/bin/chromium
(set CHROMIUM to use another binary). A missing browser fails the tests: it never skips them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from form_filling import fill, location, questions
from playwright.sync_api import Browser, Error, Page, Playwright, Response
from werkzeug.serving import WSGIRequestHandler, make_server

from questionnaire import create_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.browser)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # keep test output readable
        pass


@contextmanager
def serving(app: Flask, name: str = "live-server") -> Iterator[str]:
    """`app` on 127.0.0.1 at a free port, in a thread, while the block runs; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def serve() -> Callable[..., AbstractContextManager[str]]:
    """serving(app, name): for a test module that needs an app of its own in the browser."""
    return serving


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The app on 127.0.0.1 at a free port, for the whole session; yields its base URL."""
    with serving(
        create_app({"TESTING": True, "SECRET_KEY": "x", "CLINICIAN_PREVIEW": True})
    ) as url:
        yield url


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole session."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Chromium, but {CHROMIUM} is missing or not executable. "
            "Install it with 'make chromium' (Debian: 'apt-get install chromium'), or set "
            "CHROMIUM to its path. Do not run 'playwright install': its download does not work "
            "here.",
            pytrace=False,
        )
    try:
        chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as exc:
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc.message}", pytrace=False)
    yield chromium
    chromium.close()


@dataclass
class Events:
    """What went wrong in the browser while a test ran."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def console(self, kind: str, text: str, url: str) -> None:
        """Chromium reports each Content-Security-Policy violation as a console error."""
        if kind == "error":
            found = (
                self.csp_violations if "Content Security Policy" in text else self.console_errors
            )
            found.append(f"{text} ({url})")

    def problems(self, *, status: int = 200) -> list[str]:
        """Every problem, except the console's note that the page itself answered `status`."""
        expected = f"the server responded with a status of {status} "
        console = [m for m in self.console_errors if status == 200 or expected not in m]
        return (
            [f"console error: {m}" for m in console]
            + [f"script error: {m}" for m in self.page_errors]
            + [f"CSP violation: {m}" for m in self.csp_violations]
            + [f"request left 127.0.0.1: {u}" for u in self.outside_requests]
        )

    def take(self, *, status: int = 200) -> list[str]:
        """The problems so far; then start again from none."""
        found = self.problems(status=status)
        for kind in (
            self.console_errors,
            self.page_errors,
            self.csp_violations,
            self.outside_requests,
        ):
            kind.clear()
        return found


@pytest.fixture()
def events() -> Events:
    """Console errors, script errors, CSP violations and outside requests of this test's pages."""
    return Events()


@pytest.fixture()
def open_page(browser: Browser, live_server: str, events: Events) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (options as for browser.new_context)."""
    contexts = []
    local = urlsplit(live_server).hostname

    def is_outside(url: str) -> bool:
        return (
            urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).hostname != local
        )

    def new_page(**options: Any) -> Page:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server, **options)
        contexts.append(context)
        context.route(is_outside, lambda route: route.abort())  # record it, never fetch it
        page = context.new_page()
        page.on("console", lambda m: events.console(m.type, m.text, m.location.get("url", "")))
        page.on("pageerror", lambda exc: events.page_errors.append(str(exc)))
        page.on("request", lambda r: is_outside(r.url) and events.outside_requests.append(r.url))
        return page

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture()
def page(open_page: Callable[..., Page]) -> Page:
    """A page in a fresh browser context: no cookies, JavaScript on, 1280 px wide."""
    return open_page()


class Wizard:
    """Walks the questionnaire in a browser with the mouse, as most people would."""

    def __init__(
        self, page: Page, journeys: Journeys | None = None, progress: Progress | None = None
    ):
        self.page = page
        self.journeys = journeys or {}
        self.progress = progress

    def location(self) -> str:
        return location(self.page)

    def questions(self) -> list[str]:
        """The names of the questions on the current page, in order."""
        return questions(self.page)

    def answer(self, answers: dict[str, Any]) -> None:
        """Tick, choose and type the answers to this page's questions that `answers` has."""
        fill(self.page, answers)

    def submit(self) -> Response | None:
        """Press Continue; returns the response to the page it leads to."""
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name="Continue").click()
        return navigation.value

    def walk(
        self,
        answers: dict[str, Any],
        until: str,
        start: str = "/step/warning_signs",
        seen: Callable[[str], None] = lambda where: None,
    ) -> None:
        """Answer page after page from `start` until the browser is at `until`."""
        self.page.goto(start)
        for _ in range(30):  # one question per page
            seen(self.location())
            if self.location() == until:
                return
            names = self.questions()
            if not names and self.location() == "/check":
                with self.page.expect_navigation():
                    self.page.get_by_role("link", name="See your summary").click()
                continue
            missing = [n for n in names if n not in answers]
            assert names and not missing, (
                f"stuck at {self.location()} on the way to {until}: "
                f"no answers for {missing or 'a page without questions'}"
            )
            self.answer(answers)
            self.submit()
        raise AssertionError(f"never reached {until}; stopped at {self.location()}")

    def reach(self, path: str, journey: str = "discuss") -> None:
        """Open `path` with the answers a walk with `journey` had given when it got there.

        The walk itself happens once per session, in the browser (see Progress); this page gets
        its cookie, so each test starts from a fresh context without walking again.
        """
        assert self.progress is not None, "reach() needs the wizard fixture"
        self.page.context.add_cookies(self.progress.cookies(journey, self.journeys[journey], path))
        self.page.goto(path)
        assert self.location() == path, f"{path} sent the browser to {self.location()}"


class Progress:
    """The cookies a browser held at each page of a walk through the wizard, by journey."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser, self.base_url = browser, base_url
        self.saved: dict[tuple[str, str], list[Any]] = {}

    def cookies(self, journey: str, answers: dict[str, Any], path: str) -> list[Any]:
        if (journey, path) not in self.saved:
            context = self.browser.new_context(base_url=self.base_url)
            try:
                wizard = Wizard(context.new_page())
                wizard.walk(
                    answers,
                    until="/summary",
                    seen=lambda where: self.saved.setdefault((journey, where), context.cookies()),
                )
            finally:
                context.close()
        assert (journey, path) in self.saved, f"the {journey} journey never passes {path}"
        return self.saved[(journey, path)]


Journeys = dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def progress(browser: Browser, live_server: str) -> Progress:
    return Progress(browser, live_server)


@pytest.fixture()
def journeys(discuss_answers: dict[str, Any]) -> Journeys:
    """Answers that reach each of the five outcomes, by outcome id."""
    return {
        "emergency": {"warning_signs": ["bladder_bowel"]},
        "urgent": {"warning_signs": ["fever"]},
        "usually_excluded": {**discuss_answers, "health_conditions": ["pregnant"]},
        "not_yet": {**discuss_answers, "treatments_tried": ["none"]},
        "discuss": discuss_answers,
    }


@pytest.fixture()
def wizard(page: Page, journeys: Journeys, progress: Progress) -> Wizard:
    """Walks the questionnaire in the `page` fixture's page."""
    return Wizard(page, journeys, progress)


@pytest.fixture()
def wizard_on() -> type[Wizard]:
    """Wizard(page) for pages opened with open_page."""
    return Wizard
