"""The attacks of reviews-2026-12-06/attack-on-the-running-stack.md (issue 20), sent to the
production shape: gunicorn with gunicorn.conf.py, the preview behind a password, behind the
shipped nginx over TLS. Each test names its finding (F1-F9, I1-I5); each one reproduced it.

nginx's limits are per client address, so every test that runs into one sends from a loopback
address of its own (127.0.0.x): the other tests, and other modules' deployment, never meet them.
The slots of F5 and F6 are tested with real processes in tests/clinician/test_slots.py.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import ssl
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from wire import Reply, get, raw, send

from bench.deployment import SERVER_NAME, AppHost, Certificate, Deployment
from bench.slow_clients import Patient

PASSWORD = "a clinician password of 32 chars"
ADDRESSES = (f"127.0.0.{n}" for n in itertools.count(10))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hosts' HOME and XDG_RUNTIME_DIR, where gunicorn would put its control socket (I1)."""
    where = tmp_path_factory.mktemp("home")
    where.chmod(0o755)
    return where


@pytest.fixture(scope="module")
def stack(certificate: Certificate, home: Path) -> Iterator[Deployment]:
    env = {"CLINICIAN_PASSWORD": PASSWORD, "HOME": str(home), "XDG_RUNTIME_DIR": str(home)}
    with Deployment(hosts=1, workers=2, cert=certificate, env=env) as running:
        yield running


# --- F1: the language link of an error page -------------------------------------------------------


@pytest.mark.parametrize("path", ["/%5Cevil.example/", "/%0A/evil.example", "/%09/evil.example"])
def test_f1_a_404_links_to_our_start_page_never_off_site(stack, path):
    reply = send(stack, "GET", path)
    href = re.search(r'class="header__lang" href="([^"]*)"', reply.text)

    assert reply.status == 404 and href
    assert href.group(1) == "/?lang=es"


# --- F2: the handout's rate; a flood of it leaves other patients fast -----------------------------


def finished_patient(stack: Deployment, source: str) -> Patient:
    patient = Patient(lambda: stack.connection(source=source))
    assert patient.journey() == "discuss"
    return patient


def finished_cookie(stack: Deployment, source: str) -> str:
    """The Cookie header of a patient who finished a journey (so /summary.pdf is a PDF)."""
    patient = finished_patient(stack, source)
    patient.close()
    return "; ".join(f"{k}={v}" for k, v in patient.cookies.items())


def test_f2_one_address_gets_two_handouts_a_second_then_a_friendly_429(stack):
    attacker, neighbour = next(ADDRESSES), next(ADDRESSES)
    cookie = finished_cookie(stack, attacker)

    def handout(_: int) -> Reply:
        return send(stack, "GET", "/summary.pdf", headers={"Cookie": cookie}, source=attacker)

    with ThreadPoolExecutor(40) as pool:  # more at once than the queue of 10
        replies = list(pool.map(handout, range(40)))
    statuses = [r.status for r in replies]
    refused = [r for r in replies if r.status == 429]

    assert statuses.count(200) <= 20 and refused, statuses
    assert all(r.body.startswith(b"%PDF") for r in replies if r.status == 200)
    page = refused[0]
    assert "Too many visits at once" in page.text and page.headers["retry-after"] == "1"
    assert page.headers["content-type"].startswith("text/html")
    assert page.missing_headers() == []
    assert send(stack, "GET", "/summary.pdf", source=neighbour).status != 429


def _flood(port: int, cafile: str, source: str, cookie: str, seconds: float, out) -> None:
    """In a process of its own (no GIL shared with the patient being timed): `/summary.pdf`
    again and again on 8 keep-alive connections for `seconds`."""
    from collections import Counter

    from bench.deployment import Connection

    counts: Counter[int] = Counter()
    stop = time.monotonic() + seconds

    def connection() -> Connection:
        return Connection(port, ssl.create_default_context(cafile=cafile), 10, source)

    def one() -> None:
        conn = connection()
        while time.monotonic() < stop:
            conn.request("GET", "/summary.pdf", headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            counts[response.status] += 1
            if response.will_close:
                conn.close()
                conn = connection()
        conn.close()

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(dict(counts))


def test_f2_a_handout_flood_from_one_address_leaves_another_patient_under_100_ms(stack):
    """A smaller, bounded version of the wrk run in docs/benchmarks.md: 8 connections on
    /summary.pdf for 7 s while another patient loads a step page every 20 ms."""
    import multiprocessing

    attacker, patient_address = next(ADDRESSES), next(ADDRESSES)
    cookie = finished_cookie(stack, attacker)
    patient = finished_patient(stack, patient_address)
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    flood = context.Process(
        target=_flood,
        args=(stack.nginx.https_port, str(stack.cert.cert), attacker, cookie, 7.0, out),
    )
    flood.start()
    times = []
    try:
        time.sleep(1.0)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            patient.page("/step/pain")
            times.append(time.perf_counter() - started)
            time.sleep(0.02)
        counts = out.get(timeout=30)
    finally:
        flood.join(30)
        if flood.is_alive():
            flood.kill()
        patient.close()
    p95 = statistics.quantiles(times, n=20)[18]

    # 8 connections fit in the queue (burst 10): the flood waits its turn, one handout at a
    # time, 2 a second for 7 s, and the 8 still waiting when it stops
    assert set(counts) <= {200, 429} and counts.get(200, 0) <= 2 * 7 + 1 + 8, counts
    print(f"patient p95 {p95 * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms")
    assert p95 < 0.100, f"patient p95 {p95 * 1000:.0f} ms during the flood ({counts})"


def test_f2_the_api_answers_too_many_requests_in_json_with_retry_after(stack):
    source, replies, started = next(ADDRESSES), [], time.monotonic()

    def until_refused(_: int) -> None:
        while len(replies) < 600 and not any(r.status == 429 for r in replies[-20:]):
            replies.append(send(stack, "GET", "/api/v1/healthz-nope", source=source))

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(until_refused, range(10)))
    seconds = time.monotonic() - started
    refused = [r for r in replies if r.status == 429]
    served = sum(r.status == 404 for r in replies)  # the app's own JSON 404

    assert refused and 40 <= served <= 41 + 20 * seconds + 10, (served, seconds)
    reply = refused[0]
    assert reply.headers["content-type"] == "application/json"
    assert json.loads(reply.body)["status"] == 429
    assert reply.headers["retry-after"] == "1"
    assert reply.missing_headers() == []
    document = json.loads(send(stack, "GET", "/api/v1/openapi.json").body)
    for path, item in document["paths"].items():
        if path.startswith("/api/"):
            for method, operation in item.items():
                assert "429" in operation["responses"], f"{method} {path}"


# --- F3, F4: answers nginx or gunicorn made themselves --------------------------------------------

MADE_OUTSIDE_THE_APP = [
    ("static file not there", get("/static/does-not-exist.css"), 404),
    ("static folder", get("/static/"), 404),
    ("TRACE", get("/", method="TRACE"), 405),
    ("unknown transfer coding", get("/", "Transfer-Encoding: xchunked", method="POST"), 501),
    ("HTTP/2.0 over HTTP/1.1", get("/", version="HTTP/2.0"), 505),
    ("request line of 6,000 bytes (gunicorn's 414)", get("/" + "a" * 6000), 404),
    ("request line over 8 KB", get("/" + "a" * 9000), 414),
    ("150 headers (gunicorn's 431)", get("/", *[f"X-H{i}: 1" for i in range(150)]), 200),
    ("a header over 8 KB", get("/", "X-Big: " + "a" * 9000), 400),
]


@pytest.mark.parametrize(
    "what, request_bytes, status", MADE_OUTSIDE_THE_APP, ids=[c[0] for c in MADE_OUTSIDE_THE_APP]
)
def test_f3_every_answer_has_the_security_headers(stack, what, request_bytes, status):
    reply = raw(stack, request_bytes)

    assert reply.status == status, what
    assert reply.missing_headers() == [], what
    assert b"gunicorn" not in reply.body.lower()


def test_f3_9_kb_of_cookies_over_http2_reaches_the_app(stack, visit):
    """nginx joins HTTP/2's cookie fields into one header over 8 KB: gunicorn used to refuse it
    with its own bare 431."""
    browser = visit(stack)
    base = stack.nginx.base_url + "/"
    browser.context.add_cookies(
        [{"name": f"other{i}", "value": "a" * 3000, "url": base} for i in range(3)]
    )
    response = browser.goto("/help")

    assert response.status == 200
    assert browser.page.evaluate("performance.getEntries()[0].nextHopProtocol") == "h2"
    assert "content-security-policy" in response.headers


API_ERRORS = [
    ("body over 64 KB", "POST", "/api/v1/evaluate", b"{" + b" " * 70_000 + b"}", (), 413),
    ("URL over 8 KB", "GET", "/api/v1/" + "a" * 9000, None, (), 414),
    ("URL of 6,000 bytes (gunicorn's 414)", "GET", "/api/v1/" + "a" * 6000, None, (), 404),
    ("a header over 8 KB", "GET", "/api/v1/questionnaire", None, ("X-Big: " + "a" * 9000,), 400),
    ("TRACE", "TRACE", "/api/v1/questionnaire", None, (), 405),
]


@pytest.mark.parametrize(
    "what, method, path, body, headers, status", API_ERRORS, ids=[c[0] for c in API_ERRORS]
)
def test_f4_the_apis_errors_are_json_behind_nginx(stack, what, method, path, body, headers, status):
    lines = get(path, *headers, "Content-Type: application/json", method=method)
    if body is not None:
        lines = lines[:-2] + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    reply = raw(stack, lines)

    assert reply.status == status, what
    assert reply.headers["content-type"] == "application/json", what
    assert json.loads(reply.body)["status"] == status
    assert reply.headers["content-disposition"].startswith("attachment")
    assert reply.missing_headers() == []


def test_f4_150_headers_to_the_api_are_read_by_the_app(stack):
    reply = raw(stack, get("/api/v1/questionnaire", *[f"X-H{i}: 1" for i in range(150)]))
    assert reply.status == 200 and json.loads(reply.body)["steps"]


# --- F5: "What changed" uploads of one address are limited ----------------------------------------


def basic(password: str) -> dict[str, str]:
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"clinic:{password}".encode()).decode()}


def test_f5_one_address_can_send_three_comparisons_then_two_a_minute(stack):
    source, other = next(ADDRESSES), next(ADDRESSES)
    statuses = [
        send(stack, "POST", "/clinician/changes", b"", basic(PASSWORD), source).status
        for _ in range(5)
    ]
    assert statuses[:4] != [429] * 4 and statuses[4] == 429, statuses
    assert (
        send(stack, "GET", "/clinician/try", headers=basic(PASSWORD), source=source).status == 200
    )
    other_upload = send(stack, "POST", "/clinician/changes", b"", basic(PASSWORD), other)
    assert other_upload.status != 429


# --- F7: one request, one log line ----------------------------------------------------------------


def test_f7_a_newline_in_the_path_cannot_forge_a_log_line(stack):
    marker = uuid.uuid4().hex
    forged = (
        f'10.0.0.1 [01/Jan/2026:00:00:00 +0000] "POST /clinician/changes-{marker} HTTP/1.1" 200'
    )
    path = f"/step/x-{marker}%0A" + forged.replace(" ", "%20").replace('"', "%22")
    assert send(stack, "GET", path).status == 404
    time.sleep(0.3)  # a worker writes its line just after it answers
    lines = [line for line in stack.hosts[0].log.read_text().splitlines() if marker in line]

    assert len(lines) == 1, lines
    assert "%0A10.0.0.1" in lines[0] and lines[0].startswith("127.0.0.1 ")


# --- F8: TLS 1.2 suites ---------------------------------------------------------------------------

WEAK = [
    "ECDHE-ECDSA-AES128-SHA",
    "ECDHE-ECDSA-AES256-SHA",
    "ECDHE-ECDSA-AES128-SHA256",
    "ECDHE-ECDSA-AES256-SHA384",
    "ECDHE-ECDSA-CAMELLIA128-SHA256",
    "ECDHE-ECDSA-ARIA128-GCM-SHA256",
    "ECDHE-ECDSA-AES128-CCM",
    "ECDHE-ECDSA-AES256-CCM8",
]
STRONG = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"]


def tls12(stack: Deployment, cipher: str) -> str:
    context = stack.cert.context()
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(f"{cipher}:@SECLEVEL=0")  # the client offers it; the server decides
    with socket.create_connection(("127.0.0.1", stack.nginx.https_port), timeout=5) as sock:
        with context.wrap_socket(sock, server_hostname=SERVER_NAME) as tls:
            return tls.cipher()[0]


@pytest.mark.parametrize("cipher", WEAK)
def test_f8_tls_1_2_refuses_suites_outside_mozillas_intermediate_profile(stack, cipher):
    with pytest.raises(ssl.SSLError, match="HANDSHAKE_FAILURE|NO_SHARED_CIPHER|alert"):
        tls12(stack, cipher)


@pytest.mark.parametrize("cipher", STRONG)
def test_f8_tls_1_2_takes_aead_suites_with_forward_secrecy(stack, cipher):
    assert tls12(stack, cipher) == cipher


# --- F9: the clinician password -------------------------------------------------------------------


def test_f9_password_guesses_are_throttled_and_the_right_one_still_works_elsewhere(stack):
    guesser, clinician = next(ADDRESSES), next(ADDRESSES)
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(
                lambda n: (
                    send(stack, "GET", "/clinician/", None, basic(f"guess-{n}"), guesser).status
                ),
                range(80),
            )
        )
    seconds = time.monotonic() - started

    assert set(statuses) == {401, 429}, statuses
    # a burst of 30 after the first, then 2 a second: the other guesses never reach the app
    assert statuses.count(401) <= 31 + 2 * seconds + 1, (statuses, seconds)
    assert (
        send(stack, "GET", "/clinician/", headers=basic(PASSWORD), source=clinician).status == 200
    )


SPELLINGS = [
    ("/clinician/", 45),
    ("/%63linician/", 45),
    ("//clinician/", 45),
    ("/x/../clinician/", 45),
    ("/summary%2Epdf", 24),
    ("//summary.pdf", 24),
]


@pytest.mark.parametrize("path, count", SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_f9_the_limits_hold_however_the_path_is_spelled(stack, path, count):
    """nginx picks the location from the normalised path, as the app picks its route."""
    source = next(ADDRESSES)
    with ThreadPoolExecutor(24) as pool:  # more at once than the handout's queue of 10
        statuses = list(
            pool.map(
                lambda _: send(stack, "GET", path, None, basic("wrong"), source).status,
                range(count),
            )
        )
    assert 429 in statuses, statuses


def test_f9_a_host_with_a_short_clinician_password_refuses_to_start(stack, tmp_path):
    tmp_path.chmod(0o755)
    host = AppHost(tmp_path, "short", "x" * 32, workers=1, env={"CLINICIAN_PASSWORD": "short"})
    with pytest.raises(RuntimeError, match="exited"):
        host.wait()
    assert "CLINICIAN_PASSWORD has 5 characters; it needs at least 16" in host.log.read_text()


# --- notes ----------------------------------------------------------------------------------------


def test_i1_gunicorn_opens_no_shared_control_socket(stack, home):
    assert stack.hosts[0].proc.poll() is None
    assert not list(home.rglob("*.ctl")), "a control socket in the hosts' HOME"
    assert "control" not in stack.hosts[0].log.read_text().lower()


def test_i3_the_api_sends_no_cookie_for_an_unreadable_one(stack):
    reply = send(stack, "GET", "/api/v1/questionnaire", headers={"Cookie": "__Host-session=AAAA"})
    assert reply.status == 200 and "set-cookie" not in reply.headers


def test_i4_a_form_post_from_another_origin_is_refused_with_a_clear_page(stack):
    patient = Patient(lambda: stack.connection())
    token = re.search(r'name="csrf_token" value="([^"]+)"', patient.page("/start-again")).group(1)
    patient.close()
    origin = f"https://{SERVER_NAME}:{stack.nginx.https_port}"
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in patient.cookies.items()),
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": origin + "/start-again",
    }
    body = f"csrf_token={token}".encode()
    refused = send(stack, "POST", "/clear", body, {**headers, "Origin": "https://evil.example"})
    taken = send(stack, "POST", "/clear", body, {**headers, "Origin": origin})

    assert refused.status == 400
    assert "The form came from another website" in refused.text
    assert taken.status == 302


def test_i5_static_files_have_a_csp_and_api_answers_are_attachments(stack):
    icon = send(stack, "GET", "/static/favicon.svg")
    api = send(stack, "GET", "/api/v1/questionnaire")

    assert icon.status == 200 and "default-src 'none'" in icon.headers["content-security-policy"]
    assert icon.missing_headers() == []
    assert api.headers["content-disposition"] == 'attachment; filename="api.json"'


def test_the_hosts_served_every_attack_without_a_5xx(stack):
    time.sleep(0.3)
    served = stack.hosts[0].requests()
    assert served and not [line for line in served if re.search(r'" 5\d\d ', line)]
