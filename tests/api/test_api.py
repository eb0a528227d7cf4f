"""The JSON API under /api/v1 (design.md section 5): questionnaire, evaluate, OpenAPI, errors."""

from __future__ import annotations

import pytest

EVALUATE = "/api/v1/evaluate"
JSON = "application/json"

# design.md section 3: step -> question -> (type, choice values), in order.
DESIGN = {
    "warning_signs": {
        "warning_signs": (
            "multi",
            [
                "bladder_bowel",
                "saddle_numbness",
                "sexual_function",
                "leg_weakness",
                "arm_weakness",
                "face_vision_speech",
                "fever_stiff_neck",
                "sudden_headache",
                "aorta_pain",
                "serious_injury",
                "chest_pain",
                "fever",
                "weight_loss",
                "cancer_history",
                "night_pain",
                "back_shape",
                "upper_back_pain",
                "infection_risk",
                "minor_fall_weak_bones",
                "none",
            ],
        ),
    },
    "about_you": {"age": ("integer", [])},
    "pain": {
        "pain_area": ("single", ["lower_back", "neck", "both"]),
        "pain_duration": (
            "single",
            ["under_3_months", "3_to_6_months", "6_to_12_months", "1_to_5_years", "over_5_years"],
        ),
        "pain_pattern": ("single", ["mostly_back", "back_and_limb", "mostly_limb"]),
        "pain_intensity": ("integer", []),
        "diagnosis": ("single", ["yes_imaging", "yes_no_imaging", "no", "not_sure"]),
        "disc_count": ("single", ["one", "two", "three_or_more", "not_told"]),
    },
    "treatments": {
        "treatments_tried": (
            "multi",
            [
                "physical_therapy",
                "home_exercise",
                "pain_medication",
                "injections",
                "manual_therapy",
                "pain_program",
                "none",
            ],
        ),
        "treatment_duration": ("single", ["under_3_months", "3_to_6_months", "over_6_months"]),
        "treatment_relief": ("single", ["lasting", "some", "little_or_none"]),
        "previous_procedures": (
            "multi",
            [
                "fusion_or_replacement",
                "discectomy_or_laminectomy",
                "disc_injection_or_cells",
                "spine_fracture",
                "none",
            ],
        ),
    },
    "health": {
        "health_conditions": (
            "multi",
            [
                "pregnant",
                "active_infection",
                "active_cancer",
                "immune_suppressants",
                "blood_thinners_or_bleeding",
                "uncontrolled_diabetes_or_bp",
                "osteoporosis",
                "none",
            ],
        ),
        "overall_health": ("single", ["good", "fair", "poor"]),
    },
    "cost_access": {
        "payment": ("single", ["insurance_only", "self_pay_possible", "not_sure"]),
        "clinical_trial": ("single", ["yes", "maybe", "no"]),
        "travel": ("single", ["yes", "maybe", "no"]),
    },
}


def assert_json(response) -> dict:
    """Every response under /api is JSON, never an HTML page."""
    assert response.mimetype == JSON, response.get_data(as_text=True)[:200]
    assert "<html" not in response.get_data(as_text=True).lower()
    return response.get_json()


def with_changes(answers: dict, changes: dict) -> dict:
    """The answers with some replaced; None removes an answer."""
    result = {**answers, **changes}
    return {k: v for k, v in result.items() if v is not None}


# --- GET /api/v1/questionnaire --------------------------------------------------------------


@pytest.fixture()
def questionnaire(client) -> dict:
    response = client.get("/api/v1/questionnaire")
    assert response.status_code == 200
    return assert_json(response)


def test_questionnaire_lists_the_steps_in_design_order(questionnaire):
    assert [s["id"] for s in questionnaire["steps"]] == list(DESIGN)


@pytest.mark.parametrize("step_id", list(DESIGN))
def test_questionnaire_lists_each_steps_questions_types_and_choices(questionnaire, step_id):
    step = next(s for s in questionnaire["steps"] if s["id"] == step_id)
    got = {q["id"]: (q["type"], [c["value"] for c in q["choices"]]) for q in step["questions"]}
    assert [q["id"] for q in step["questions"]] == list(DESIGN[step_id])
    assert got == DESIGN[step_id]


def test_questionnaire_pain_score_is_a_whole_number_from_0_to_10(questionnaire):
    pain = next(s for s in questionnaire["steps"] if s["id"] == "pain")
    score = next(q for q in pain["questions"] if q["id"] == "pain_intensity")
    assert (score["min"], score["max"]) == (0, 10)


def test_questionnaire_multi_selects_have_an_exclusive_none(questionnaire):
    multis = [q for s in questionnaire["steps"] for q in s["questions"] if q["type"] == "multi"]
    assert len(multis) == 4
    for question in multis:
        exclusive = [c["value"] for c in question["choices"] if c["exclusive"]]
        assert exclusive == ["none"], question["id"]


def test_questionnaire_skips_treatment_details_when_no_treatment_was_tried(questionnaire):
    treatments = next(s for s in questionnaire["steps"] if s["id"] == "treatments")
    show_if = {q["id"]: q["show_if"] for q in treatments["questions"]}
    skip = {"not": {"q": "treatments_tried", "has": "none"}}
    assert show_if == {
        "treatments_tried": None,
        "treatment_duration": skip,
        "treatment_relief": skip,
        "previous_procedures": None,
    }


def test_questionnaire_lists_the_five_outcomes_highest_priority_first(questionnaire):
    assert [o["id"] for o in questionnaire["outcomes"]] == [
        "emergency",
        "urgent",
        "usually_excluded",
        "not_yet",
        "discuss",
    ]


# --- POST /api/v1/evaluate: success ---------------------------------------------------------


def test_evaluate_returns_the_contract_shape(client, discuss_answers, questionnaire):
    response = client.post(EVALUATE, json={"answers": discuss_answers})
    assert response.status_code == 200
    body = assert_json(response)
    assert {"outcome", "findings", "notes", "trace", "rules_version"} <= set(body)
    assert {"id", "title", "message"} <= set(body["outcome"])
    assert body["outcome"]["id"] == "discuss"
    assert body["outcome"]["title"] and body["outcome"]["message"]
    assert body["rules_version"] == questionnaire["meta"]["version"]
    assert body["findings"]
    for finding in body["findings"]:
        assert {"rule", "criterion", "text", "source"} <= set(finding)
    for note in body["notes"]:
        assert {"id", "text"} <= set(note)
    assert {"consult", "regulatory"} <= {n["id"] for n in body["notes"]}
    for entry in body["trace"]:
        assert {"rule", "matched", "because"} <= set(entry)
        assert isinstance(entry["matched"], bool) and entry["because"]


def test_evaluate_trace_explains_every_finding_as_a_matched_rule(client, discuss_answers):
    body = client.post(EVALUATE, json={"answers": discuss_answers}).get_json()
    matched = {t["rule"] for t in body["trace"] if t["matched"]}
    assert {f["rule"] for f in body["findings"]} <= matched
    assert "general_criteria_may_apply" in matched
    assert "mild_pain" not in matched


def test_evaluate_sets_no_cookie(client, discuss_answers):
    response = client.post(EVALUATE, json={"answers": discuss_answers})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, "discuss", id="all-criteria-met-discuss"),
        pytest.param({"pain_intensity": 4}, "discuss", id="pain-4-is-enough-discuss"),
        pytest.param(
            {"pain_area": "both", "pain_pattern": "back_and_limb"},
            "discuss",
            id="back-and-neck-and-limb-pain-discuss",
        ),
        pytest.param({"pain_area": "neck"}, "usually_excluded", id="neck-only-excluded"),
        pytest.param({"pain_duration": "3_to_6_months"}, "not_yet", id="3-to-6-months-not-yet"),
        pytest.param({"pain_duration": "6_to_12_months"}, "discuss", id="6-to-12-months-discuss"),
        pytest.param({"warning_signs": ["arm_weakness"]}, "emergency", id="arm-weakness-emergency"),
        pytest.param({"warning_signs": ["back_shape"]}, "urgent", id="back-shape-urgent"),
        pytest.param({"warning_signs": ["bladder_bowel"]}, "emergency", id="bladder-emergency"),
        pytest.param({"warning_signs": ["chest_pain"]}, "emergency", id="chest-pain-emergency"),
        pytest.param(
            {"warning_signs": ["fever", "leg_weakness"]},
            "emergency",
            id="emergency-outranks-urgent",
        ),
        pytest.param({"warning_signs": ["fever"]}, "urgent", id="fever-urgent"),
        pytest.param({"warning_signs": ["night_pain"]}, "urgent", id="night-pain-urgent"),
        pytest.param(
            {"health_conditions": ["pregnant"]}, "usually_excluded", id="pregnant-excluded"
        ),
        pytest.param(
            {"health_conditions": ["osteoporosis", "immune_suppressants"]},
            "usually_excluded",
            id="immune-suppressants-excluded",
        ),
        pytest.param(
            {"previous_procedures": ["fusion_or_replacement"]},
            "usually_excluded",
            id="fusion-excluded",
        ),
        pytest.param(
            {
                "pain_pattern": "mostly_limb",
                "pain_duration": "under_3_months",
                "treatment_duration": "3_to_6_months",  # over 6 months is asked back (3.1.0)
            },
            "usually_excluded",
            id="excluded-outranks-not-yet",
        ),
        pytest.param(
            {"pain_duration": "under_3_months", "treatment_duration": "3_to_6_months"},
            "not_yet",
            id="new-pain-not-yet",
        ),
        pytest.param({"pain_intensity": 3}, "not_yet", id="mild-pain-not-yet"),
        pytest.param({"diagnosis": "no"}, "not_yet", id="no-diagnosis-not-yet"),
        pytest.param(
            {"treatments_tried": ["none"], "treatment_duration": None, "treatment_relief": None},
            "not_yet",
            id="no-treatment-not-yet",
        ),
        pytest.param(
            {"treatment_duration": "under_3_months"}, "not_yet", id="short-treatment-not-yet"
        ),
        pytest.param({"treatment_relief": "lasting"}, "not_yet", id="lasting-relief-not-yet"),
    ],
)
def test_evaluate_gives_the_highest_priority_outcome(client, discuss_answers, changes, expected):
    response = client.post(EVALUATE, json={"answers": with_changes(discuss_answers, changes)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert assert_json(response)["outcome"]["id"] == expected


@pytest.mark.parametrize(
    ("signs", "expected"),
    [
        pytest.param(["saddle_numbness"], "emergency", id="emergency"),
        pytest.param(["weight_loss", "cancer_history"], "urgent", id="urgent"),
    ],
)
def test_evaluate_stops_early_on_warning_signs_alone(client, signs, expected):
    response = client.post(EVALUATE, json={"answers": {"warning_signs": signs}})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = assert_json(response)
    assert body["outcome"]["id"] == expected
    assert body["stopped_after"] == "warning_signs"
    assert {f["criterion"] for f in body["findings"]} == {"safety"}


def test_evaluate_does_not_stop_early_without_warning_signs(client):
    response = client.post(EVALUATE, json={"answers": {"warning_signs": ["none"]}})
    assert response.status_code == 422
    missing = {e["question"] for e in assert_json(response)["errors"]}
    assert {"pain_area", "travel"} <= missing


def test_evaluate_drops_treatment_details_when_no_treatment_was_tried(client, discuss_answers):
    answers = with_changes(discuss_answers, {"treatments_tried": ["none"]})
    body = client.post(EVALUATE, json={"answers": answers}).get_json()
    assert body["outcome"]["id"] == "not_yet"
    assert body["dropped"] == ["treatment_duration", "treatment_relief"]


# --- errors ---------------------------------------------------------------------------------

OVERSIZED = '{"answers": {}, "padding": "' + "x" * (65 * 1024) + '"}'


@pytest.mark.parametrize(
    ("method", "path", "request_kwargs", "status"),
    [
        pytest.param(
            "POST",
            EVALUATE,
            {"data": '{"answers": {', "content_type": JSON},
            400,
            id="400-invalid-json-text",
        ),
        pytest.param(
            "POST",
            EVALUATE,
            {"data": '[{"answers": {}}]', "content_type": JSON},
            400,
            id="400-json-array",
        ),
        pytest.param(
            "POST", EVALUATE, {"data": '"answers"', "content_type": JSON}, 400, id="400-json-string"
        ),
        pytest.param(
            "POST", EVALUATE, {"data": {"warning_signs": "fever"}}, 415, id="415-form-encoded"
        ),
        pytest.param(
            "POST",
            EVALUATE,
            {"data": '{"answers": {}}', "content_type": "text/plain"},
            415,
            id="415-text-plain",
        ),
        pytest.param("GET", "/api/v1/no-such-thing", {}, 404, id="404-unknown-api-path"),
        pytest.param(
            "POST", "/api/v2/evaluate", {"json": {"answers": {}}}, 404, id="404-unknown-api-version"
        ),
        pytest.param("GET", EVALUATE, {}, 405, id="405-get-evaluate"),
        pytest.param(
            "POST",
            EVALUATE,
            {"data": OVERSIZED, "content_type": JSON},
            413,
            id="413-body-over-64kb",
        ),
    ],
)
def test_bad_requests_get_a_json_problem(client, method, path, request_kwargs, status):
    response = client.open(path, method=method, **request_kwargs)
    assert response.status_code == status
    body = assert_json(response)
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]


@pytest.mark.parametrize(
    ("body", "question", "code"),
    [
        pytest.param(lambda a: {}, None, "wrong_type", id="missing-answers-field"),
        pytest.param(
            lambda a: {"answers": a, "language": "en"},
            None,
            "wrong_type",
            id="extra-top-level-field",
        ),
        pytest.param(
            lambda a: {"answers": {**a, "favourite_colour": "blue"}},
            "favourite_colour",
            "unknown_question",
            id="unknown-question",
        ),
        pytest.param(
            lambda a: {"answers": {**a, "pain_area": "knee"}},
            "pain_area",
            "unknown_choice",
            id="unknown-choice",
        ),
        pytest.param(
            lambda a: {"answers": {**a, "treatments_tried": ["yoga"]}},
            "treatments_tried",
            "unknown_choice",
            id="unknown-choice-in-multi",
        ),
        pytest.param(
            lambda a: {"answers": {**a, "pain_intensity": 11}},
            "pain_intensity",
            "out_of_range",
            id="out-of-range-high",
        ),
        pytest.param(
            lambda a: {"answers": {**a, "pain_intensity": -1}},
            "pain_intensity",
            "out_of_range",
            id="out-of-range-low",
        ),
        pytest.param(
            lambda a: {"answers": {**a, "pain_intensity": "6"}},
            "pain_intensity",
            "wrong_type",
            id="wrong-type-number-as-text",
        ),
        pytest.param(
            lambda a: {"answers": {**a, "pain_area": ["lower_back"]}},
            "pain_area",
            "wrong_type",
            id="wrong-type-list-for-single",
        ),
        pytest.param(
            lambda a: {"answers": {**a, "warning_signs": ["none", "fever"]}},
            "warning_signs",
            "exclusive",
            id="none-with-others",
        ),
        pytest.param(
            lambda a: {"answers": with_changes(a, {"age": None})},
            "age",
            "missing",
            id="missing-answer",
        ),
        pytest.param(
            lambda a: {"answers": with_changes(a, {"pain_intensity": None})},
            "pain_intensity",
            "missing",
            id="missing-pain-score",
        ),
        pytest.param(lambda a: {"answers": {}}, "warning_signs", "missing", id="no-answers-at-all"),
    ],
)
def test_answers_that_cannot_be_evaluated_get_422_naming_the_question(
    client, discuss_answers, body, question, code
):
    response = client.post(EVALUATE, json=body(discuss_answers))
    assert response.status_code == 422
    payload = assert_json(response)
    assert payload["message"]
    for error in payload["errors"]:
        assert "question" in error
        assert isinstance(error["message"], str) and error["message"]
    assert (question, code) in [(e["question"], e["code"]) for e in payload["errors"]]


def test_422_lists_every_problem_at_once(client, discuss_answers):
    answers = with_changes(
        discuss_answers, {"pain_area": "knee", "pain_intensity": 42, "travel": None}
    )
    response = client.post(EVALUATE, json={"answers": answers})
    assert response.status_code == 422
    questions = [e["question"] for e in assert_json(response)["errors"]]
    assert questions == ["pain_area", "pain_intensity", "travel"]


def test_deeply_nested_json_is_a_400_not_a_crash(client):
    body = '{"answers": ' + "[" * 20000 + "]" * 20000 + "}"
    response = client.post("/api/v1/evaluate", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.is_json and "nested" in response.get_json()["message"]


def test_evaluate_names_the_deciding_answers_in_the_outcome(client, discuss_answers, questionnaire):
    answers = with_changes(
        discuss_answers, {"health_conditions": ["pregnant", "blood_thinners_or_bleeding"]}
    )
    body = assert_json(client.post(EVALUATE, json={"answers": answers}))

    assert body["outcome"]["id"] == "usually_excluded"
    because = body["outcome"]["because"]
    assert because, "the headline must say which answers decided it"
    said = [a for reason in because for a in reason["answers"]]
    health = next(
        q for s in questionnaire["steps"] for q in s["questions"] if q["id"] == "health_conditions"
    )
    words = {c["value"]: c.get("said") or c["label"] for c in health["choices"]}
    # Only the answer that rules the treatment out, not the blood thinners next to it.
    assert [(a["question"], a["answer"]) for a in said] == [
        ("health_conditions", words["pregnant"])
    ]
    assert said[0]["answer"].startswith("you are pregnant or breastfeeding")
    fired = {t["rule"] for t in body["trace"] if t["matched"]}
    assert {r["rule"] for r in because} <= fired


def test_an_emergency_carries_its_call_action_and_next_steps(client, rules):
    answers = {"warning_signs": ["bladder_bowel"]}
    outcome = assert_json(client.post(EVALUATE, json={"answers": answers}))["outcome"]
    written = next(o for o in rules["outcomes"] if o["id"] == "emergency")
    assert outcome["id"] == "emergency"
    # The number the summary card links as tel:911, so a client can offer the same tap to call.
    assert outcome["call"] == {"label": "Call 911", "number": "911"} == written["call"]
    assert outcome["next_steps"] == written["next_steps"]
    assert outcome["next_steps"][0] == "Do not drive yourself."


def test_discuss_carries_its_two_to_four_next_steps_and_no_call(client, discuss_answers, rules):
    outcome = assert_json(client.post(EVALUATE, json={"answers": discuss_answers}))["outcome"]
    assert outcome["id"] == "discuss"
    assert outcome["call"] is None
    assert 2 <= len(outcome["next_steps"]) <= 4
    written = next(o for o in rules["outcomes"] if o["id"] == "discuss")
    assert outcome["next_steps"] == written["next_steps"]
