"""Clinician preview and FHIR tests: one app, pages parsed into a small tree, and a patient who
walks the wizard through the test client with CSRF on (the token is read from each page).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaire import create_app

ROOT = Path(__file__).resolve().parents[2]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass(eq=False)
class Node:
    """One element of a parsed page."""

    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    @property
    def text(self) -> str:
        """The text inside, with runs of white space as one space."""
        return " ".join("".join(self._texts()).split())

    def _texts(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in ("script", "style"):
                yield " "
                yield from child._texts()

    def iter(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, cls: str | None = None,
                 **attrs: str | None) -> list[Node]:
        """Elements with this tag, class and attributes (None: the attribute is present).
        Attribute names use '_' for '-' (data_outcome=None finds data-outcome)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [node for node in self.iter()
                if (tag is None or node.tag == tag)
                and (cls is None or cls in node.attrs.get("class", "").split())
                and all(name in node.attrs and (value is None or node.attrs[name] == value)
                        for name, value in wanted.items())]

    def find(self, tag: str | None = None, **kwargs) -> Node | None:
        found = self.find_all(tag, **kwargs)
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs) -> None:
        self.current.children.append(Node(tag, {n: v or "" for n, v in attrs}, self.current))

    def handle_endtag(self, tag) -> None:
        node: Node | None = self.current
        while node is not None and node is not self.root and node.tag != tag:
            node = node.parent
        if node is not None and node is not self.root:
            self.current = node.parent or self.root

    def handle_data(self, data) -> None:
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def form_data(answers: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """Engine answers as a browser sends them: one value per ticked box, numbers as text."""
    return {q: [str(v) for v in a] if isinstance(a, list) else str(a) for q, a in answers.items()}


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no csrf_token on the page"
    return match.group(1)


@pytest.fixture(scope="session")
def app():
    """One app for these tests (CSRF on): answers live in each client's cookie, not the app."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "QUESTIONNAIRE_RULES": str(ROOT / "rules.yaml")})


@pytest.fixture(scope="session")
def rules_data() -> dict:
    """rules.yaml as plain data: what the pages must show."""
    return yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def parse() -> Callable[[str], Node]:
    return parse_html


@pytest.fixture(scope="session")
def token() -> Callable[[str], str]:
    """The CSRF token from a page's HTML."""
    return csrf_token


@pytest.fixture(scope="session")
def as_form() -> Callable[[Mapping[str, Any]], dict]:
    return form_data


@pytest.fixture(scope="session")
def walk_wizard() -> Callable:
    """Answer the pages of the patient wizard from `answers`; return the last response.

    Each page's CSRF token is read and only the questions it shows are sent. The walk ends
    off the question pages, or on the first page asking a question `answers` does not answer.
    """
    def walk(client, answers: Mapping[str, Any]):
        response = client.get("/step/warning_signs")
        for _ in range(20):
            if response.status_code != 200 or not response.request.path.startswith("/step/"):
                return response
            html = response.get_data(as_text=True)
            form = next(f for f in parse_html(html).find_all("form", novalidate=None))
            names = list(dict.fromkeys(node.attrs["name"] for node in form.find_all("input")
                                       if node.attrs.get("name", "csrf_token") != "csrf_token"))
            if not set(names) <= set(answers):
                return response  # the patient stops on a page they have no answers for
            url = response.request.full_path.rstrip("?")
            response = client.post(url, data={**form_data({q: answers[q] for q in names}),
                                              "csrf_token": csrf_token(html)},
                                   follow_redirects=True)
            assert response.request.full_path.rstrip("?") != url, f"{url} refused the answers"
        raise AssertionError("the wizard did not end")

    return walk
