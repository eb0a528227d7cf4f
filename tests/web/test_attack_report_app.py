"""The app's side of attack-on-the-running-stack.md (issue 20): the clinician password's length
(F9), the API's "no cookies" and Content-Disposition (I3, I5), and the Origin check (I4).
tests/deploy/test_attack_report.py sends the same attacks through nginx and gunicorn."""

from __future__ import annotations

from pathlib import Path

import pytest
from pages import csrf_token

from questionnaire import create_app
from questionnaire.app import ConfigError

RULES = Path(__file__).resolve().parents[2] / "rules.yaml"


def app_with(password: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "QUESTIONNAIRE_RULES": str(RULES),
            "CLINICIAN_PASSWORD": password,
        }
    )


@pytest.mark.parametrize("password", ["a", "fifteen-chars-x"])
def test_a_clinician_password_under_16_characters_stops_the_app_with_a_clear_message(password):
    with pytest.raises(ConfigError, match="needs at least 16") as refused:
        app_with(password)
    assert f"has {len(password)} characters" in str(refused.value)
    assert "secrets.token_urlsafe" in str(refused.value)


def test_a_clinician_password_of_16_characters_is_taken():
    assert app_with("sixteen-chars-xy").config["CLINICIAN_PASSWORD"] == "sixteen-chars-xy"


def test_the_api_sends_no_cookie_not_even_a_deletion(client):
    unreadable = "AAAA" * 20
    for name in ("__Host-session", "session", "session-pain", "__Host-lang"):
        client.set_cookie(name, unreadable, domain="localhost")
    for path in ("/api/v1/questionnaire", "/api/v1/openapi.json", "/api/v1/nope"):
        response = client.get(path, base_url="https://localhost")
        assert response.headers.getlist("Set-Cookie") == [], path
    page = client.get("/", base_url="https://localhost")
    assert page.headers.getlist("Set-Cookie"), "pages still forget an unreadable cookie"


@pytest.mark.parametrize("path", ["/api/v1/questionnaire", "/api/v1/nope", "/api/v1/evaluate"])
def test_every_api_answer_is_an_attachment(client, path):
    response = client.get(path)
    assert response.headers["Content-Disposition"] == 'attachment; filename="api.json"'
    assert "Content-Disposition" not in client.get("/").headers


def post_start_again(client, origin: str | None):
    page = client.get("/start-again", base_url="https://localhost")  # Clear's question page
    headers = {"Referer": "https://localhost/start-again"}
    if origin is not None:
        headers["Origin"] = origin
    return client.post(
        "/clear",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))},
        headers=headers,
        base_url="https://localhost",
    )


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost"])
def test_a_form_post_from_another_origin_is_refused_with_a_clear_page(client, origin):
    response = post_start_again(client, origin)
    body = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "The form came from another website, so we did not accept it." in body


@pytest.mark.parametrize("origin", ["https://localhost", None])
def test_a_form_post_from_this_origin_or_without_one_is_taken(client, origin):
    assert post_start_again(client, origin).status_code == 302


def test_the_cross_site_page_is_in_spanish_too(client):
    client.get("/?lang=es", base_url="https://localhost")
    body = post_start_again(client, "https://evil.example").get_data(as_text=True)
    assert "El formulario llegó desde otro sitio web" in body
