"""The clinical review of 2.0.0, finding by finding, through POST /api/v1/evaluate (rules 3.0.0).

Each test states what a person would notice. Every one of them fails on 2.0.0 (its answer sets
either got the wrong headline there, or lacked the finding, or 2.0.0 had no such answer), and
passes now. The review: ../shared/research/reviews-2026-12-06/clinical-review-of-2.0.0.md.
"""

from __future__ import annotations

import pytest
from sample_answers import DISCUSS_ANSWERS

EVALUATE = "/api/v1/evaluate"
STEM_CELL_NOTES = {"regulatory", "evidence", "questions_to_ask", "clinic_warning_signs"}
STEM_CELL_NOTES |= {"check_with_the_fda"}


def evaluate(client, answers, status=200):
    response = client.post(EVALUATE, json={"answers": answers})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def complete(**changes):
    return {**DISCUSS_ANSWERS, **changes}


def finding_rules(body):
    return [f["rule"] for f in body["findings"]]


# --- Critical: emergencies that reached a routine outcome ----------------------------------------


def test_f1_sudden_double_vision_or_trouble_speaking_with_neck_pain_is_an_emergency(client):
    body = evaluate(client, complete(warning_signs=["face_vision_speech"], pain_area="neck"))
    assert body["outcome"]["id"] == "emergency"
    assert body["stopped_after"] == "warning_signs"


def test_f2_new_pain_in_both_legs_is_an_emergency_not_other_steps_first(client):
    body = evaluate(
        client, complete(warning_signs=["leg_weakness"], pain_duration="under_3_months")
    )
    assert body["outcome"]["id"] == "emergency"
    leg = next(f for f in body["findings"] if f["rule"] == "leg_weakness_sign")
    assert "both legs" in leg["text"] and "pain" in leg["text"].lower()


def test_f3_new_problems_with_sex_since_the_pain_started_is_an_emergency(client):
    assert evaluate(client, {"warning_signs": ["sexual_function"]})["outcome"]["id"] == "emergency"


def test_f4_a_fever_with_a_stiff_neck_is_an_emergency_not_24_hours(client):
    body = evaluate(client, {"warning_signs": ["fever_stiff_neck"]})
    assert body["outcome"]["id"] == "emergency"
    assert "meningitis" in body["findings"][0]["text"]


@pytest.mark.parametrize("sign", ["sudden_headache", "aorta_pain"])
def test_the_second_reads_thunderclap_headache_and_burst_aorta_are_emergencies(client, sign):
    assert evaluate(client, {"warning_signs": [sign]})["outcome"]["id"] == "emergency"


def test_a_fever_with_an_infection_risk_is_an_emergency_each_alone_urgent(client):
    both = evaluate(client, {"warning_signs": ["fever", "infection_risk"]})
    assert both["outcome"]["id"] == "emergency"
    assert "fever_with_infection_risk" in both["fired"]
    for sign in ("fever", "infection_risk"):
        assert evaluate(client, {"warning_signs": [sign]})["outcome"]["id"] == "urgent"


def test_f5_pain_between_the_shoulder_blades_can_be_reported_and_is_urgent(client):
    body = evaluate(client, {"warning_signs": ["upper_back_pain"]})
    assert body["outcome"]["id"] == "urgent"


# --- High: a child told criteria may apply; citations -------------------------------------------


def test_f6_a_15_year_old_is_usually_excluded_and_first_told_to_see_the_childs_doctor(client):
    body = evaluate(client, complete(age=15))
    assert body["outcome"]["id"] == "usually_excluded"
    first = body["findings"][0]
    assert (first["rule"], first["criterion"]) == ("under_18", "safety")
    assert "their doctor" in first["text"]
    assert "general_criteria_may_apply" not in body["fired"]


def test_f6_at_18_the_general_criteria_can_apply(client):
    assert evaluate(client, complete(age=18))["outcome"]["id"] == "discuss"


def test_f7_the_404_person_trial_cites_its_own_source_beside_respine(client):
    body = evaluate(client, complete())
    evidence = next(n for n in body["notes"] if n["id"] == "evidence")
    assert "404" in evidence["text"]
    assert evidence["sources"] == ["respine-2024", "mesoblast-2026"]
    assert evidence["source"] == "respine-2024"
    assert {"respine-2024", "mesoblast-2026"} <= set(body["sources"])


def test_f8_immune_reactions_cite_the_isscr_and_the_fda_note_names_its_own_harms(client):
    regulatory = next(n for n in evaluate(client, complete())["notes"] if n["id"] == "regulatory")
    assert "isscr-handbook" in regulatory["sources"]
    assert "ISSCR" in regulatory["text"] and "neck pain" in regulatory["text"]


def test_f9_each_clinic_warning_sign_names_who_warns_and_no_unsourced_sign_is_left(client):
    signs = next(
        n for n in evaluate(client, complete())["notes"] if n["id"] == "clinic_warning_signs"
    )
    assert all(item.rstrip(".").endswith(")") for item in signs["items"])
    assert not any("decide fast" in item for item in signs["items"])
    assert set(signs["sources"]) == {"isscr-handbook", "turner-2017", "fda-2021"}


# --- Medium: safety advice, over-triage, pain 10, discs, fractures -------------------------------


@pytest.mark.parametrize(
    ("condition", "rule"),
    [
        ("active_cancer", "cancer_safety"),
        ("immune_suppressants", "immune_safety"),
        ("active_infection", "infection_safety"),
        ("pregnant", "pregnancy_safety"),
    ],
)
def test_f10_f11_risky_health_answers_get_safety_advice_besides_the_exclusion(
    client, condition, rule
):
    body = evaluate(client, complete(health_conditions=[condition]))
    assert body["outcome"]["id"] == "usually_excluded"
    finding = next(f for f in body["findings"] if f["rule"] == rule)
    assert finding["criterion"] == "safety"


def test_f14_a_small_fall_with_weak_bones_is_urgent_not_911(client):
    body = evaluate(client, {"warning_signs": ["minor_fall_weak_bones"]})
    assert body["outcome"]["id"] == "urgent"
    assert "serious_injury_sign" not in body["fired"]


def test_f15_pain_of_10_gets_no_finding_that_studies_look_for_this_level(client):
    body = evaluate(client, complete(pain_intensity=10))
    assert "moderate_or_worse_pain" not in finding_rules(body)
    assert not any("look for pain at this level" in f["text"] for f in body["findings"])
    assert "worst_pain" in finding_rules(body)
    assert "moderate_or_worse_pain" in finding_rules(evaluate(client, complete(pain_intensity=9)))


def test_f17_three_or_more_painful_discs_usually_rule_it_out(client):
    body = evaluate(client, complete(disc_count="three_or_more"))
    assert body["outcome"]["id"] == "usually_excluded"


def test_f17_two_discs_get_a_finding_that_the_cited_studies_treat_one(client):
    body = evaluate(client, complete(disc_count="two"))
    assert body["outcome"]["id"] == "discuss"
    assert "two_or_unknown_discs" in finding_rules(body)


def test_f18_an_earlier_broken_bone_in_the_spine_says_some_studies_leave_it_out(client):
    body = evaluate(client, complete(previous_procedures=["spine_fracture"]))
    assert body["outcome"]["id"] == "usually_excluded"
    finding = next(f for f in body["findings"] if f["rule"] == "previous_spine_fracture")
    assert finding["text"].count("Some studies") == 1


def test_new_pain_after_50_is_flagged_for_a_check_at_50_not_at_49(client):
    new = {"pain_duration": "under_3_months", "treatment_duration": "3_to_6_months"}  # (3.1.0)
    at_50 = evaluate(client, complete(age=50, **new))
    at_49 = evaluate(client, complete(age=49, **new))
    assert "new_pain_after_50" in finding_rules(at_50)
    assert "new_pain_after_50" not in finding_rules(at_49)


def test_over_75_gets_a_finding_that_some_studies_stop_at_75(client):
    assert "over_75" in finding_rules(evaluate(client, complete(age=76)))
    assert "over_75" not in finding_rules(evaluate(client, complete(age=75)))


@pytest.mark.parametrize("outcome_answers", [{}, {"age": 15}, {"pain_duration": "3_to_6_months"}])
def test_every_lower_outcome_carries_the_safety_net(client, outcome_answers):
    body = evaluate(client, complete(**outcome_answers))
    net = next(f for f in body["findings"] if f["rule"] == "no_warning_signs")
    assert net["criterion"] == "safety" and "911" in net["text"]


# --- Low: the API's notes beside an emergency (F30) ----------------------------------------------


def test_f30_a_stopped_emergency_has_no_stem_cell_notes(client):
    body = evaluate(client, {"warning_signs": ["bladder_bowel"]})
    assert body["outcome"]["id"] == "emergency"
    assert not {n["id"] for n in body["notes"]} & STEM_CELL_NOTES
    assert {n["id"] for n in body["notes"]} == {"consult"}


def test_answers_after_an_emergency_are_checked_but_not_evaluated(client):
    body = evaluate(client, complete(warning_signs=["chest_pain"], health_conditions=["pregnant"]))
    assert body["outcome"]["id"] == "emergency"
    assert "pregnancy" not in body["fired"]
    bad = evaluate(client, {"warning_signs": ["chest_pain"], "age": 300}, status=422)
    assert [e["question"] for e in bad["errors"]] == ["age"]


# --- Urgent: a stop that can be continued, except with a fever -----------------------------------


def test_urgent_signs_alone_give_urgent_stopped(client):
    body = evaluate(client, {"warning_signs": ["night_pain"]})
    assert (body["outcome"]["id"], body["stopped_after"]) == ("urgent", "warning_signs")
    assert not {n["id"] for n in body["notes"]} & STEM_CELL_NOTES


def test_a_continued_urgent_stop_keeps_urgent_and_adds_every_later_finding(client):
    body = evaluate(client, complete(warning_signs=["night_pain"], age=15))
    assert body["outcome"]["id"] == "urgent"
    assert body["stopped_after"] is None
    assert {"spine_signs", "under_18", "one_disc", "self_pay"} <= set(finding_rules(body))
    assert body["studies"] == [] or not any(s["meets_main_criteria"] for s in body["studies"])


def test_an_urgent_stop_with_a_fever_cannot_be_continued(client):
    body = evaluate(client, complete(warning_signs=["fever", "night_pain"], age=15))
    assert (body["outcome"]["id"], body["stopped_after"]) == ("urgent", "warning_signs")
    assert "under_18" not in body["fired"]


# --- Partial answer sets whose headline is already certain --------------------------------------


def test_a_partial_answer_set_with_a_certain_headline_gets_200_and_the_questions_left(client):
    body = evaluate(client, {"warning_signs": ["none"], "age": 15})
    assert body["outcome"]["id"] == "usually_excluded"
    assert body["unanswered"][:2] == ["pain_area", "pain_duration"]
    assert "under_18" in finding_rules(body)


def test_neck_only_pain_is_certain_before_the_rest(client):
    body = evaluate(client, {"warning_signs": ["none"], "age": 40, "pain_area": "neck"})
    assert body["outcome"]["id"] == "usually_excluded"
    assert "pain_duration" in body["unanswered"]


def test_a_partial_answer_set_whose_headline_is_open_gets_422(client):
    body = evaluate(client, {"warning_signs": ["none"], "age": 40}, status=422)
    assert {e["code"] for e in body["errors"]} == {"missing"}
    assert "pain_area" in [e["question"] for e in body["errors"]]


def test_a_complete_answer_set_has_nothing_unanswered(client):
    assert evaluate(client, complete())["unanswered"] == []


def test_a_v2_answer_set_without_age_is_refused_naming_age_and_disc_count(client):
    v2 = {k: v for k, v in DISCUSS_ANSWERS.items() if k not in ("age", "disc_count")}
    body = evaluate(client, v2, status=422)
    assert {e["question"] for e in body["errors"]} == {"age", "disc_count"}
