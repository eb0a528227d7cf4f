"""A real SDC renderer: the app's FHIR Questionnaire in LHC-Forms (the NLM's renderer, npm
`lforms`, its built files served from node_modules by a local static server), filled with the
mouse in Chromium, its QuestionnaireResponse imported into the app; and the app's own download
loaded back into LHC-Forms with the same answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Response

from questionnaire import fhir

ROOT = Path(__file__).resolve().parents[2]
LFORMS = ROOT / "node_modules" / "lforms" / "dist" / "lforms"
# The files and order that LHC-Forms' README lists, after the container (main.js needs a body).
HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link rel="stylesheet" href="/lforms/webcomponent/styles.css"></head>
<body><div id="form"></div>
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js"></script>
<script src="/lforms/webcomponent/polyfills.js"></script>
<script src="/lforms/webcomponent/main.js"></script>
<script src="/lforms/fhir/R4/lformsFHIR.min.js"></script>
</body></html>"""


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@pytest.fixture(scope="module")
def renderer() -> Iterator[str]:
    """LHC-Forms' built files and a page that loads them, at a free port; yields its URL."""
    assert (LFORMS / "webcomponent" / "main.js").is_file(), "run `make node_modules` first"

    def harness(environ, start_response):
        return Response(HARNESS, mimetype="text/html")(environ, start_response)

    static = SharedDataMiddleware(harness, {"/lforms": str(LFORMS)}, cache=False)
    server = make_server("127.0.0.1", 0, static, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="lforms", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def questionnaire(engine) -> dict:
    return fhir.questionnaire(engine.ruleset)


def render(page: Page, renderer: str, questionnaire: dict, response: dict | None = None) -> None:
    """Load the Questionnaire (and answers, if given) into LHC-Forms."""
    page.goto(renderer)
    page.wait_for_function("() => window.LForms && LForms.Util && LForms.Util.addFormToPage")
    options: dict[str, Any] = {"fhirVersion": "R4"}
    if response is not None:
        options["questionnaireResponse"] = response
    page.evaluate(
        "([q, options]) => LForms.Util.addFormToPage(q, 'form', options)", [questionnaire, options]
    )
    page.wait_for_selector("lhc-item", timeout=20_000)


def item(page: Page, question: str):
    return page.locator(f'[id="item-{question}/1/1"]')


def option(page: Page, question: str, value: str):
    return page.locator(f'[id="{question}/1/1|{fhir.CANONICAL}/{question}|{value}"]')


def fill(page: Page, questions: list[dict], answers: dict[str, Any]) -> None:
    """Click and type the answers as a person would, in question order."""
    for q in questions:
        if q["id"] not in answers:
            continue
        value = answers[q["id"]]
        if q["type"] == "integer":
            page.locator(f'[id="{q["id"]}/1/1"]').fill(str(value))
            page.keyboard.press("Tab")
            continue
        for one in value if isinstance(value, list) else [value]:
            option(page, q["id"], one).click()


def export(page: Page) -> dict:
    return page.evaluate(
        "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', "
        "document.getElementById('form'))"
    )


@pytest.fixture()
def lforms_page(open_page: Callable[..., Page], events) -> Iterator[Page]:
    page = open_page()
    yield page
    assert events.take() == [], "LHC-Forms ran without errors and fetched nothing from outside"


def questions_of(rules: dict) -> list[dict]:
    return [q for step in rules["steps"] for q in step["questions"]]


def skip_logic(questionnaire: dict) -> tuple[str, str, list[str]]:
    """A question, the choice of it that hides others (enableWhen '!='), and those others."""
    whens = [
        (i["linkId"], w)
        for g in questionnaire["item"]
        for i in g["item"]
        for w in i.get("enableWhen", ())
        if w["operator"] == "!=" and "answerCoding" in w
    ]
    assert whens, "the rules have skip logic that FHIR can say"
    controlling, value = whens[0][1]["question"], whens[0][1]["answerCoding"]["code"]
    return (
        controlling,
        value,
        [
            q
            for q, w in whens
            if w["question"] == controlling and w["answerCoding"]["code"] == value
        ],
    )


def test_lhc_forms_fills_the_questionnaire_with_skip_logic_and_the_app_evaluates_it(
    lforms_page, renderer, questionnaire, rules, discuss_answers, engine, live_server
):
    page = lforms_page
    render(page, renderer, questionnaire)
    controlling, hiding, followups = skip_logic(questionnaire)
    tried = [v for v in discuss_answers[controlling] if v != hiding]

    fill(
        page,
        questions_of(rules),
        {k: v for k, v in discuss_answers.items() if k != controlling and k not in followups},
    )
    option(page, controlling, tried[0]).click()
    for question in followups:
        assert item(page, question).is_visible(), f"{question} shows once a treatment is ticked"
    option(page, controlling, tried[0]).click()  # untick it again
    option(page, controlling, hiding).click()
    for question in followups:
        assert item(page, question).count() == 0 or not item(page, question).is_visible(), (
            f"LHC-Forms hides {question} when '{controlling}' is {hiding}"
        )

    response = export(page)
    assert response["resourceType"] == "QuestionnaireResponse"
    answers = fhir.answers_from_response(engine, response)
    expected = {
        **{k: v for k, v in discuss_answers.items() if k not in followups},
        controlling: [hiding],
    }
    assert answers == expected

    # The app reads the renderer's file: the clinician's upload and the API agree on the outcome.
    api = page.request.post(f"{live_server}/api/v1/evaluate", data={"answers": answers})
    assert api.status == 200
    outcome = api.json()["outcome"]["id"]
    assert outcome == engine.evaluate(expected).outcome.id
    page.goto(f"{live_server}/clinician/try")
    page.set_input_files(
        "input[name=answers_file]",
        files=[
            {
                "name": "lforms.json",
                "mimeType": "application/fhir+json",
                "buffer": json.dumps(response).encode(),
            }
        ],
    )
    with page.expect_navigation():
        page.locator("input[name=answers_file]").evaluate("input => input.form.submit()")
    assert page.locator("[data-outcome]").first.get_attribute("data-outcome") == outcome


def test_the_apps_download_loads_back_into_lhc_forms_with_the_same_answers(
    lforms_page, renderer, questionnaire, rules, discuss_answers, engine, wizard_on, live_server
):
    page = lforms_page
    wizard_on(page).walk(discuss_answers, until="/summary")
    download = page.request.get(f"{live_server}/summary/answers.json")
    assert download.status == 200
    response = download.json()

    render(page, renderer, questionnaire, response)
    for q in questions_of(rules):
        value = discuss_answers[q["id"]]
        if q["type"] == "integer":
            assert page.locator(f'[id="{q["id"]}/1/1"]').input_value() == str(value)
            continue
        for choice in q["choices"]:
            box = option(page, q["id"], choice["value"]).locator("input")
            chosen = choice["value"] in (value if isinstance(value, list) else [value])
            assert box.is_checked() == chosen, (q["id"], choice["value"])
    assert (
        fhir.answers_from_response(engine, export(page))
        == fhir.answers_from_response(engine, response)
        == discuss_answers
    )


def test_an_exclusive_choice_lhc_forms_lets_through_is_refused_by_the_app(
    lforms_page, renderer, questionnaire, discuss_answers, engine, live_server
):
    """LHC-Forms does not enforce optionExclusive (its sdc-support.md says so): the app does."""
    page = lforms_page
    render(page, renderer, questionnaire)
    controlling, hiding, _ = skip_logic(questionnaire)
    other = next(v for v in discuss_answers[controlling] if v != hiding)
    option(page, controlling, other).click()
    option(page, controlling, hiding).click()
    response = export(page)
    [given] = [i for g in response["item"] for i in g["item"] if i["linkId"] == controlling]
    assert {a["valueCoding"]["code"] for a in given["answer"]} == {other, hiding}
    api = page.request.post(
        f"{live_server}/api/v1/evaluate",
        data={"answers": {**discuss_answers, **fhir.answers_from_response(engine, response)}},
    )
    assert api.status == 422
    assert [(e["question"], e["code"]) for e in api.json()["errors"]] == [
        (controlling, "exclusive")
    ]
