"""Evaluation benchmark: the rule engine against a hand-written policy, on the same answers.

Run from the project root:  .venv/bin/python -m bench   (or: make bench)

1. Draws N valid answer sets (seed 42) from the questions of rules.yaml (bench/answers.py).
2. Checks that the engine and the hand-written policy (bench/baseline.py) agree on every set:
   same outcome and same fired rules. On the first difference it stops with exit status 1.
3. Times each contender over all N sets, several rounds, in a new random order each round, with
   the garbage collector off during a timed pass (as timeit does), and reports the median
   microseconds per evaluation and the ratio to the baseline measured in the same run.
Then, unless --no-load, the load benchmark (bench/load.py: gunicorn + wrk against a hello-world
app). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from questionnaire.engine import AnswersError, Engine, load_rules
from questionnaire.web.api_schema import summary_response

from .answers import SEED, generate
from .baseline import checked_policy, policy

RULES = Path(__file__).resolve().parent.parent / "rules.yaml"
TARGETS = {"engine, trace, warm": 15.0}  # x baseline, at most (issue #10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sets", type=int, default=10_000, help="answer sets (default 10000)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--seed", type=int, default=SEED, help="answer seed (default 42)")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 3 if a speed target is not met"
    )
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="skip the load benchmark (python -m bench.load runs it alone)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()

    print("Evaluation engine benchmark")
    for name, value in machine().items():
        print(f"  {name + ':':<9} {value}")

    ruleset = load_rules(RULES)
    sets = generate(ruleset, args.sets, args.seed)
    print(
        f"\n{len(sets)} answer sets (seed {args.seed}), {len(ruleset.file.rules)} rules, "
        f"{len(ruleset.questions)} questions"
    )

    check_agreement(ruleset, sets)

    results = time_all(ruleset, sets, args.rounds)
    met = report(results, args.rounds, len(sets))
    print(f"\nTotal time {time.perf_counter() - started:.1f} s")
    load_status = 0
    if not args.no_load:
        from . import load

        print("\n")
        load_status = load.main(["--strict"] if args.strict else [])
    if args.strict and not all(met.values()):
        return 3
    return load_status


# --- What the numbers were measured on ----------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
    }


# --- Correctness first --------------------------------------------------------------------


def check_agreement(ruleset, sets: list[dict[str, Any]]) -> None:
    """Exit with status 1, showing the first difference, unless engine and baseline agree."""
    engine = Engine(ruleset)
    outcomes: Counter[str] = Counter()
    fired_total = findings_total = stopped = 0
    for index, answers in enumerate(sets):
        try:
            summary = engine.evaluate(answers, trace=False)
            traced = engine.evaluate(answers, trace=True)
        except AnswersError as exc:
            fail(
                index,
                answers,
                "the engine rejected a generated answer set:\n  "
                + "\n  ".join(f"{p.question}: {p.code}: {p.message}" for p in exc.problems),
            )
        want_outcome, want_fired = policy(answers)
        got_outcome, got_fired = summary.outcome.id, summary.fired
        if (want_outcome, set(want_fired)) != (got_outcome, set(got_fired)):
            fail(
                index,
                answers,
                f"  outcome:  baseline {want_outcome}, engine {got_outcome}\n"
                f"  fired only by the baseline: {sorted(set(want_fired) - set(got_fired))}\n"
                f"  fired only by the engine:   {sorted(set(got_fired) - set(want_fired))}",
            )
        matched = tuple(t.rule for t in traced.trace if t.matched)
        if (traced.outcome.id, traced.fired, matched) != (got_outcome, got_fired, got_fired):
            fail(
                index,
                answers,
                "the engine with trace=True disagrees with trace=False:\n"
                f"  outcome {traced.outcome.id} vs {got_outcome}\n"
                f"  fired {traced.fired} vs {got_fired}\n  matched in trace {matched}",
            )
        outcomes[got_outcome] += 1
        fired_total += len(got_fired)
        findings_total += len(summary.findings)
        stopped += summary.stopped_after is not None
    n = len(sets)
    share = ", ".join(f"{o} {c / n:.0%}" for o, c in outcomes.most_common())
    print(
        f"Agreement: engine and baseline give the same outcome and fired rules on all {n} "
        f"sets\n  outcomes: {share}\n  stopped after the warning signs: {stopped / n:.0%}; "
        f"mean {fired_total / n:.1f} rules fired, {findings_total / n:.1f} findings"
    )


def fail(index: int, answers: dict[str, Any], detail: str) -> None:
    print(
        f"\nMISMATCH on answer set #{index}; nothing was timed.\n  answers: "
        f"{json.dumps(answers)}\n{detail}",
        file=sys.stderr,
    )
    raise SystemExit(1)


# --- Timing -------------------------------------------------------------------------------

Loop = Callable[[], None]


def _over(run: Callable[[dict[str, Any]], Any], sets: list[dict[str, Any]]) -> Loop:
    """The timed loop: `run` on every answer set."""

    def loop() -> None:
        for answers in sets:
            run(answers)

    return loop


def contenders(ruleset, sets: list[dict[str, Any]]) -> dict[str, Callable[[], Loop]]:
    """Name -> setup (untimed) returning the timed loop over every answer set."""
    warm = Engine(ruleset)
    for answers in sets:  # fill the engine's memo: trace off, trace on, and the API dict
        warm.evaluate(answers, trace=False)
        summary_response(warm.evaluate(answers), warm.sources).model_dump_json()

    def engine(make_fresh: bool, trace: bool) -> Callable[[], Loop]:
        def setup() -> Loop:
            evaluate = (Engine(ruleset) if make_fresh else warm).evaluate
            return _over(lambda answers: evaluate(answers, trace=trace), sets)

        return setup

    return {
        "baseline (hand-written)": lambda: _over(policy, sets),
        "baseline + hand-written answer checks": lambda: _over(checked_policy, sets),
        "engine, no trace, cold": engine(True, False),
        "engine, no trace, warm": engine(False, False),
        "engine, trace, warm": engine(False, True),
        "engine, trace + API JSON, warm": lambda: _over(
            lambda answers: summary_response(
                warm.evaluate(answers, trace=True), warm.sources
            ).model_dump_json(),
            sets,
        ),
    }


def time_all(ruleset, sets: list[dict[str, Any]], rounds: int) -> dict[str, list[float]]:
    """Name -> microseconds per evaluation, one figure per round."""
    setups = contenders(ruleset, sets)
    results: dict[str, list[float]] = {name: [] for name in setups}
    order = list(setups)
    shuffler = random.Random(SEED)
    for _ in range(rounds):
        shuffler.shuffle(order)
        for name in order:
            loop = setups[name]()
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter_ns()
                loop()
                elapsed = time.perf_counter_ns() - start
            finally:
                gc.enable()
            results[name].append(elapsed / 1000 / len(sets))
    return results


def report(results: dict[str, list[float]], rounds: int, n: int) -> dict[str, bool]:
    base = statistics.median(results["baseline (hand-written)"])
    print(
        f"\nMicroseconds per evaluation, {rounds} rounds of {n} sets "
        "(median, with the fastest and slowest round)"
    )
    print(
        f"| {'contender':<38} | {'median µs':>9} | {'min':>6} | {'max':>6} | {'× baseline':>10} |"
    )
    print(f"|{'-' * 40}|{'-' * 10}:|{'-' * 7}:|{'-' * 7}:|{'-' * 11}:|")
    for name, times in results.items():
        median = statistics.median(times)
        print(
            f"| {name:<38} | {median:>9.2f} | {min(times):>6.2f} | {max(times):>6.2f} | "
            f"{median / base:>10.2f} |"
        )
    met = {}
    print("\nTargets (median, warm engine vs the baseline of this run)")
    for name, limit in TARGETS.items():
        ratio = statistics.median(results[name]) / base
        met[name] = ratio <= limit
        print(
            f"  {name}: {ratio:.2f}× baseline, target at most {limit:g}×: "
            f"{'met' if met[name] else 'NOT met'}"
        )
    checked = statistics.median(results["baseline + hand-written answer checks"])
    print(
        "\nLike for like (the engine checks every answer too): warm engine vs the hand-written "
        "policy with hand-written answer checks"
    )
    for name in TARGETS:
        print(f"  {name}: {statistics.median(results[name]) / checked:.2f}×")
    return met


if __name__ == "__main__":
    sys.exit(main())
