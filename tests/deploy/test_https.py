"""Whole journeys in Chromium over HTTPS through the shipped nginx in front of gunicorn."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import re
import socket
import ssl

import pytest
from wire import send

from bench.deployment import ROOT, SERVER_NAME, Deployment
from questionnaire import create_app

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Strict-Transport-Security",
)
ALL_SECURITY_HEADERS = (
    *SECURITY_HEADERS,
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Cache-Control",
)


def api_outcome(deployment: Deployment, answers: dict) -> str:
    response = send(
        deployment,
        "POST",
        "/api/v1/evaluate",
        json.dumps({"answers": answers}).encode(),
        {"Content-Type": "application/json"},
    )
    assert response.status == 200, response.body[:300]
    return json.loads(response.body)["outcome"]["id"]


@pytest.mark.parametrize(
    "outcome", ["emergency", "urgent", "usually_excluded", "not_yet", "discuss"]
)
def test_every_journey_over_https_ends_on_the_api_headline(deployment, visit, journeys, outcome):
    answers = journeys[outcome]
    browser = visit(deployment)
    shown = browser.walk(answers)
    assert shown == api_outcome(deployment, answers) == outcome
    assert browser.page.url.startswith(f"https://{SERVER_NAME}:")
    assert browser.server_errors() == []
    assert len(browser.responses) > 2 * (1 if outcome in ("emergency", "urgent") else 6)


def test_the_answers_cookies_are_secure_httponly_and_named_by_the_app(deployment, visit):
    """Names come from the app's config (`session`, and `session-<step>` where answers are kept
    per step); over HTTPS they may carry the `__Host-` prefix, which the browser enforces."""
    name = create_app({"TESTING": True, "SECRET_KEY": "x"}).config["SESSION_COOKIE_NAME"]
    base = name.removeprefix("__Host-")
    browser = visit(deployment)
    browser.goto("/step/warning_signs")
    browser.answer_page({"warning_signs": ["none"]})
    cookies = browser.context.cookies()
    assert cookies, "no answers cookie after the first step"
    for cookie in cookies:
        assert cookie["name"].removeprefix("__Host-").startswith(base), cookie["name"]
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie
        assert cookie["path"] == "/" and cookie["domain"] == SERVER_NAME, cookie  # no Domain=


def test_the_browser_keeps_hsts_and_never_speaks_plain_http_again(deployment, visit):
    browser = visit(deployment)
    plain_to_tls_port = f"http://{SERVER_NAME}:{deployment.nginx.https_port}/"
    before = browser.goto(plain_to_tls_port)
    assert before.status == 400, "without HSTS, Chromium sends plain HTTP (nginx refuses it)"
    browser.goto("/")
    after = browser.goto(plain_to_tls_port)
    assert after.status == 200 and browser.page.url.startswith("https://"), (
        "after one HTTPS visit, Chromium must upgrade http:// itself (HSTS)"
    )
    assert "max-age=31536000" in after.headers["strict-transport-security"]


def test_plain_http_is_redirected_to_https_with_path_and_query(deployment):
    conn = http.client.HTTPConnection("127.0.0.1", deployment.nginx.http_port, timeout=5)
    conn.request("GET", "/step/pain?part=1", headers={"Host": SERVER_NAME})
    response = conn.getresponse()
    conn.close()
    assert response.status == 301
    assert (
        response.getheader("Location")
        == f"https://{SERVER_NAME}:{deployment.nginx.https_port}/step/pain?part=1"
    )


@pytest.mark.parametrize(
    "method, path",
    [
        ("DELETE", "/step/pain"),
        ("POST", "/summary"),
        ("GET", "/clear"),
        ("PUT", "/"),
        ("GET", "/api/v1/evaluate"),
        ("DELETE", "/api/v1/questionnaire"),
        ("POST", "/healthz"),
    ],
)
def test_every_405_through_nginx_says_which_methods_are_allowed(deployment, method, path):
    response = send(deployment, method, path)
    assert response.status == 405
    allowed = {m.strip() for m in (response.getheader("Allow") or "").split(",") if m.strip()}
    assert allowed and method not in allowed, f"Allow: {response.getheader('Allow')!r}"
    for header in SECURITY_HEADERS:
        assert response.getheader(header), f"{method} {path}: no {header}"


def test_pages_api_static_files_and_proxy_errors_carry_the_security_headers(deployment):
    page = send(deployment, "GET", "/")
    static = re.search(r'href="(/static/style\.css\?v=[0-9a-f]+)"', page.body.decode()).group(1)
    too_big = send(
        deployment,
        "POST",
        "/api/v1/evaluate",
        b"{" + b" " * 70_000 + b"}",
        {"Content-Type": "application/json"},
    )
    assert too_big.status == 413
    huge_header = send(deployment, "GET", "/", headers={"X-Big": "a" * 9000})
    assert huge_header.status == 400 and b"We could not read what was sent" in huge_header.body
    for what, response, headers in [
        ("start page", page, SECURITY_HEADERS),
        ("API", send(deployment, "GET", "/api/v1/questionnaire"), SECURITY_HEADERS),
        ("nginx's 413", too_big, SECURITY_HEADERS),
        ("nginx's 400", huge_header, SECURITY_HEADERS),
        (
            "static file",
            send(deployment, "GET", static),
            ("X-Content-Type-Options", "Strict-Transport-Security"),
        ),
    ]:
        missing = [h for h in headers if not response.getheader(h)]
        assert not missing, f"{what}: missing {missing}"
    app_headers = {h for h in ALL_SECURITY_HEADERS if page.getheader(h)}
    nginx_headers = {h for h in ALL_SECURITY_HEADERS if too_big.getheader(h)}
    assert app_headers <= nginx_headers, "nginx's error pages lack some of the app's headers"
    assert page.getheader("Referrer-Policy") == "same-origin"  # Flask-WTF needs the Referer
    assert page.getheader("Cache-Control") == "no-store"
    assert json.loads(too_big.body) == {  # under /api/, nginx answers in JSON (issue 20, F4)
        "status": 413,
        "message": "What was sent is larger than 64 KB, the most this service takes.",
    }
    page_too_big = send(deployment, "POST", "/step/pain", b"a=" + b"b" * 70_000)
    assert page_too_big.status == 413 and "What was sent is too large" in page_too_big.body.decode()


def chunked(body: bytes, size: int = 4096) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def test_a_chunked_body_over_64_kb_is_refused_whole(deployment):
    sock = socket.create_connection(("127.0.0.1", deployment.nginx.https_port), timeout=10)
    tls = deployment.cert.context().wrap_socket(sock, server_hostname=SERVER_NAME)
    tls.sendall(
        f"POST /api/v1/evaluate HTTP/1.1\r\nHost: {SERVER_NAME}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n".encode()
        + chunked(b"[" + b"1," * 40_000 + b"1]")
    )
    reply = b""
    while chunk := tls.recv(65536):
        reply += chunk
    tls.close()
    assert reply.startswith(b"HTTP/1.1 413 "), reply[:200]


def test_static_files_are_fingerprinted_compressed_and_kept_for_a_year(deployment):
    page = send(deployment, "GET", "/").body.decode()
    for name in ("style.css", "enhance.js"):
        digest = hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()[:12]
        url = f"/static/{name}?v={digest}"
        assert f'"{url}"' in page, f"{name} is not linked with its fingerprint"
        response = send(deployment, "GET", url, headers={"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
        assert response.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(response.body) == (ROOT / "static" / name).read_bytes()
        unversioned = send(deployment, "GET", f"/static/{name}")
        assert unversioned.getheader("Cache-Control") == "no-cache"


def test_the_api_is_compressed_but_pages_with_a_csrf_token_are_not(deployment):
    """BREACH: a compressed page that holds a secret next to text an attacker may choose leaks
    the secret through its size; API answers hold no secret."""
    accept = {"Accept-Encoding": "gzip"}
    api = send(deployment, "GET", "/api/v1/questionnaire", headers=accept)
    assert api.getheader("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(api.body))["steps"]
    page = send(deployment, "GET", "/step/warning_signs", headers=accept)
    assert page.getheader("Content-Encoding") is None and b"csrf_token" in page.body


def test_a_client_cannot_claim_plain_http_or_another_scheme(deployment):
    """nginx replaces X-Forwarded-Proto: the app still sees https, so HSTS and Secure stay."""
    response = send(
        deployment,
        "GET",
        "/",
        headers={"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example"},
    )
    assert response.getheader("Strict-Transport-Security")
    assert "Secure" in (response.getheader("Set-Cookie") or "Secure")


def test_another_host_name_gets_no_page_and_no_certificate(deployment):
    conn = http.client.HTTPConnection("127.0.0.1", deployment.nginx.http_port, timeout=5)
    conn.request("GET", "/", headers={"Host": "evil.example"})
    with pytest.raises(http.client.RemoteDisconnected):
        conn.getresponse()
    conn.close()
    sock = socket.create_connection(("127.0.0.1", deployment.nginx.https_port), timeout=5)
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with pytest.raises(ssl.SSLError):
        context.wrap_socket(sock, server_hostname="evil.example")
    sock.close()
