"""Latency users feel: whole patient journeys through the shipped nginx (TLS, HTTP/1.1 from wrk)
in front of gunicorn, under load.

Run from the project root:  .venv/bin/python -m bench.load [--seconds 20] [--connections 50]
(make bench runs it). It needs Debian's wrk and nginx (`make wrk nginx`); it installs nothing.

Starts the production shape on 127.0.0.1 (bench/deployment.py: one app host, `gunicorn -c
gunicorn.conf.py wsgi:app` with 2 workers, behind deploy/nginx with a throwaway certificate for
localhost), warms it up, then runs the soak's journeys (bench/soak.py: every connection walks the
start page, every step page, check and summary, with cookies and CSRF tokens as a browser does)
and prints the latency percentiles of every request. Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import sys
from types import SimpleNamespace

# A complete, valid set of answers (outcome "discuss": every step is evaluated).
ANSWERS = {
    "warning_signs": ["none"],
    "age": 45,
    "pain_area": "lower_back",
    "pain_duration": "1_to_5_years",
    "pain_pattern": "mostly_back",
    "pain_intensity": 6,
    "diagnosis": "yes_imaging",
    "disc_count": "one",
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


def run(seconds: int, connections: int):
    from . import soak
    from .deployment import Deployment

    with Deployment(hosts=1, workers=2, server_names="localhost") as deployment:
        origin = f"https://localhost:{deployment.nginx.https_port}"
        server = SimpleNamespace(url=origin)
        soak.run(server, seconds=3, connections=4, origin=origin)  # warm up  # type: ignore[arg-type]
        return soak.run(server, seconds=seconds, connections=connections, origin=origin)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args(argv)
    from . import soak

    print(
        f"Patient journeys through nginx (TLS) and gunicorn (2 workers): {args.connections} "
        f"connections for {args.seconds} s"
    )
    result = run(args.seconds, args.connections)
    soak.report(result)
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
