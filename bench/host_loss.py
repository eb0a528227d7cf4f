"""Host loss: what a patient notices when one of two app hosts dies in the middle of a journey.

Run from the project root:
    .venv/bin/python -m bench.host_loss [--journeys 30] [--isolation netns] [--loss unplug]

Two hosts (2 sync workers each) behind the shipped nginx (bench/deployment.py), on two ports of
127.0.0.1 or (--isolation netns, as root) in two network namespaces with addresses of their own.
Journeys run one after another (as in bench/slow_clients.py, 35 requests each); in journey
`journeys // 3`, after its first two pages (warning signs, about you), one host is lost:
- `--loss kill` (default): SIGKILL to its master and workers; connections to it are refused.
- `--loss unplug` (netns only): its network link goes down while it runs; packets to it vanish,
  so nginx waits proxy_connect_timeout (2 s) before it tries the other host.
Prints failed requests, p50/p95 of whole journeys before and after, and the slowest step (GET and
POST of one page) after the loss.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import time

from .deployment import Deployment
from .load import ANSWERS
from .slow_clients import Patient, percentiles
from .soak import step_pages


def run(journeys: int, isolation: str, loss: str) -> dict[str, object]:
    kill_at = journeys // 3
    before, after, slowest, failed = [], [], 0.0, 0
    with Deployment(hosts=2, isolation=isolation) as deployment:
        for number in range(journeys):
            patient, started = Patient(deployment.connection), time.perf_counter()
            try:
                for index, (path, questions) in enumerate(step_pages(ANSWERS)):
                    if number == kill_at and index == 2:
                        lost = deployment.hosts[0]
                        lost.kill() if loss == "kill" else lost.unplug()
                    step = time.perf_counter()
                    patient.answer(path, questions, ANSWERS)
                    if number >= kill_at:
                        slowest = max(slowest, time.perf_counter() - step)
                patient.page("/check")
                patient.page("/summary")
            except AssertionError:
                failed += 1
            finally:
                patient.close()
            failed += sum(status >= 500 for status in patient.statuses)
            (before if number < kill_at else after).append(time.perf_counter() - started)
        errors = deployment.nginx.errors()
    return {
        "failed": failed,
        "before": percentiles(before),
        "after": percentiles(after),
        "slowest step after the loss (GET + POST), ms": round(slowest * 1000, 1),
        "connections refused": errors.count("Connection refused"),
        "connections timed out": errors.count("upstream timed out"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--isolation", choices=("ports", "netns"), default="ports")
    parser.add_argument("--loss", choices=("kill", "unplug"), default="kill")
    args = parser.parse_args(argv)
    if args.loss == "unplug" and args.isolation != "netns":
        parser.error("--loss unplug needs --isolation netns")
    print(
        f"{platform.node()} {platform.machine()}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} "
        f"UTC, Python {platform.python_version()}"
    )
    print(f"hosts on {args.isolation}, loss by {args.loss}")
    for name, value in run(args.journeys, args.isolation, args.loss).items():
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
