"""Slow clients: do 50 slowloris-style connections delay a normal patient's journey?

Run from the project root:  .venv/bin/python -m bench.slow_clients [--journeys 20] [--slow 50]

Measures whole journeys (every step page GET, its POST, the check page and the summary: 35
requests, one keep-alive connection, as a browser would) in four cases:

1. behind the shipped nginx (bench/deployment.py: TLS, one app host, 2 sync workers), alone;
2. the same while `--slow` connections trickle their requests to nginx one byte at a time
   (half send their headers slowly, half send headers then a slow body);
3. gunicorn alone (no proxy, 2 sync workers), no slow clients;
4. gunicorn alone with the same slow connections.

Slow connections are bounded in time (--slow-seconds) and stay on 127.0.0.1. Prints p50/p95 per
case. tests/deploy/test_slow_clients.py runs case 1 and 2 as a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import platform
import re
import socket
import ssl
import statistics
import threading
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .deployment import SERVER_NAME, AppHost, Deployment
from .load import ANSWERS
from .soak import step_pages

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
OUTCOME = re.compile(r'data-outcome="([a-z_]+)"')

Connect = Callable[[], http.client.HTTPConnection]


class Patient:
    """One browser: a cookie jar and one keep-alive connection."""

    def __init__(self, connect: Connect):
        self.connect, self.conn = connect, connect()
        scheme = "https" if isinstance(self.conn, http.client.HTTPSConnection) else "http"
        self.origin = f"{scheme}://{SERVER_NAME}:{self.conn.port}"
        self.cookies: dict[str, str] = {}
        self.statuses: list[int] = []

    def request(self, method: str, path: str, body: str | None = None) -> http.client.HTTPResponse:
        headers = {"Host": SERVER_NAME}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:  # a browser's form post; Flask-WTF checks the Referer over HTTPS
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.origin + path
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        response.text = response.read().decode()
        self.statuses.append(response.status)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = self.connect()
        return response

    def page(self, path: str) -> str:
        response = self.request("GET", path)
        assert response.status == 200, f"GET {path} gave {response.status}"
        return response.text

    def answer(self, path: str, questions: tuple[str, ...], answers: dict) -> str:
        """GET the step page, POST its answers with the page's CSRF token; the redirect."""
        token = TOKEN.search(self.page(path))
        assert token, f"no CSRF token on {path}"
        fields = [("csrf_token", token.group(1))]
        for question in questions:
            value = answers[question]
            fields += [(question, str(v)) for v in (value if isinstance(value, list) else [value])]
        response = self.request("POST", path, urlencode(fields))
        assert response.status == 302, f"POST {path} gave {response.status}"
        return response.getheader("Location")

    def journey(self, answers: dict = ANSWERS) -> str:
        """The whole wizard; returns the summary's outcome id."""
        for path, questions in step_pages(answers):
            self.answer(path, questions, answers)
        self.page("/check")
        found = OUTCOME.search(self.page("/summary"))
        assert found, "no data-outcome on the summary"
        return found.group(1)

    def close(self) -> None:
        self.conn.close()


def time_journeys(connect: Connect, count: int) -> list[float]:
    """Seconds per whole journey, `count` journeys one after another, each a new patient."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        patient = Patient(connect)
        try:
            assert patient.journey() == "discuss"
        finally:
            patient.close()
        times.append(time.perf_counter() - started)
    return times


class SlowClients:
    """`with SlowClients(open_socket, 50, seconds=8):` connections that send their requests one
    byte every `interval` seconds until `seconds` have passed (or the server gives up on them)."""

    def __init__(
        self,
        open_socket: Callable[[], socket.socket],
        count: int = 50,
        seconds: float = 8.0,
        interval: float = 0.25,
    ):
        self.open_socket, self.count = open_socket, count
        self.seconds, self.interval = seconds, interval
        self.stop = threading.Event()
        self.dropped = 0  # connections the server closed on them

    @staticmethod
    def request(number: int) -> bytes:
        if number % 2:  # headers arrive slowly, and never end within the time
            return (
                f"GET /step/pain HTTP/1.1\r\nHost: {SERVER_NAME}\r\n"
                + "".join(f"X-Slow-{i}: {'a' * 40}\r\n" for i in range(200))
            ).encode()
        body = "warning_signs=none&" + "a" * 60000
        return (
            f"POST /step/warning_signs HTTP/1.1\r\nHost: {SERVER_NAME}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        ).encode()

    def _trickle(self, sockets: list[tuple[socket.socket, bytes]]) -> None:
        deadline, sent = time.monotonic() + self.seconds, 0
        while time.monotonic() < deadline and not self.stop.is_set() and sockets:
            alive = []
            for sock, data in sockets:
                try:
                    sock.sendall(data[sent : sent + 1])
                    alive.append((sock, data))
                except OSError:
                    self.dropped += 1
                    sock.close()
            sockets, sent = alive, sent + 1
            self.stop.wait(self.interval)
        for sock, _ in sockets:
            sock.close()

    def __enter__(self) -> SlowClients:
        sockets = []
        for number in range(self.count):
            sockets.append((self.open_socket(), self.request(number)))
        self.thread = threading.Thread(target=self._trickle, args=(sockets,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=self.seconds + 5)


def tls_socket(port: int, context: ssl.SSLContext) -> Callable[[], socket.socket]:
    def open_socket() -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        return context.wrap_socket(sock, server_hostname=SERVER_NAME)

    return open_socket


def plain_socket(port: int) -> Callable[[], socket.socket]:
    return lambda: socket.create_connection(("127.0.0.1", port), timeout=5)


def percentiles(times: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds (p95 by the 'inclusive' method of statistics.quantiles)."""
    ms = sorted(t * 1000 for t in times)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {"p50": round(statistics.median(ms), 1), "p95": round(p95, 1), "max": round(ms[-1], 1)}


def behind_nginx(journeys: int, slow: int, seconds: float) -> dict[str, dict[str, float]]:
    with Deployment(hosts=1) as deployment:
        connect = deployment.connection
        open_socket = tls_socket(deployment.nginx.https_port, deployment.cert.context())
        time_journeys(connect, 2)  # warm up: TLS session cache, worker imports
        alone = percentiles(time_journeys(connect, journeys))
        with SlowClients(open_socket, slow, seconds):
            time.sleep(0.5)  # every slow connection is open and trickling
            loaded = percentiles(time_journeys(connect, journeys))
    return {"nginx, alone": alone, f"nginx, {slow} slow connections": loaded}


def gunicorn_alone(journeys: int, slow: int, seconds: float) -> dict[str, dict[str, float]]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as logs:
        host = AppHost(Path(logs), "alone", "bench-secret").wait()
        try:

            def connect() -> http.client.HTTPConnection:
                return http.client.HTTPConnection("127.0.0.1", host.port, timeout=seconds + 20)

            time_journeys(connect, 2)
            alone = percentiles(time_journeys(connect, journeys))
            with SlowClients(plain_socket(host.port), slow, seconds):
                time.sleep(0.5)
                loaded = percentiles(time_journeys(connect, max(2, journeys // 10)))
        finally:
            host.stop()
    return {"gunicorn alone": alone, f"gunicorn alone, {slow} slow connections": loaded}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=20)
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--slow-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    print(
        f"{platform.node()} {platform.machine()} {platform.processor() or ''}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}"
    )
    results = behind_nginx(args.journeys, args.slow, args.slow_seconds)
    results |= gunicorn_alone(args.journeys, args.slow, args.slow_seconds)
    print(f"{'case':44} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for case, figures in results.items():
        print(f"{case:44} {figures['p50']:9.1f} {figures['p95']:9.1f} {figures['max']:9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
