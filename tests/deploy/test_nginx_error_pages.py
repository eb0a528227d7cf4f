"""nginx's own answers, through the real nginx: each status it answers by itself (never the app)
gives that status's page, English with Spanish below, with the app's security headers and no
script, or under /api/ that status's JSON; what nginx serves is, byte for byte, what
deploy/render.py renders from deploy/nginx/error-page.html and error-pages.toml; the pages are
axe-clean in Chromium.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser.test_accessibility import axe_report  # the one way the project runs axe
from playwright.sync_api import Page
from wire import Reply, get, raw, send

from bench.deployment import Certificate, Deployment, Nginx, free_port
from deploy import render

# What a patient must read for each status: the page's English title (its <title> and <h1>)
# and its Spanish heading. Written out here, not read from error-pages.toml, so a wrong word
# there fails.
WORDS = {
    400: ("We could not read what was sent", "No pudimos leer lo que se envió"),
    404: ("Page not found", "No se encontró la página"),
    405: ("This page cannot be used that way", "Esta página no se puede usar así"),
    413: ("What was sent is too large", "Lo que se envió es demasiado grande"),
    414: ("We could not read what was sent", "No pudimos leer lo que se envió"),
    429: ("Too many visits at once", "Demasiadas visitas a la vez"),
    501: ("We could not read what was sent", "No pudimos leer lo que se envió"),
    502: ("The service is busy", "El servicio está ocupado"),
    503: ("The service is busy", "El servicio está ocupado"),
    504: ("The service is busy", "El servicio está ocupado"),
    505: ("We could not read what was sent", "No pudimos leer lo que se envió"),
}
# A cookie too large for nginx (494, sent as 400) is sent again with every request to the site,
# the start page's link included, and the app's cookies last until the browser closes (no
# Expires: questionnaire/web/session.py), so "go back" and closing tabs loop: the way out that
# works is a window that has none of the site's cookies.
WAY_OUT = {status: ("private (incognito) window", "ventana privada") for status in (400, 414)}
PAGE = "/step/pain"  # a patient's page (the app is never asked: nginx answers first)
API = "/api/v1/questionnaire"
TOO_BIG = b"a=" + b"b" * 70_000  # over client_max_body_size 64k


def post(path: str, body: bytes, *headers: str) -> bytes:
    return get(path, *headers, f"Content-Length: {len(body)}", method="POST") + body


# Requests nginx refuses by itself, built on a page's path or the API's: (status, request).
REFUSED: dict[str, tuple[int, Callable[[str], bytes]]] = {
    "TRACE": (405, lambda path: get(path, method="TRACE")),
    "a body over 64 KB": (413, lambda path: post(path, TOO_BIG)),
    "a request line over 8 KB": (414, lambda path: get(path + "a" * 9000)),
    "a header over 8 KB (nginx's 494, sent as 400)": (
        400,
        lambda path: get(path, "X-Big: " + "a" * 9000),
    ),
    "an unknown transfer coding": (
        501,
        lambda path: get(path, "Transfer-Encoding: xchunked", method="POST"),
    ),
    "HTTP/2.0 over HTTP/1.1": (505, lambda path: get(path, version="HTTP/2.0")),
}
STATIC = {
    "a static file that is not there": get("/static/does-not-exist.css"),
    "the static folder (nginx's 403, sent as 404)": get("/static/"),
}


def assert_page(reply: Reply, status: int) -> None:
    """The page for `status`, as nginx must serve it."""
    title, spanish = WORDS[status]
    text = reply.text
    assert reply.status == status
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert re.search(r"<title>(.*)</title>", text).group(1) == title
    assert re.search(r"<h1>(.*)</h1>", text).group(1) == title
    assert re.search(r'<div lang="es">\s*<h2>(.*)</h2>', text).group(1) == spanish
    for way_out in WAY_OUT.get(status, ()):
        assert way_out in text, (status, way_out)
    assert reply.missing_headers() == []
    assert reply.headers["content-security-policy"].startswith("default-src 'none'")
    assert reply.headers["cache-control"] == "no-store"
    assert "<script" not in text and not re.search(r"\son[a-z]+=", text)  # no JavaScript
    assert text == render.error_pages()[f"{status}.html"]  # the template's render, as is


def assert_json(reply: Reply, status: int) -> None:
    """The JSON for `status` under /api/, as nginx must serve it."""
    assert reply.status == status
    assert reply.headers["content-type"] == "application/json"
    body = json.loads(reply.body)
    assert body["status"] == status and body["message"]
    assert reply.headers["content-disposition"] == 'attachment; filename="api.json"'
    assert reply.missing_headers() == []
    assert reply.text == render.error_pages()[f"{status}.json"]


@pytest.mark.parametrize("what", STATIC)
def test_a_static_file_nginx_cannot_serve_gets_the_404_page(deployment, what):
    assert_page(raw(deployment, STATIC[what]), 404)


@pytest.mark.parametrize("what", REFUSED)
def test_a_request_nginx_refuses_gets_that_status_page(deployment, what):
    status, request = REFUSED[what]
    assert_page(raw(deployment, request(PAGE)), status)


@pytest.mark.parametrize("what", REFUSED)
def test_a_request_to_the_api_nginx_refuses_gets_that_status_json(deployment, what):
    status, request = REFUSED[what]
    assert_json(raw(deployment, request(API)), status)


def until_refused(deployment: Deployment, path: str, source: str) -> Reply:
    """Requests from `source` (an address of this test alone) until nginx's limit says 429."""
    for _ in range(200):
        reply = send(deployment, "GET", path, source=source)
        if reply.status == 429:
            return reply
    raise AssertionError(f"{path}: 200 requests in a row and no 429")


def test_too_many_requests_get_the_429_page_and_json_with_retry_after(deployment):
    page = until_refused(deployment, "/clinician/", source="127.0.0.250")
    api = until_refused(deployment, "/api/v1/nothing-here", source="127.0.0.251")

    assert_page(page, 429)
    assert_json(api, 429)
    assert page.headers["retry-after"] == api.headers["retry-after"] == "1"


class Front:
    """The shipped nginx alone, in front of `upstream`: no app host answers."""

    def __init__(self, cert: Certificate, upstream: str):
        self.dir = Path(tempfile.mkdtemp(prefix="questionnaire-error-pages-"))
        self.dir.chmod(0o755)  # nginx's workers drop privileges
        self.cert = cert
        self.nginx = Nginx(self.dir / "nginx", cert, [upstream])

    def close(self) -> None:
        self.nginx.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def front(cert: Certificate, upstream: str) -> Iterator[Front]:
    running = Front(cert, upstream)
    try:
        yield running
    finally:
        running.close()


def test_with_the_app_down_the_patient_gets_the_502_page_and_the_api_its_json(certificate):
    with front(certificate, f"127.0.0.1:{free_port()}") as down:  # nothing listens there
        assert_page(raw(down, get(PAGE)), 502)
        assert_json(raw(down, get(API)), 502)


def test_with_the_app_stuck_the_patient_gets_the_504_page_and_the_api_its_json(certificate):
    """An app host whose queue of connections is full: nginx's connect times out (2 s)."""
    with socket.socket() as stuck:
        stuck.bind(("127.0.0.1", 0))
        stuck.listen(0)
        queued = [socket.socket() for _ in range(3)]  # fill the queue; later SYNs are dropped
        for client in queued:
            client.setblocking(False)
            client.connect_ex(stuck.getsockname())
        time.sleep(0.2)
        try:
            with front(certificate, f"127.0.0.1:{stuck.getsockname()[1]}") as busy:
                assert_page(raw(busy, get(PAGE)), 504)
                assert_json(raw(busy, get(API)), 504)
        finally:
            for client in queued:
                client.close()


def test_every_status_site_conf_sends_to_a_page_has_one_and_json(tmp_path):
    """site.conf's error_page lines and error-pages.toml name the same statuses, and a render
    writes each page and JSON where the site.conf it prints points nginx."""
    conf = (render.NGINX / "site.conf").read_text()
    sent = set(re.findall(r"/_nginx_error/(\d{3})\.\$questionnaire_error_type;", conf))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        render.main(
            ["--server-name", "x.test", "--cert", "c", "--key", "k"]
            + ["--error-pages", str(tmp_path / "pages")]
        )

    assert sent == {name.split(".")[0] for name in render.error_pages()}
    assert {int(s) for s in sent} == set(WORDS)
    assert f"alias {tmp_path / 'pages'}/;" in out.getvalue()
    written = {p.name: p.read_text("utf-8") for p in (tmp_path / "pages").iterdir()}
    assert written == render.error_pages()
    assert all(p.stat().st_mode & 0o444 == 0o444 for p in (tmp_path / "pages").iterdir())


def assert_accessible(page: Page, name: str) -> None:
    assert axe_report(page) == [], name
    assert page.get_attribute("html", "lang") == "en", name
    assert page.locator("main").count() == 1 and page.locator("h1").count() == 1, name
    assert page.locator("main [lang=es] h2").count() == 1, name
    assert page.evaluate("document.scripts.length") == 0, name


def test_every_page_is_axe_clean_with_a_language_a_main_landmark_and_one_h1(deployment, visit):
    browser = visit(deployment)
    response = browser.goto("/static/does-not-exist.css")  # as served, headers and all
    assert response.status == 404
    assert_accessible(browser.page, "404.html")
    for name, html in render.error_pages().items():
        if name.endswith(".html") and name != "404.html":
            browser.page.set_content(html)
            assert_accessible(browser.page, name)


def test_over_http2_a_body_over_64_kb_gets_the_413_page_and_json(deployment, visit):
    """Over HTTP/2 nginx answers while the body is still arriving (its page once fell back to
    nginx's bare default there). Sent by Chromium's fetch from one of the app's pages."""
    browser = visit(deployment)
    browser.goto("/help")
    for path, kind in (("/step/pain", "html"), ("/api/v1/evaluate", "json")):
        status, headers, body, protocol = browser.page.evaluate(
            """async path => {
                const r = await fetch(path, {method: 'POST', body: 'x'.repeat(70000)});
                const text = await r.text();
                const entry = performance.getEntriesByName(r.url).pop();
                return [r.status, Object.fromEntries(r.headers), text, entry.nextHopProtocol];
            }""",
            path,
        )
        assert protocol == "h2" and status == 413, path
        assert body == render.error_pages()[f"413.{kind}"], path
        assert Reply(status, headers, body.encode()).missing_headers() == [], path
