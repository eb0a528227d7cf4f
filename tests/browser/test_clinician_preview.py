"""The clinician preview in Chromium, as a reviewer who opens it for the first time meets it.

The overview opens short (every section folded) with an index by outcome; after Evaluate the
result is in view on a phone, with or without JavaScript; a matched rule says "Matched" and is
marked at 3:1 or more against the page; the patient view holds the patient's whole summary,
notes included; the outcome book prints without navigation or buttons, each outcome on a new
page. axe-core finds nothing on any of the three pages (screenshots in test-artifacts/).
"""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from playwright.sync_api import Page
from test_accessibility import audit

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}
SHORT = 3000  # px: the folded overview fits in a few screens, at either width


def height(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def in_view(page: Page, selector: str) -> bool:
    """The element's top is inside the window (not above it, not below it)."""
    box = page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                                  return [r.top, r.height, window.innerHeight]; }""",
        selector,
    )
    top, tall, window = box
    return tall > 0 and -1 <= top < window  # scrolled to the top lands within a pixel


def evaluate(page: Page, wizard_on, answers: dict[str, Any]) -> None:
    """Fill the try-answers form with the mouse and keyboard, press Evaluate, wait for the page."""
    page.goto("/clinician/try")
    wizard_on(page).answer(answers)
    with page.expect_navigation():
        page.get_by_role("button", name="Evaluate", exact=True).click()


def luminance(rgb: tuple[float, ...]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0-255 channels)."""

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgba(css: str) -> tuple[float, ...]:
    """'rgb(0, 94, 184)' or 'rgba(0, 0, 0, 0)' as numbers (alpha 1 when not given)."""
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    return tuple(values) if len(values) == 4 else (*values, 1.0)


# --- the overview --------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_overview_opens_short_with_every_section_folded(open_page, viewport):
    page = open_page(viewport=viewport)
    page.goto("/clinician/")
    folded = page.locator("main details.fold")
    assert folded.count() >= 8 and page.locator("main details[open]").count() == 0
    assert height(page) < SHORT, f"the folded overview is {height(page)} px tall"
    page.goto("/clinician/?open=all")  # "open every section": everything, without JavaScript
    assert page.locator("main details.fold:not([open])").count() == 0
    assert height(page) > 3 * SHORT, "opened, the sections hold every question and rule"


def test_the_index_links_to_every_outcome_and_a_link_opens_its_section(page, rules):
    page.goto("/clinician/")
    links = page.locator("nav.index ol li > a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        f"#outcome-{o['id']}" for o in rules["outcomes"]
    ]
    counts = page.locator("nav.index ol li .index__count").all_inner_texts()
    for outcome, shown in zip(rules["outcomes"], counts, strict=True):
        number = sum(r.get("outcome") == outcome["id"] for r in rules["rules"])
        assert shown == f"{number} {'rule' if number == 1 else 'rules'}"
    for outcome in rules["outcomes"]:  # two clicks at most: the index link, then the title
        page.goto("/clinician/")
        page.locator(f"nav.index a[href='#outcome-{outcome['id']}']").click()
        section = page.locator(f"#outcome-{outcome['id']}")
        if not section.evaluate("d => d.open"):
            section.locator("summary").click()
        first = next(r["id"] for r in rules["rules"] if r.get("outcome") == outcome["id"])
        assert page.locator(f"#rule-{first}").is_visible(), outcome["id"]
    page.goto("/clinician/")  # on a wide screen each rule is listed too: one click shows it
    page.locator("nav.index a[href='#rule-neck_pain']").click()
    assert page.locator("#rule-neck_pain").is_visible() and in_view(page, "#rule-neck_pain")


@pytest.mark.parametrize("rule", ["cauda_equina_signs", "can_travel", "pain_6_months_or_more"])
def test_a_link_to_a_rule_opens_the_folded_section_it_is_in(page, rule):
    # the trace on the try page links each rule so: one click must show it
    page.goto(f"/clinician/#rule-{rule}")
    assert page.locator(f"#rule-{rule}").is_visible()
    assert in_view(page, f"#rule-{rule}")


def test_the_question_list_uses_the_full_width(page, rules):
    # A row's id takes a quarter; the wording the rest, up to the row's right edge (a layout
    # class the stylesheet did not define once left a fifth of every row empty).
    page.goto("/clinician/?open=all")
    rows = page.evaluate("""() => [...document.querySelectorAll('.summary-list__row')]
        .map(row => { const r = row.getBoundingClientRect();
                      const v = row.querySelector('dd').getBoundingClientRect();
                      return [r.right - v.right, v.width / r.width]; })""")
    assert len(rows) == sum(len(step["questions"]) for step in rules["steps"])
    assert all(gap < 2 and share > 0.7 for gap, share in rows), rows


def test_a_section_opens_from_the_keyboard(page):
    page.goto("/clinician/")
    summary = page.locator("#outcome-not_yet > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#outcome-not_yet").evaluate("d => d.open")
    assert page.locator("#outcome-not_yet li").first.is_visible()


# --- try answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_after_evaluate_on_a_phone_the_result_is_in_view_and_has_the_focus(
    open_page, wizard_on, discuss_answers, javascript
):
    page = open_page(viewport=PHONE, java_script_enabled=javascript)
    evaluate(page, wizard_on, discuss_answers)
    assert page.url.endswith("/clinician/try#result")
    assert page.locator("#result [data-outcome=discuss]").count() == 1
    assert in_view(page, "#result-title"), "'What the patient sees' is on the screen"
    assert page.evaluate("() => document.activeElement.id") == "result"


def test_a_scenario_lands_on_its_result_on_a_phone(open_page):
    page = open_page(viewport=PHONE)
    page.goto("/clinician/try")
    page.select_option("#scenario", index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="Fill in").click()
    assert "#result" in page.url
    assert page.locator("#result [data-outcome]").count() == 1
    assert in_view(page, "#result-title")


def test_form_errors_are_in_view_after_evaluate_too(open_page, wizard_on, discuss_answers):
    page = open_page(viewport=PHONE)
    evaluate(page, wizard_on, {**discuss_answers, "pain_intensity": 99})
    assert in_view(page, "#result .error-summary")


def test_a_matched_rule_says_so_and_stands_out_at_3_to_1(page, wizard_on, discuss_answers, engine):
    evaluate(page, wizard_on, discuss_answers)
    fired = set(engine.evaluate(discuss_answers).fired)
    page.locator("[data-all-rules]").evaluate("d => d.open = true")  # every rule, one tap away
    rows = page.evaluate("""() => [...document.querySelectorAll(
        '[data-all-rules] .trace tbody tr')].map(row => {
        const cell = getComputedStyle(row.cells[0]);
        return {rule: row.cells[0].querySelector('code').textContent,
                mark: row.cells[1].innerText.trim(),
                bar: cell.borderLeftColor, width: parseFloat(cell.borderLeftWidth)}; })""")
    page_colour = rgba(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))
    assert len(rows) == len(engine.ruleset.file.rules)
    for row in rows:
        if row["rule"] in fired:
            assert row["mark"] == "Matched", row
            assert row["width"] >= 4, row
            assert contrast(rgba(row["bar"]), page_colour) >= 3, row
        else:
            assert row["mark"] == "Not matched", row
            assert rgba(row["bar"])[3] == 0, f"an unmatched rule has no bar: {row}"
    assert sum(row["mark"] == "Matched" for row in rows) == len(fired) > 5


def notes_and_findings(page: Page, scope: str) -> dict[str, list[str]]:
    return page.evaluate(
        """scope => ({
        notes: [...document.querySelectorAll(scope + ' section.note')].map(n =>
            n.id + ' ' + n.querySelector('[id^=note-]').textContent.trim()),
        findings: [...document.querySelectorAll(scope + ' .finding > p:first-child')]
            .map(p => p.textContent.trim())})""",
        scope,
    )


def test_the_patient_view_shows_the_patients_summary_notes_included(
    page, wizard, wizard_on, discuss_answers
):
    wizard.reach("/summary")  # the discuss journey, walked in this browser
    patient = notes_and_findings(page, "main")
    assert len(patient["notes"]) >= 4 and patient["findings"]
    evaluate(page, wizard_on, discuss_answers)
    assert notes_and_findings(page, "#result .patient-view") == patient


# --- the outcome book ----------------------------------------------------------------------------


def test_the_book_prints_without_navigation_or_buttons_and_each_outcome_on_a_new_page(
    page, rules, tmp_path
):
    page.goto("/clinician/book")
    assert page.locator("main button[data-print]").is_visible()  # JavaScript shows it
    page.emulate_media(media="print")
    shown = page.evaluate("""() => [...document.querySelectorAll(
            'nav, header a, button, .button, .subnav a, footer')]
        .filter(e => e.getClientRects().length).map(e => e.outerHTML.slice(0, 80))""")
    assert shown == [], "printed, the book has no navigation, header links or buttons"
    pdf = tmp_path / "book.pdf"
    page.pdf(path=pdf, format="A4")
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    for outcome in rules["outcomes"][1:]:
        starts = [p for p in pages if " ".join(p.split()).startswith(outcome["title"])]
        assert len(starts) == 1, f"no printed page starts with {outcome['title']!r}"
    assert "Guidance overview" not in "".join(pages)


# --- axe-core, screenshots -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["overview", "try-result", "book"])
def test_clinician_page_passes_axe_in_chromium(
    page, wizard_on, discuss_answers, events, subtests, name
):
    if name == "overview":
        page.goto("/clinician/")
    elif name == "book":
        page.goto("/clinician/book")
    else:
        evaluate(page, wizard_on, discuss_answers)
        assert page.locator("#result [data-outcome=discuss]").count() == 1
    audit(page, f"clinician-{name}", events, subtests)
