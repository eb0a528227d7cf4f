"""What a patient sees on a phone (375 px) in Chromium: the emergency card alone, the FDA note
early, Change links that keep the question in view, GOV.UK-style controls, Start on Space.

Screenshots of every summary and of its printout (the print stylesheet, the same content as the
PDF handout) at 375 and 1280 px go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 667}
OUTCOMES = ("emergency", "urgent", "usually_excluded", "not_yet", "discuss")
WORDS_BEFORE_REVEALS = 420  # issue #12: "about 400 words before the reveals"


def on_phone(wizard, path: str, journey: str = "discuss"):
    wizard.page.set_viewport_size(PHONE)
    wizard.reach(path, journey)
    return wizard.page


@pytest.mark.parametrize("journey", ["emergency", "urgent"])
def test_an_emergency_card_stands_alone_on_a_phone_with_a_tappable_call(wizard, journey):
    page = on_phone(wizard, "/summary", journey)

    main = page.locator("main")
    assert main.locator(".card").count() == 1
    call = main.locator("a[href^='tel:']")
    assert call.count() == 1
    box = call.bounding_box()
    assert box["height"] >= 44
    if journey == "emergency":  # the one instruction is on the first screen
        assert box["y"] + box["height"] <= PHONE["height"], f"Call 911 ends at {box}"
    # nothing else but the line to undo a mistaken answer
    others = main.locator(":scope > :not(.card)")
    assert others.all_inner_texts() == ["Chose a sign by mistake? Change your answers"]
    assert main.locator("button, .button, details, section").count() == 0


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_fda_note_is_on_the_first_two_phone_screens(wizard, language):
    page = on_phone(wizard, "/summary")
    if language != "en":  # Spanish runs about a fifth longer
        page.goto(f"/summary?lang={language}")
        assert page.locator("html").get_attribute("lang") == language

    top = page.locator("#note-regulatory").evaluate(
        "e => e.getBoundingClientRect().top + window.scrollY"
    )

    assert top < 2 * PHONE["height"], f"the FDA note starts {top:.0f}px down"


def visible_words(page) -> int:
    """Words a reader sees in <main> with every reveal closed (print-only text is hidden)."""
    return page.locator("main").evaluate(
        "m => { m.querySelectorAll('details').forEach(d => d.open = false);"
        " return m.innerText.split(/\\s+/).filter(Boolean).length; }"
    )


@pytest.mark.parametrize("journey", OUTCOMES)
def test_each_summary_is_short_before_its_reveals_are_opened(wizard, journey):
    page = on_phone(wizard, "/summary", journey)

    words = visible_words(page)

    # the issue asks about 400 words for discuss; the others have fewer findings
    assert words <= WORDS_BEFORE_REVEALS, f"{journey}: {words} words before any reveal"


def test_a_change_link_keeps_the_question_in_view_and_focuses_the_answer(wizard, journeys):
    page = on_phone(wizard, "/check")

    with page.expect_navigation():
        page.locator("a[href*='focus=pain_duration']").click()

    page.wait_for_function("() => document.activeElement.name", timeout=5000)
    focused = page.evaluate(
        "() => [document.activeElement.name, document.activeElement.value,"
        " document.activeElement.checked]"
    )
    assert focused == ["pain_duration", journeys["discuss"]["pain_duration"], True]
    legend = page.locator("#pain_duration-group legend").bounding_box()
    assert legend["y"] >= 0, f"the question's heading is {-legend['y']:.0f}px above the window"
    answer = page.locator("#pain_duration-group input:checked").bounding_box()
    assert answer["y"] + answer["height"] <= PHONE["height"]


def test_radios_are_large_with_a_black_border_and_a_focus_ring_of_3_to_1(wizard):
    page = on_phone(wizard, "/step/pain")
    label = page.locator("#pain_area-group .choice__label").first

    def box(state: str) -> dict:
        return label.evaluate("""e => { const s = getComputedStyle(e, '::before');
            return {width: s.width, border: s.borderTopWidth, color: s.borderTopColor,
                    shadow: s.boxShadow}; }""")

    plain = box("rest")
    page.locator("#pain_area-group input").first.focus()
    focused = box("focus")

    assert plain["width"] == "40px" and plain["border"] == "2px"
    assert plain["color"] == "rgb(11, 12, 12)"  # 19:1 on white
    # a black ring outside the yellow one: 3 px at 19:1 against the white page
    assert "rgb(11, 12, 12) 0px 0px 0px 7px" in focused["shadow"]
    assert focused["border"] == "4px"


def test_start_now_works_on_space_and_the_911_warning_is_above_the_fold(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    warning = page.locator(".warning-text").bounding_box()
    assert warning["y"] + warning["height"] <= PHONE["height"]

    page.locator("a.button--start").focus()
    with page.expect_navigation():
        page.keyboard.press("Space")

    assert page.url.endswith("/step/warning_signs")


@pytest.mark.parametrize("journey", OUTCOMES)
def test_every_summary_and_its_printout_are_saved_at_phone_and_desktop_width(wizard, journey):
    page = wizard.page
    wizard.reach("/summary", journey)
    assert page.locator(f"[data-outcome={journey}]").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.emulate_media(media="screen")
        page.screenshot(path=SCREENSHOTS / f"summary-{journey}-{width}.png", full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=SCREENSHOTS / f"handout-{journey}-{width}.png", full_page=True)
    # printed, the page carries the answers given, every reveal open, and no buttons: the
    # same content as the PDF handout (the media stays "print" from the last screenshot)
    full = journey not in ("emergency", "urgent")
    assert page.locator("#given").is_visible() == full
    if full:
        assert page.locator(".note--questions_to_ask li").first.is_visible()
        assert page.locator(".details--fits .finding").first.is_visible()  # what fits, too
        assert page.locator("ul.sources a").first.is_visible()
        page.emulate_media(media="screen")
        assert not page.locator(".note--questions_to_ask li").first.is_visible()  # a reveal
        page.emulate_media(media="print")
    assert page.locator(".take-away").count() == 0 or not page.locator(".take-away").is_visible()
