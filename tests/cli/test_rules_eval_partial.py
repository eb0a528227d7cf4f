"""`flask rules eval` on a partial answers file answers it as the API does (Engine.settled): the
same JSON when the headline is already certain, else exit 2 naming the unanswered questions."""

from __future__ import annotations

import json
import re

import pytest


def invoke(runner, *args: str, input: str | None = None):
    """Run `flask rules ...`; an unexpected exception fails the test with its own traceback."""
    result = runner.invoke(args=["rules", *args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


CERTAIN = [
    pytest.param({"warning_signs": ["none"], "age": 15}, id="under-18"),
    pytest.param({"warning_signs": ["none"], "age": 40, "pain_area": "neck"}, id="neck-only"),
]
OPEN = [
    pytest.param({"warning_signs": ["none"], "age": 40}, id="adult-nothing-else"),
    pytest.param({"warning_signs": ["none"]}, id="signs-only"),
]


@pytest.mark.parametrize("answers", CERTAIN)
def test_a_partial_file_with_a_certain_headline_gets_the_apis_json(runner, client, answers):
    api = client.post("/api/v1/evaluate", json={"answers": answers})
    assert api.status_code == 200
    assert api.get_json()["unanswered"], "the API should call this set partial"
    result = invoke(runner, "eval", "-", "--json", input=json.dumps({"answers": answers}))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == api.get_json()


@pytest.mark.parametrize("answers", CERTAIN)
def test_the_text_names_what_was_left_unanswered(runner, client, answers):
    unanswered = client.post("/api/v1/evaluate", json={"answers": answers}).get_json()["unanswered"]
    result = invoke(runner, "eval", "-", input=json.dumps(answers))
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("Not answered"))
    assert line.split(": ", 1)[1].split(", ") == unanswered


@pytest.mark.parametrize("answers", OPEN)
def test_a_partial_file_whose_headline_is_open_is_bad_input_naming_each_question(
    runner, client, answers
):
    api = client.post("/api/v1/evaluate", json={"answers": answers})
    assert api.status_code == 422
    missing = [e["question"] for e in api.get_json()["errors"] if e["code"] == "missing"]
    assert missing
    result = invoke(runner, "eval", "-", "--json", input=json.dumps(answers))
    assert result.exit_code == 2
    assert "headline is not certain" in result.output
    named = re.findall(r"^\s+(\w+): ", result.output, re.MULTILINE)
    assert named == [e["question"] for e in api.get_json()["errors"]]
    assert "Traceback" not in result.output


def test_a_bad_answer_in_a_partial_file_is_named_even_when_the_rest_would_be_certain(runner):
    answers = {"warning_signs": ["none"], "age": 15, "pain_area": "knee"}
    result = invoke(runner, "eval", "-", input=json.dumps(answers))
    assert result.exit_code == 2
    assert re.search(r"^\s+pain_area: ", result.output, re.MULTILINE), result.output
