"""Reading pages the way a person sees them, and walking the patient wizard like a browser.

Pages are parsed with BeautifulSoup on the standard library's "html.parser". Tests use the
BeautifulSoup API for finding elements (`find`, `find_all`, `class_=`, `attrs={...: True}` for
"the attribute is present") plus these helpers:

- `parse(html)`: the page as a BeautifulSoup tree.
- `text(node)`: the visible text, with runs of white space as one space.
- `one(node, ...)`: the one element that matches (it fails if there are none or several).
- `csrf_token(html)`: the CSRF token a form on the page sends.
- `form_data(answers)`: engine answers as a browser sends them.
- `Page`: one response as the patient sees it; `Patient`: a browser using the wizard.

Import it as `from pages import ...`: pytest puts tests/ on sys.path for tests/conftest.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, CData, NavigableString, Tag

# Elements that start on a new line, so their text never runs into the text before them.
BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}


def parse(html: str) -> BeautifulSoup:
    """The page's HTML as a tree (standard library parser, no lxml)."""
    return BeautifulSoup(html, "html.parser")


def _texts(node: Tag) -> Iterator[str]:
    for child in node.descendants:
        if isinstance(child, Tag):
            if child.name in BLOCK:
                yield " "
        elif type(child) in (NavigableString, CData):  # not comments, scripts or styles
            yield child


def text(node: Tag) -> str:
    """The text a person reads in `node`, with runs of white space as one space."""
    return " ".join("".join(_texts(node)).split())


def one(node: Tag, name: str | None = None, **kwargs: Any) -> Tag:
    """The one element below `node` that matches `find_all(name, **kwargs)`."""
    found = node.find_all(name, **kwargs)
    assert len(found) == 1, f"expected one {name or 'element'} {kwargs}, found {len(found)}"
    return found[0]


def csrf_token(html: str | Tag, where: str = "the page") -> str:
    """The CSRF token from a page's HTML (or its parsed tree)."""
    tree = parse(html) if isinstance(html, str) else html
    token = tree.find("input", attrs={"name": "csrf_token", "value": True})
    assert token is not None, f"no csrf_token on {where}"
    return token["value"]


def form_data(answers: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """Engine answers as the browser sends them: one value per ticked box, numbers as text."""
    return {q: [str(v) for v in a] if isinstance(a, list) else str(a) for q, a in answers.items()}


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
        self.html = parse(self.text)

    def __repr__(self) -> str:
        return f"<Page {self.status} {self.url} {self.title!r}>"

    @property
    def title(self) -> str:
        title = self.html.find("title")
        return text(title) if title else ""

    @property
    def main(self) -> Tag:
        return one(self.html, "main")

    @property
    def h1(self) -> str:
        return text(one(self.main, "h1"))

    @property
    def csrf_token(self) -> str:
        return csrf_token(self.html, self.url)

    @property
    def form(self) -> Tag:
        """The page's own form (not the footer's 'Clear my answers')."""
        return one(self.main, "form", attrs={"novalidate": True})

    @property
    def questions(self) -> list[str]:
        """Ids of the questions on this page, in order."""
        names = (node.get("name") for node in self.form.find_all("input"))
        return list(dict.fromkeys(name for name in names if name and name != "csrf_token"))

    def value(self, question: str) -> str | list[str]:
        """What the page shows as answered: the text typed, or the boxes ticked."""
        inputs = self.form.find_all("input", attrs={"name": question})
        assert inputs, f"no question {question} on {self.url}"
        if inputs[0].get("type") == "text":
            return inputs[0].get("value", "")
        ticked = [node["value"] for node in inputs if node.has_attr("checked")]
        return ticked if inputs[0].get("type") == "checkbox" else (ticked[0] if ticked else "")

    @property
    def values(self) -> dict[str, str | list[str]]:
        """Every question on the page with what it shows as answered."""
        return {q: self.value(q) for q in self.questions}

    @property
    def back_url(self) -> str | None:
        link = self.html.find("a", class_="back-link")
        return link.get("href") if link else None

    @property
    def error_summary(self) -> list[str]:
        summary = self.html.find(class_="error-summary")
        return [text(a) for a in summary.find_all("a")] if summary else []

    @property
    def inline_errors(self) -> dict[str, str]:
        """Question id -> the message shown next to it (without the hidden 'Error:')."""
        found = {}
        for node in self.main.find_all("p", class_="error-message"):
            question = node["id"].removesuffix("-error")
            found[question] = re.sub(r"^Error:\s*", "", text(node))
        return found

    def links(self, label: str) -> list[str]:
        """Hrefs of the links whose text contains `label`."""
        return [a["href"] for a in self.html.find_all("a") if label in text(a)]

    def link(self, label: str) -> str:
        hrefs = self.links(label)
        assert len(hrefs) == 1, f"expected one link {label!r} on {self.url}, found {hrefs}"
        return hrefs[0]

    @property
    def outcome(self) -> str | None:
        heading = self.html.find(attrs={"data-outcome": True})
        return heading["data-outcome"] if heading else None


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

    def post(
        self,
        url: str,
        data: Mapping[str, Any] | None = None,
        *,
        token: str | None | bool = True,
        follow: bool = True,
    ) -> Page:
        """Post form data; token=True reads it from the current page, None sends none."""
        fields: dict[str, Any] = form_data(data or {})
        if token is True:
            token = self.token()
        if token is not None:
            fields["csrf_token"] = token
        self.page = Page(
            self.client.post(url, data=fields, base_url=self.base_url, follow_redirects=follow)
        )
        return self.page

    def token(self) -> str:
        """The CSRF token of the current page's form, or else of the "Clear my answers" page
        (the only form on pages without questions)."""
        if self.page is not None and self.page.html.find("input", attrs={"name": "csrf_token"}):
            return self.page.csrf_token
        response = self.client.get("/start-again", base_url=self.base_url)
        return Page(response).csrf_token

    def submit(self, answers: Mapping[str, Any], **kwargs) -> Page:
        """Send the current page's form with these answers."""
        assert self.page is not None
        return self.post(self.page.form["action"], answers, **kwargs)

    def answer(
        self, step_id: str, answers: Mapping[str, Any], *, part: int = 0, change: bool = False
    ) -> Page:
        """Open one page of a step (it must be reachable) and send its answers."""
        url = f"/step/{step_id}" + (f"?part={part}" if part else "")
        if change:
            url += ("&" if part else "?") + "change=1"
        page = self.get(url)
        assert page.path == f"/step/{step_id}" and page.query.get("part", "0") == str(part), page
        return self.submit(answers)

    def walk(self, answers: Mapping[str, Any], *, until: str | None = None) -> Page:
        """From the start page, answer every page the wizard shows from `answers`.

        Each page gets only the answers to the questions it shows, and must accept them (the
        patient moves on). Stops on the first page that is not a question page, that asks a
        question `answers` has no answer for, or that asks `until`.
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
            assert page.url != before, f"{before} refused the answers: {page.error_summary}"
        raise AssertionError("the wizard did not end")

    def cookie(self) -> str | None:
        name = "__Host-session" if self.base_url.startswith("https:") else "session"
        cookie = self.client.get_cookie(name, domain=urlsplit(self.base_url).hostname)
        return cookie.value if cookie else None
