"""The studies a patient sees: the dated list, one record, and the summary's section; and the
`studies` field of the evaluate API."""

from __future__ import annotations

import pytest
from pages import Patient, text
from sample_answers import DISCUSS_ANSWERS

NOT_APPROVAL = "A listing in the registry is not FDA approval."


@pytest.fixture()
def patient(shared_app) -> Patient:
    return Patient(shared_app.test_client())


@pytest.fixture()
def api(shared_app):
    return shared_app.test_client()


def test_the_list_shows_every_study_open_ones_first_with_the_snapshot_date(patient):
    page = patient.get("/studies")
    assert page.status == 200
    cards = page.main.select("[data-study]")
    assert len(cards) == 7
    statuses = [c.select_one("[data-status]")["data-status"] for c in cards]
    assert statuses[:2] == ["RECRUITING", "RECRUITING"]
    assert page.main.select_one("[data-snapshot]")["data-snapshot"] == "2026-12-06"
    assert "6 December 2026" in text(page.main) or "December 6, 2026" in text(page.main)
    assert page.link("Search the registry for disc studies that are recruiting now").startswith(
        "https://clinicaltrials.gov/search"
    )
    assert NOT_APPROVAL in text(page.main)


def test_a_study_record_quotes_the_registry_and_says_what_was_not_read(patient):
    page = patient.get("/studies/NCT06778447")
    assert page.status == 200
    words = text(page.main)
    assert "Age 22 to 85 years old." in words
    assert "Not read from the registry" in words  # its sponsor and status were not read
    assert page.main.find("a", href="https://clinicaltrials.gov/study/NCT06778447")


def test_a_study_not_in_the_list_says_so_and_links_to_the_registry(patient):
    page = patient.get("/studies/nct09999999")
    assert page.status == 404
    assert "NCT09999999 is not in our dated list. Check the registry for it." in text(page.main)
    assert page.main.find("a", href="https://clinicaltrials.gov/study/NCT09999999")


@pytest.mark.parametrize("bad", ["NCT123", "12345678", "NCT0632556x", "%3Cscript%3E"])
def test_a_malformed_study_number_gets_a_clear_404_page(patient, bad):
    page = patient.get(f"/studies/{bad}")
    assert page.status == 404
    assert "That is not a study number." in text(page.main)


def test_the_list_in_spanish(patient):
    page = patient.get("/studies?lang=es")
    assert "Estar en el registro no es una aprobación de la FDA." in text(page.main)
    assert "Busca personas" in text(page.main)  # RECRUITING (studies 1.0.1)


def test_the_summary_names_the_studies_the_answers_seem_to_meet(patient):
    page = patient.walk(DISCUSS_ANSWERS)
    assert page.path == "/check", page
    page = patient.get("/summary")
    section = page.main.select_one("section.studies")
    assert section is not None
    words = text(section)
    assert "Registered studies whose main criteria your answers seem to meet" in words
    assert NOT_APPROVAL in words
    assert "eligible" not in words.lower()
    met = section["data-studies"].split()
    assert met[0] in ("NCT06325566", "NCT07254806")  # recruiting first
    first = section.select_one("[data-study]")
    assert "What the study team checks that this tool cannot" in text(first)
    assert section.select_one("[data-snapshot]")["data-snapshot"] == "2026-12-06"


def test_the_summary_says_in_one_line_why_no_study_fits(patient):
    page = patient.walk({**DISCUSS_ANSWERS, "pain_area": "neck"})
    page = patient.get("/summary")
    assert page.outcome == "usually_excluded"
    line = page.main.select_one("[data-none-match]")
    assert line is not None and "None of the 7 studies in our list" in text(line)
    assert "lower back" in text(line).lower() or "pain" in text(line).lower()


def test_no_studies_beside_an_emergency(patient):
    patient.walk({"warning_signs": ["bladder_bowel"]})
    page = patient.get("/summary")
    assert page.outcome == "emergency"
    assert page.main.select_one("section.studies") is None


def test_the_api_lists_each_study_with_whether_its_main_criteria_are_met(api):
    body = api.post("/api/v1/evaluate", json={"answers": DISCUSS_ANSWERS}).get_json()
    studies = {s["nct_id"]: s for s in body["studies"]}
    assert set(body["studies"][0]) == {"nct_id", "status", "meets_main_criteria", "url"}
    assert studies["NCT06325566"]["meets_main_criteria"] is True
    assert studies["NCT06325566"]["url"] == "https://clinicaltrials.gov/study/NCT06325566"
    neck = api.post("/api/v1/evaluate", json={"answers": {**DISCUSS_ANSWERS, "pain_area": "neck"}})
    assert not any(s["meets_main_criteria"] for s in neck.get_json()["studies"])


def test_the_api_lists_no_studies_beside_an_emergency(api):
    body = api.post("/api/v1/evaluate", json={"answers": {"warning_signs": ["bladder_bowel"]}})
    assert body.get_json()["studies"] == []


def _sha(name: str) -> str:
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    english = (root / f"{name}.yaml").read_bytes().replace(b"\r\n", b"\n")
    spanish = (root / f"{name}.es.yaml").read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(english + b"\0" + spanish).hexdigest()


def test_healthz_and_the_api_give_each_rule_files_fingerprint_in_its_own_field(api):
    health = api.get("/healthz").get_json()
    assert health["studies_fingerprint"] == _sha("studies")
    assert health["offer_fingerprint"] == _sha("offer")
    assert health["rules_fingerprint"] == _sha("rules")
    assert health["studies_version"] == "1.0.1"  # its wording passes `flask rules lint`
    assert health["offer_version"] == "1.1.1"  # its Spanish source titles pass `rules lint`
    body = api.post("/api/v1/evaluate", json={"answers": DISCUSS_ANSWERS}).get_json()
    assert body["studies_fingerprint"] == _sha("studies")


def test_every_study_card_links_to_that_studys_record(patient, shared_app):
    """The cards' links are built from the list's URL (once per page): each must open its own
    study's record, on the list and on the summary."""
    from questionnaire.web.studies import studies_for

    every = [s.nct_id for s in studies_for(shared_app).studies]
    listed = patient.get("/studies")
    patient.walk(DISCUSS_ANSWERS)
    summary = patient.get("/summary")
    for page, expected in ((listed, every), (summary, None)):
        cards = page.main.select("[data-study]")
        assert cards and (expected is None or len(cards) == len(expected))
        for card in cards:
            record = patient.get(card.find("a")["href"])
            assert record.status == 200, card["data-study"]
            assert record.path == f"/studies/{card['data-study']}"
            assert record.main.select_one("[data-study]")["data-study"] == card["data-study"]
