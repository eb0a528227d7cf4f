"""GET /api/v1/openapi.json: generated from the routes and the pydantic models they use, checked by
outside tools (jsonschema for the responses, Redocly's recommended ruleset for the document)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pinned_node as node
import pytest
from jsonschema import Draft202012Validator

from questionnaire.engine import AnswersError
from questionnaire.engine.scenarios import load_scenarios, scenario_files

ROOT = Path(__file__).resolve().parents[2]
EVALUATE = "/api/v1/evaluate"
FHIR_SCHEMA = (
    ROOT / "node_modules" / "@asymmetrik" / "fhir-json-schema-validator" / "fhir.schema.json"
)


@pytest.fixture(scope="module")
def document(shared_app) -> dict:
    response = shared_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def _validator(document: dict, operation: dict, status: str) -> Draft202012Validator:
    [(media, content)] = operation["responses"][status]["content"].items()
    return Draft202012Validator({**content["schema"], "components": document["components"]})


def _operation(document: dict, path: str, method: str = "get") -> dict:
    return document["paths"][path][method]


def test_every_api_route_and_the_health_check_are_in_the_document(shared_app, document):
    routes = {
        (rule.rule, method.lower())
        for rule in shared_app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == routes
    assert {"/api/v1/fhir/Questionnaire", "/healthz"} <= set(document["paths"])


@pytest.mark.npm
def test_no_schema_is_named_like_a_fhir_resource(document):
    """Generated clients would have two classes called QuestionnaireResponse otherwise."""
    fhir_types = set(json.loads(FHIR_SCHEMA.read_text())["discriminator"]["mapping"])
    assert "QuestionnaireResponse" in fhir_types
    assert not set(document["components"]["schemas"]) & fhir_types


def test_the_answers_schema_lists_every_question_with_its_choices(document, rules):
    answers = document["components"]["schemas"]["Answers"]
    assert answers["additionalProperties"] is False
    questions = [q for step in rules["steps"] for q in step["questions"]]
    assert list(answers["properties"]) == [q["id"] for q in questions]
    for q in questions:
        prop = answers["properties"][q["id"]]
        if q["type"] == "integer":
            assert (prop["type"], prop["minimum"], prop["maximum"]) == (
                "integer",
                q["min"],
                q["max"],
            )
        else:
            values = prop["items"]["enum"] if q["type"] == "multi" else prop["enum"]
            assert values == [c["value"] for c in q["choices"]]


def test_the_questions_everyone_is_asked_are_required_by_the_schema(document, rules):
    answers = document["components"]["schemas"]["Answers"]
    first = rules["steps"][0]["questions"]
    assert answers["required"] == [q["id"] for q in first if "show_if" not in q]


def test_a_schema_valid_but_incomplete_body_is_a_documented_422(
    shared_app, document, discuss_answers
):
    operation = _operation(document, EVALUATE, "post")
    answers = document["components"]["schemas"]["Answers"]
    body = {"answers": {q: discuss_answers[q] for q in answers["required"]}}
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    Draft202012Validator({**request, "components": document["components"]}).validate(body)
    response = shared_app.test_client().post(EVALUATE, json=body)
    assert response.status_code == 422
    assert {e["code"] for e in response.get_json()["errors"]} == {"missing"}
    _validator(document, operation, "422").validate(response.get_json())
    assert "422" in operation["description"] and "needs an answer" in operation["description"]


def test_every_get_answers_with_what_its_schema_says(shared_app, document):
    client = shared_app.test_client()
    for path, item in document["paths"].items():
        if "get" not in item:
            continue
        response = client.get(path)
        assert response.status_code == 200, path
        [(media, _)] = item["get"]["responses"]["200"]["content"].items()
        assert response.mimetype == media, path
        _validator(document, item["get"], "200").validate(json.loads(response.data))


def test_a_summary_matches_the_schema_and_carries_the_summary_attributes(
    shared_app, document, discuss_answers, engine
):
    body = shared_app.test_client().post(EVALUATE, json={"answers": discuss_answers}).get_json()
    _validator(document, _operation(document, EVALUATE, "post"), "200").validate(body)
    summary = engine.evaluate(discuss_answers)
    assert body["outcome"]["id"] == summary.outcome.id
    assert body["answers"] == summary.answers
    assert body["fired"] == list(summary.fired)
    assert [r["rule"] for r in body["outcome"]["because"]] == [r.rule for r in summary.because]
    assert [t["rule"] for t in body["trace"]] == [t.rule for t in summary.trace]
    assert set(body["sources"]) == set(summary.cited())


@pytest.mark.slow  # every shipped scenario through the API: left out of make quick
def test_every_evaluate_response_is_what_the_document_declares(client, document, engine):
    """The API writes each summary through EvaluateResponse; the published schema holds it."""
    validator = _validator(document, _operation(document, EVALUATE, "post"), "200")
    sent = 0
    for scenario in (s for f in scenario_files([ROOT / "scenarios"]) for s in load_scenarios(f)):
        if engine.check(scenario.answers):
            continue  # a scenario of refused answers
        response = client.post(EVALUATE, json={"answers": scenario.answers})
        assert response.status_code == 200
        validator.validate(response.get_json())
        sent += 1
    assert sent >= 20


@pytest.mark.npm
def test_redocly_recommended_ruleset_finds_nothing_wrong(document, tmp_path):
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document))
    done = subprocess.run(
        [*node.NPX, "--no-install", "redocly", "lint", str(path), "--format=json"],
        cwd=ROOT,
        env=node.ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stdout)
    problems = [
        (p["ruleId"], p["severity"], p["location"][0]["pointer"]) for p in report["problems"]
    ]
    assert report["totals"]["errors"] == 0, problems
    assert problems == []  # no error and no warning


def _a_skipping_answer_set(engine, discuss_answers, rules) -> tuple[dict, str]:
    """Valid answers under which skip logic drops one answered question, and that question."""
    multi = [q for step in rules["steps"] for q in step["questions"] if q["type"] == "multi"]
    for q in multi:
        for choice in q["choices"]:
            answers = {**discuss_answers, q["id"]: [choice["value"]]}
            try:
                dropped = engine.evaluate(answers, trace=False).dropped
            except AnswersError:
                continue
            if dropped:
                return answers, dropped[0]
    raise AssertionError("the rules have no skip logic that drops an answer")


def test_a_bad_answer_to_a_skipped_question_is_refused_not_dropped(
    shared_app, engine, discuss_answers, rules
):
    """The request model checks every answer's shape, also where skip logic would drop it."""
    answers, skipped = _a_skipping_answer_set(engine, discuss_answers, rules)
    client = shared_app.test_client()
    assert client.post(EVALUATE, json={"answers": answers}).status_code == 200
    response = client.post(EVALUATE, json={"answers": {**answers, skipped: 12345}})
    assert response.status_code == 422
    assert [e["question"] for e in response.get_json()["errors"]] == [skipped]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", EVALUATE, "POST"),
        ("put", "/api/v1/questionnaire", "GET"),
        ("post", "/healthz", "GET"),
    ],
)
def test_a_method_a_path_does_not_have_is_a_405_that_names_the_ones_it_has(
    shared_app, method, path, allowed
):
    response = getattr(shared_app.test_client(), method)(path)
    assert response.status_code == 405
    assert allowed in {m.strip() for m in response.headers["Allow"].split(",")}
