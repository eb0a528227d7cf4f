"""The clinician's sign-off sheet and the changes by cause in Chromium: axe-core (WCAG 2.2 A/AA
and best practices) finds nothing at phone and desktop widths, and the sheet's boxes tick by
keyboard."""

from __future__ import annotations

import pytest
from test_accessibility import SCREENSHOTS, axe_report


@pytest.mark.parametrize(
    "path",
    ["/clinician/sign-off", "/clinician/changes", "/clinician/try?scenario=discuss.yaml:0"],
)
def test_the_page_passes_axe_at_phone_and_desktop_widths(open_page, events, path):
    page = open_page()
    page.goto(path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").split("?")[0].replace("/", "-")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert axe_report(page) == [], f"{path} at {width}px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert events.take() == []


def test_each_section_box_ticks_from_the_keyboard(open_page, events):
    page = open_page()
    page.goto("/clinician/sign-off")
    box = page.get_by_label("I agree with the headlines and their order.")
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    assert events.take() == []


def test_the_short_book_prints_call_911_in_black_and_passes_axe(open_page, events):
    page = open_page()
    page.goto("/clinician/book")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert axe_report(page) == [], f"book at {width}px"
    page.emulate_media(media="print")
    call = page.locator(".card--emergency .action-link").first
    assert call.evaluate("a => getComputedStyle(a).color") == "rgb(0, 0, 0)"
    assert events.take() == []
