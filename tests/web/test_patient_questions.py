"""Question pages and the start page, as a patient meets them: short pages with an honest step
indicator, Change links that land on the answer given, who runs the service, a warning first,
and "Start again" that asks before it forgets."""

from __future__ import annotations

import pytest
from pages import Patient, one, text


def test_each_page_asks_one_question(app, rules):
    pages = app.extensions["journeys"]["en"].pages

    assert [len(page.questions) for page in pages] == [1] * len(pages)
    assert len(pages) == sum(len(step["questions"]) for step in rules["steps"])


def test_the_step_indicator_counts_the_pages_of_a_split_step(patient, discuss_answers, rules):
    steps = len(rules["steps"])
    number = next(i for i, s in enumerate(rules["steps"], 1) if s["id"] == "pain")

    pages = len(rules["steps"][number - 1]["questions"])
    first = patient.walk(discuss_answers, until="pain_area")
    second = patient.walk(discuss_answers, until="pain_intensity")

    assert text(one(first.main, class_="caption")).startswith(
        f"Step {number} of {steps}, page 1 of {pages}"
    )
    assert text(one(second.main, class_="caption")).startswith(
        f"Step {number} of {steps}, page 4 of {pages}"
    )
    warning = patient.get("/step/warning_signs")
    assert text(one(warning.main, class_="caption")).startswith(f"Step 1 of {steps}:")


def test_a_change_link_lands_on_the_question_with_the_given_answer_focused(
    patient, discuss_answers, questions
):
    check = patient.walk(discuss_answers)
    assert check.path == "/check"
    row = next(
        r
        for r in check.main.find_all(class_="summary-list__row")
        if text(r.find("dt")) == " ".join(questions["pain_pattern"]["prompt"].split())
    )
    href = one(row, "a")["href"]

    page = patient.get(href)

    assert page.html.find(id="pain_pattern-group") is not None
    focused = page.html.find_all(attrs={"autofocus": True})
    assert len(focused) == 1
    assert (focused[0]["name"], focused[0]["value"]) == (
        "pain_pattern",
        discuss_answers["pain_pattern"],
    )
    assert focused[0].has_attr("checked")


def test_the_back_link_is_inside_a_landmark(patient):
    page = patient.get(patient.get("/").link("Start now"))

    back = one(page.html, "a", class_="back-link")
    assert back.find_parent("nav") is not None


def test_the_start_page_warns_about_emergencies_before_anything_else(patient, rules):
    page = patient.get("/")

    warning = one(page.main, class_="warning-text")
    emergency = next(o for o in rules["outcomes"] if o["id"] == "emergency")
    assert one(warning, "a")["href"] == f"tel:{emergency['call']['number']}"
    section = next(s for s in rules["pages"]["start"]["sections"] if s.get("card"))
    assert " ".join(section["text"].split()) in text(warning)
    # straight after the page heading: nothing else comes first
    assert page.main.find("h1").find_next_sibling() is warning


def test_an_unconfigured_start_page_says_it_is_a_demonstration(patient):
    page = patient.get("/")

    operator = one(page.main, attrs={"data-operator": True})
    assert operator["data-operator"] == "demonstration"
    assert "This is a demonstration" in text(operator)
    assert "This service is run by" not in text(page.main)


def test_a_configured_start_page_names_who_runs_it(app):
    app.config["SERVICE_OPERATOR"] = "the Example Health Library"
    try:
        page = Patient(app.test_client()).get("/")
    finally:
        app.config["SERVICE_OPERATOR"] = ""

    operator = one(page.main, attrs={"data-operator": True})
    assert text(operator) == "This service is run by the Example Health Library."


def test_start_again_asks_first_and_keeps_the_answers_until_confirmed(patient, discuss_answers):
    summary = patient.get(patient.walk(discuss_answers).link("See your summary"))

    confirm = patient.get(summary.link("Start again"))

    assert confirm.path == "/start-again"
    form = one(confirm.main, "form")
    assert (form["method"], form["action"]) == ("post", "/clear")
    assert patient.get(confirm.link("No, go back")).path == "/summary"  # nothing was forgotten
    cleared = patient.post("/clear")
    assert cleared.path == "/"
    assert patient.get("/summary").path == "/"


@pytest.mark.parametrize("url", ["/", "/step/warning_signs", "/help"])
def test_every_page_has_a_description_and_an_icon(patient, url):
    page = patient.get(url)

    assert one(page.html, "meta", attrs={"name": "description"})["content"].strip()
    icon = one(page.html, "link", rel="icon")
    with patient.client.get(icon["href"]) as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"


def test_the_summary_opened_with_no_answers_says_why_it_is_not_there(patient):
    page = patient.get("/summary")

    assert page.path == "/"
    assert "There is no summary yet, because there are no answers" in text(
        one(page.main, class_="notice")
    )
    assert patient.get("/").main.find(class_="notice") is None  # said once


def test_the_pain_score_is_a_row_of_eleven_radios_read_back_out_of_10(patient, discuss_answers):
    page = patient.walk(discuss_answers, until="pain_intensity")

    radios = page.form.find_all("input", attrs={"name": "pain_intensity"})
    assert [(r["type"], r["value"]) for r in radios] == [("radio", str(n)) for n in range(11)]
    assert (
        text(page.form.find("legend")) == "How bad has your pain usually been over the past week?"
    )
    check = patient.walk(discuss_answers)
    assert "6 out of 10" in text(check.main)
