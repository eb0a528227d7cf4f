"""Shared fixtures of the studies' tests: the shipped rules and studies, and a way to write a
broken studies file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from questionnaire.engine import load_rules

ROOT = Path(__file__).resolve().parents[2]
STUDIES = ROOT / "studies.yaml"


@pytest.fixture(scope="session")
def ruleset():
    return load_rules(ROOT / "rules.yaml")


@pytest.fixture()
def studies_data() -> dict:
    return yaml.safe_load(STUDIES.read_text(encoding="utf-8"))


@pytest.fixture()
def write_studies(tmp_path):
    """Write studies data (and its Spanish file, unless told not to) into a folder."""

    def write(data: dict, spanish: bool = True) -> Path:
        path = tmp_path / "studies.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        if spanish:
            (tmp_path / "studies.es.yaml").write_text(
                (ROOT / "studies.es.yaml").read_text(encoding="utf-8")
            )
        return path

    return write
