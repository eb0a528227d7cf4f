"""`flask rules trace [RULES] [--json]`: source -> statement -> covered by / decision; exit 0 when
every statement is covered or decided, 1 when one is neither, 2 for bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")


def copy_with(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = SRC
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "rules.es.yaml", tmp_path / "rules.es.yaml")
    return path


def statements_in(text: str) -> int:
    sources = yaml.load(text, Loader=yaml.CSafeLoader)["meta"]["sources"].values()  # libyaml: fast
    return sum(len(s.get("statements", [])) for s in sources)


@pytest.mark.slow  # over 1 s: left out of make quick
def test_the_shipped_matrix_is_complete_and_shows_what_is_pending(runner):
    result = runner.invoke(args=["rules", "trace"])
    assert result.exit_code == 0, result.output
    assert f"{statements_in(SRC)} statements from" in result.output
    assert "PENDING clinical sign-off" in result.output
    assert "rules.yaml:" in result.output and '"chest pain"' in result.output


@pytest.mark.slow  # over 1 s: left out of make quick
def test_the_json_matrix_gives_every_statement_its_line_status_and_pending_flag(runner):
    result = runner.invoke(args=["rules", "trace", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    rows = [row for source in data["sources"] for row in source["statements"]]
    assert data["ok"] and data["missing"] == 0 and len(rows) == statements_in(SRC)
    lines = SRC.splitlines()
    for row in rows:
        assert lines[row["line"] - 1].lstrip().startswith("- quote:")
        assert row["status"] in {"covered", "decided", "covered in part, decided"}
    assert data["pending"] == sum(bool(r["decision"] and r["decision"]["pending"]) for r in rows)


def test_a_signed_off_decision_is_no_longer_pending(runner, tmp_path):
    before = json.loads(runner.invoke(args=["rules", "trace", "--json"]).output)["pending"]
    path = copy_with(
        tmp_path,
        (
            '            by: "design.md section 3',
            '            signed_off_by: "Dr A. Example, clinical safety officer"\n'
            '            by: "design.md section 3',
        ),
    )
    after = json.loads(runner.invoke(args=["rules", "trace", str(path), "--json"]).output)
    assert after["pending"] == before - 1


@pytest.mark.slow  # over 1 s: left out of make quick
def test_a_statement_neither_covered_nor_decided_exits_1_and_names_its_line(runner, tmp_path):
    path = copy_with(tmp_path, ("          covered_by: [warning_signs:chest_pain]\n", ""))
    result = runner.invoke(args=["rules", "trace", str(path)])
    assert result.exit_code == 1
    assert '[MISSING] "chest pain"' in result.output
    assert "1 statements are neither covered nor decided" in result.output


def test_a_file_that_cannot_be_read_or_checked_exits_2(runner, tmp_path):
    assert runner.invoke(args=["rules", "trace", str(tmp_path / "none.yaml")]).exit_code == 2
    path = copy_with(tmp_path, ("covered_by: [warning_signs:chest_pain]", "covered_by: [x:y]"))
    result = runner.invoke(args=["rules", "trace", str(path)])
    assert result.exit_code == 2
    assert "covered_by names question 'x', which is not asked" in result.output
