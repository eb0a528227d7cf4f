"""The benchmarks of what users feel (docs/benchmarks.md). Run from the project root:

    .venv/bin/python -m bench            (or: make bench; about 5 minutes on 2 cores)

1. Server CPU per request, in process, for every page and API call (bench/requests.py), against
   the budget: none over 2 ms.
2. Latency under load: whole patient journeys through the shipped nginx and gunicorn
   (bench/load.py), p50, p95 and p99 of every request.
3. The verifier and `rules diff` at scale, on generated rule files of 10 to 1,000 questions
   (bench/verify_scale.py), each in its own process; it rewrites its table in docs/benchmarks.md.

Exit status: 3 if a request is over the CPU budget, 1 if the load run had errors, else 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys

from . import load, requests, verify_scale


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo", encoding="utf-8")
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} x {cpu}, "
        f"Python {platform.python_version()}, load average {load_average}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--no-load", action="store_true", help="skip the run behind nginx")
    parser.add_argument("--no-scale", action="store_true", help="skip the verifier at scale")
    args = parser.parse_args(argv)
    print(machine(), end="\n\n")
    status = requests.main([])
    if not args.no_load:
        print()
        status = max(status, load.main([]))
    if not args.no_scale:
        print()
        verify_scale.main(["--no-write"])
        # The whole `rules verify` command at 1,000 questions: 5 s of CPU at most (issue 19).
        status = max(status, verify_scale.main(["--cli", "1000", "--no-write"]))
    print(f"\n{machine()}")
    return status


if __name__ == "__main__":
    sys.exit(main())
