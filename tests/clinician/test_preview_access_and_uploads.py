"""Who can open the clinician preview, and what an uploaded answers file may make it do.

The preview is off unless configured; with CLINICIAN_PASSWORD it opens only over HTTPS with
HTTP Basic authentication. Uploads are parsed with far tighter limits than rule files, so a
332-byte alias bomb costs milliseconds, not 0.4 s and 50 MB.
"""

from __future__ import annotations

import base64
import html
import io
import time
from pathlib import Path

import pytest
from pages import csrf_token

from questionnaire import create_app
from questionnaire.engine.load.yamlsource import ANSWERS_FILE, RULE_FILE, YamlProblem, read_yaml

RULES = Path(__file__).resolve().parents[2] / "rules.yaml"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def locked():
    """The preview behind a password (as production would run it)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "QUESTIONNAIRE_RULES": str(RULES),
            "CLINICIAN_PASSWORD": PASSWORD,
        }
    )


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        (basic("clinic", "wrong"), 401),
        (basic("clinic", ""), 401),
        ({"Authorization": "Bearer " + PASSWORD}, 401),
        (basic("anyone", PASSWORD), 200),
    ],
    ids=["no_password", "wrong_password", "empty_password", "not_basic", "right_password"],
)
def test_a_preview_with_a_password_opens_only_with_it_over_https(locked, headers, status):
    response = locked.test_client().get(
        "/clinician/", base_url="https://localhost", headers=headers
    )

    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Basic realm=")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_preview_with_a_password_never_asks_for_it_over_plain_http(locked):
    response = locked.test_client().get("/clinician/", headers=basic("x", PASSWORD))

    assert response.status_code == 403
    assert b"only over HTTPS" in response.data
    assert "WWW-Authenticate" not in response.headers


def test_the_patient_pages_need_no_password(locked):
    assert locked.test_client().get("/", base_url="https://localhost").status_code == 200


# --- uploads -------------------------------------------------------------------------------------

BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)


@pytest.fixture()
def upload(client):
    def send(content: bytes, filename: str = "answers.yaml"):
        token = csrf_token(client.get("/clinician/try").get_data(as_text=True))
        return client.post(
            "/clinician/try",
            data={"csrf_token": token, "answers_file": (io.BytesIO(content), filename)},
            content_type="multipart/form-data",
        )

    return send


UPLOADS = [
    pytest.param(b"pain_area: 2026-13-45\n", "'2026-13-45' is not a real date", id="month_13"),
    pytest.param(b"pain_area: 2026-02-30\n", "is not a real date", id="february_30"),
    pytest.param(
        b"pain_intensity: " + b"9" * 5000 + b"\n", "this number is too big", id="5000_digits"
    ),
    pytest.param(b"pain_intensity: .nan\n", "is not a finite number", id="nan"),
    pytest.param(
        b"pain_intensity: !!binary AAAA\n", "is not allowed in an answers file", id="binary"
    ),
    pytest.param(b"warning_signs: !!set {none}\n", "is not allowed in an answers file", id="set"),
    pytest.param(b"x: !!omap [a: 1]\n", "is not allowed in an answers file", id="omap"),
    pytest.param(b"a: &x [none]\nwarning_signs: *x\n", "aliases", id="one_alias"),
    pytest.param(BOMB.encode(), "aliases", id="alias_bomb"),
    pytest.param(
        b'{"resourceType": "' + b"P" * 5000 + b'"}',
        "This file is a FHIR PPPP",
        id="long_resource_type",
    ),
    pytest.param(b'pain_area: "\\ud800"\n', "not valid YAML", id="surrogate_escape"),
    pytest.param(b"pain_area: caf\xed\xa0\x80\n", "not valid UTF-8", id="surrogate_bytes"),
]


@pytest.mark.parametrize(("content", "fragment"), UPLOADS)
def test_a_hostile_answers_file_gets_a_message_quickly_never_a_500(upload, content, fragment):
    started = time.perf_counter()
    response = upload(content)
    seconds = time.perf_counter() - started

    assert response.status_code == 200, response.data[:300]
    page = html.unescape(response.get_data(as_text=True))
    assert fragment in page
    assert "9" * 100 not in page and "P" * 100 not in page  # nothing huge is quoted back
    assert seconds < 2, f"{seconds:.2f} s"  # generous: this machine is shared; see the CPU test


def test_an_answers_file_bomb_costs_a_tiny_part_of_what_a_rule_file_may_cost():
    """As a rule file the bomb expands to 200,000 values before it is refused (0.4 s of CPU,
    as uploads were read before); as an answers file its first alias stops it."""

    def cpu(limits) -> float:
        started = time.process_time()
        for _ in range(5):
            with pytest.raises(YamlProblem):
                read_yaml(BOMB, limits)
        return (time.process_time() - started) / 5

    assert cpu(ANSWERS_FILE) * 50 < cpu(RULE_FILE)


def test_a_try_while_another_runs_is_told_to_send_again_in_a_moment(app, upload):
    """One try at a time for the whole server, so tries can never hold every worker."""
    held = app.extensions["try_slots"].tries.take()  # another worker is busy with a try
    assert held is not None
    with held:
        busy = upload(b"warning_signs: [none]\n")
    after = upload(b"warning_signs: [bladder_bowel]\n")

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    assert b"Send it again in a moment" in busy.data
    assert busy.headers["X-Content-Type-Options"] == "nosniff"
    assert after.status_code == 200
