"""Do clinician-preview uploads slow the patients' pages? p50/p95 of a patient page, alone
and while a few clients keep uploading a 324-byte YAML alias bomb (9 levels of 9 aliases)
to /clinician/try.

Run from the project root:  .venv/bin/python -m bench.upload_isolation [--uploaders 4]

gunicorn as `make serve` runs it (bench/gunicorn_settings.py, 2 sync workers, preview on). One
client thread asks for the first question page (GET /step/warning_signs with its own session)
over a kept-alive connection, as fast as answers come back, for --seconds; then the same again
while --uploaders threads each post the bomb in a loop (each with its own session and CSRF
token). Prints both sets of figures and how many uploads were answered, and with what status.
See docs/benchmarks.md, "Upload isolation".
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import os
import platform
import re
import statistics
import threading
import time
import uuid

from .server import Server

BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(8)
    )
).encode()
PAGE = "/step/warning_signs"


class Browser:
    """One kept-alive connection with its own cookies."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data


def patient_latencies(port: int, seconds: float) -> list[float]:
    browser = Browser(port)
    browser.request("GET", PAGE)  # the session and its CSRF token exist from here on
    found: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        status, _ = browser.request("GET", PAGE)
        found.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    return found


def uploader(
    port: int, stop: threading.Event, statuses: list[int], rate: float, control: bool = False
) -> None:
    """Post the bomb `rate` times a second (0: flat out); with `control`, ask for the patient
    page instead, to tell what any busy client costs from what an upload costs."""
    browser = Browser(port)
    _, page = browser.request("GET", "/clinician/try")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="answers_file"; '
            f'filename="bomb.yaml"\r\nContent-Type: application/x-yaml\r\n\r\n'
        ).encode()
        + BOMB
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    pause = 1 / rate if rate else 0
    while not stop.is_set():
        started = time.monotonic()
        status, _ = (
            browser.request("GET", PAGE)
            if control
            else browser.request("POST", "/clinician/try", body, headers)
        )
        statuses.append(status)
        stop.wait(max(0.0, pause - (time.monotonic() - started)))


def figures(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]  # nearest rank
    return (
        f"{len(ordered):>6} requests  p50 {statistics.median(ordered):6.1f} ms  "
        f"p95 {p95:6.1f} ms  max {ordered[-1]:6.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.upload_isolation", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--uploaders", type=int, default=4)
    parser.add_argument(
        "--rate",
        type=float,
        default=2.0,
        help="uploads per second per uploader; 0: as fast as answers come back",
    )
    parser.add_argument(
        "--control",
        action="store_true",
        help="the busy clients ask for the patient page instead of uploading",
    )
    args = parser.parse_args(argv)
    print(
        f"Upload isolation, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    os.environ["CLINICIAN_PREVIEW"] = "1"
    with Server("wsgi:app") as server:
        print(f"  server: {server.settings}")
        alone = patient_latencies(server.port, args.seconds)
        stop, statuses = threading.Event(), []
        threads = [
            threading.Thread(
                target=uploader, args=(server.port, stop, statuses, args.rate, args.control)
            )
            for _ in range(args.uploaders)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # let the uploads get going
        busy = patient_latencies(server.port, args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
    print(f"  patient page alone: {figures(alone)}")
    rate = f"{args.rate:g}/s each" if args.rate else "flat out"
    what = "asking for the patient page" if args.control else f"uploading a {len(BOMB)}-byte bomb"
    print(f"  with {args.uploaders} clients {what} ({rate}): {figures(busy)}")
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    shown = ", ".join(f"{n} x {s}" for s, n in counts.items())
    print(
        f"  busy clients' requests answered: {len(statuses)} ({shown}), "
        f"{len(statuses) / (args.seconds + 0.5):.0f} per second"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
