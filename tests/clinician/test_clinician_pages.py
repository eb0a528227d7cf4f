"""The clinician preview: the overview, try answers (form, scenario, upload) and the outcome book.

CSRF stays on: every POST carries the token read from the page, as a browser sends it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from pages import text

from questionnaire import create_app
from questionnaire.engine.scenarios import load_scenarios, scenario_files

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/clinician/", "/clinician/try", "/clinician/book"]
SCENARIOS = [
    (f"{path.name}:{i}", s)
    for path in scenario_files([ROOT / "scenarios"])
    for i, s in enumerate(load_scenarios(path))
]
WITH_OUTCOME = [(key, s) for key, s in SCENARIOS if s.expect.outcome]


def all_questions(rules_data) -> list[dict]:
    return [q for step in rules_data["steps"] for q in step["questions"]]


def outcome_of(parse, response) -> str | None:
    heading = parse(response.get_data(as_text=True)).find(attrs={"data-outcome": True})
    return heading["data-outcome"] if heading else None


def notice(parse, response) -> str | None:
    node = parse(response.get_data(as_text=True)).find(class_="notice")
    return text(node) if node else None


@pytest.fixture()
def try_page(client):
    """Open the try-answers page; returns its HTML (the client now holds a CSRF token)."""
    return lambda: client.get("/clinician/try").get_data(as_text=True)


@pytest.fixture()
def post_answers(client, try_page, token, as_form):
    def post(answers: dict):
        return client.post(
            "/clinician/try", data={**as_form(answers), "csrf_token": token(try_page())}
        )

    return post


@pytest.fixture()
def upload(client, try_page, token):
    def send(content: bytes, filename: str = "answers.json"):
        return client.post(
            "/clinician/try",
            data={"csrf_token": token(try_page()), "answers_file": (io.BytesIO(content), filename)},
            content_type="multipart/form-data",
        )

    return send


# --- turned off ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_clinician_pages_are_not_found_when_turned_off_in_config(url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "CLINICIAN_PREVIEW": False})
    assert app.test_client().get(url).status_code == 404


@pytest.mark.parametrize("url", ["/clinician/try", "/clinician/changes"])
def test_a_post_to_the_preview_is_not_found_when_it_is_off(url):
    """Off means the pages do not exist: not a 'form expired' page for a form nobody was shown."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "CLINICIAN_PREVIEW": False})
    response = app.test_client().post(url, data={"pain_intensity": "5"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("value", "status"),
    [("0", 404), ("1", 200), (None, 404)],
    ids=["CLINICIAN_PREVIEW=0 turns it off", "CLINICIAN_PREVIEW=1", "off unless configured"],
)
@pytest.mark.parametrize("url", PAGES)
def test_clinician_preview_follows_the_environment(monkeypatch, url, value, status):
    if value is None:
        monkeypatch.delenv("CLINICIAN_PREVIEW", raising=False)
        monkeypatch.delenv("CLINICIAN_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("CLINICIAN_PREVIEW", value)
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"})
    assert app.test_client().get(url).status_code == status


def test_patient_pages_still_work_when_the_preview_is_off(monkeypatch):
    monkeypatch.setenv("CLINICIAN_PREVIEW", "0")
    client = create_app({"TESTING": True, "SECRET_KEY": "test-secret"}).test_client()
    assert client.get("/").status_code == 200


# --- try answers: the form -----------------------------------------------------------------------


def test_try_page_shows_every_question_and_choice_in_one_form(try_page, parse, rules_data):
    form = parse(try_page()).find("form", attrs={"novalidate": True})
    for q in all_questions(rules_data):
        inputs = form.find_all("input", attrs={"name": q["id"]})
        if q["type"] == "integer":
            assert len(inputs) == 1 and inputs[0].get("value", "") == ""
        else:
            assert [i["value"] for i in inputs] == [c["value"] for c in q["choices"]]
            assert not any(i.has_attr("checked") for i in inputs)


def test_submitting_answers_shows_the_patient_summary_beside_the_full_trace(
    post_answers, parse, engine, discuss_answers
):
    response = post_answers(discuss_answers)
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    assert outcome_of(parse, response) == "discuss"
    expected = engine.evaluate(discuss_answers)
    shown = text(page.find("main"))
    for finding in expected.findings:
        assert finding.text in shown
    # the matched rules first; every rule, matched or not, one tap away (issue 22)
    rows = page.find("details", attrs={"data-all-rules": True}).find("tbody").find_all("tr")
    trace = [
        (text(row.find("code")), text(row.find_all("td")[1]), text(row.find_all("td")[2]))
        for row in rows
    ]
    assert [rule for rule, _, _ in trace] == [r.id for r in engine.ruleset.file.rules]
    assert {rule for rule, matched, _ in trace if matched == "Matched"} == set(expected.fired)
    assert {matched for _, matched, _ in trace} == {"Matched", "Not matched"}
    assert {
        text(row.find("code")) for row in page.find_all("tr", class_="table__row--matched")
    } == set(expected.fired), "a matched row is marked so in its style too"
    assert all(why for _, _, why in trace), "every rule says why it matched or not"


def test_partial_answers_list_the_questions_that_are_missing(post_answers, parse, engine):
    partial = {"warning_signs": ["none"], "pain_area": "neck"}
    response = post_answers(partial)
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    problems = page.find(class_="error-summary", attrs={"aria-labelledby": "problems-title"})
    assert problems is not None and "These answers cannot be evaluated" in text(problems)
    named = [text(item.find("code")) for item in problems.find_all("li")]
    missing = [p.question for p in engine.check(partial) if p.code == "missing"]
    assert missing and named == missing
    assert outcome_of(parse, response) is None


def test_an_out_of_range_number_is_shown_next_to_its_question(
    post_answers, parse, rules_data, discuss_answers
):
    response = post_answers({**discuss_answers, "pain_intensity": 99})
    page = parse(response.get_data(as_text=True))
    message = next(q for q in all_questions(rules_data) if q["id"] == "pain_intensity")["errors"][
        "range"
    ]
    error = page.find("p", class_="error-message", id="pain_intensity-error")
    assert error is not None and message in text(error)
    assert text(page.find("title")).startswith("Error:")
    assert outcome_of(parse, response) is None


# --- try answers: prefill from a scenario --------------------------------------------------------


@pytest.mark.parametrize(("key", "scenario"), WITH_OUTCOME, ids=[k for k, _ in WITH_OUTCOME])
def test_a_scenario_fills_in_the_form_and_shows_its_outcome(client, parse, key, scenario):
    response = client.get("/clinician/try", query_string={"scenario": key})
    assert response.status_code == 200
    assert outcome_of(parse, response) == scenario.expect.outcome
    form = parse(response.get_data(as_text=True)).find("form", attrs={"novalidate": True})
    for question, answer in scenario.answers.items():
        inputs = form.find_all("input", attrs={"name": question})
        if isinstance(answer, int):
            assert inputs[0]["value"] == str(answer)
        else:
            ticked = [i["value"] for i in inputs if i.has_attr("checked")]
            assert sorted(ticked) == sorted(answer if isinstance(answer, list) else [answer])


def test_every_scenario_is_offered_in_the_fill_in_list(try_page, parse):
    options = [
        o["value"]
        for o in parse(try_page()).find("select", attrs={"name": "scenario"}).find_all("option")
    ]
    assert options == [key for key, _ in SCENARIOS]


@pytest.mark.parametrize(
    "key",
    [
        "nope.yaml:0",
        "discuss.yaml:999",
        "discuss.yaml:x",
        "discuss.yaml",
        "../../rules.yaml:0",
        "../conftest.py:0",
        "/etc/passwd:0",
    ],
    ids=[
        "unknown file",
        "index past the end",
        "index not a number",
        "no index",
        "path traversal to rules.yaml",
        "path traversal to a test file",
        "absolute path",
    ],
)
def test_an_unknown_scenario_says_so_without_failing(client, parse, key):
    response = client.get("/clinician/try", query_string={"scenario": key})
    assert response.status_code == 200
    assert notice(parse, response) == "That scenario was not found."
    assert outcome_of(parse, response) is None


# --- try answers: upload -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda a: (json.dumps(a).encode(), "answers.json"),
        lambda a: (yaml.safe_dump(a).encode(), "answers.yaml"),
        lambda a: (json.dumps({"answers": a}).encode(), "answers.json"),
        lambda a: (yaml.safe_dump({"answers": a}).encode(), "answers.yml"),
    ],
    ids=[
        "JSON answers",
        "YAML answers",
        "JSON {answers: ...} as the API takes",
        "YAML {answers: ...}",
    ],
)
def test_an_uploaded_answers_file_is_evaluated(upload, parse, encode, discuss_answers):
    response = upload(*encode(discuss_answers))
    assert response.status_code == 200
    assert outcome_of(parse, response) == "discuss"
    assert parse(response.get_data(as_text=True)).find("tbody") is not None


ROUND_TRIPS = {
    "discuss": {},
    "emergency stops after the first step": {"warning_signs": ["bladder_bowel"]},
    "no treatments tried skips two questions": {
        "treatments_tried": ["none"],
        "treatment_duration": None,
        "treatment_relief": None,
    },
    "usually excluded": {"health_conditions": ["pregnant", "osteoporosis"]},
}


@pytest.mark.parametrize("change", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_a_patients_downloaded_answers_import_with_the_same_outcome(
    app, upload, parse, walk_wizard, discuss_answers, change
):
    answers = {q: a for q, a in {**discuss_answers, **change}.items() if a is not None}
    patient = app.test_client()
    walk_wizard(patient, answers)
    summary = patient.get("/summary", follow_redirects=True)
    assert summary.request.path == "/summary"
    links = [
        a["href"]
        for a in parse(summary.get_data(as_text=True)).find_all("a")
        if "FHIR file" in text(a)
    ]
    if outcome_of(parse, summary) == "emergency":  # the emergency card stands alone: no links
        assert links == []
        links = ["/summary/answers.json"]
    assert len(links) == 1
    download = patient.get(links[0])
    assert download.status_code == 200
    response = upload(download.data, "my-answers.json")
    assert response.status_code == 200
    assert outcome_of(parse, response) == outcome_of(parse, summary) is not None


QR_EMPTY = {"resourceType": "QuestionnaireResponse", "status": "completed"}
BAD_UPLOADS = {
    "malformed JSON": (b'{"warning_signs": ["none"', "could not be read"),
    "not UTF-8": (b"\xff\xfe\x00\x01", "could not be read"),
    "empty file": (b"", "could not be read"),
    "a list, not answers": (b"[1, 2, 3]", "must hold answers"),
    "a plain number": (b"42", "must hold answers"),
    "a QuestionnaireResponse with no answers": (json.dumps(QR_EMPTY).encode(), "no answers"),
    "a QuestionnaireResponse without its status": (
        json.dumps({"resourceType": "QuestionnaireResponse", "item": []}).encode(),
        "not a valid FHIR QuestionnaireResponse",
    ),
    "a FHIR Patient": (
        json.dumps({"resourceType": "Patient", "id": "p1"}).encode(),
        "QuestionnaireResponse",
    ),
    "a FHIR Questionnaire": (
        json.dumps({"resourceType": "Questionnaire", "status": "active"}).encode(),
        "QuestionnaireResponse",
    ),
}


@pytest.mark.parametrize(("content", "says"), BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_an_unusable_upload_gets_a_friendly_message(upload, parse, content, says):
    response = upload(content)
    assert response.status_code == 200
    message = notice(parse, response)
    assert message is not None and says in message, message
    assert "resourceType" not in response.get_data(as_text=True)
    assert outcome_of(parse, response) is None


def test_an_upload_needs_the_csrf_token(client, discuss_answers):
    response = client.post(
        "/clinician/try",
        content_type="multipart/form-data",
        data={"answers_file": (io.BytesIO(json.dumps(discuss_answers).encode()), "a.json")},
    )
    assert response.status_code == 400


# --- no patient data -----------------------------------------------------------------------------


def session_keys(app, response) -> set[str]:
    """Keys of every session cookie the response sets (decrypted with the app's key)."""
    serializer = app.session_interface.cipher(app)  # decrypts the answers cookie
    keys: set[str] = set()
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(app.config["SESSION_COOKIE_NAME"] + "="):
            value = header.split(";", 1)[0].split("=", 1)[1]
            if value:
                keys |= set(serializer.open(value)[0])
    return keys


@pytest.mark.parametrize("how", ["form", "upload", "scenario"])
def test_trying_answers_never_puts_them_in_the_session(
    app, client, post_answers, upload, how, discuss_answers
):
    if how == "form":
        response = post_answers(discuss_answers)
    elif how == "upload":
        response = upload(json.dumps(discuss_answers).encode())
    else:
        response = client.get("/clinician/try", query_string={"scenario": WITH_OUTCOME[0][0]})
    assert response.status_code == 200
    # sid: the random id that ties a session's cookies together; no answers, no step cookies
    assert session_keys(app, response) <= {"csrf_token", "sid"}
    assert not [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session-")]
    with client.session_transaction() as session:
        assert set(session) <= {"csrf_token", "sid"}


def test_trying_answers_leaves_a_patients_own_answers_alone(
    app, parse, token, as_form, walk_wizard, discuss_answers
):
    patient = app.test_client()
    walk_wizard(patient, discuss_answers)
    with patient.session_transaction() as session:
        before = dict(session["answers"])
    page = patient.get("/clinician/try").get_data(as_text=True)
    form = parse(page).find("form", attrs={"novalidate": True})
    assert not any(i.has_attr("checked") for i in form.find_all("input")), (
        "the try page does not show the patient's answers"
    )
    response = patient.post(
        "/clinician/try",
        data={**as_form({"warning_signs": ["bladder_bowel"]}), "csrf_token": token(page)},
    )
    assert outcome_of(parse, response) == "emergency"
    with patient.session_transaction() as session:
        assert session["answers"] == before
    assert outcome_of(parse, patient.get("/summary")) == "discuss"


@pytest.mark.parametrize(
    ("answers", "outcome", "fragment"),
    [
        pytest.param(
            {"warning_signs": ["arm_weakness"]},
            "emergency",
            "arm or hand",
            id="emergency-names-the-sign",
        ),
        pytest.param(
            {"warning_signs": ["back_shape"]}, "urgent", "changed shape", id="urgent-names-the-sign"
        ),
    ],
)
def test_the_preview_card_says_which_sign_decided_it(
    post_answers, parse, answers, outcome, fragment
):
    page = parse(post_answers(answers).get_data(as_text=True))
    card = page.find(class_="card")
    assert card.find(attrs={"data-outcome": True})["data-outcome"] == outcome
    # an emergency or urgent card names each sign with what it can mean (issue 21)
    assert fragment in card.find(attrs={"data-signs": True}).get_text(" ")


# --- navigable: try answers lands on its result ------------------------------


def test_every_try_form_sends_the_browser_to_the_result(
    try_page, post_answers, parse, discuss_answers
):
    assert parse(try_page()).find(id="result") is None, "no result yet, nothing to land on"
    page = parse(post_answers(discuss_answers).get_data(as_text=True))
    forms = page.find("main").find_all("form")
    assert len(forms) == 3 and all(f["action"] == "/clinician/try#result" for f in forms)
    result = page.find(id="result")
    assert result["tabindex"] == "-1", "focusable, so landing on it moves the focus there"
    assert result.find(attrs={"data-outcome": "discuss"}) is not None
    assert result.find_next("form") is not None, "the result comes before the form"


PATIENT_VIEWS = {
    "discuss": {},
    "usually excluded": {"health_conditions": ["pregnant"]},
    "urgent stops at once": {"warning_signs": ["fever"]},
}


@pytest.mark.parametrize("change", PATIENT_VIEWS.values(), ids=PATIENT_VIEWS.keys())
def test_the_patient_view_is_the_patients_whole_summary_notes_included(
    app, post_answers, parse, walk_wizard, discuss_answers, change
):
    stops = change.get("warning_signs", ["none"]) != ["none"]
    answers = change if stops else {**discuss_answers, **change}
    patient = app.test_client()
    walk_wizard(patient, answers)
    summary = parse(patient.get("/summary").get_data(as_text=True)).find("main")
    view = parse(post_answers(answers).get_data(as_text=True)).find(class_="patient-view")
    notes = summary.find_all("section", class_="note")
    assert stops or len(notes) >= 4, "the patient's summary has notes"
    assert [text(n) for n in view.find_all("section", class_="note")] == [text(n) for n in notes]
    assert text(view) == text(summary), "word for word what the patient's page shows"
