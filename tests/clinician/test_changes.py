"""The clinician preview's "What changed since version X": the `rules diff` report in words.

The app serves a rule file that differs from rules.yaml in one threshold (mild pain is now 4 or
less, not 3 or less); CLINICIAN_PREVIOUS_RULES names rules.yaml. The page must list exactly the
headline changes `rules diff --json` finds, and each example must really get the new headline.
"""

from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path

import pytest
import yaml
from pages import csrf_token, one, parse, text

from questionnaire import create_app
from questionnaire.engine import Engine, load_rules
from questionnaire.web import clinician_changes

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules.yaml"
SRC = RULES.read_text(encoding="utf-8")
VERSION = yaml.safe_load(SRC)["meta"]["version"]  # the shipped one
MILD = "when: {q: pain_intensity, at_most: 3}"
TITLES = {o["id"]: o["title"] for o in yaml.safe_load(SRC)["outcomes"]}


@pytest.fixture(scope="module")
def threshold(tmp_path_factory) -> Path:
    """rules.yaml with one threshold moved (and its Spanish beside it, which the app needs)."""
    assert MILD in SRC, "the shipped mild-pain threshold changed; update the test"
    path = tmp_path_factory.mktemp("rules") / "new.yaml"
    path.write_text(SRC.replace(MILD, "when: {q: pain_intensity, at_most: 4}"), encoding="utf-8")
    path.with_name("new.es.yaml").write_text(
        (ROOT / "rules.es.yaml").read_text("utf-8"), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def app(threshold):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(threshold),
            "CLINICIAN_PREVIOUS_RULES": str(RULES),
        }
    )


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def cli_report(app, threshold) -> dict:
    result = app.test_cli_runner().invoke(
        args=["rules", "diff", str(RULES), str(threshold), "--json"]
    )
    assert result.exit_code == 1, result.output
    return json.loads(result.output)


def upload(client, content: bytes, filename: str = "previous.yaml"):
    token = csrf_token(client.get("/clinician/changes").get_data(as_text=True))
    return client.post(
        "/clinician/changes",
        data={"csrf_token": token, "rules_file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def headline_changes(page) -> list[tuple[str, str, int]]:
    return [
        (c["data-from"], c["data-to"], int(c["data-answer-sets"]))
        for c in page.find_all(class_="change")
    ]


def test_the_page_lists_exactly_the_headline_changes_rules_diff_finds(client, cli_report):
    response = client.get("/clinician/changes")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))

    assert (
        headline_changes(page)
        == [(h["from"], h["to"], h["answer_sets"]) for h in cli_report["headlines"]]
        != []
    )
    assert f"What changed since version {VERSION}" in text(page.find("h2", id="changes-title"))
    # the threshold moved but meta.version did not: the page says what the version gate will
    assert f"the version is still {VERSION}" in text(
        one(page, attrs={"data-version-unchanged": True})
    )
    # In words: the outcome titles from the rule files, and the count as a person reads it
    change = page.find(class_="change")
    assert text(change.find("h4")) == f"From “{TITLES['discuss']}” to “{TITLES['not_yet']}”"
    assert f"For {cli_report['headlines'][0]['answer_sets']:,} sets of answers" in text(change)
    # The example as a patient would read it: questions and answers in words
    rows = {text(r.dt): text(r.dd) for r in change.find_all(class_="summary-list__row")}
    assert rows["How bad has your pain usually been over the past week?"] == "4 out of 10"
    assert rows["Where is your pain?"] == "Lower back"
    # ...and the answers that decide the new headline, as the patient's card names them
    now = change.find("p", string=lambda s: s and s.startswith("Now, the answers that decide"))
    deciding = [text(li) for li in now.find_next("ul").find_all("li")]
    assert any(
        d.startswith("How bad has your pain usually been over the past week?") and " 4 " in f"{d} "
        for d in deciding
    ), deciding
    # The rule whose firing changes, and the item with its file and line
    assert "Rule mild_pain now also matches" in text(page)
    line = SRC.splitlines().index("  - id: mild_pain") + 1
    assert [
        text(tr)
        for tr in page.find("h3", string="Items added, removed or changed")
        .find_next("table")
        .tbody.find_all("tr")
    ] == [f"rule mild_pain changed: when.at_most: 3 -> 4 new.yaml:{line}"]
    assert response.headers["Cache-Control"] == "no-store"


def test_each_example_opens_in_try_answers_and_really_gets_the_new_headline(client, cli_report):
    page = parse(client.get("/clinician/changes").get_data(as_text=True))
    form = page.find(class_="change").find("form")
    assert form["action"] == "/clinician/try#result" and "no-print" in form["class"]
    fields: dict[str, list[str]] = {}
    for field in form.find_all("input", type="hidden"):
        fields.setdefault(field["name"], []).append(field["value"])

    response = client.post("/clinician/try", data=fields)  # as the button sends it, CSRF included

    assert response.status_code == 200
    shown = parse(response.get_data(as_text=True))
    assert one(shown, attrs={"data-outcome": True})["data-outcome"] == "not_yet"
    assert "Reasoning: the rules that matched" in text(shown)
    # ...and the same answers got the old headline with the previous file
    answers = {
        k: v
        if k in ("warning_signs", "treatments_tried", "previous_procedures", "health_conditions")
        else v[0]
        for k, v in fields.items()
        if k != "csrf_token"
    }
    for number in ("pain_intensity", "age"):  # the whole-number questions
        answers[number] = int(answers[number])
    assert answers == cli_report["headlines"][0]["witness"]
    assert Engine(load_rules(RULES)).evaluate(answers).outcome.id == "discuss"


def test_a_wording_only_edit_shows_as_wording_with_no_headline_changes(client, threshold):
    source = threshold.read_text(encoding="utf-8")
    title = f"title: {TITLES['discuss']}"
    assert title in source
    previous = source.replace(title, "title: Some of the rules studies use might apply to you")

    response = upload(client, previous.encode(), "last-month.yaml")

    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    assert headline_changes(page) == []
    assert (
        one(page, attrs={"data-headline-changes": "0"}).get_text().startswith("No headline changes")
    )
    assert "the uploaded file last-month.yaml" in text(page)
    wording = page.find("h3", string="Wording changes").find_next("table")
    line = source.splitlines().index("  - id: discuss") + 1
    assert [text(tr) for tr in wording.tbody.find_all("tr")] == [
        f"outcome discuss wording changed: title new.yaml:{line}"
    ]
    assert "Items added, removed or changed None." in text(page)
    assert page.find(attrs={"data-version-unchanged": True}) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"meta:\n  title: [unclosed\nsteps: []\n", "broken.yaml:3:6: this is not valid YAML"),
        (
            SRC.replace("outcome: not_yet", "outcome: later", 1).encode(),
            f"broken.yaml:{SRC.splitlines().index('    outcome: not_yet') + 1}:14: unknown outcome "
            "'later'",
        ),
        (b"- just\n- a list\n", "broken.yaml:1:1:"),
        (b"\xff\xfe not text", "broken.yaml:1:1: the file is not valid UTF-8 text"),
    ],
    ids=["not_yaml", "unknown_outcome", "not_a_rule_file", "not_utf8"],
)
def test_a_broken_upload_says_where_and_why_with_a_4xx(client, content, message):
    response = upload(client, content, "broken.yaml")

    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert message in text(one(page, class_="error-summary"))
    assert page.title.string.startswith("Error:")
    assert one(page, "input", type="file")["name"] == "rules_file"  # they can try again


def test_an_upload_that_takes_too_long_is_stopped_with_a_message(client, monkeypatch):
    monkeypatch.setattr(clinician_changes, "UPLOAD_SECONDS", 0.001)
    started = time.perf_counter()

    response = upload(client, SRC.encode())

    assert response.status_code == 422
    assert "took longer than 0.001 seconds" in response.get_data(as_text=True)
    assert time.perf_counter() - started < 2


def test_an_upload_of_the_shipped_file_is_compared_quickly(client):
    started = time.perf_counter()
    response = upload(client, SRC.encode(), "rules.yaml")
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert headline_changes(parse(response.get_data(as_text=True)))[0][:2] == ("discuss", "not_yet")
    assert elapsed < clinician_changes.UPLOAD_SECONDS / 2


def test_the_outcome_book_sums_up_the_changes_and_links_to_them(client, cli_report):
    page = parse(client.get("/clinician/book").get_data(as_text=True))

    section = page.find("section", attrs={"aria-labelledby": "changes-title"})
    assert "causes move a headline" in text(section)
    assert section.find("a", href="/clinician/changes") is not None
    assert 0 < len(section.find_all("li")) <= 10
    contents = one(page, "nav", class_="book__index")
    assert contents.find("a", href="#changes-title") is not None, "the contents list the section"
    assert "Signature:" in text(one(page, "section", class_="book__signoff"))


# --- which previous file, and who may see it -----------------------------------------------------


@pytest.fixture(scope="module")
def locked():
    """The preview behind a password, with no previous file (as production may run it)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "QUESTIONNAIRE_RULES": str(RULES),
            "CLINICIAN_PASSWORD": "a password of 16+ characters",
            "CLINICIAN_PREVIOUS_RULES": "",
        }
    )


def test_the_page_asks_the_preview_password(locked):
    client = locked.test_client()
    assert client.get("/clinician/changes", base_url="https://localhost").status_code == 401
    key = base64.b64encode(b"x:a password of 16+ characters").decode()
    response = client.get(
        "/clinician/changes",
        base_url="https://localhost",
        headers={"Authorization": f"Basic {key}"},
    )

    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    # nothing configured: it says how to set one, and offers the upload
    assert "No previous rule file is set" in text(one(page, class_="notice"))
    assert "CLINICIAN_PREVIOUS_RULES" in text(one(page, class_="notice"))
    assert page.find("section", class_="changes") is None
    assert one(page, "input", type="file")["name"] == "rules_file"
    book = client.get(
        "/clinician/book", base_url="https://localhost", headers={"Authorization": f"Basic {key}"}
    )
    assert "What changed since" not in book.get_data(as_text=True)


def test_the_page_is_not_found_when_the_preview_is_off():
    off = create_app({"TESTING": True, "SECRET_KEY": "test", "QUESTIONNAIRE_RULES": str(RULES)})
    assert off.test_client().get("/clinician/changes").status_code == 404


def test_by_default_it_compares_with_the_newest_older_release(shared_app):
    page = parse(shared_app.test_client().get("/clinician/changes").get_data(as_text=True))

    assert "Compared with the released version in releases/" in text(page)


def test_a_previous_file_that_cannot_be_read_is_said_on_the_page_not_a_500(tmp_path):
    missing = tmp_path / "rules-0.9.yaml"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(RULES),
            "CLINICIAN_PREVIOUS_RULES": str(missing),
        }
    )
    response = app.test_client().get("/clinician/changes")

    assert response.status_code == 200
    problem = text(one(parse(response.get_data(as_text=True)), class_="error-summary"))
    assert f"{missing}: cannot read the file set in CLINICIAN_PREVIOUS_RULES" in problem


def test_the_shipped_rule_file_with_its_quoted_sources_fits_with_room_to_spare(client):
    # 512 KB: three times rules.yaml 3.0.0 with every red flag of its sources quoted
    assert len(SRC.encode()) * 3 <= clinician_changes.UPLOADED_RULE_FILE.max_bytes
    response = upload(client, SRC.encode() + b"#" * (256 * 1024))

    assert response.status_code == 200


def test_an_upload_over_512_kb_is_refused_as_too_large(client):
    # the body built here, as bytes: the test client would spool a large one to a file
    content = SRC.encode() + b"#" * (512 * 1024)
    body = (
        b'--B\r\nContent-Disposition: form-data; name="rules_file"; filename="p.yaml"\r\n\r\n'
        + content
        + b"\r\n--B--\r\n"
    )
    response = client.post(
        "/clinician/changes", data=body, content_type="multipart/form-data; boundary=B"
    )

    assert response.status_code == 413
    assert b"larger than 528 KB" in response.data


def test_compare_with_no_file_chosen_asks_for_one(client):
    token = csrf_token(client.get("/clinician/changes").get_data(as_text=True))
    response = client.post(
        "/clinician/changes", data={"csrf_token": token}, content_type="multipart/form-data"
    )

    assert response.status_code == 422
    assert "Choose a previous rule file" in text(
        one(parse(response.get_data(as_text=True)), class_="error-summary")
    )
