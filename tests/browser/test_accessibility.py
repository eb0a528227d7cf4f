"""Every page, in every state a patient can meet, checked in Chromium.

On each page: axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation, nor any of its best practices,
at 375 and 1280 px; every
target is at least 24x24 CSS px; nothing scrolls sideways at 320 px; nothing reaches the console
and no request leaves 127.0.0.1. Full-page screenshots at 375 and 1280 px are saved to
test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Response

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = (375, 1280)
DESKTOP = {"width": 1280, "height": 800}
AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# What a patient taps, for WCAG 2.2 target size (2.5.8); links inside sentences are exempt.
TARGETS = (
    "input, button, summary, .back-link, a.button, .error-summary a, "
    ".summary-list__actions a, header a"
)
RULES = yaml.safe_load((Path(__file__).resolve().parents[2] / "rules.yaml").read_text("utf-8"))
# One question per page: every page the discuss answers pass, in order.
STEPS = [
    f"/step/{step['id']}" + (f"?part={part}" if part else "")
    for step in RULES["steps"]
    for part, _ in enumerate(step["questions"])
]

Journeys = dict[str, dict[str, Any]]
Wizard = Any  # the `wizard` fixture's helper (tests/browser/conftest.py)
Reach = Callable[[Wizard, Journeys], Response | None]


# --- the checks ----------------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG A and AA violations on the page as it is now."""
    if not page.evaluate("() => 'axe' in window"):
        page.evaluate(AXE.axe_script)  # once per page: injecting costs more than a run
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def axe_report(page: Page) -> list[str]:
    """Each violation's id, help and the nodes it was found on."""
    lines = []
    for v in axe_violations(page):
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(
                f"    {' > '.join(map(str, node['target']))}: "
                f"{node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return lines


def small_targets(page: Page) -> list[str]:
    boxes = page.eval_on_selector_all(
        TARGETS,
        """els => els
        .filter(e => e.type !== 'hidden' && e.getClientRects().length)
        .map(e => { const r = e.getBoundingClientRect();
                    return [e.outerHTML.slice(0, 90), r.width, r.height]; })""",
    )
    assert boxes, "no targets found"
    return [f"{html} is {w:.0f}x{h:.0f}" for html, w, h in boxes if w < 24 or h < 24]


def sideways_scroll(page: Page) -> list[str]:
    found = page.evaluate("""() => ({
        page: document.documentElement.scrollWidth, viewport: window.innerWidth,
        overflowing: [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5).map(e => e.outerHTML.slice(0, 90))})""")
    if found["page"] <= found["viewport"] and not found["overflowing"]:
        return []
    return [
        f"page is {found['page']}px wide in a {found['viewport']}px window",
        *found["overflowing"],
    ]


def expect_none(subtests, title: str, find: Callable[[], list[str]]) -> None:
    """A subtest named `title` that fails, listing them, if `find` finds any problem."""
    with subtests.test(title):
        problems = find()
        assert problems == [], "\n".join([f"{title}, but:", *problems])


def audit(page: Page, name: str, events, subtests, status: int = 200) -> None:
    """Screenshot the page, then run every check on it, each as its own subtest."""
    expect_none(
        subtests,
        f"{name}: no console errors, CSP violations or requests off 127.0.0.1",
        lambda: events.take(status=status),
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    opened = page.evaluate("""() => [...document.querySelectorAll('details:not([open])')]
        .map(d => d.open = true).length""")  # check what "Why am I seeing this?" shows too
    for width in WIDTHS:  # a narrow layout can fail where a wide one passes, and back
        page.set_viewport_size({"width": width, "height": 800})
        expect_none(
            subtests,
            f"{name}: axe finds no WCAG 2.2 A/AA violations at {width}px",
            lambda: axe_report(page),
        )
        expect_none(
            subtests,
            f"{name}: targets are at least 24x24 CSS px at {width}px",
            lambda: small_targets(page),
        )
    page.set_viewport_size({"width": 320, "height": 640})
    expect_none(
        subtests, f"{name}: nothing scrolls sideways at 320px", lambda: sideways_scroll(page)
    )
    if opened:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
    page.set_viewport_size(DESKTOP)


def slug(path: str) -> str:
    return re.sub(r"\?part=(\d+)", r"-part-\1", path.removeprefix("/step/"))


# --- the question pages, on the way through -----------------------------------------------------


def test_each_question_page_check_and_summary_pass_before_and_after_a_failed_submit(
    wizard, journeys, events, subtests
):
    """Walks the whole wizard; on each step, Continue is first pressed with nothing answered."""
    page = wizard.page
    page.goto(STEPS[0])
    seen = []
    while wizard.location().startswith("/step/"):
        here = wizard.location()
        seen.append(here)
        audit(page, f"step-{slug(here)}", events, subtests)
        wizard.submit()
        assert wizard.location() == here and page.locator("main .error-summary").count()
        audit(page, f"error-{slug(here)}", events, subtests)
        wizard.answer(journeys["discuss"])
        wizard.submit()
    assert seen == STEPS
    assert wizard.location() == "/check"
    audit(page, "check", events, subtests)
    with page.expect_navigation():
        page.get_by_role("link", name="See your summary").click()
    assert page.locator("[data-outcome=discuss]").count()
    audit(page, "summary-discuss", events, subtests)


# --- every other page and state ------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """How to reach one page in one state, and what proves we got there."""

    name: str
    reach: Reach
    expect: str  # a CSS selector only that page, in that state, shows
    status: int = 200


def go(path: str) -> Reach:
    return lambda w, j: w.page.goto(path)


def branch(start: str, journey: str, until: str) -> Reach:
    """Where the discuss journey is at `start`, then on with another journey's answers."""

    def reach(w: Wizard, j: Journeys) -> Response | None:
        w.reach(start)
        w.walk(j[journey], until=until, start=start)
        return None

    return reach


def walked(journey: str, until: str) -> Reach:
    """From the first question with one journey's answers until the browser is at `until`."""

    def reach(w: Wizard, j: Journeys) -> Response | None:
        w.walk(j[journey], until=until)
        return None

    return reach


def none_and_another(w: Wizard, j: Journeys) -> Response | None:
    # Ticked without change events, so the exclusive-"none" script cannot untick either box:
    # what a browser without JavaScript sends.
    w.page.goto("/step/warning_signs")
    w.page.evaluate("""() => ['fever', 'none'].forEach(v =>
        document.querySelector(`input[name=warning_signs][value=${v}]`).checked = true)""")
    return w.submit()


def pain_score_out_of_range(w: Wizard, j: Journeys) -> Response | None:
    w.reach("/step/pain?part=3")
    # a forged score: no radio offers 11, but a browser can send anything
    w.page.evaluate("""() => { const r = document.querySelector('input[name=pain_intensity]');
        r.value = '11'; r.checked = true; }""")
    return w.submit()


def answers_removed_by_a_change(w: Wizard, j: Journeys) -> Response | None:
    w.reach("/check")
    w.walk({"treatments_tried": ["none"]}, until="/check", start="/step/treatments?change=1")
    return None


def csrf_token_missing(w: Wizard, j: Journeys) -> Response | None:
    w.page.goto("/step/warning_signs")
    w.page.evaluate("() => document.querySelector('main input[name=csrf_token]').remove()")
    w.answer({"warning_signs": ["none"]})
    return w.submit()


VISITS = [
    Visit("start", go("/"), "main a.button--start"),
    Visit("start-cleared", go("/?cleared=1"), "main .notice"),
    Visit(
        "step-treatments-part-3-after-none",
        branch("/step/treatments", "not_yet", "/step/treatments?part=3"),
        "main legend h1",
    ),
    Visit("error-none-and-another", none_and_another, "#warning_signs-error"),
    Visit("error-pain-score-range", pain_score_out_of_range, "#pain_intensity-error"),
    Visit("check-answers-removed", answers_removed_by_a_change, "main .notice"),
    # the discuss summary is checked on the way through, above
    Visit("summary-emergency", walked("emergency", "/summary"), "[data-outcome=emergency]"),
    Visit("summary-urgent", walked("urgent", "/summary"), "[data-outcome=urgent]"),
    Visit(
        "summary-usually_excluded",
        branch("/step/health", "usually_excluded", "/summary"),
        "[data-outcome=usually_excluded]",
    ),
    Visit(
        "summary-not_yet",
        branch("/step/treatments", "not_yet", "/summary"),
        "[data-outcome=not_yet]",
    ),
    Visit("help", go("/help"), "main h1"),
    Visit("expired", go("/expired"), "main a.button"),
    Visit("not-found", go("/no-such-page"), "main h1", status=404),
    Visit("csrf-error", csrf_token_missing, "main a[href='/step/warning_signs']", status=400),
]


@pytest.mark.parametrize("visit", VISITS, ids=[v.name for v in VISITS])
def test_page_passes_in_chromium(wizard, journeys, events, subtests, visit):
    response = visit.reach(wizard, journeys)
    if response is not None:
        assert response.status == visit.status
    assert wizard.page.locator(visit.expect).count(), f"no {visit.expect!r} at {wizard.page.url}"
    audit(wizard.page, visit.name, events, subtests, status=visit.status)
