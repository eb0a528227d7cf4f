"""Filling the questionnaire's pages in Chromium, as a person does with the mouse: shared by the
browser tests' Wizard and the deployment tests' walks through nginx."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page


def location(page: Page) -> str:
    """The page's path and query, such as '/step/treatments?part=1'."""
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def questions(page: Page) -> list[str]:
    """The names of the questions on the current page, in order."""
    return page.eval_on_selector_all(
        "main form [name]:not([type=hidden])", "els => [...new Set(els.map(e => e.name))]"
    )


def fill(page: Page, answers: dict[str, Any]) -> None:
    """Tick, choose and type the answers to this page's questions that `answers` has."""
    for name in questions(page):
        if name not in answers:
            continue
        value = answers[name]
        if isinstance(value, int):  # a text box, or a 0-10 scale of radios
            box = page.locator(f"input[name='{name}'][type=text]")
            if box.count():
                box.fill(str(value))
            else:
                page.check(f"input[name='{name}'][value='{value}']")
        else:
            for one in value if isinstance(value, list) else [value]:
                page.check(f"input[name='{name}'][value='{one}']")
