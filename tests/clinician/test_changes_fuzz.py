"""Uploads to "What changed": whatever the file, a page (200, 413 or 422), never a server error.

The files are rules.yaml with lines cut, doubled or replaced by random text (so most get past
the YAML reader and reach the loader or the diff), and random bytes.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pages import csrf_token

from questionnaire import create_app

RULES = Path(__file__).resolve().parents[2] / "rules.yaml"
LINES = RULES.read_text(encoding="utf-8").splitlines(keepends=True)


@cache
def page():
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(RULES),
            "CLINICIAN_PREVIOUS_RULES": "",
        }
    )
    client = app.test_client()
    return client, csrf_token(client.get("/clinician/changes").get_data(as_text=True))


@st.composite
def edited(draw) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["cut", "double", "replace", "indent"]))
        if how == "cut":
            del lines[at]
        elif how == "double":
            lines.insert(at, lines[at])
        elif how == "replace":
            lines[at] = draw(st.text(max_size=30)) + "\n"
        else:
            lines[at] = "  " + lines[at]
    return "".join(lines).encode("utf-8", "surrogatepass")


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(content=edited() | st.binary(max_size=300))
def test_any_uploaded_previous_file_gets_a_page_never_a_server_error(content):
    client, token = page()
    response = client.post(
        "/clinician/changes",
        data={"csrf_token": token, "rules_file": (io.BytesIO(content), "previous.yaml")},
        content_type="multipart/form-data",
    )

    assert response.status_code in (200, 413, 422), response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    assert ("What changed since version" in body) == (response.status_code == 200)
