"""The clinician's pages written once when the app is built (the guidance overview, folded and
open, and the outcome book: web/documents.py): what every request gets is what the template
gives for that very request, whoever asks and however, so the written pages cannot drift from
their templates (a date, a form's token or a patient's timeout in one would fail here)."""

from __future__ import annotations

import pytest

from questionnaire import create_app
from questionnaire.web import clinician

PAGES = {
    "/clinician/": lambda: clinician.overview_page(expanded=False),
    "/clinician/?open=all": lambda: clinician.overview_page(expanded=True),
    "/clinician/book": clinician.book_page,
}
# The same page asked for in other ways: another scheme, language, query or cookie.
ASKED = {
    "plainly": {},
    "over https": {"base_url": "https://localhost"},
    "in Spanish by the browser": {"headers": {"Accept-Language": "es-MX,es;q=0.9"}},
    "with the language cookie": {"headers": {"Cookie": "lang=es"}},
}


def fresh_render_of_what_was_sent(client, url: str, **asked) -> tuple[bytes, bytes]:
    """(the body the app sent, the page's template rendered again in that request's context)."""
    with client:
        response = client.get(url, **asked)
        assert response.status_code == 200
        return response.get_data(), PAGES[url.split("&")[0].replace("?lang=es", "")]().encode()


@pytest.mark.parametrize("how", ASKED)
@pytest.mark.parametrize("url", PAGES)
def test_a_page_written_at_start_up_is_what_its_template_gives_that_request(app, url, how):
    sent, fresh = fresh_render_of_what_was_sent(app.test_client(), url, **ASKED[how])
    assert sent == fresh


@pytest.mark.parametrize("url", ["/clinician/?lang=es", "/clinician/?open=all&lang=es"])
def test_another_query_gives_the_same_page_as_its_template(app, url):
    sent, fresh = fresh_render_of_what_was_sent(app.test_client(), url)
    assert sent == fresh


@pytest.mark.parametrize("url", PAGES)
def test_a_patients_answers_in_the_same_browser_change_nothing(
    app, url, walk_wizard, discuss_answers
):
    client = app.test_client()
    walk_wizard(client, discuss_answers)
    sent, fresh = fresh_render_of_what_was_sent(client, url)
    assert sent == fresh
    assert sent == app.test_client().get(url).get_data()


def test_under_a_sub_path_the_pages_link_within_it():
    """Written for the app at its host's root (as deploy/nginx serves it); under a sub-path
    (SCRIPT_NAME) their links differ, so there they are written for the request."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "CLINICIAN_PREVIEW": True})
    client = app.test_client()
    for url in PAGES:
        page = client.get(url, base_url="http://localhost/preview/").get_data(as_text=True)
        assert 'href="/preview/clinician/sign-off"' in page
        assert 'href="/clinician/' not in page
    assert 'href="/clinician/sign-off"' in client.get("/clinician/").get_data(as_text=True)
