"""The clinical risk management file (docs/safety/, DCB0129): every hazard has controls, every
control names the tests that verify it, and each named test exists."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from questionnaire.safety import HAZARD_LOG, hazard_log, risk

ROOT = Path(__file__).resolve().parents[1]
LOG = hazard_log()
REQUIRED = {
    "an emergency is routed to a routine outcome",
    "false reassurance",
    "promise words",
    "over-triage that frightens",
    "stale regulatory status",
    "wrong language",
    "lost or leaked answers",
    "a clinician edit changes headlines unseen",
}


@cache
def test_functions(path: Path) -> set[str]:
    """'test_x' and 'TestClass::test_x' names defined in a test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{f.name}" for f in node.body if isinstance(f, ast.FunctionDef)}
    return names


test_functions.__test__ = False  # a helper, not a test


def test_the_file_is_a_draft_awaiting_a_named_clinical_safety_officer():
    first = (ROOT / "docs" / "safety" / "README.md").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("**DRAFT")
    assert "clinical safety officer" in first


def test_the_hazard_log_holds_every_hazard_the_issue_names():
    assert REQUIRED <= {h.hazard.lower() for h in LOG.hazards}
    assert len({h.id for h in LOG.hazards}) == len(LOG.hazards)


@pytest.mark.parametrize("hazard", LOG.hazards, ids=[h.id for h in LOG.hazards])
def test_every_control_of_every_hazard_names_tests_that_exist(hazard):
    assert hazard.tests, f"{hazard.id} has no verifying test"
    for node in hazard.tests:
        file, name = node.split("::", 1)
        path = ROOT / file
        assert path.exists(), f"{hazard.id}: {file} does not exist"
        assert name in test_functions(path), f"{hazard.id}: no test {name} in {file}"


def test_a_control_that_names_a_missing_test_is_caught(tmp_path):
    text = HAZARD_LOG.read_text(encoding="utf-8").replace(
        "test_the_cookie_reveals_no_answer", "test_the_cookie_reveals_nothing_at_all", 1
    )
    (tmp_path / "log.yaml").write_text(text, encoding="utf-8")
    (h07,) = [h for h in hazard_log(tmp_path / "log.yaml").hazards if h.id == "H07"]
    missing = [
        n for n in h07.tests if n.split("::")[1] not in test_functions(ROOT / n.split("::")[0])
    ]
    assert missing == ["tests/web/test_answers_cookie.py::test_the_cookie_reveals_nothing_at_all"]


def test_a_hazard_without_a_test_is_refused(tmp_path):
    text = HAZARD_LOG.read_text(encoding="utf-8")
    start = text.index("        tests:\n          - tests/web/test_answers_cookie.py")
    end = text.index("    residual:", start)
    (tmp_path / "log.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ValueError, match="tests"):
        hazard_log(tmp_path / "log.yaml")


def test_the_risk_rating_is_the_dcb0129_matrix():
    assert risk("catastrophic", "very high") == 5
    assert risk("minor", "very low") == 1
    assert risk("catastrophic", "medium") == 4
    for hazard in LOG.hazards:
        assert hazard.residual.risk <= hazard.risk, hazard.id
