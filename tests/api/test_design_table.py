"""POST /api/v1/evaluate gives the headline design.md section 4 gives, for any valid answers.

The table is hand-coded in tests/design_table.py, independent of rules.yaml. Every answer set
one or two answers away from one that meets every criterion is checked (so every row, every
boundary and every pair of rows competing for the headline), then random answer sets.
"""

from __future__ import annotations

import itertools

import pytest
from design_table import BASE, answer_sets, changed, headline, one_changes
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.slow  # left out of `make quick`; `make test` runs it

EVALUATE = "/api/v1/evaluate"
OUTCOMES = ("emergency", "urgent", "usually_excluded", "not_yet", "discuss")


def evaluate(client, answers):
    response = client.post(EVALUATE, json={"answers": answers})
    assert response.status_code == 200, (answers, response.get_json())
    return response.get_json()


def test_the_base_answers_meet_every_criterion():
    assert headline(BASE) == "discuss"


def test_every_answer_set_one_or_two_answers_away_gets_the_design_headline(shared_app):
    client = shared_app.test_client()
    changes = one_changes()
    sets = [changed(c) for c in changes]
    sets += [changed(a, b) for a, b in itertools.combinations(changes, 2) if a[0] != b[0]]
    seen: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    wrong = []
    for answers in sets:
        body = evaluate(client, answers)
        seen[body["outcome"]["id"]] += 1
        if body["outcome"]["id"] != headline(answers):
            wrong.append((answers, body["outcome"]["id"], headline(answers)))
        assert body["outcome"]["because"], f"no 'because' for {answers}"
    assert wrong == [], f"{len(wrong)} of {len(sets)} disagree with design.md, e.g. {wrong[:3]}"
    assert all(seen.values()), seen


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(answers=answer_sets)
def test_random_valid_answers_get_the_design_headline(shared_app, answers):
    body = evaluate(shared_app.test_client(), answers)
    assert body["outcome"]["id"] == headline(answers)
    assert body["outcome"]["because"]


@pytest.mark.parametrize(
    "sign", ["arm_weakness", "back_shape", "leg_weakness", "cancer_history", "serious_injury"]
)
def test_the_warning_sign_card_names_the_sign(client, questionnaire, sign):
    said = {
        c["value"]: c.get("said") or c["label"]
        for c in questionnaire["steps"][0]["questions"][0]["choices"]
    }
    body = evaluate(client, changed(("warning_signs", [sign])))
    assert [a["answer"] for r in body["outcome"]["because"] for a in r["answers"]] == [said[sign]]


@pytest.fixture(scope="module")
def questionnaire(shared_app):
    return shared_app.test_client().get("/api/v1/questionnaire").get_json()
