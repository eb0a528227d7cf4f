"""The bad inputs of issue 9 sent to the production server (gunicorn -c gunicorn.conf.py) as raw
HTTP: what a browser or attacker sends, not what the Flask test client can express."""

from __future__ import annotations

import socket

import pytest

from bench.server import Server


@pytest.fixture(scope="module")
def server():
    # As behind one nginx: the app believes one proxy's X-Forwarded-* headers (TRUSTED_PROXIES).
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRUSTED_PROXIES", "1")
        with Server("wsgi:app", workers=1) as running:
            yield running


def send(server, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def chunks(body: bytes, size: int = 8192) -> bytes:
    return (
        b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
            for i in range(0, len(body), size)
        )
        + b"0\r\n\r\n"
    )


def test_a_chunked_body_over_64_kb_is_a_413(server):
    body = b'{"answers": {"x": "' + b"a" * 100_000 + b'"}}'
    status, headers, data = send(
        server,
        b"POST /api/v1/evaluate HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked"
        b"\r\nConnection: close\r\n\r\n" + chunks(body),
    )

    assert status == 413, data
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_64_character_host_label_is_a_400_page_with_the_security_headers(server):
    status, headers, data = send(
        server,
        b"GET / HTTP/1.1\r\nHost: " + b"a" * 64 + b".example.org\r\nConnection: close\r\n\r\n",
    )

    assert status == 400, data
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert b"Go to the start page" in data


def test_a_405_from_the_server_has_allow(server):
    status, headers, _ = send(
        server, b"DELETE /api/v1/evaluate HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )

    assert status == 405
    assert "POST" in headers["Allow"]


def test_behind_a_tls_proxy_the_cookie_is_host_prefixed_and_secure(server):
    """With TRUSTED_PROXIES=1 the app believes the proxy's X-Forwarded-Proto, as from nginx."""
    status, headers, _ = send(
        server,
        # a page with a form: its CSRF token starts the session (the start page has none)
        b"GET /step/warning_signs HTTP/1.1\r\nHost: criteria.example.org\r\n"
        b"X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n",
    )

    assert status == 200
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path=/", "samesite=lax"} <= attributes
    assert not any(a.startswith("domain") for a in attributes)
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_over_plain_http_the_cookie_has_no_prefix(server):
    status, headers, _ = send(
        server,
        b"GET /step/warning_signs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )

    assert status == 200
    assert headers["Set-Cookie"].startswith("session=")
    assert "Strict-Transport-Security" not in headers
