"""The bad inputs of issue 9, sent to the production shape: each is a 4xx with the security
headers (or no answer at all, for a host name we do not serve), never a 5xx."""

from __future__ import annotations

import http.client
import time
import uuid

import pytest

from bench.deployment import SERVER_NAME

JSON = {"Content-Type": "application/json"}

INPUTS = [
    (
        "lone surrogate in an API body",
        "POST",
        "/api/v1/evaluate",
        b'{"answers": {"warning_signs": ["\\ud800"]}}',
        JSON,
    ),
    (
        "lone surrogate as a question id",
        "POST",
        "/api/v1/evaluate",
        b'{"answers": {"\\udfff": 1}}',
        JSON,
    ),
    (
        "an integer of 5,000 digits",
        "POST",
        "/api/v1/evaluate",
        b'{"answers": {"pain_intensity": ' + b"9" * 5000 + b"}}",
        JSON,
    ),
    ("JSON nested 10,000 deep", "POST", "/api/v1/evaluate", b"[" * 10_000 + b"]" * 10_000, JSON),
    ("not JSON", "POST", "/api/v1/evaluate", b"\xff\xfe{", JSON),
    (
        "a form post without its CSRF token",
        "POST",
        "/step/pain",
        b"pain_area=neck",
        {"Content-Type": "application/x-www-form-urlencoded"},
    ),
    ("a step that does not exist", "GET", "/step/%ff%00", None, {}),
    ("a URL of 10,000 characters", "GET", "/step/" + "a" * 10_000, None, {}),
    ("a cookie that is not ours", "GET", "/check", None, {"Cookie": "session=" + "A" * 3000}),
]


@pytest.mark.parametrize("what, method, path, body, headers", INPUTS, ids=[i[0] for i in INPUTS])
def test_a_bad_input_is_a_clean_4xx(deployment, what, method, path, body, headers):
    conn = deployment.connection()
    conn.request(method, path, body=body, headers={**headers, "Referer": "https://x.test/"})
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status < 500, f"{what}: {response.status}"
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Strict-Transport-Security",
    ):
        assert response.getheader(header), f"{what}: {response.status} without {header}"


@pytest.mark.parametrize(
    "host", ["a" * 64 + "." + SERVER_NAME, SERVER_NAME + ".evil.example", "[::1]", "127.0.0.1", ""]
)
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_host_name_we_do_not_serve_never_reaches_the_app(deployment, host, scheme):
    """A 64-character label once crashed the app's error handler; nginx answers such names
    with nothing at all (444), so they never reach a host. Over HTTPS the TLS name is ours
    (SNI), the Host header is not."""
    path = f"/never-served-{uuid.uuid4().hex}"  # to find in the hosts' access logs
    if scheme == "http":
        conn = http.client.HTTPConnection("127.0.0.1", deployment.nginx.http_port, timeout=5)
    else:
        conn = deployment.connection(timeout=5)
    conn.request("GET", path, headers={"Host": host})
    try:
        status = conn.getresponse().status
    except http.client.RemoteDisconnected:
        status = None
    finally:
        conn.close()
    assert status in (None, 400), f"Host {host!r}: {status}"
    time.sleep(0.2)  # a worker logs just after it answers
    assert not [line for h in deployment.hosts for line in h.requests() if path in line]
