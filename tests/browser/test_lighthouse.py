"""Lighthouse 12 (npm, pinned in package.json) scores 100 in all four categories, mobile, with
Debian's Chromium: performance, accessibility, best practices and SEO.

`make test` runs a representative set in one Chromium: the start page, one question page, check
your answers and every summary. `make audit` (LIGHTHOUSE=all) runs every question page too.
Pages with answers get the patient's session cookie, so they keep `Cache-Control: no-store`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pinned_node as node
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.lighthouse]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("lighthouse.mjs")
REPORT = ROOT / "test-artifacts" / "lighthouse.json"
OUTCOMES = ("emergency", "urgent", "usually_excluded", "not_yet", "discuss")
ALL_STEPS = (
    "/step/warning_signs",
    "/step/pain",
    "/step/pain?part=1",
    "/step/treatments",
    "/step/treatments?part=1",
    "/step/health",
    "/step/cost_access",
)


def pages_to_audit() -> list[tuple[str, str, str]]:
    """(name, journey whose cookie it needs or '', path)."""
    steps = ALL_STEPS if os.environ.get("LIGHTHOUSE") == "all" else ALL_STEPS[1:2]
    return [
        ("start", "", "/"),
        *((f"step {path}", "discuss", path) for path in steps),
        ("check", "discuss", "/check"),
        *((f"summary {o}", o, "/summary") for o in OUTCOMES),
    ]


def run_lighthouse(binary: str, pages: list[dict]) -> dict:
    done = subprocess.run(
        [binary, str(SCRIPT)],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=540,
        check=False,
        env={**node.ENV, "CHROME_PATH": os.environ.get("CHROMIUM", "/usr/bin/chromium")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_lighthouse_scores_100_in_every_category_on_mobile(
    live_server, progress, journeys, subtests
):
    assert (ROOT / "node_modules" / "lighthouse").is_dir(), "run 'make node_modules' (npm ci)"
    pages = [
        {
            "name": name,
            "url": live_server + path,
            "cookies": [
                {"name": c["name"], "value": c["value"]}
                for c in progress.cookies(journey, journeys[journey], path)
            ]
            if journey
            else [],
        }
        for name, journey, path in pages_to_audit()
    ]

    results = run_lighthouse(node.NODE, pages)
    # Performance is timed on a machine shared with other test runs: a page that lost points
    # only there, or whose trace Chromium failed to record under that load (NO_NAVSTART), gets up
    # to two more runs, in case another process took the CPU at that moment.
    for _ in range(2):
        slow = [
            p
            for p in pages
            if results[p["name"]]["runtimeError"]
            or (
                results[p["name"]]["failing"]
                and all(f.startswith("performance:") for f in results[p["name"]]["failing"])
            )
        ]
        if slow:
            results.update(run_lighthouse(node.NODE, slow))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(results, indent=2))
    for page in pages:
        result = results[page["name"]]
        with subtests.test(page["name"]):
            assert result["runtimeError"] is None, result["runtimeError"]
            assert result["finalUrl"] == page["url"], "the cookie did not reach the page"
            assert result["scores"] == {
                "performance": 1,
                "accessibility": 1,
                "best-practices": 1,
                "seo": 1,
            }, result["failing"]
