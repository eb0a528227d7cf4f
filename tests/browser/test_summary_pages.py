"""What a patient sees on a phone (375 px) in Chromium: the emergency card alone, the FDA note
early, Change links that keep the question in view, GOV.UK-style controls, Start on Space.

Screenshots of every summary and of its printout (the print stylesheet, the same content as the
PDF handout) at 375 and 1280 px go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
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
    """Words a reader sees in <main> with every reveal closed (print-only text is hidden), not
    counting the registered-studies section (issue 21: the studies issue's own part) nor the
    safety findings (what to watch for and when to call 911: never shortened or folded away to
    fit a word budget; rules 3.0.0 added 41 to 96 words of them)."""
    return page.locator("main").evaluate(
        "m => { m.querySelectorAll('details').forEach(d => d.open = false);"
        " const words = e => e.innerText.split(/\\s+/).filter(Boolean).length;"
        " const left = [...m.querySelectorAll('section.studies, [data-criterion=safety]')];"
        " return words(m) - left.reduce((n, e) => n + words(e), 0); }"
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
    # The warning's heading, "Call 911 now if:" and its first sign are on the first phone screen;
    # v3 lists five signs (rules.yaml), so the rest of the list and the tappable call follow
    # within the second screen.
    first = page.locator(".warning-text li").first.bounding_box()
    assert first["y"] + first["height"] <= PHONE["height"]
    call = page.locator(".warning-text a[href='tel:911']").bounding_box()
    assert call["y"] + call["height"] <= 2 * PHONE["height"]

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
        # open on screen too since rules 3.1.0 (issue 21: the questions to ask a clinic)
        assert page.locator(".note--questions_to_ask li").first.is_visible()
        assert not page.locator(".details--fits .finding").first.is_visible()  # a reveal
        page.emulate_media(media="print")
    assert page.locator(".take-away").count() == 0 or not page.locator(".take-away").is_visible()


# --- issue 21: the new page states, walked in Chromium -------------------------------------------

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def shoot(page, name: str, width: int) -> None:
    """A full-page screenshot in the test artifacts; with DOCS_IMAGES=1 also in docs/images for
    docs/patient-summary.md (so that a test run does not change the committed pictures)."""
    page.set_viewport_size({"width": width, "height": 800 if width > 375 else 667})
    folders = (SCREENSHOTS, DOCS_IMAGES) if os.environ.get("DOCS_IMAGES") == "1" else (SCREENSHOTS,)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)


def no_axe_violations(page) -> None:
    from test_accessibility import axe_report

    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    assert axe_report(page) == []
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")


@pytest.mark.parametrize("width", [375, 1280])
def test_an_urgent_stop_continued_ends_on_an_urgent_summary_with_everything_after_it(
    open_page, wizard_on, journeys, width
):
    page = open_page(viewport={"width": width, "height": 800})
    wizard = wizard_on(page)
    answers = {**journeys["discuss"], "warning_signs": ["night_pain"]}
    wizard.walk(answers, until="/summary")
    assert page.locator("[data-outcome=urgent]").count() == 1
    assert page.locator("[data-signs] li").count() == 1
    no_axe_violations(page)
    shoot(page, "summary-urgent-continue", width)

    with page.expect_navigation():
        page.locator("[data-action=continue]").click()
    wizard.walk(answers, until="/summary", start=wizard.location())

    assert page.locator("[data-outcome=urgent]").count() == 1
    assert page.locator("ul.findings").count() >= 2  # the later answers' findings follow
    assert page.locator("[data-action=continue]").count() == 0


@pytest.mark.parametrize(("width", "language"), [(375, "en"), (1280, "es")])
def test_neck_only_pain_is_told_its_headline_on_the_next_page_and_may_see_it_now(
    open_page, wizard_on, journeys, width, language
):
    page = open_page(viewport={"width": width, "height": 800})
    wizard = wizard_on(page)
    answers = {**journeys["discuss"], "pain_area": "neck"}
    wizard.walk(answers, until="/step/pain?part=1")
    if language != "en":
        page.goto(f"/step/pain?part=1&lang={language}")
    known = page.locator("[data-outcome-known]")
    assert known.get_attribute("data-outcome-known") == "usually_excluded"
    no_axe_violations(page)
    shoot(page, f"step-outcome-known-{language}", width)

    with page.expect_navigation():
        page.locator("[data-action=summary-now]").click()

    assert page.locator("[data-outcome=usually_excluded]").count() == 1
    unanswered = page.locator("[data-unanswered]")
    assert "pain_duration" in unanswered.get_attribute("data-unanswered").split()
    assert unanswered.locator("li").count() >= 10
    no_axe_violations(page)
    shoot(page, f"summary-now-{language}", width)


def test_a_whole_journey_without_javascript_on_a_phone(open_page, wizard_on, journeys):
    page = open_page(viewport=PHONE, java_script_enabled=False)
    wizard = wizard_on(page)

    wizard.walk(journeys["discuss"], until="/step/pain?part=3")
    scale = page.locator("input[name=pain_intensity]")
    assert scale.count() == 11
    box = page.locator("label[for=pain_intensity-7]").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # a thumb can tap it
    shoot(page, "step-pain-scale", 375)
    wizard.walk(journeys["discuss"], until="/check", start=wizard.location())

    assert "6 out of 10" in page.locator("main").inner_text()
    assert "cleared in 30 minutes" in page.locator("footer [data-timeout]").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Clear my answers").click()
    assert page.locator("h1").inner_text() == "Do you want to start again?"
    with page.expect_navigation():
        page.get_by_role("link", name="No, go back").click()
    with page.expect_navigation():
        page.get_by_role("link", name="See your summary").click()
    assert page.locator("[data-outcome=discuss]").count() == 1


def test_two_signs_are_each_named_with_what_they_can_mean(open_page, wizard_on):
    page = open_page(viewport=PHONE)
    wizard_on(page).walk({"warning_signs": ["fever", "chest_pain"]}, until="/summary")

    signs = page.locator("[data-signs] li")
    assert signs.count() == 2
    assert page.locator("[data-outcome=emergency]").count() == 1
    no_axe_violations(page)
    shoot(page, "summary-emergency-two-signs", 375)


def test_the_start_page_says_it_is_a_demonstration_and_summary_without_answers_says_why(page):
    page.set_viewport_size(PHONE)
    page.goto("/summary")

    assert page.url.endswith("/")
    assert "There is no summary yet" in page.locator(".notice").inner_text()
    assert "This is a demonstration" in page.locator("main").inner_text()
    no_axe_violations(page)
    shoot(page, "start-no-summary-yet", 375)
