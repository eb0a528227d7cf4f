"""Keyboard-only use, the error summary's focus handling, the exclusive "none" script, and the
whole journey with JavaScript turned off, all in Chromium.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# Which way to move focus to reach `selector`: 0 there already, 1 forwards, -1 backwards. With
# group=true, any radio of the same group counts (Tab stops once per radio group).
WHERE = """([selector, group]) => {
  const target = document.querySelector(selector);
  if (!target) return null;
  const active = document.activeElement;
  if (active === target) return 0;
  if (group && active && active.type === 'radio' && active.name === target.name) return 0;
  if (!active || active === document.body) return 1;
  return active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
}"""
FOCUSED = """() => { const a = document.activeElement;
  return {tag: a.tagName.toLowerCase(), id: a.id, name: a.name || null, value: a.value || null,
          text: a.textContent.trim().slice(0, 60), summary: a.hasAttribute('data-error-summary')};
}"""


class KeyboardUser:
    """Uses a page with Tab, Shift+Tab, arrows, Space and Enter only: no mouse, no fill()."""

    def __init__(self, page: Page):
        self.page = page
        self.keys: list[str] = []

    def press(self, key: str) -> None:
        self.keys.append(key)
        self.page.keyboard.press(key)

    def focused(self) -> dict[str, Any]:
        return self.page.evaluate(FOCUSED)

    def move_to(self, selector: str, *, group: bool = False) -> None:
        """Tab (or Shift+Tab) until `selector` has focus."""
        for _ in range(60):
            where = self.page.evaluate(WHERE, [selector, group])
            assert where is not None, f"{selector} is not on {self.page.url}"
            if where == 0:
                return
            self.press("Tab" if where > 0 else "Shift+Tab")
        raise AssertionError(f"the keyboard never reached {selector}; focus is on {self.focused()}")

    def follow(self, selector: str) -> None:
        """Move to a link or button and press Enter; wait for the next page."""
        self.move_to(selector)
        with self.page.expect_navigation():
            self.press("Enter")

    def choose(self, name: str, value: str) -> None:
        """Tab into a radio group, then use the arrow keys (or Space) to pick `value`."""
        self.move_to(f"input[name='{name}']", group=True)
        values = self.page.eval_on_selector_all(
            f"input[name='{name}']", "els => els.map(e => e.value)"
        )
        steps = values.index(value) - values.index(self.focused()["value"])
        if steps == 0:
            self.press("Space")
        for _ in range(abs(steps)):
            self.press("ArrowDown" if steps > 0 else "ArrowUp")
        assert self.page.is_checked(f"input[name='{name}'][value='{value}']")

    def tick(self, name: str, value: str) -> None:
        self.move_to(f"input[name='{name}'][value='{value}']")
        self.press("Space")
        assert self.page.is_checked(f"input[name='{name}'][value='{value}']")

    def type_into(self, name: str, text: str) -> None:
        self.move_to(f"input[name='{name}']")
        self.page.keyboard.type(text)
        self.keys.append(f"type {text}")

    def answer_page(self, answers: dict[str, Any]) -> None:
        """Choices top to bottom, then back up with Shift+Tab to type any numbers."""
        kinds = self.page.eval_on_selector_all(
            "main form input:not([type=hidden])", "els => els.map(e => [e.name, e.type])"
        )
        names = list(dict.fromkeys(name for name, _ in kinds))
        kind = dict(kinds)
        for name in [n for n in names if kind[n] != "text"] + [
            n for n in names if kind[n] == "text"
        ]:
            answer = answers[name]
            if kind[name] == "text":
                self.type_into(name, str(answer))
            elif kind[name] == "radio":  # the 0-10 pain score too: a row of radios
                self.choose(name, str(answer))
            else:
                for value in answer:
                    self.tick(name, value)


def test_whole_journey_by_keyboard_alone_reaches_the_summary(page, discuss_answers, events):
    user = KeyboardUser(page)
    page.goto("/")
    user.press("Tab")
    assert user.focused()["text"] == "Skip to main content"
    user.press("Enter")
    assert user.focused()["id"] == "main"
    user.follow("main a.button--start")
    pages = []
    while page.url.split("/", 3)[-1].startswith("step/"):
        pages.append(page.url.split("/", 3)[-1])
        user.answer_page(discuss_answers)
        user.follow("main form button[type=submit]")
    # one question per page, in the order of rules.yaml
    assert len(pages) == len(discuss_answers)
    assert pages[:3] == ["step/warning_signs", "step/about_you", "step/pain"]
    assert page.url.endswith("/check")
    user.follow("main a[href='/summary']")
    assert page.locator("h1[data-outcome]").get_attribute("data-outcome") == "discuss"
    assert page.locator("[data-print]").is_visible()  # printing needs JavaScript, which is on
    for key in ("Tab", "Space", "ArrowDown", "Enter"):  # one question a page: no Shift+Tab
        assert key in user.keys, f"the journey never needed {key}"
    assert events.problems() == []


@pytest.mark.parametrize(
    "path", ["/step/warning_signs", "/step/pain"], ids=["checkboxes", "radios-and-number"]
)
def test_error_summary_takes_focus_and_its_links_move_focus_to_the_field(wizard, path):
    wizard.reach(path)
    wizard.submit()
    user = KeyboardUser(wizard.page)
    assert user.focused()["summary"], f"focus is on {user.focused()} after a failed submit"
    targets = wizard.page.eval_on_selector_all(
        "[data-error-summary] a", "els => els.map(e => e.getAttribute('href').slice(1))"
    )
    assert len(targets) == len(wizard.questions())
    for target in targets:
        user.move_to(f"[data-error-summary] a[href='#{target}']")
        user.press("Enter")
        assert user.focused()["id"] == target
        question = (
            wizard.page.locator(f"#{target}")
            .locator("xpath=ancestor::div[contains(@class, 'form-group')]")
            .locator("legend, label")
            .first
        )
        top = question.evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= round(top) < wizard.page.viewport_size["height"], (
            f"the question for #{target} is out of view (top at {top}px)"
        )


def test_ticking_none_unticks_the_other_boxes_and_back(page):
    page.goto("/step/warning_signs")
    box = "input[name=warning_signs][value={}]".format
    page.check(box("fever"))
    page.check(box("weight_loss"))
    page.check(box("none"))
    assert [page.is_checked(box(v)) for v in ("fever", "weight_loss", "none")] == [
        False,
        False,
        True,
    ]
    page.check(box("fever"))
    assert [page.is_checked(box(v)) for v in ("fever", "weight_loss", "none")] == [
        True,
        False,
        False,
    ]


def test_whole_journey_works_with_javascript_off(open_page, wizard_on, discuss_answers, events):
    page = open_page(java_script_enabled=False)
    wizard_on(page).walk(discuss_answers, until="/summary")
    assert page.locator("h1[data-outcome]").get_attribute("data-outcome") == "discuss"
    assert not page.locator("[data-print]").is_visible()  # no print button that cannot work
    assert events.problems() == []


def test_without_javascript_ticking_none_and_a_sign_asks_for_one_or_the_other(
    open_page, wizard_on, engine
):
    question = next(q for q in engine.ruleset.questions if q.id == "warning_signs")
    page = open_page(java_script_enabled=False)
    page.goto("/step/warning_signs")
    page.check("input[name=warning_signs][value=fever]")
    page.check("input[name=warning_signs][value=none]")
    assert page.is_checked("input[name=warning_signs][value=fever]")  # no script unticked it
    wizard_on(page).submit()
    assert page.url.endswith("/step/warning_signs")
    assert page.locator("[data-error-summary] a").all_inner_texts() == [question.errors.exclusive]
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
