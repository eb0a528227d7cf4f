"""Soak: many patients at once walk whole journeys through the wizard; any error fails it.

Run from the project root:  .venv/bin/python -m bench.soak [--seconds 60] [--connections 100]
(make soak runs the full version; tests/load/test_soak_short.py a 5 s one). Needs Debian's wrk.

Starts the questionnaire under gunicorn on a free port of 127.0.0.1 (bench/server.py: 2 sync
workers, the project's gunicorn.conf.py, access log off) and runs wrk with bench/soak.lua: each
connection is one browser that opens the start page, then for every step page GETs it, checks it
is the page expected, takes its CSRF token and POSTs the answers, which must redirect to the next
page; then the check page and the summary (outcome "discuss"), and starts again without a cookie.
Counted as errors: a wrong status, a wrong page or redirect, a page without a CSRF token, a
request that got no response, and wrk's socket errors (connect, read, write, timeout).
Exit status 1 on any error or when no journey was completed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from questionnaire.engine import Engine, load_rules

from .load import ANSWERS
from .server import Server, need_wrk

LUA = Path(__file__).resolve().parent / "soak.lua"

RULES = Path(__file__).resolve().parent.parent / "rules.yaml"


def step_pages(answers: dict[str, Any], rules: Path = RULES) -> list[tuple[str, tuple[str, ...]]]:
    """The wizard's pages these answers show, in order, with the question each one asks: one
    page per question of the rule file's steps, `/step/<step>?part=N` (no query for part 0),
    skipping questions the answers do not show (as the wizard does)."""
    engine = Engine(load_rules(rules, verify=False))
    shown = set(engine.walk(answers).shown)
    return [
        (f"/step/{step.id}" + (f"?part={part}" if part else ""), (q.id,))
        for step in engine.ruleset.file.steps
        for part, q in enumerate(step.questions)
        if q.id in shown
    ]


@dataclass(frozen=True)
class Request:
    """One request of a journey and what its response must be."""

    method: str
    path: str
    status: int
    body: str | None = None  # POST form data, without the CSRF token (added from the page)
    location: str | None = None  # where a redirect must point
    contains: str | None = None  # text the page must contain
    token: bool = False  # read the CSRF token from this page

    def lua(self) -> str:
        fields = {k: v for k, v in vars(self).items() if v not in (None, False)}
        for value in fields.values():
            assert not isinstance(value, str) or value.isascii(), value
        return "{" + ", ".join(f"{k} = {json.dumps(v)}" for k, v in fields.items()) + "}"


def form_body(answers: dict[str, Any], questions: tuple[str, ...]) -> str:
    """The answers as a browser posts them: one value per ticked box."""
    pairs = []
    for q in questions:
        value = answers[q]
        pairs += [(q, str(v)) for v in value] if isinstance(value, list) else [(q, str(value))]
    return urlencode(pairs)


def journey_plan(answers: dict[str, Any] = ANSWERS, outcome: str = "discuss") -> list[Request]:
    """Start page, every step page (GET, then POST redirecting to the next), check, summary."""
    pages = step_pages(answers)
    plan = [Request("GET", "/", 200, contains=f'href="{pages[0][0]}"')]
    for index, (path, questions) in enumerate(pages):
        after = pages[index + 1][0] if index + 1 < len(pages) else "/check"
        plan.append(Request("GET", path, 200, contains=f'action="{path}"', token=True))
        plan.append(Request("POST", path, 302, body=form_body(answers, questions), location=after))
    plan.append(Request("GET", "/check", 200, contains="<h1>Check your answers</h1>"))
    plan.append(Request("GET", "/summary", 200, contains=f'data-outcome="{outcome}"'))
    return plan


@dataclass(frozen=True)
class SoakResult:
    seconds: float
    connections: int
    journeys: int
    journeys_min: int  # fewest journeys one connection completed
    journeys_max: int
    requests: int
    page_errors: int  # counted by bench/soak.lua: status, page, redirect, token, no response
    socket_errors: dict[str, int]
    status_errors: int  # HTTP 4xx/5xx as wrk counts them (also in page_errors)
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    first_error: str
    output: str = field(repr=False)

    @property
    def errors(self) -> int:
        return self.page_errors + sum(self.socket_errors.values())


def parse(output: str, connections: int) -> SoakResult:
    values: dict[str, str] = {}
    for line in output.splitlines():
        if line.startswith("SOAK "):
            key, _, value = line[5:].partition(" ")
            values[key] = value
    try:
        socket = [int(x) for x in values["socket_errors"].split()]
        latency = [int(x) / 1000 for x in values["latency_us"].split()]
        return SoakResult(
            seconds=int(values["duration_us"]) / 1e6,
            connections=connections,
            journeys=int(values["journeys"]),
            journeys_min=int(values["journeys_min"]),
            journeys_max=int(values["journeys_max"]),
            requests=int(values["requests"]),
            page_errors=int(values["page_errors"]),
            socket_errors=dict(zip(("connect", "read", "write", "timeout"), socket, strict=True)),
            status_errors=int(values["status_errors"]),
            p50_ms=latency[0],
            p90_ms=latency[1],
            p95_ms=latency[2],
            p99_ms=latency[3],
            max_ms=latency[4],
            first_error=values.get("first_error", "").strip(),
            output=output,
        )
    except (KeyError, ValueError) as exc:
        raise RuntimeError(f"wrk's output lacks the soak's figures ({exc}):\n{output}") from exc


def run(
    server: Server,
    *,
    seconds: int,
    connections: int,
    plan: list[Request] | None = None,
    timeout_s: int = 5,
    origin: str = "",
) -> SoakResult:
    """Soak a running server: `connections` browsers (one wrk thread each) for `seconds`."""
    plan = journey_plan() if plan is None else plan
    script = (
        f"-- written by bench/soak.py\nORIGIN = {json.dumps(origin)}\nPLAN = {{\n"
        + "".join(f"  {r.lua()},\n" for r in plan)
        + "}\n\n"
        + LUA.read_text()
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="soak-") as lua:
        lua.write(script)
        lua.flush()
        command = [
            need_wrk(),
            f"-t{connections}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            f"--timeout={timeout_s}s",
            "--latency",
            "-s",
            lua.name,
            server.url + "/",
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse(result.stdout, connections)


def report(result: SoakResult) -> None:
    per_journey = len(journey_plan())
    print(
        f"\n{result.journeys} complete journeys ({per_journey} requests each) in "
        f"{result.seconds:.1f} s by {result.connections} connections "
        f"(per connection: {result.journeys_min} to {result.journeys_max}); "
        f"{result.requests} requests, {result.requests / result.seconds:.1f} requests/s"
    )
    print(
        f"Latency of all requests (GET and POST): p50 {result.p50_ms:.1f} ms, "
        f"p90 {result.p90_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
        f"max {result.max_ms:.1f} ms"
    )
    socket = ", ".join(f"{k} {v}" for k, v in result.socket_errors.items())
    print(
        f"Errors: {result.errors} (wrong status, page, redirect or token, or no response: "
        f"{result.page_errors}, of which HTTP 4xx/5xx {result.status_errors}; "
        f"socket errors: {socket})"
    )
    if result.first_error:
        print(f"First error: {result.first_error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=int, default=60, help="duration (default 60)")
    parser.add_argument(
        "--connections",
        type=int,
        default=100,
        help="concurrent journeys, one wrk thread each (default 100)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=5,
        help="seconds before wrk counts a request as timed out (default 5)",
    )
    args = parser.parse_args(argv)
    need_wrk()
    from .__main__ import machine

    print("Soak (gunicorn + wrk, 127.0.0.1 only)")
    for name, value in machine().items():
        print(f"  {name + ':':<9} {value}")
    print(
        f"  {'load:':<9} "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (1, 5, 15 min load average before the run)"
    )
    log = Path(tempfile.gettempdir()) / "bench-soak-gunicorn.log"
    started = time.perf_counter()
    with Server("wsgi:app", log=log) as server:
        print(f"Server: gunicorn, {server.settings}")
        print(
            f"wrk: {args.connections} threads, {args.connections} connections (one journey "
            f"each at a time), {args.seconds:g} s, timeout {args.timeout} s"
        )
        result = run(
            server, seconds=args.seconds, connections=args.connections, timeout_s=args.timeout
        )
    report(result)
    print(
        "Load average after the run: "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + f"; total time {time.perf_counter() - started:.0f} s"
    )
    if result.errors or not result.journeys:
        print(
            f"\nSOAK FAILED: {result.errors} errors, {result.journeys} journeys completed. "
            f"Server log: {log}",
            file=sys.stderr,
        )
        return 1
    print("\nSoak passed: no errors.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
