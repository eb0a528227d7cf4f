"""The whole journey in Spanish in Chromium (issue #14): a patient who picks Español on the start
page goes through every page to the summary, and no English is left on any of them.

"No English left" is measured against the English page: each page is also opened in a second
browser with the same answers but no language chosen, and every line of visible text that is
the same in both must be one that is the same in both languages (numbers, "911", a name).
axe-core checks the Spanish pages too (WCAG 2.2 AA, and `<html lang>` valid).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page
from test_accessibility import axe_report

from questionnaire import create_app
from questionnaire.engines import engine_for, engine_of

pytestmark = pytest.mark.browser

CATALOGUE = Path(__file__).resolve().parents[2] / "translations/es/LC_MESSAGES/messages.po"
AXE_PAGES = {"/", "/step/warning_signs", "/step/pain", "/check", "/summary"}
NO_WORDS = re.compile(r"^[\W\d_]*$")  # numbers, punctuation: the same in every language


def same_in_both_languages(en, es) -> set[str]:
    """Lines that may read the same in Spanish: interface strings whose Spanish is spelled as
    the English ("Error:"), and texts of the rules whose translation is spelled the same ("No",
    a source's own title)."""
    with CATALOGUE.open("rb") as f:
        same = {m.id for m in read_po(f) if m.id and m.string == m.id}
    pairs = zip(
        strings(en.ruleset.file.model_dump(mode="json")),
        strings(es.ruleset.file.model_dump(mode="json")),
        strict=True,
    )
    return same | {english for english, spanish in pairs if english == spanish}


def strings(node: Any) -> Iterator[str]:
    """Every string in a rule file's data, in order (both languages have the same shape)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield node


def spanish_engine() -> tuple[Any, Any]:
    """The Spanish engine of an app like the live server's. Until branch es-content lands,
    engine_for is a stub that returns the English engine: then the comparison with the English
    pages cannot pass, and the test says so as an expected failure (never a skip)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    en, es = engine_of(app), engine_for(app, "es")
    if es is en:
        pytest.xfail("STUB: engine_for(app, 'es') is the English engine until es-content lands")
    return en, es


def lines(page: Page) -> list[str]:
    """The page's visible text, line by line, as a person (or a screen reader) meets it; not the
    registry's own data on the summary's studies section (sponsors, places, record addresses),
    which the registry gives in English only."""
    body = page.evaluate("""() => {
        const data = [...document.querySelectorAll('.study dd:not([data-status])')];
        data.forEach(e => e.style.display = 'none');
        const text = document.body.innerText;
        data.forEach(e => e.style.display = '');
        return text; }""")
    return [" ".join(line.split()) for line in body.splitlines() if line.strip()]


def english_left(spanish: Page, english: Page, allowed: set[str]) -> list[str]:
    """Lines of the Spanish page that read exactly as on the English page."""
    in_english = set(lines(english))
    return [
        line
        for line in lines(spanish)
        if line in in_english and not NO_WORDS.match(line) and line not in allowed
    ]


class SpanishWalk:
    """One browser walking in Spanish, and a second one showing the same page in English."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser, self.base_url = browser, base_url
        self.spanish = browser.new_context(base_url=base_url).new_page()

    def compare(self, allowed: set[str]) -> list[str]:
        """This page's English leftovers: the English page has the same answers (cookie)."""
        cookies = [c for c in self.spanish.context.cookies() if not c["name"].endswith("lang")]
        context = self.browser.new_context(base_url=self.base_url)
        try:
            context.add_cookies(cookies)
            english = context.new_page()
            english.goto(self.spanish.url.replace("lang=es", ""))
            assert english.locator("html").get_attribute("lang") == "en"
            return english_left(self.spanish, english, allowed)
        finally:
            context.close()

    def questions(self) -> list[str]:
        return self.spanish.eval_on_selector_all(
            "main form [name]:not([type=hidden])", "els => [...new Set(els.map(e => e.name))]"
        )

    def answer(self, answers: dict[str, Any]) -> None:
        for name in self.questions():
            value = answers[name]
            box = self.spanish.locator(f"input[name='{name}'][type=text]")
            if isinstance(value, int) and box.count():
                box.fill(str(value))
            elif isinstance(value, int):  # the 0-10 pain score: a row of radios
                self.spanish.check(f"input[name='{name}'][value='{value}']")
            else:
                for one in value if isinstance(value, list) else [value]:
                    self.spanish.check(f"input[name='{name}'][value='{one}']")
        with self.spanish.expect_navigation():
            self.spanish.get_by_role("button", name="Continuar").click()

    def close(self) -> None:
        self.spanish.context.close()


@pytest.fixture()
def spanish_walk(browser: Browser, live_server: str):
    walk = SpanishWalk(browser, live_server)
    yield walk
    walk.close()


def walk_to_summary(walk: SpanishWalk, answers: dict[str, Any], check) -> None:
    """From the English start page: Español, Empezar ahora, every page, then the summary;
    `check(where)` runs on each page in between."""
    page = walk.spanish
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name="Español").click()
    check("/")
    with page.expect_navigation():
        page.get_by_role("button", name="Empezar ahora").click()  # role=button on a link
    for _ in range(30):
        path = page.url.removeprefix(walk.base_url)
        if path.startswith("/summary"):
            check(path)
            return
        check(path)
        if path.startswith("/check"):
            with page.expect_navigation():
                page.get_by_role("link", name="Ver su resumen").click()
        else:
            walk.answer(answers)
    raise AssertionError(f"never reached the summary; stopped at {page.url}")


@pytest.mark.parametrize("outcome", ["discuss", "emergency"])
def test_the_journey_in_spanish_ends_on_the_right_headline_with_no_english_left(
    spanish_walk, journeys, outcome
):
    allowed = same_in_both_languages(*spanish_engine())
    left: dict[str, list[str]] = {}
    axe: dict[str, list[str]] = {}
    page = spanish_walk.spanish

    def check(where: str) -> None:
        assert page.locator("html").get_attribute("lang") == "es", where
        found = spanish_walk.compare(allowed)
        if found:
            left[where] = found
        if where in AXE_PAGES:  # axe takes a second a page: one page of each kind
            report = axe_report(page)
            if report:
                axe[where] = report

    walk_to_summary(spanish_walk, journeys[outcome], check)

    heading = page.locator("[data-outcome]")
    assert heading.get_attribute("data-outcome") == outcome
    assert not left, f"English left on the Spanish pages: {left}"
    assert not axe, "\n".join(f"{where}: {line}" for where, r in axe.items() for line in r)


def test_spanish_headline_is_the_spanish_rules_title(spanish_walk, journeys):
    """The headline's words come from the Spanish rules (the engine of the page's language)."""
    walk_to_summary(spanish_walk, journeys["emergency"], lambda where: None)
    es = engine_for(create_app({"TESTING": True, "SECRET_KEY": "x"}), "es")  # as live_server
    title = es.evaluate(journeys["emergency"]).outcome.title
    shown = spanish_walk.spanish.locator("[data-outcome]").inner_text()
    assert " ".join(shown.split()).endswith(title)
