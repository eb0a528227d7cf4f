"""offer.yaml's version is recorded with its fingerprint (docs/studies-and-offers.md), as the
rules' are in docs/rules-changelog.md: a change to offer.yaml or offer.es.yaml, wording included,
needs a new meta.version and a row there (`flask rules gate` checks rules.yaml only)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from questionnaire.engine.load.fingerprint import file_fingerprint

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_offer_file_is_its_version_as_recorded():
    version = yaml.safe_load((ROOT / "offer.yaml").read_text("utf-8"))["meta"]["version"]
    doc = (ROOT / "docs" / "studies-and-offers.md").read_text("utf-8")

    row = re.search(rf"^\| {re.escape(version)} \(.*`([0-9a-f]{{64}})` \|$", doc, re.M)

    assert row, f"docs/studies-and-offers.md has no row for offer.yaml {version}"
    assert row.group(1) == file_fingerprint(ROOT / "offer.yaml"), (
        "offer.yaml or offer.es.yaml changed since its version was recorded: raise its "
        "meta.version and add a row with the new fingerprint"
    )
