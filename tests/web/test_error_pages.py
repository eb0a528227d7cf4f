"""Every error the app can produce is a clean 4xx or 500 page that keeps the security headers.

Bad Host headers used to crash the error handler in url_for (a bare 500 from gunicorn without
headers); 405s lost werkzeug's `Allow`; a chunked body over 64 KB was read cut short.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from questionnaire import create_app
from questionnaire.web.headers import HEADERS

RULES = Path(__file__).resolve().parents[2] / "rules.yaml"
BIG = b'{"answers": {"x": "' + b"a" * 100_000 + b'"}}'


def assert_security_headers(response) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))
    assert "no-store" in response.headers["Cache-Control"]


BAD_HOSTS = [
    pytest.param("a" * 64 + ".example.org", id="64_character_label"),
    pytest.param("a" * 300, id="300_characters"),
    pytest.param("..", id="empty_labels"),
    pytest.param("exa mple.org", id="space"),
    pytest.param("[::1", id="unclosed_ipv6"),
    pytest.param("example.org:99999999", id="huge_port"),
]


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("path", ["/", "/step/pain", "/no-such-page", "/api/v1/evaluate"])
def test_a_bad_host_header_never_crashes_an_error_page(client, host, path):
    response = client.get(path, headers={"Host": host})

    assert response.status_code < 500, response.data[:300]
    assert_security_headers(response)
    if response.status_code >= 400 and not path.startswith("/api/"):
        assert b"Go to the start page" in response.data


def test_a_64_character_host_label_is_a_400_page_with_a_link_home(client):
    response = client.get("/", headers={"Host": "a" * 64 + ".example.org"})

    assert response.status_code == 400
    assert b'href="/"' in response.data  # built without the Host


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/", {"GET", "HEAD", "OPTIONS"}),
        ("DELETE", "/step/pain", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("GET", "/clear", {"POST", "OPTIONS"}),
        ("GET", "/api/v1/evaluate", {"POST", "OPTIONS"}),
        ("POST", "/api/v1/questionnaire", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_every_405_says_which_methods_are_allowed(client, method, path, allow):
    response = client.open(path, method=method)

    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allow
    assert_security_headers(response)
    assert response.mimetype == ("application/json" if path.startswith("/api/") else "text/html")


def chunked(app, path: str, body: bytes, content_type: str):
    """Send `body` as a server does for Transfer-Encoding: chunked (no Content-Length)."""
    environ = EnvironBuilder(path=path, method="POST", content_type=content_type).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update(
        {
            "wsgi.input": io.BytesIO(body),
            "wsgi.input_terminated": True,
            "HTTP_TRANSFER_ENCODING": "chunked",
        }
    )
    status: list[str] = []
    data = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    return int(status[0].split()[0]), data


def test_a_chunked_body_over_64_kb_is_a_413_not_cut_short(app):
    code, data = chunked(app, "/api/v1/evaluate", BIG, "application/json")

    assert code == 413, data
    assert b"larger than 64 KB" in data


def test_a_chunked_body_that_fits_is_read_whole(app):
    code, data = chunked(
        app,
        "/api/v1/evaluate",
        b'{"answers": {"warning_signs": ["bladder_bowel"]}}',
        "application/json",
    )

    assert code == 200 and b'"emergency"' in data


ERRORS = [
    pytest.param("GET", "/no-such-page", {}, 404, id="404"),
    pytest.param("PUT", "/", {}, 405, id="405"),
    pytest.param("POST", "/step/pain", {"data": {"pain_area": "neck"}}, 400, id="csrf"),
    pytest.param(
        "POST", "/api/v1/evaluate", {"data": BIG, "content_type": "application/json"}, 413, id="413"
    ),
    pytest.param(
        "POST",
        "/api/v1/evaluate",
        {"data": b"{", "content_type": "application/json"},
        400,
        id="400_api",
    ),
    pytest.param("GET", "/", {"headers": {"Host": "a" * 64 + ".org"}}, 400, id="bad_host"),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), ERRORS)
def test_every_error_page_keeps_the_security_headers(client, method, path, kwargs, status):
    response = client.open(path, method=method, **kwargs)

    assert response.status_code == status
    assert_security_headers(response)


@pytest.fixture()
def broken_app(monkeypatch):
    """An app with a page that fails, as a real bug would (errors propagate as in production)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "QUESTIONNAIRE_RULES": str(RULES),
            "PROPAGATE_EXCEPTIONS": False,
        }
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    return app


def test_a_500_page_keeps_the_security_headers(broken_app):
    response = broken_app.test_client().get("/boom")

    assert response.status_code == 500
    assert b"problem with the service" in response.data
    assert_security_headers(response)


def test_a_500_whose_error_page_fails_too_still_has_the_headers(broken_app, monkeypatch):
    import questionnaire.web.errors as errors

    def fail(*args, **kwargs):
        raise RuntimeError("the error page is broken too")

    monkeypatch.setattr(errors, "_page", fail)

    response = broken_app.test_client().get("/boom")

    assert response.status_code == 500
    assert b"problem with the service" in response.data
    assert_security_headers(response)
