"""How the symbolic verifier and `rules diff` scale on generated rule files (bench/rulegen.py).

    .venv/bin/python -m bench.verify_scale            # prints the table, writes docs/benchmarks.md
    .venv/bin/python -m bench.verify_scale --sizes 10 200 --no-write
    .venv/bin/python -m bench.verify_scale --cli 1000  # the whole `rules verify` command

Each measurement runs in its own process, so "peak memory" is that process's peak resident set
(Python, the parsed file and CUDD's tables), and one run cannot warm up the next. `--cli` times
what a clinician waits for: the whole `flask --app wsgi rules verify FILE` process (start-up,
reading the YAML, checking, verifying and printing), its CPU time from the kernel's accounting.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.rulegen import VARIANTS, generate_text

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- verify_scale:begin -->", "<!-- verify_scale:end -->"
CLI_BEGIN, CLI_END = "<!-- verify_cli:begin -->", "<!-- verify_cli:end -->"
CLI_BUDGET = 5.0  # seconds of CPU for the whole command at 1,000 questions (issue 19)
SIZES = (10, 15, 30, 60, 100, 200, 1000)


def one(n: int, variant: str) -> dict:
    """Verify one generated file (or diff it against an edited copy): seconds and peak memory."""
    from questionnaire.engine import read_rules
    from questionnaire.engine.verify.diff import diff_rulesets
    from questionnaire.engine.verify.symbolic import verify

    text = generate_text(n, "complete" if variant == "diff" else variant, 0)

    def load(source: str):
        loaded = read_rules(source, verify=False)
        return loaded.ruleset, loaded.raw, loaded.marks

    old = load(text)
    rules = len(old[0].file.rules)
    wall, cpu = time.perf_counter(), time.process_time()
    if variant == "diff":  # one rule gives another outcome
        new = load(text.replace("outcome: excluded", "outcome: not_yet", 1))
        wall, cpu = time.perf_counter(), time.process_time()
        result = diff_rulesets(old, new)
        found = f"{len(result.headlines)} headline classes"
    else:
        report = verify(old[0])
        found = (
            f"gaps for {_big(report.gap_count)} answer combinations, "
            if report.gap_count
            else "complete, "
        ) + f"{len(report.never_match)} never match, {len(report.never_win)} never win"
    return {
        "questions": n,
        "rules": rules,
        "variant": variant,
        "seconds": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "found": found,
    }


def _big(number: int) -> str:
    digits = len(str(number))
    return f"{number:,}" if digits < 10 else f"about 10^{digits - 1}"


def measure(sizes, timeout: float) -> list[dict]:
    rows = []
    for n in sizes:
        for variant in (*VARIANTS, "diff"):
            try:
                out = subprocess.run(
                    [sys.executable, "-m", "bench.verify_scale", "--one", str(n), variant],
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=timeout,
                    cwd=ROOT,
                )
                rows.append(json.loads(out.stdout))
            except subprocess.CalledProcessError as exc:
                raise SystemExit(f"{n} {variant} failed:\n{exc.stderr}") from None
            except subprocess.TimeoutExpired:
                rows.append(
                    {
                        "questions": n,
                        "rules": 3 * n,
                        "variant": variant,
                        "seconds": None,
                        "cpu": None,
                        "peak_mb": None,
                        "found": f"over {timeout:g} s (stopped)",
                    }
                )
            print(rows[-1], file=sys.stderr)
    return rows


def cli(n: int, variant: str, timeout: float) -> dict:
    """The whole `rules verify` command on one generated file: CPU, wall time and verdict."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"generated-{n}-{variant}.yaml"
        path.write_text(generate_text(n, variant, 0), encoding="utf-8")
        before, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "rules", "verify", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            check=False,
        )
        wall, after = time.perf_counter() - wall, resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = out.stdout.splitlines()
    verdict = "complete" if "Complete:" in out.stdout else "gap"
    never = sum(line.endswith("can never match.") for line in lines)
    return {
        "questions": n,
        "variant": variant,
        "cpu": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
        "seconds": wall,
        "found": f"exit {out.returncode}: {verdict}, {never} never match, "
        f"{sum('can never give' in line for line in lines)} never win"
        + (f"; {out.stderr.strip()}" if out.stderr else ""),
    }


def cli_table(rows: list[dict]) -> str:
    lines = [
        "| questions | variant | CPU seconds (whole process) | wall seconds | verdict |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['questions']} | {r['variant']} | {r['cpu']:.2f} | {r['seconds']:.2f} | "
        f"{r['found']} |"
        for r in rows
    ]
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    def cell(value, fmt):
        return "-" if value is None else format(value, fmt)

    lines = [
        "| questions | rules | variant | seconds (wall) | seconds (CPU) | peak memory MB | found |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['questions']} | {r['rules']} | {r['variant']} | "
            f"{cell(r['seconds'], '.3f')} | {cell(r['cpu'], '.3f')} | "
            f"{cell(r['peak_mb'], '.0f')} | {r['found']} |"
        )
    return "\n".join(lines)


def write(rows: list[dict], begin: str = BEGIN, end: str = END, made=table) -> None:
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    block = (
        f"{begin}\nMeasured {date.today()} with `python -m bench.verify_scale` on "
        f"{platform.machine()}, Python {platform.python_version()}, load average {load} "
        "(a shared machine: wall time is CPU time plus waiting for a core).\n\n"
        + made(rows)
        + f"\n{end}"
    )
    text = DOC.read_text(encoding="utf-8")
    if begin in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, metavar=("N", "VARIANT"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--no-write", action="store_true", help="Do not touch docs/.")
    parser.add_argument("--cli", nargs="+", type=int, metavar="N", help="Time `rules verify`.")
    args = parser.parse_args(argv)
    if args.cli:
        rows = [cli(n, variant, args.timeout) for n in args.cli for variant in VARIANTS]
        print(cli_table(rows))
        if not args.no_write:
            write(rows, CLI_BEGIN, CLI_END, cli_table)
        over = [r for r in rows if r["cpu"] > CLI_BUDGET and r["questions"] <= 1000]
        return 1 if over else 0
    if args.one:
        print(json.dumps(one(int(args.one[0]), args.one[1])))
        return 0
    rows = measure(args.sizes, args.timeout)
    print(table(rows))
    if not args.no_write:
        write(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
