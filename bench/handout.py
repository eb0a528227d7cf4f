"""What the PDF handout costs, against the summary page, in process, in the same run.

Run from the project root:  .venv/bin/python -m bench.handout [--profile en|es] [--tree]

Calls the app's WSGI callable directly (no server, no sockets) with the session cookie of a
finished journey (the shipped scenario with outcome "discuss" and the most answers: the longest
handout), and measures the CPU time of one request (fastest of several batches) of:
- GET /summary: the summary page, the yardstick;
- GET /summary.pdf: the English handout;
- GET /summary.pdf?lang=es: the Spanish handout with its English copy for the clinician.
Prints each, and each handout's ratio to the summary page against its target (issue 20: at most
20x in English, 40x in Spanish with the English copy). Exit status 3 with --strict if one is over.
--profile runs pyinstrument on one handout and prints where its time goes (--tree: the call tree).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"en": 20.0, "es": 40.0}  # x the summary page's CPU, at most
PATHS = {"summary": "/summary", "en": "/summary.pdf", "es": "/summary.pdf?lang=es"}


def discuss_answers(engine) -> dict:
    """The longest complete answer set with outcome "discuss" among the shipped scenarios."""
    from questionnaire.engine.scenarios import load_scenarios, scenario_files

    found = [
        s.answers
        for path in scenario_files([ROOT / "scenarios"])
        for s in load_scenarios(path)
        if s.expect.outcome == "discuss" and engine.evaluate(s.answers).outcome.id == "discuss"
    ]
    if not found:
        raise SystemExit("no scenario with outcome 'discuss' in scenarios/")
    return max(found, key=len)


def requests() -> dict[str, Callable[[], bytes]]:
    """Name -> one in-process request, answered 200, returning the body."""
    from werkzeug.test import EnvironBuilder

    from questionnaire import create_app
    from questionnaire.engines import engine_of

    app = create_app({"SECRET_KEY": "bench-handout-" + "k" * 50})
    client = app.test_client()
    engine = engine_of(app)
    # as questionnaire/web/patient.py saves them (the session interface asks for the request's
    # path, which session_transaction has not pushed yet)
    with app.test_request_context("/"), client.session_transaction() as session:
        now = int(time.time())
        session.update(answers=discuss_answers(engine), v=engine.version, seen=now, born=now)
    cookies = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())

    def call(path: str) -> Callable[[], bytes]:
        environ = EnvironBuilder(path=path, headers={"Cookie": cookies}).get_environ()

        def start_response(status, headers, exc_info=None):
            if not status.startswith("200"):
                raise SystemExit(f"GET {path} answered {status}")

        def one() -> bytes:
            return b"".join(app.wsgi_app(dict(environ), start_response))

        return one

    return {name: call(path) for name, path in PATHS.items()}


def cpu_per_request(one: Callable[[], bytes], batches: int, size: int) -> float:
    """Microseconds of CPU, fastest batch."""
    best = float("inf")
    for _ in range(batches):
        start = time.process_time()
        for _ in range(size):
            one()
        best = min(best, (time.process_time() - start) / size)
    return best * 1e6


def measure(batches: int = 7, size: int = 10) -> dict[str, float]:
    """Name -> µs CPU per request, each warmed up first, in turns in the same run."""
    calls = requests()
    for one in calls.values():
        for _ in range(3):
            one()
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(batches):  # in turns, so a busy moment of the machine hits all alike
        for name, one in calls.items():
            best[name] = min(best[name], cpu_per_request(one, 1, size))
    return best


def report(cpu: dict[str, float]) -> bool:
    """Print the figures; whether every target is met."""
    base = cpu["summary"]
    print(f"  summary page          {base:8.0f} µs CPU")
    met = True
    for lang, label in (("en", "handout, English"), ("es", "handout, Spanish + English")):
        ratio = cpu[lang] / base
        ok = ratio <= TARGETS[lang]
        met &= ok
        print(
            f"  {label:<27} {cpu[lang]:8.0f} µs CPU  {ratio:5.1f}x the summary page "
            f"(target <= {TARGETS[lang]:.0f}x: {'met' if ok else 'NOT met'})"
        )
    return met


def profile(lang: str, tree: bool) -> None:
    from pyinstrument import Profiler

    one = requests()[lang]
    for _ in range(3):
        one()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(40):
        one()
    profiler.stop()
    print(profiler.output_text(unicode=True, show_all=False) if tree else "")
    pages = one().count(b"/Type /Page\n")
    print(f"{lang}: {len(one()) // 1024} KiB, about {pages} pages")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.handout", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--profile", choices=("en", "es"), help="profile one handout instead")
    parser.add_argument("--tree", action="store_true", help="with --profile: the call tree")
    parser.add_argument("--strict", action="store_true", help="exit 3 if a target is not met")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile, args.tree)
        return 0
    print("Handout CPU, in process (bench/handout.py)")
    met = report(measure())
    return 3 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
