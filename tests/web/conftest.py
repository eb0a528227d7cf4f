"""The patient pages through the Flask test client, with CSRF on, like a browser would use them.

`patient` walks the wizard: it opens a page, reads the CSRF token from the HTML, posts the
answers for the questions the page shows and follows the redirects. Pages are parsed with the
standard library into a small tree, so tests can ask for elements the way a person sees them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from questionnaire import create_app

ROOT = Path(__file__).resolve().parents[2]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


# --- a small HTML tree ---------------------------------------------------------------------------

@dataclass(eq=False)
class Node:
    """One element of a parsed page."""

    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        """The visible text, with runs of white space as one space."""
        return " ".join("".join(self._texts()).split())

    def _texts(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in ("script", "style"):
                yield " " if child.tag in ("li", "p", "dt", "dd", "br", "h2", "h3") else ""
                yield from child._texts()

    def iter(self) -> Iterator[Node]:
        """Every element below this one, in document order."""
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, cls: str | None = None,
                 attrs: Mapping[str, str | None] | None = None) -> list[Node]:
        """Elements with this tag, class and attributes (None: the attribute is present)."""
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            if cls is not None and cls not in node.classes:
                continue
            if attrs and not all(name in node.attrs and (value is None or node.attrs[name] == value)
                                 for name, value in attrs.items()):
                continue
            found.append(node)
        return found

    def find(self, tag: str | None = None, **kwargs) -> Node | None:
        found = self.find_all(tag, **kwargs)
        return found[0] if found else None

    def one(self, tag: str | None = None, **kwargs) -> Node:
        found = self.find_all(tag, **kwargs)
        assert len(found) == 1, f"expected one {tag} {kwargs}, found {len(found)}"
        return found[0]

    def by_id(self, element_id: str) -> Node | None:
        return self.find(attrs={"id": element_id})


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {n: v or "" for n, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node is not self.root and node.tag != tag:
            node = node.parent
        if node is not None and node is not self.root:
            self.current = node.parent or self.root

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# --- one page as the patient sees it -------------------------------------------------------------

class Page:
    """A response after redirects: where the patient ended up and what the page shows."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        request = response.request
        query = request.query_string.decode()
        self.url = request.path + (f"?{query}" if query else "")
        self.path = request.path
        self.query = {k: v[0] for k, v in parse_qs(query).items()}
        self.text = response.get_data(as_text=True)
        self.html = parse_html(self.text)

    def __repr__(self) -> str:
        return f"<Page {self.status} {self.url} {self.title!r}>"

    @property
    def title(self) -> str:
        title = self.html.find("title")
        return title.text if title else ""

    @property
    def main(self) -> Node:
        return self.html.one("main")

    @property
    def h1(self) -> str:
        return self.main.one("h1").text

    @property
    def csrf_token(self) -> str:
        token = self.html.find("input", attrs={"name": "csrf_token"})
        assert token is not None, f"no csrf_token on {self.url}"
        return token.attrs["value"]

    @property
    def form(self) -> Node:
        """The page's own form (not the footer's 'Clear my answers')."""
        return self.main.one("form", attrs={"novalidate": None})

    @property
    def questions(self) -> list[str]:
        """Ids of the questions on this page, in order."""
        names: list[str] = []
        for node in self.form.find_all("input"):
            name = node.get("name")
            if name and name != "csrf_token" and name not in names:
                names.append(name)
        return names

    def value(self, question: str) -> str | list[str]:
        """What the page shows as answered: the text typed, or the boxes ticked."""
        inputs = self.form.find_all("input", attrs={"name": question})
        assert inputs, f"no question {question} on {self.url}"
        if inputs[0].get("type") == "text":
            return inputs[0].get("value", "")
        ticked = [node.attrs["value"] for node in inputs if "checked" in node.attrs]
        return ticked if inputs[0].get("type") == "checkbox" else (ticked[0] if ticked else "")

    @property
    def values(self) -> dict[str, str | list[str]]:
        """Every question on the page with what it shows as answered."""
        return {q: self.value(q) for q in self.questions}

    @property
    def back_url(self) -> str | None:
        link = self.html.find("a", cls="back-link")
        return link.get("href") if link else None

    @property
    def error_summary(self) -> list[str]:
        summary = self.html.find(cls="error-summary")
        return [a.text for a in summary.find_all("a")] if summary else []

    @property
    def inline_errors(self) -> dict[str, str]:
        """Question id -> the message shown next to it (without the hidden 'Error:')."""
        found = {}
        for node in self.main.find_all("p", cls="error-message"):
            question = node.attrs["id"].removesuffix("-error")
            found[question] = re.sub(r"^Error:\s*", "", node.text)
        return found

    def links(self, text: str) -> list[str]:
        """Hrefs of the links whose text contains `text`."""
        return [a.attrs["href"] for a in self.html.find_all("a") if text in a.text]

    def link(self, text: str) -> str:
        hrefs = self.links(text)
        assert len(hrefs) == 1, f"expected one link {text!r} on {self.url}, found {hrefs}"
        return hrefs[0]

    @property
    def outcome(self) -> str | None:
        heading = self.html.find(attrs={"data-outcome": None})
        return heading.get("data-outcome") if heading else None


def form_data(answers: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """Engine answers as the browser sends them: one value per ticked box, numbers as text."""
    return {q: [str(v) for v in a] if isinstance(a, list) else str(a) for q, a in answers.items()}


# --- the patient ---------------------------------------------------------------------------------

class Patient:
    """Uses the wizard through the test client the way a browser does, CSRF token included."""

    def __init__(self, client, base_url: str = "http://localhost"):
        self.client = client
        self.base_url = base_url
        self.page: Page | None = None

    def get(self, url: str, *, follow: bool = True) -> Page:
        self.page = Page(self.client.get(url, base_url=self.base_url, follow_redirects=follow))
        return self.page

    def post(self, url: str, data: Mapping[str, Any] | None = None, *,
             token: str | None | bool = True, follow: bool = True) -> Page:
        """Post form data; token=True reads it from the current page, None sends none."""
        fields: dict[str, Any] = form_data(data or {})
        if token is True:
            token = (self.page or self.get("/")).csrf_token
        if token is not None:
            fields["csrf_token"] = token
        self.page = Page(self.client.post(url, data=fields, base_url=self.base_url,
                                          follow_redirects=follow))
        return self.page

    def submit(self, answers: Mapping[str, Any], **kwargs) -> Page:
        """Send the current page's form with these answers."""
        assert self.page is not None
        return self.post(self.page.form.attrs["action"], answers, **kwargs)

    def answer(self, step_id: str, answers: Mapping[str, Any], *, part: int = 0,
               change: bool = False) -> Page:
        """Open one page of a step (it must be reachable) and send its answers."""
        url = f"/step/{step_id}" + (f"?part={part}" if part else "")
        if change:
            url += ("&" if part else "?") + "change=1"
        page = self.get(url)
        assert page.path == f"/step/{step_id}" and page.query.get("part", "0") == str(part), page
        return self.submit(answers)

    def walk(self, answers: Mapping[str, Any], *, until: str | None = None) -> Page:
        """From the start page, answer every page the wizard shows from `answers`.

        Stops on the first page that is not a question page, that asks a question `answers`
        has no answer for, or that asks `until`.
        """
        page = self.get("/")
        page = self.get(page.link("Start now"))
        for _ in range(20):
            if not page.path.startswith("/step/") or page.status != 200:
                return page
            if until in page.questions or not set(page.questions) <= set(answers):
                return page
            before = page.url
            page = self.submit({q: answers[q] for q in page.questions})
            assert page.url != before or page.error_summary == [], page.error_summary
        raise AssertionError("the wizard did not end")

    def cookie(self) -> str | None:
        cookie = self.client.get_cookie("session", domain=urlsplit(self.base_url).hostname)
        return cookie.value if cookie else None


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def app():
    """One app for these tests: answers live in each test client's cookie, not in the app."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "QUESTIONNAIRE_RULES": str(ROOT / "rules.yaml")})


@pytest.fixture(scope="session")
def rules() -> dict:
    """rules.yaml as plain data: the wording the pages must show."""
    return yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def questions(rules) -> dict[str, dict]:
    """Question id -> its entry in rules.yaml, with the id of its step added."""
    return {q["id"]: {**q, "step": step["id"]} for step in rules["steps"]
            for q in step["questions"]}


@pytest.fixture()
def patient(client) -> Patient:
    return Patient(client)


@pytest.fixture()
def new_patient(app):
    """Another browser, with its own cookies."""
    return lambda base_url="http://localhost": Patient(app.test_client(), base_url=base_url)


@pytest.fixture()
def https_patient(new_patient) -> Patient:
    return new_patient("https://localhost")
