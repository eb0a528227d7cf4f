"""The studies' and the offer check's pages in Chromium: no axe-core violation (WCAG 2.2 A and
AA and best practices), no sideways scroll at 320 px, targets of 24x24 px, nothing in the
console; the offer check answered with the keyboard and plain form posts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_accessibility import axe_report, sideways_scroll, small_targets

pytestmark = pytest.mark.browser

PAGES = [
    "/studies",
    "/studies/NCT06325566",
    "/studies/NCT09999999",
    "/studies/not-a-number",
    "/offer/",
    "/offer/step/offer",
    "/studies?lang=es",
]


def check(page: Page) -> None:
    assert axe_report(page) == []
    assert small_targets(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    assert sideways_scroll(page) == []


@pytest.mark.parametrize("url", PAGES)
def test_page_passes_axe_and_fits_a_small_screen(page: Page, events, url):
    response = page.goto(url)
    assert response is not None and response.status in (200, 404)
    check(page)
    assert events.take(status=response.status) == []


def test_the_offer_check_by_keyboard_to_its_summary(page: Page, events):
    page.goto("/offer/")
    page.get_by_role("button", name="Start now").click()
    for answer in (
        "A treatment or therapy",
        "Yes",
        "6000",
        "My own body (such as fat or bone marrow)",
        "Stories or videos of patients who got better",
        "I did not ask",
        "I have not seen a consent form",
        "I am not sure",
    ):
        if answer.isdigit():
            page.get_by_label("How much did they ask for, in US dollars?").fill(answer)
        else:
            page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Continue").press("Enter")
    page.get_by_role("link", name="See your summary").click()
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "red_flags"
    check(page)
    assert events.take() == []
