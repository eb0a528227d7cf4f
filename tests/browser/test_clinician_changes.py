"""The clinician's "What changed" page in Chromium: an upload compared, without JavaScript, and
axe-core (WCAG 2.2 A/AA and best practices) finding nothing on the report; and the released
2.0.1 -> 3.0.0 comparison (new questions and choices) by cause, at phone and desktop widths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from test_accessibility import SCREENSHOTS, axe_report

from questionnaire import create_app

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")
MILD = "when: {q: pain_intensity, at_most: 3}"


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """A previous rules.yaml: one threshold and one wording different from the shipped file."""
    assert MILD in SRC and "\n    urgency: routine\n    title: " in SRC
    text = SRC.replace(MILD, "when: {q: pain_intensity, at_most: 4}")
    text = text.replace(
        "\n    urgency: routine\n    title: ",
        "\n    urgency: routine\n    title: Earlier wording - ",
        1,
    )
    path = tmp_path_factory.mktemp("previous") / "rules-1.9.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def compare(page: Page, previous: Path) -> None:
    page.goto("/clinician/changes")
    page.set_input_files("input[name=rules_file]", str(previous))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and compare").click()
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()


def test_an_upload_is_compared_and_its_example_opens_in_try_answers_without_javascript(
    open_page, previous, events
):
    page = open_page(java_script_enabled=False)
    compare(page, previous)

    change = page.locator(".change")
    assert change.count() == 1
    assert (change.get_attribute("data-from"), change.get_attribute("data-to")) == (
        "not_yet",
        "discuss",
    )
    with page.expect_navigation():
        change.get_by_role("button", name="Open this example in Try answers").click()
    assert page.url.endswith("/clinician/try#result")
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "discuss"
    assert events.take() == []


def test_the_report_passes_axe_at_phone_and_desktop_widths(open_page, previous, events):
    page = open_page()
    compare(page, previous)
    page.locator("details").first.evaluate("d => d.open = true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert axe_report(page) == [], f"at {width}px"
        page.screenshot(path=str(SCREENSHOTS / f"clinician-changes-{width}.png"), full_page=True)
    assert events.take() == []


# --- 2.0.1 -> 3.0.0: files that ask different questions, by cause ----------------------------


@pytest.fixture(scope="module")
def releases_server(serve) -> Iterator[str]:
    """The app serving releases/3.0.0, comparing with releases/2.0.1 by default (named, so the
    test does not depend on which version is current)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(ROOT / "releases" / "3.0.0" / "rules.yaml"),
            "CLINICIAN_PREVIOUS_RULES": str(ROOT / "releases" / "2.0.1" / "rules.yaml"),
        }
    )
    with serve(app, "releases-server") as url:
        yield url


def test_2_0_1_to_3_0_0_by_cause_passes_axe_at_phone_and_desktop_widths(
    browser: Browser, releases_server: str
):
    context = browser.new_context(base_url=releases_server, viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto("/clinician/changes", timeout=120_000)  # the comparison is made on first view
        assert "What changed since version 2.0.1" in page.locator("h2#changes-title").inner_text()
        causes = page.locator("li.cause")
        assert causes.count() > 20
        age = page.locator('li.cause[data-item="question:age"]').first
        assert age.get_attribute("data-to") == "usually_excluded"
        assert "The new question “age”" in age.inner_text()
        assert page.locator("[data-questions-differ]").is_visible()
        page.locator("details").first.evaluate("d => d.open = true")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            assert axe_report(page) == [], f"at {width}px"
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"the page scrolls sideways at {width}px"
            page.screenshot(
                path=str(SCREENSHOTS / f"clinician-changes-3.0.0-{width}.png"), full_page=True
            )
        assert errors == []
    finally:
        context.close()
