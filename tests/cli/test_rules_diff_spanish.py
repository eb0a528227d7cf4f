"""`flask rules diff` prints and gives as JSON each Spanish text that changed, at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from questionnaire.app import create_cli_app

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = ROOT / "releases/3.1.0/rules.yaml", ROOT / "releases/3.1.1/rules.yaml"
ES = (ROOT / "releases/3.1.1/rules.es.yaml").read_text(encoding="utf-8").splitlines()

pytestmark = pytest.mark.slow  # the whole `rules diff` command, as test_rules_diff.py


def diff(*args: str):
    return create_cli_app().test_cli_runner().invoke(args=["rules", "diff", *args])


def test_the_json_lists_each_reworded_spanish_text_with_its_file_and_line():
    result = diff(str(OLD), str(NEW), "--json")

    assert result.exit_code == 0, result.output  # wording only: no headline changes
    spanish = [c for c in json.loads(result.output)["changes"] if c["kind"] == "translation"]
    assert len(spanish) == 12
    title = spanish[0]
    assert (title["id"], title["what"]) == ("meta.title", "wording changed: Spanish")
    assert title["file"] == str(NEW.with_name("rules.es.yaml"))
    assert ES[title["line"] - 1].strip().startswith("title: Tratamiento")


def test_the_text_output_names_each_at_its_line_after_the_english_changes():
    result = diff(str(OLD), str(NEW))

    lines = result.output.splitlines()
    es = str(NEW.with_name("rules.es.yaml"))
    assert lines[0].startswith(f"{NEW}:") and " meta meta: " in lines[0]
    line = next(i for i, text in enumerate(ES, 1) if text.startswith("  nhs-aaa: "))
    assert f"{es}:{line}: translation sources.nhs-aaa: wording changed: Spanish" in lines
    assert sum(" translation " in text for text in lines) == 12
