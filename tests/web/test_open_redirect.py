"""The language link and the CSRF page's "again" link stay on this site whatever path was asked
for (attack-on-the-running-stack.md, F1: `/%5Cevil.example/` once linked to evil.example)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from pages import one

SITE = "https://criteria.test/"
TRICKS = ["/%5Cevil.example/", "/%0A/evil.example", "/%09/evil.example", "/%5C%5Cevil.example"]


def browser_target(href: str) -> str:
    """Where a browser goes: it drops tabs and newlines, and reads `\\` as `/` in http(s)."""
    cleaned = href.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urljoin(SITE, cleaned)


@pytest.mark.parametrize("path", TRICKS)
def test_a_404_links_to_the_start_page_in_the_other_language(patient, path):
    page = patient.get(path)
    assert page.status == 404
    href = one(page.html, "a", class_="header__lang")["href"]

    assert href == "/?lang=es"
    assert urlsplit(browser_target(href)).netloc == "criteria.test"


def test_a_matched_page_links_to_its_own_route_with_its_query(patient):
    page = patient.get("/help?part=1&x=%5C")

    assert one(page.html, "a", class_="header__lang")["href"] == "/help?part=1&x=%5C&lang=es"


def test_the_csrf_page_links_back_to_the_route_not_the_path(client):
    response = client.post("/step/pain?part=2", data={"pain_area": "neck"})
    body = response.get_data(as_text=True)

    assert response.status_code == 400
    assert 'href="/step/pain?part=2"' in body
