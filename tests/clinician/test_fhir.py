"""FHIR R4: the questionnaire as a Questionnaire, a patient's answers as a QuestionnaireResponse.

HL7's schema, FHIR.js and the R4 invariants check the same resources in tests/fhir/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from questionnaire import fhir
from questionnaire.engine.scenarios import load_scenarios, scenario_files

ROOT = Path(__file__).resolve().parents[2]
EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
COMPLETE = [
    s
    for path in scenario_files([ROOT / "scenarios"])
    for s in load_scenarios(path)
    if s.expect.outcome and not s.expect.problems
]


@pytest.fixture(scope="module")
def resource(app) -> dict:
    response = app.test_client().get("/api/v1/fhir/Questionnaire")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    return json.loads(response.data)


@pytest.fixture(scope="module")
def items(resource) -> dict[str, dict]:
    """linkId -> question item."""
    return {item["linkId"]: item for group in resource["item"] for item in group["item"]}


def questions_of(rules_data) -> list[dict]:
    return [q for step in rules_data["steps"] for q in step["questions"]]


# --- the Questionnaire ---------------------------------------------------------------------------


def test_questionnaire_is_a_valid_fhir_r4_questionnaire(resource):
    assert resource["resourceType"] == "Questionnaire"
    Questionnaire.model_validate(resource)


def test_questionnaire_version_is_the_rules_version(resource, rules_data):
    assert resource["version"] == rules_data["meta"]["version"]
    assert resource["date"] == rules_data["meta"]["reviewed"].isoformat()
    assert resource["status"] == "active"
    assert resource["url"] == fhir.CANONICAL


def test_every_link_id_is_unique_even_where_a_step_and_its_question_share_an_id(
    resource, rules_data
):
    link_ids = []

    def collect(items):
        for item in items:
            link_ids.append(item["linkId"])
            collect(item.get("item", []))

    collect(resource["item"])
    assert len(link_ids) == len(set(link_ids))
    shared = {s["id"] for s in rules_data["steps"]} & {q["id"] for q in questions_of(rules_data)}
    assert shared, "the rules have a step named like its question (warning_signs)"


def test_pain_intensity_carries_the_loinc_code_for_a_0_to_10_pain_rating(items):
    assert items["pain_intensity"]["code"] == [
        {
            "system": "http://loinc.org",
            "code": "72514-3",
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        }
    ]
    assert [qid for qid, item in items.items() if "code" in item] == ["pain_intensity"]


def test_the_codes_come_from_the_rule_file(tmp_path):
    """A clinician adds or removes a standard code in rules.yaml; no Python carries one."""
    from questionnaire.engine import load_rules

    text = (ROOT / "rules.yaml").read_text(encoding="utf-8")
    head = "      - id: pain_intensity\n"
    start = text.index(head)
    codes = text.index("        codes:", start)
    end = text.index("        prompt:", codes)
    moved = text[:codes] + text[end:]  # pain_intensity loses its code ...
    at = moved.index("        type: multi", moved.index("      - id: warning_signs"))
    moved = moved[:at] + text[codes:end] + moved[at:]  # ... and warning_signs gains it
    path = tmp_path / "rules.yaml"
    path.write_text(moved, encoding="utf-8")
    items = {
        i["linkId"]: i
        for group in fhir.questionnaire(load_rules(path))["item"]
        for i in group["item"]
    }
    assert [qid for qid, item in items.items() if "code" in item] == ["warning_signs"]
    assert items["warning_signs"]["code"][0]["code"] == "72514-3"


def test_every_step_is_a_group_holding_its_questions_in_order(resource, rules_data):
    groups = resource["item"]
    assert [(g["linkId"], g["type"], g["text"]) for g in groups] == [
        (f"step.{s['id']}", "group", s["title"]) for s in rules_data["steps"]
    ]
    for group, step in zip(groups, rules_data["steps"], strict=True):
        assert [item["linkId"] for item in group["item"]] == [q["id"] for q in step["questions"]]


def test_every_question_keeps_its_prompt_type_and_choices(items, rules_data):
    types = {"single": ("choice", False), "multi": ("choice", True)}
    for q in questions_of(rules_data):
        item = items[q["id"]]
        assert item["text"] == q["prompt"]
        assert item["required"] is True
        if q["type"] == "integer":
            assert item["type"] == "integer" and "answerOption" not in item
            continue
        assert (item["type"], item.get("repeats", False)) == types[q["type"]], q["id"]
        assert [
            (o["valueCoding"]["code"], o["valueCoding"]["display"]) for o in item["answerOption"]
        ] == [(c["value"], c["label"]) for c in q["choices"]]


def test_option_exclusive_marks_exactly_the_exclusive_choices(items, rules_data):
    marked = {
        (qid, option["valueCoding"]["code"])
        for qid, item in items.items()
        for option in item.get("answerOption", [])
        if {"url": EXCLUSIVE, "valueBoolean": True} in option.get("extension", [])
    }
    exclusive = {
        (q["id"], c["value"])
        for q in questions_of(rules_data)
        for c in q.get("choices", [])
        if c.get("exclusive")
    }
    assert marked == exclusive
    multi = {q["id"] for q in questions_of(rules_data) if q["type"] == "multi"}
    assert {qid for qid, _ in marked} == multi, "every multi-select has an exclusive choice"


@pytest.mark.parametrize("question", ["treatment_duration", "treatment_relief"])
def test_skip_logic_is_enable_when_on_treatments_tried(items, question):
    [condition] = items[question]["enableWhen"]
    assert condition["question"] == "treatments_tried"
    assert condition["operator"] == "!="
    assert condition["answerCoding"]["code"] == "none"
    assert (
        condition["answerCoding"]["system"]
        == items["treatments_tried"]["answerOption"][0]["valueCoding"]["system"]
    )


def test_only_questions_with_skip_logic_have_enable_when(items, rules_data):
    assert {qid for qid, item in items.items() if "enableWhen" in item} == {
        q["id"] for q in questions_of(rules_data) if "show_if" in q
    }


def test_pain_intensity_is_an_integer_with_min_and_max(items, rules_data):
    q = next(q for q in questions_of(rules_data) if q["id"] == "pain_intensity")
    extensions = {e["url"]: e["valueInteger"] for e in items["pain_intensity"]["extension"]}
    assert extensions == {MIN_VALUE: q["min"], MAX_VALUE: q["max"]}


def test_the_fhir_questionnaire_needs_no_cookie(app):
    response = app.test_client().get("/api/v1/fhir/Questionnaire")
    assert response.headers.get("Set-Cookie") is None


# --- QuestionnaireResponse -----------------------------------------------------------------------


@pytest.mark.parametrize("scenario", COMPLETE, ids=[s.name for s in COMPLETE])
def test_a_response_round_trips_to_the_same_answers(engine, scenario):
    resource = fhir.response(engine.ruleset, scenario.answers)
    QuestionnaireResponse.model_validate(resource)
    assert resource["questionnaire"].endswith("|" + engine.ruleset.file.meta.version)
    back = fhir.answers_from_response(engine, json.loads(json.dumps(resource)))
    assert back == scenario.answers
    assert engine.evaluate(back).outcome.id == scenario.expect.outcome


NOT_READABLE = {
    "a Patient": {"resourceType": "Patient", "id": "p1"},
    "a Questionnaire": {"resourceType": "Questionnaire", "status": "active"},
    "not a resource": ["warning_signs"],
    "an empty QuestionnaireResponse": {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
    },
    "answers to another questionnaire": {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]}],
    },
    "a QuestionnaireResponse without status": {"resourceType": "QuestionnaireResponse"},
    "an unknown status": {
        "resourceType": "QuestionnaireResponse",
        "status": "finished",
        "item": [{"linkId": "warning_signs", "answer": [{"valueCoding": {"code": "fever"}}]}],
    },
}


@pytest.mark.parametrize("data", NOT_READABLE.values(), ids=NOT_READABLE.keys())
def test_answers_from_response_refuses_what_it_cannot_read(engine, data):
    with pytest.raises(ValueError):
        fhir.answers_from_response(engine, data)


def test_answers_json_before_finishing_redirects(app, walk_wizard, discuss_answers):
    fresh = app.test_client()
    assert fresh.get("/summary/answers.json").status_code == 302
    halfway = app.test_client()
    walk_wizard(
        halfway,
        {
            q: a
            for q, a in discuss_answers.items()
            if q
            in (
                "warning_signs",
                "pain_area",
                "pain_duration",
                "pain_pattern",
                "pain_intensity",
                "diagnosis",
            )
        },
    )
    with halfway.session_transaction() as session:
        assert session["answers"], "the patient has answered the first steps"
    response = halfway.get("/summary/answers.json")
    assert response.status_code == 302
    assert "Content-Disposition" not in response.headers


def test_answers_json_after_finishing_is_a_download_of_the_patients_answers(
    app, engine, walk_wizard, discuss_answers
):
    patient = app.test_client()
    walk_wizard(patient, discuss_answers)
    response = patient.get("/summary/answers.json")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    resource = json.loads(response.data)
    QuestionnaireResponse.model_validate(resource)
    assert fhir.answers_from_response(engine, resource) == discuss_answers


def test_answers_json_after_an_early_stop_holds_only_what_was_asked(app, engine, walk_wizard):
    patient = app.test_client()
    walk_wizard(patient, {"warning_signs": ["bladder_bowel", "fever"]})
    response = patient.get("/summary/answers.json")
    assert response.status_code == 200
    assert fhir.answers_from_response(engine, json.loads(response.data)) == {
        "warning_signs": ["bladder_bowel", "fever"]
    }


def test_a_download_from_version_1_with_groups_named_after_their_step_still_imports(engine):
    """Files patients downloaded before groups got their own linkId (step.<id>)."""
    resource = fhir.response(engine.ruleset, {"warning_signs": ["fever", "night_pain"]})
    for group in resource["item"]:
        group["linkId"] = group["linkId"].removeprefix("step.")
    assert resource["item"][0]["linkId"] == resource["item"][0]["item"][0]["linkId"]
    assert fhir.answers_from_response(engine, resource) == {
        "warning_signs": ["fever", "night_pain"]
    }


def test_choices_are_shown_as_radio_buttons_or_check_boxes_as_in_the_app(items, rules_data):
    control = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
    for q in questions_of(rules_data):
        if q["type"] == "integer":
            continue
        [extension] = [e for e in items[q["id"]]["extension"] if e["url"] == control]
        [coding] = extension["valueCodeableConcept"]["coding"]
        assert coding["code"] == ("check-box" if q["type"] == "multi" else "radio-button")
