"""A contradiction asked back, in Chromium (rules 3.1.0, issue 21 item 6): on a phone and without
JavaScript-only help, the error summary takes the focus, names the problem and links to the earlier
question; axe finds nothing; the screenshot is the one in docs/patient-summary.md."""

from __future__ import annotations

import pytest
from test_summary_pages import no_axe_violations, shoot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_contradiction_is_asked_back_with_a_link_to_the_pain_question(
    wizard, journeys, language
):
    page = wizard.page
    page.set_viewport_size({"width": 375, "height": 667})
    answers = {**journeys["discuss"], "pain_duration": "under_3_months"}
    wizard.walk(answers, until="/step/treatments")
    while wizard.questions() != ["treatment_duration"]:
        wizard.answer(answers)
        wizard.submit()
    if language != "en":  # kept for the rest of the visit
        page.goto(f"{wizard.location()}&lang={language}")

    wizard.answer({"treatment_duration": "over_6_months"})
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    links = summary.locator("a")
    assert links.count() == 2
    said = "less than 3 months" if language == "en" else "menos de 3 meses"
    assert said in links.nth(0).inner_text()
    assert "/step/pain" in links.nth(1).get_attribute("href")
    assert page.locator("#treatment_duration-error").is_visible()
    no_axe_violations(page)
    if language == "en":
        shoot(page, "step-contradiction", 375)

    with page.expect_navigation():
        links.nth(1).click()
    assert wizard.questions() == ["pain_duration"]
