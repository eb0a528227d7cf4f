"""Load benchmark: the questionnaire under gunicorn against a bare Flask hello-world app.

Run from the project root:  .venv/bin/python -m bench.load   (make bench runs it after the
engine benchmark). It needs Debian's wrk (`make wrk`); it installs nothing itself.

1. Starts three gunicorn servers on free ports of 127.0.0.1 with the same settings
   (bench/gunicorn_settings.py: the project's gunicorn.conf.py, 2 sync workers, access log off):
   bench/hello.py (the yardstick), bench/form_page.py (a minimal WTForms page, for reference)
   and the questionnaire (wsgi:app, with a random SECRET_KEY).
2. Checks each target once with a plain request: the right status and content.
3. Warms each target up, then runs wrk (2 threads, 50 connections, 10 s, --latency) on each
   target, 3 rounds, in a new (seeded) order each round. A run with any non-2xx/3xx response or
   socket error stops the benchmark with exit status 1.
4. Prints, per target, the median requests/s, the median of the per-round ratios to the
   hello-world app's requests/s in the same round, the median p50 and p99 latency, and the
   servers' CPU time per request (from /proc).
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .server import Server, need_wrk

# A complete, valid set of answers (outcome "discuss": every step is evaluated).
ANSWERS = {
    "warning_signs": ["none"],
    "pain_area": "lower_back",
    "pain_duration": "1_to_5_years",
    "pain_pattern": "mostly_back",
    "pain_intensity": 6,
    "diagnosis": "yes_imaging",
    "treatments_tried": ["physical_therapy", "pain_medication"],
    "treatment_duration": "over_6_months",
    "treatment_relief": "little_or_none",
    "previous_procedures": ["none"],
    "health_conditions": ["none"],
    "overall_health": "good",
    "payment": "self_pay_possible",
    "clinical_trial": "yes",
    "travel": "yes",
}
EVALUATE_BODY = json.dumps({"answers": ANSWERS})

# At least this many times the hello-world app's requests/s (issue "Production readiness").
TARGETS = {"step page": 0.4, "evaluate API": 0.6}  # x hello world, at least (issue #10)


@dataclass(frozen=True)
class Target:
    name: str
    app: str  # "hello" or "questionnaire"
    path: str
    method: str = "GET"
    body: str | None = None
    expect: str = ""  # text the response must contain

    def lua(self) -> str | None:
        """A wrk script that sends this request, or None for a plain GET."""
        if self.method == "GET":
            return None
        assert self.body is not None and "]==]" not in self.body
        return (
            f'wrk.method = "{self.method}"\n'
            f"wrk.body = [==[{self.body}]==]\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )


HELLO = Target("hello world", "hello", "/", expect="Hello, World!")
LOAD_TARGETS = (
    HELLO,
    Target("WTForms page", "form page", "/", expect='name="csrf_token"'),
    Target("step page", "questionnaire", "/step/warning_signs", expect='name="csrf_token"'),
    Target(
        "evaluate API",
        "questionnaire",
        "/api/v1/evaluate",
        "POST",
        EVALUATE_BODY,
        expect='"id":"discuss"',
    ),
)


@dataclass(frozen=True)
class Run:
    """What one wrk run measured."""

    requests_per_s: float
    requests: int
    p50_ms: float
    p99_ms: float
    bad_status: int
    socket_errors: dict[str, int]
    server_cpu_us: float = float("nan")  # CPU of the gunicorn processes per request

    @property
    def errors(self) -> int:
        return self.bad_status + sum(self.socket_errors.values())


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> Run:
    """The figures of wrk's text output (run with --latency)."""

    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk's output has no match for {pattern!r}:\n{output}")
        return match

    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Run(
        requests_per_s=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        requests=int(find(r"^\s*(\d+) requests in ").group(1)),
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)\s*$").group(1)),  # wrk pads "1.17s "
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)\s*$").group(1)),
        bad_status=int(bad.group(1)) if bad else 0,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), map(int, socket.groups()), strict=True)
        )
        if socket
        else {},
    )


def wrk(
    url: str,
    *,
    seconds: int,
    threads: int,
    connections: int,
    script: Path | None,
    timeout_s: int = 5,
) -> str:
    command = [
        need_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        f"--timeout={timeout_s}s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    result = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return result.stdout


def check_once(url: str, target: Target) -> None:
    """One plain request: exit with status 1 unless it answers 200 with the expected text."""
    data = target.body.encode() if target.body else None
    request = urllib.request.Request(
        url,
        data=data,
        method=target.method,
        headers={"Content-Type": "application/json"} if data else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode(errors="replace")
    if status != 200 or target.expect not in text:
        print(
            f"{target.name}: {target.method} {url} answered {status} without "
            f"{target.expect!r}; nothing was measured.\n{text[:500]}",
            file=sys.stderr,
        )
        raise SystemExit(1)


def measure(args: argparse.Namespace) -> dict[str, list[Run]]:
    """Target name -> one Run per round."""
    log = Path(tempfile.gettempdir()) / "bench-load-gunicorn.log"
    with (
        tempfile.TemporaryDirectory() as tmp,
        Server("bench.hello:app", log=log) as hello,
        Server("bench.form_page:app", log=log) as form_page,
        Server("wsgi:app", log=log) as questionnaire,
    ):
        servers = {"hello": hello, "form page": form_page, "questionnaire": questionnaire}
        print(
            f"\nServers: gunicorn, {hello.settings.split(', bind')[0]}; "
            "all up for the whole run, one measured at a time"
        )
        scripts: dict[str, Path | None] = {}
        for target in LOAD_TARGETS:
            lua = target.lua()
            scripts[target.name] = None
            if lua:
                scripts[target.name] = Path(tmp) / f"{target.app}-{len(scripts)}.lua"
                scripts[target.name].write_text(lua)
            url = servers[target.app].url + target.path
            check_once(url, target)
        print(
            f"wrk: {args.threads} threads, {args.connections} connections, {args.seconds:g} s "
            f"per run after a {args.warmup:g} s warm-up per target; {args.rounds} rounds, "
            "targets in a new order each round (seeded)"
        )

        def run(target: Target, seconds: int) -> Run:
            server = servers[target.app]
            cpu = server.cpu_seconds()
            output = wrk(
                server.url + target.path,
                seconds=seconds,
                threads=args.threads,
                connections=args.connections,
                script=scripts[target.name],
            )
            result = parse_wrk(output)
            cpu = server.cpu_seconds() - cpu
            result = dataclasses.replace(result, server_cpu_us=cpu / result.requests * 1e6)
            if result.errors:
                print(
                    f"\n{target.name}: {result.bad_status} non-2xx/3xx responses, socket "
                    f"errors {result.socket_errors}; the figures would be wrong.\n{output}",
                    file=sys.stderr,
                )
                raise SystemExit(1)
            return result

        for target in LOAD_TARGETS:
            run(target, args.warmup)
        results: dict[str, list[Run]] = {t.name: [] for t in LOAD_TARGETS}
        order = list(LOAD_TARGETS)
        shuffler = random.Random(42)
        for number in range(1, args.rounds + 1):
            shuffler.shuffle(order)
            for target in order:
                result = run(target, args.seconds)
                results[target.name].append(result)
                print(
                    f"  round {number}: {target.name:<13} {result.requests_per_s:>8.1f} "
                    f"req/s  p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
                    f"server CPU {result.server_cpu_us:6.0f} µs/request"
                )
    return results


def report(results: dict[str, list[Run]], rounds: int) -> dict[str, bool]:
    hello = results[HELLO.name]
    hello_cpu = statistics.median(r.server_cpu_us for r in hello)
    print(
        f"\nMedian of {rounds} rounds. × hello: requests/s over the hello-world app's requests/s "
        "in the same round (median of the rounds, and their range). Server CPU: user + system "
        "time of the gunicorn processes per request; CPU × hello: the hello-world app's server "
        "CPU per request over this one's."
    )
    print(
        f"| {'target':<38} | {'req/s':>8} | {'× hello':>7} | {'range':>9} | {'p50 ms':>7} "
        f"| {'p99 ms':>7} | {'server CPU µs':>13} | {'CPU × hello':>11} |"
    )
    print(
        f"|{'-' * 40}|{'-' * 9}:|{'-' * 8}:|{'-' * 10}:|{'-' * 8}:|{'-' * 8}:|{'-' * 14}:"
        f"|{'-' * 12}:|"
    )
    ratios: dict[str, float] = {}
    for target in LOAD_TARGETS:
        runs = results[target.name]
        per_round = [r.requests_per_s / h.requests_per_s for r, h in zip(runs, hello, strict=True)]
        ratios[target.name] = statistics.median(per_round)
        label = f"{target.name} ({target.method} {target.path})"
        spread = f"{min(per_round):.2f}–{max(per_round):.2f}"
        rate = statistics.median(r.requests_per_s for r in runs)
        p50 = statistics.median(r.p50_ms for r in runs)
        p99 = statistics.median(r.p99_ms for r in runs)
        cpu = statistics.median(r.server_cpu_us for r in runs)
        print(
            f"| {label:<38} | {rate:>8.1f} | {ratios[target.name]:>7.2f} | {spread:>9} "
            f"| {p50:>7.1f} | {p99:>7.1f} | {cpu:>13.0f} | {hello_cpu / cpu:>11.2f} |"
        )
    met = {}
    print("\nTargets (throughput, × the hello-world app in the same run)")
    for name, floor in TARGETS.items():
        met[name] = ratios[name] >= floor
        print(
            f"  {name}: {ratios[name]:.3f}×, target at least {floor:g}×: "
            f"{'met' if met[name] else 'NOT met'}"
        )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up per target (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 3 if a throughput target is not met"
    )
    args = parser.parse_args(argv)
    need_wrk()
    from .__main__ import machine

    started = time.perf_counter()
    print("Load benchmark (gunicorn + wrk, 127.0.0.1 only)")
    for name, value in machine().items():
        print(f"  {name + ':':<9} {value}")
    wrk_version = (
        subprocess.run([need_wrk(), "--version"], capture_output=True, text=True)
        .stdout.split("\n")[0]
        .split(" [")[0]
    )
    print(f"  {'wrk:':<9} {wrk_version}")
    print(f"  {'load:':<9} {_load()} (1, 5, 15 min load average before the run)")
    results = measure(args)
    met = report(results, args.rounds)
    print(
        f"\nLoad average after the run: {_load()}; total time {time.perf_counter() - started:.0f} s"
    )
    if args.strict and not all(met.values()):
        return 3
    return 0


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
