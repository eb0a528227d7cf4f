"""`flask studies refresh`: status, dates and locations from the registry's API v2 (a saved
page in the API's shape: no network in tests); criteria, comments and order never change."""

from __future__ import annotations

import io
import json
import shutil
import urllib.parse
from pathlib import Path

import pytest
import yaml

from questionnaire import create_app

ROOT = Path(__file__).resolve().parents[2]
PAGE = Path(__file__).parent / "data" / "registry-page.json"


@pytest.fixture()
def copy(tmp_path) -> Path:
    for name in ("studies.yaml", "studies.es.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path / "studies.yaml"


def _refresh(copy: Path, *args: str):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "QUESTIONNAIRE_STUDIES": str(copy)})
    return app.test_cli_runner().invoke(args=["studies", "refresh", *args])


def test_refresh_updates_status_dates_and_places_and_says_what_changed(copy):
    before = yaml.safe_load(copy.read_text())
    result = _refresh(copy, "--from", str(PAGE), "--on", "2027-03-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "NCT06325566: status is now ACTIVE_NOT_RECRUITING" in lines
    assert "NCT06325566: the registry last updated it on 2027-02-15" in lines
    assert "NCT06325566: locations are now United States (Florida, Texas)" in lines
    assert "NCT03737461: not in the registry's answer; left as it was" in lines
    after = yaml.safe_load(copy.read_text())
    study = {s["nct_id"]: s for s in after["studies"]}
    assert study["NCT06778447"]["status"] == "RECRUITING"
    assert str(study["NCT06778447"]["last_updated"]) == "2027-01-01"  # the registry's "2027-01"
    assert study["NCT06325566"]["locations"]["states"] == ["Florida", "Texas"]
    assert str(after["meta"]["snapshot"]) == "2027-03-01"
    for old, new in zip(before["studies"], after["studies"], strict=True):
        assert new["criteria"] == old["criteria"] and new["quoted"] == old["quoted"]
        assert new["team_checks"] == old["team_checks"] and new["about"] == old["about"]
    assert after["studies"][-1] == {  # not in the registry's answer: only the date it was read
        **before["studies"][-1],
        "read_on": after["studies"][-1]["read_on"],
        "copy_read": after["studies"][-1]["copy_read"],
    }


def test_refresh_keeps_the_files_comments_and_order(copy):
    _refresh(copy, "--from", str(PAGE), "--on", "2027-03-01")
    original = (ROOT / "studies.yaml").read_text().splitlines()
    refreshed = copy.read_text().splitlines()
    comments = [line for line in original if line.lstrip().startswith("#")]
    assert comments == [line for line in refreshed if line.lstrip().startswith("#")]
    keys = [line.split(":")[0] for line in original if line and not line.startswith(" ")]
    assert keys == [line.split(":")[0] for line in refreshed if line and not line.startswith(" ")]


def test_a_second_refresh_from_the_same_answer_changes_nothing(copy):
    _refresh(copy, "--from", str(PAGE), "--on", "2027-03-01")
    first = copy.read_text()
    result = _refresh(copy, "--from", str(PAGE), "--on", "2027-03-01")
    assert "0 changes" in result.output and copy.read_text() == first


def test_the_refreshed_snapshot_date_is_on_the_pages(copy):
    _refresh(copy, "--from", str(PAGE), "--on", "2027-03-01")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "QUESTIONNAIRE_STUDIES": str(copy)})
    page = app.test_client().get("/studies").get_data(as_text=True)
    assert 'data-snapshot="2027-03-01"' in page


@pytest.mark.parametrize(
    "answer",
    [{"trials": []}, {"studies": [{"protocolSection": {}}]}, "not json {"],
)
def test_an_answer_that_is_not_the_registrys_leaves_the_file_alone(copy, tmp_path, answer):
    saved = tmp_path / "answer.json"
    saved.write_text(answer if isinstance(answer, str) else json.dumps(answer))
    before = copy.read_text()
    result = _refresh(copy, "--from", str(saved))
    assert result.exit_code == 2 and copy.read_text() == before


def test_a_status_the_file_has_no_words_for_is_not_written(copy, tmp_path):
    page = json.loads(PAGE.read_text())
    page["studies"][0]["protocolSection"]["statusModule"]["overallStatus"] = "ON_HOLD"
    saved = tmp_path / "answer.json"
    saved.write_text(json.dumps(page))
    before = copy.read_text()
    result = _refresh(copy, "--from", str(saved))
    assert result.exit_code == 2 and "would not load" in result.output
    assert copy.read_text() == before


def test_without_a_saved_answer_it_asks_the_registry_for_the_snapshots_ids(copy, monkeypatch):
    asked = []

    def urlopen(url, timeout):
        asked.append(url)
        return io.BytesIO(PAGE.read_bytes())

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    result = _refresh(copy, "--on", "2027-03-01")
    assert result.exit_code == 0, result.output
    url = urllib.parse.urlsplit(asked[0])
    assert url.scheme == "https" and url.netloc == "clinicaltrials.gov"
    assert url.path == "/api/v2/studies"
    ids = urllib.parse.parse_qs(url.query)["filter.ids"][0].split(",")
    assert sorted(ids) == sorted(s["nct_id"] for s in yaml.safe_load(copy.read_text())["studies"])
