"""A handout flood: one client on many connections to /summary.pdf, another patient's pages.

Run from the project root:  .venv/bin/python -m bench.pdf_flood [--connections 200] [--seconds 30]

The production shape on this machine (bench/deployment.py: the shipped nginx over TLS, one app
host with 3 sync workers), everything on loopback. wrk (from 127.0.0.1) asks for /summary.pdf
with a finished journey's cookie on `--connections` keep-alive connections for `--seconds`;
meanwhile another patient (from 127.0.0.3, so nginx sees another address) loads a step page
every 20 ms, and the time of each is kept (and 5 s of them before the flood, to compare). wrk
runs at `nice 10`: in production the attacker's CPU is not the server's; here it shares it.
Run twice: with the shipped rate limits, and with nginx's limit_req and limit_conn lines taken
out (the configuration before issue 20), unless --only.
docs/benchmarks.md ("A handout flood behind the rate limits") has the figures;
tests/deploy/test_attack_report.py runs a smaller load as a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import re
import signal
import statistics
import subprocess
import threading
import time

from .deployment import Deployment
from .server import need_wrk
from .slow_clients import Patient

ATTACKER, PATIENT = "127.0.0.1", "127.0.0.3"
LIMIT_LINE = re.compile(r"^\s+limit_(req|conn) \S+.*;\n", re.M)


def without_limits(deployment: Deployment) -> None:
    """Take nginx's limit_req and limit_conn out of the running site, and reload it."""
    conf = deployment.nginx.prefix / "site.conf"
    conf.write_text(LIMIT_LINE.sub("", conf.read_text()))
    deployment.nginx.proc.send_signal(signal.SIGHUP)
    time.sleep(2)  # new workers take over


def finished_cookie(deployment: Deployment) -> str:
    patient = Patient(lambda: deployment.connection(source=ATTACKER))
    assert patient.journey() == "discuss"
    patient.close()
    return "; ".join(f"{k}={v}" for k, v in patient.cookies.items())


def patient_times(patient: Patient, stop: threading.Event, times: list, close: bool = True) -> None:
    """(when it started, seconds) of each page into `times`, until `stop`."""
    while not stop.is_set():
        started = time.perf_counter()
        patient.page("/step/pain")
        times.append((started, time.perf_counter() - started))
        time.sleep(0.02)
    if close:
        patient.close()


def flood(deployment: Deployment, connections: int, seconds: int) -> dict[str, object]:
    cookie = finished_cookie(deployment)
    url = f"https://localhost:{deployment.nginx.https_port}/summary.pdf"
    stop, times = threading.Event(), []
    before = sum("/summary.pdf" in line for line in deployment.hosts[0].requests())
    patient = Patient(lambda: deployment.connection(source=PATIENT))
    patient.journey()
    quiet: list[tuple[float, float]] = []
    stop_quiet = threading.Timer(5.0, lambda: stop.set())
    stop_quiet.start()
    patient_times(patient, stop, quiet, close=False)  # 5 s without the flood, to compare
    stop.clear()
    baseline = sorted(took for _, took in quiet)
    timer = threading.Thread(target=patient_times, args=(patient, stop, times))
    timer.start()
    time.sleep(1)
    flood_started = time.perf_counter()
    wrk = subprocess.run(
        [
            "nice",  # the attacker's CPU is not the server's in production: wrk yields to it here
            "-n",
            "10",
            need_wrk(),
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    stop.set()
    timer.join(90)  # without limits, its last page waits for the queue of handouts to drain
    time.sleep(0.5)  # workers log just after they answer
    served = sum("/summary.pdf" in line for line in deployment.hosts[0].requests()) - before
    during = sorted(took for started, took in times if started + took >= flood_started)
    requests = re.search(r"(\d+) requests in", wrk)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
    return {
        "baseline_p50_ms": round(statistics.median(baseline) * 1000, 1),
        "baseline_p95_ms": round(baseline[math.ceil(0.95 * len(baseline)) - 1] * 1000, 1),
        "patient_requests": len(during),
        "patient_p50_ms": round(statistics.median(during) * 1000, 1),
        "patient_p95_ms": round(during[math.ceil(0.95 * len(during)) - 1] * 1000, 1),  # rank
        "patient_max_ms": round(max(during) * 1000, 1),
        "wrk_requests": int(requests.group(1)) if requests else None,
        "wrk_refused": int(non_2xx.group(1)) if non_2xx else 0,
        "pdfs_built": served,
    }


def run(connections: int, seconds: int, limits: bool) -> dict[str, object]:
    with Deployment(hosts=1, workers=3, server_names="criteria.test localhost") as deployment:
        if not limits:
            without_limits(deployment)
        return flood(deployment, connections, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--only", choices=["limits", "no-limits"], help="run one case only")
    args = parser.parse_args()
    machine = platform.processor() or platform.machine()
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {machine}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; wrk -t2 "
        f"-c{args.connections} -d{args.seconds}s on /summary.pdf from {ATTACKER}, a patient's "
        f"GET /step/pain every 20 ms from {PATIENT}",
        flush=True,
    )
    cases = {"limits": True, "no-limits": False}
    for name, limits in cases.items():
        if args.only in (None, name):
            print(name, run(args.connections, args.seconds, limits), flush=True)


if __name__ == "__main__":
    main()
