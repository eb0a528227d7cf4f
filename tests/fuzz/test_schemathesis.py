"""Fuzzing the JSON API from its own OpenAPI document (/api/v1/openapi.json) with schemathesis.

Every operation in the document gets valid and invalid requests that schemathesis derives from
the schema, and every response goes through every check schemathesis has (no server error,
documented status, content type and headers, schema conformance, invalid data refused, valid
data accepted, undeclared methods answered 405 with Allow, ...). One setting: POST /evaluate may
answer a schema-valid body with 422, as its description says (every shown question needs an
answer, which the schema does not express). Schemathesis knows nothing of the skip logic, so
most of its valid-looking answers are refused (422). So POST /api/v1/evaluate also gets valid answer
sets drawn from the rules, to check the 200 response as often, and answers with any JSON value
under real question ids, as the engine's own fuzzing does, through the same checks.
"""

from __future__ import annotations

import pytest
import schemathesis
from fuzzing import APP, JSON_VALUES, answer_objects, check_budget, count, examples, valid_answers
from hypothesis import given, settings
from hypothesis import strategies as st

ENGINE = APP.extensions["questionnaire"]
CHECKS = None  # every check schemathesis has, as configured in CONFIG

# schemathesis.openapi.from_wsgi leaves out the operation that serves the document itself;
# loading the same document with from_dict and the same app keeps every operation in.
DOCUMENT = APP.test_client().get("/api/v1/openapi.json").get_json()
CONFIG = schemathesis.Config.from_dict(
    {
        "operations": [
            {
                "include-path": "/api/v1/evaluate",
                "include-method": "POST",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["200", "422"]}},
            }
        ]
    }
)
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)
SCHEMA.app = APP
OPERATIONS = {
    f"{method.upper()} {path}" for path, item in DOCUMENT["paths"].items() for method in item
}

SCHEMA_TEST = "test_every_api_operation_answers_as_its_schema_says"
VALID_TEST = "test_valid_answers_get_a_summary_that_matches_the_schema"
ANY_TEST = "test_any_json_answers_get_a_summary_or_a_422_that_match_the_schema"
# Operations without parameters have only a few distinct requests: hypothesis stops early.
BUDGET = {
    f"{SCHEMA_TEST}[POST /api/v1/evaluate]": examples(8),
    VALID_TEST: examples(5),
    ANY_TEST: examples(5),
}


def test_the_api_document_lists_every_operation_schemathesis_tests():
    tested = {op.ok().label for op in SCHEMA.get_all_operations()}
    assert tested == OPERATIONS


@SCHEMA.parametrize()
@settings(max_examples=examples(8))
def test_every_api_operation_answers_as_its_schema_says(inputs, case):
    count(inputs, case.operation.label)
    case.call_and_validate(checks=CHECKS)


EVALUATE = SCHEMA["/api/v1/evaluate"]["POST"]


@settings(max_examples=BUDGET[VALID_TEST])
@given(drawn=valid_answers(ENGINE))
def test_valid_answers_get_a_summary_that_matches_the_schema(inputs, drawn):
    count(inputs)
    case = EVALUATE.Case(body={"answers": drawn.answers}, media_type="application/json")
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 200, response.text


@settings(max_examples=BUDGET[ANY_TEST])
@given(answers=answer_objects(ENGINE) | st.dictionaries(st.text(max_size=12), JSON_VALUES))
def test_any_json_answers_get_a_summary_or_a_422_that_match_the_schema(inputs, answers):
    count(inputs)
    case = EVALUATE.Case(body={"answers": answers}, media_type="application/json")
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code in (200, 422), response.text


def test_every_api_fuzz_test_ran_its_planned_inputs(inputs, failed):
    check_budget(BUDGET, inputs, failed)
    for operation in OPERATIONS - {"POST /api/v1/evaluate"}:
        if not inputs[f"{SCHEMA_TEST}[{operation}]"]:
            pytest.fail(f"schemathesis sent nothing to {operation}")
