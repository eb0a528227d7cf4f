"""The published schema, the app factory's configuration errors, and the README's promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from questionnaire import create_app
from questionnaire.engine import RulesError
from questionnaire.engine.load.yamlsource import read_yaml
from questionnaire.engine.model import json_schema

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"


def _plain(value):
    """YAML data as an editor's YAML-to-JSON bridge sees it: dates become strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def test_published_schema_is_up_to_date():
    published = json.loads((ROOT / "docs" / "rules.schema.json").read_text())
    assert published == json_schema(), "run: flask rules schema -o docs/rules.schema.json"


def test_shipped_rules_validate_against_the_published_schema():
    schema = json.loads((ROOT / "docs" / "rules.schema.json").read_text())
    data, _ = read_yaml(RULES.read_bytes())
    jsonschema.Draft202012Validator(schema).validate(_plain(data))


def test_schema_catches_a_misspelt_field_as_an_editor_would():
    schema = json.loads((ROOT / "docs" / "rules.schema.json").read_text())
    data, _ = read_yaml(RULES.read_bytes())
    data = _plain(data)
    data["steps"][0]["questions"][0]["promt"] = data["steps"][0]["questions"][0].pop("prompt")
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors, "the schema should reject a question with 'promt' instead of 'prompt'"


def test_rules_file_points_editors_at_the_schema():
    assert RULES.read_text().startswith("# yaml-language-server: $schema=docs/rules.schema.json")


def test_app_refuses_to_start_without_a_secret_key_outside_debug(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("questionnaire.app.ROOT", tmp_path)  # no instance/secret_key there
    with pytest.raises(Exception, match="SECRET_KEY") as caught:
        create_app({"QUESTIONNAIRE_RULES": str(RULES)})
    assert "secrets.token_hex" in str(caught.value)


def test_app_factory_refuses_a_broken_rule_file_with_every_problem(tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text(
        RULES.read_text()
        .replace("type: multi", "type: multiple", 1)
        .replace("outcome: not_yet", "outcome: not_yett", 1)
    )
    with pytest.raises(RulesError) as caught:
        create_app({"TESTING": True, "QUESTIONNAIRE_RULES": str(broken)})
    text = str(caught.value)
    assert "2 problems" in text
    assert "not_yett" in text and "did you mean 'not_yet'" in text


def test_app_factory_refuses_a_rule_file_whose_text_lacks_its_spanish(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        RULES.read_text().replace("title: Cost and travel", "title: Cost, travel and studies", 1)
    )
    spanish = RULES.with_name("rules.es.yaml").read_text()
    (tmp_path / "rules.es.yaml").write_text(
        spanish.replace("  cost_access:\n    title: Costo y viajes\n", "  cost_access: {}\n", 1)
    )
    with pytest.raises(RulesError) as caught:
        create_app({"TESTING": True, "QUESTIONNAIRE_RULES": str(rules)})
    line = next(
        n
        for n, text in enumerate(rules.read_text().splitlines(), 1)
        if "title: Cost, travel and studies" in text
    )
    assert str(caught.value).endswith(
        f"{rules}:{line}:12: missing es translation (expected "
        f"steps.cost_access.title in {tmp_path / 'rules.es.yaml'})"
    )


def test_wsgi_with_a_broken_rule_file_exits_2_without_a_traceback(tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text(RULES.read_text().replace("source: nhs-back-pain", "source: nhs", 1))
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"SECRET_KEY": "x", "QUESTIONNAIRE_RULES": str(broken), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{broken}:" in result.stderr and "unknown source 'nhs'" in result.stderr
    assert "Traceback" not in result.stderr


def test_readme_opens_with_the_two_commands():
    head = (ROOT / "README.md").read_text().split("\n## ")[0]
    assert "make run" in head and "make test" in head
