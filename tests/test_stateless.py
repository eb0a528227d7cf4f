"""Statelessness: two app processes sharing only SECRET_KEY and rules.yaml serve one journey.

Every request alternates between the two servers, as a load balancer without sticky sessions
would send it; the patient must not notice.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sample_answers import DISCUSS_ANSWERS

from bench import soak

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="module")
def two_servers(logs):
    env = {
        **os.environ,
        "SECRET_KEY": "shared-secret-for-this-test",
        "WEB_CONCURRENCY": "1",
        "ACCESS_LOG": "-",
        "LOG_LEVEL": "debug",
    }
    ports = [free_port(), free_port()]
    files = [(logs / f"{port}.{kind}").open("w") for port in ports for kind in ("out", "err")]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "-b",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=files[2 * i],
            stderr=files[2 * i + 1],
        )
        for i, port in enumerate(ports)
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"server on port {port} did not start") from None
                    time.sleep(0.2)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
        for file in files:
            file.close()


class Browser:
    """Keeps one cookie jar and sends each request to the next server in turn."""

    def __init__(self, servers: list[str]):
        self.servers, self.turn = servers, 0
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )
        self.seen: list[str] = []

    def request(self, path: str, data: list[tuple[str, str]] | None = None):
        server = self.servers[self.turn % len(self.servers)]
        self.turn += 1
        self.seen.append(server)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Cookies are per host name in the jar; both servers are 127.0.0.1, ports differ.
        try:
            response = self.opener.open(server + path, data=body, timeout=10)
        except urllib.error.HTTPError as exc:
            response = exc
        return response.status, response.headers.get("Location"), response.read().decode()

    def page(self, path: str) -> str:
        status, _, html = self.request(path)
        assert status == 200, f"GET {path} gave {status}"
        return html

    def answer(self, path: str, fields: list[tuple[str, str]]) -> str:
        html = self.page(path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        status, location, _ = self.request(path, [("csrf_token", token), *fields])
        assert status == 302, f"POST {path} gave {status}"
        return location


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see each redirect, and choose the server itself


def test_a_whole_journey_alternating_between_two_processes(two_servers):
    patient = Browser(two_servers)
    # One question a page, as rules.yaml's steps lay them out for these answers.
    steps = [
        (path, urllib.parse.parse_qsl(soak.form_body(DISCUSS_ANSWERS, questions)))
        for path, questions in soak.step_pages(DISCUSS_ANSWERS)
    ]
    expected_next = [path for path, _ in steps[1:]] + ["/check"]
    for (path, fields), following in zip(steps, expected_next, strict=True):
        location = patient.answer(path, fields)
        assert location.endswith(following), f"after {path} went to {location}"
    check = patient.page("/check")
    assert check.count(">Change<") == 17
    summary = patient.page("/summary")
    assert 'data-outcome="discuss"' in summary
    assert set(patient.seen) == set(two_servers), "both servers must have served the journey"


def test_server_logs_hold_no_answers(two_servers, logs):
    """Every log line of both servers (access log and errors, at debug level) after a journey."""
    test_a_whole_journey_alternating_between_two_processes(two_servers)
    time.sleep(0.5)  # let gunicorn flush
    text = "\n".join(p.read_text() for p in logs.iterdir())
    assert "GET /check" in text and "POST /step/pain" in text, "the access log was not captured"
    for value in (
        "lower_back",
        "1_to_5_years",
        "mostly_back",
        "yes_imaging",
        "physical_therapy",
        "pain_medication",
        "over_6_months",
        "little_or_none",
        "self_pay_possible",
        "pain_intensity=6",
    ):
        assert value not in text, f"an answer ({value}) appears in the server logs"


def test_a_cookie_from_a_server_with_another_key_is_not_trusted(two_servers):
    """The shared SECRET_KEY is what makes this work: a different key means start again."""
    patient = Browser(two_servers[:1])
    patient.answer("/step/warning_signs", [("warning_signs", "none")])
    from questionnaire import create_app

    other = create_app({"TESTING": True, "SECRET_KEY": "another-key"}).test_client()
    jar = next(
        h.cookiejar
        for h in patient.opener.handlers
        if isinstance(h, urllib.request.HTTPCookieProcessor)
    )
    for cookie in jar:
        other.set_cookie(cookie.name, cookie.value)
    response = other.get("/step/pain")
    assert response.status_code == 302 and response.location.endswith("/")
    assert "could not read your saved answers" in other.get("/").get_data(as_text=True)
