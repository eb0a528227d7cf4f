"""The engine is a pure library: loading and evaluating rules must not import Flask."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from questionnaire.engine import Engine, load_rules
from questionnaire.engine.verify.symbolic import verify

ruleset = load_rules(sys.argv[1])
assert verify(ruleset).ok
summary = Engine(ruleset).evaluate({"warning_signs": ["chest_pain"]})
assert summary.outcome.id == "emergency", summary.outcome.id
web = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "werkzeug"))
print("loaded:", ",".join(web))
"""


def test_loading_and_evaluating_rules_imports_no_flask():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT / "rules.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "loaded:", done.stdout
