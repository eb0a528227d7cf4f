"""Bodies that are JSON to Python's parser but cannot be answers: a clean 400, never a 500.

A lone surrogate ("\\ud800") is valid JSON text, but not a character: quoting it back in a
message used to crash the JSON encoder (a 500).
"""

from __future__ import annotations

import pytest

EVALUATE = "/api/v1/evaluate"

BODIES = [
    pytest.param(b'{"answers": {"\\ud800": ["none"]}}', "lone surrogate", id="surrogate_key"),
    pytest.param(b'{"answers": {"pain_area": "\\udfff"}}', "lone surrogate", id="surrogate_value"),
    pytest.param(
        b'{"answers": {"warning_signs": ["none", "\\ud800x"]}}',
        "lone surrogate",
        id="surrogate_in_a_list",
    ),
    pytest.param(b'{"\\ud800": 1}', "lone surrogate", id="surrogate_top_level_key"),
    pytest.param(
        b'{"answers": {"a": {"b": [{"\\udbff": 1}]}}}', "lone surrogate", id="surrogate_nested_deep"
    ),
    pytest.param(
        b'{"answers": {"pain_intensity": ' + b"9" * 5000 + b"}}",
        "5000 digits",
        id="int_over_4300_digits",
    ),
    pytest.param(
        b'{"answers": {"pain_intensity": NaN}}', "NaN is not a number JSON allows", id="nan"
    ),
    pytest.param(
        b'{"answers": {"pain_intensity": -Infinity}}', "-Infinity is not a number", id="infinity"
    ),
]


@pytest.mark.parametrize(("body", "fragment"), BODIES)
def test_a_body_that_cannot_hold_answers_is_a_clean_400(client, body, fragment):
    response = client.post(EVALUATE, data=body, content_type="application/json")

    assert response.status_code == 400, response.data[:300]
    message = response.get_json()["message"]
    assert fragment in message
    assert "sys.set_int_max_str_digits" not in message  # no Python internals
    assert len(message) < 300


def test_a_valid_surrogate_pair_is_just_an_unknown_question(client):
    """An emoji written as a surrogate pair is real text: the usual 422, quoting it."""
    response = client.post(
        EVALUATE, data=b'{"answers": {"\\ud83d\\ude00": 1}}', content_type="application/json"
    )

    assert response.status_code == 422
    unknown = [e for e in response.get_json()["errors"] if e["code"] == "unknown_question"]
    assert [e["question"] for e in unknown] == ["\U0001f600"]


def test_a_big_but_printable_number_is_out_of_range(client):
    response = client.post(
        EVALUATE,
        data=b'{"answers": {"pain_intensity": ' + b"9" * 4000 + b"}}",
        content_type="application/json",
    )

    assert response.status_code == 422
    codes = {(e["question"], e["code"]) for e in response.get_json()["errors"]}
    assert ("pain_intensity", "out_of_range") in codes
