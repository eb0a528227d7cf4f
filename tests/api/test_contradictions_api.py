"""Contradicting answers through the API and `flask rules eval` (rules 3.1.0, issue 21 item 6):
422 naming the later question, with rules.yaml's message; exit 2 with the same message."""

from __future__ import annotations

import json

EVALUATE = "/api/v1/evaluate"


def contradicting(discuss_answers) -> dict:
    return {**discuss_answers, "pain_duration": "under_3_months"}


def test_the_api_answers_422_naming_the_later_question(client, discuss_answers, rules):
    response = client.post(EVALUATE, json={"answers": contradicting(discuss_answers)})

    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    treatments = next(
        q for s in rules["steps"] for q in s["questions"] if q["id"] == "treatment_duration"
    )
    assert error["question"] == "treatment_duration"
    assert error["message"] == " ".join(treatments["contradictions"][0]["message"].split())


def test_the_api_says_it_in_spanish(client, discuss_answers):
    response = client.post(EVALUATE + "?lang=es", json={"answers": contradicting(discuss_answers)})

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"].startswith("Su tiempo de tratamiento")


def test_one_step_from_it_the_api_answers(client, discuss_answers):
    answers = {**contradicting(discuss_answers), "treatment_duration": "3_to_6_months"}

    response = client.post(EVALUATE, json={"answers": answers})

    assert response.status_code == 200
    assert response.get_json()["outcome"]["id"] == "not_yet"


def test_rules_eval_exits_2_with_the_message(app, discuss_answers):
    runner = app.test_cli_runner()

    result = runner.invoke(
        args=["rules", "eval", "-"], input=json.dumps(contradicting(discuss_answers))
    )

    assert result.exit_code == 2
    assert "treatment_duration: Your treatment time cannot be longer than your pain" in (
        result.output
    )


def test_an_urgent_sign_beside_a_contradiction_answers_urgent(client, discuss_answers):
    answers = {**contradicting(discuss_answers), "warning_signs": ["night_pain"]}
    response = client.post(EVALUATE, json={"answers": answers})
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["outcome"]["id"] == "urgent"
    assert "treatment_duration" in body["unanswered"]
