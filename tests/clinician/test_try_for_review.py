"""Try answers made for reviewing (issue 22, walk item 22): a shipped scenario's expected vs got,
the matched rules first with all one tap away, and no patient footer on the clinician pages."""

from __future__ import annotations

import pytest
from pages import parse, text

from questionnaire.engines import engine_of


def scenario_keys(page) -> list[tuple[str, str]]:
    return [(o["value"], text(o)) for o in page.find("select", id="scenario").find_all("option")]


@pytest.fixture(scope="module")
def try_page(app):
    return parse(app.test_client().get("/clinician/try").get_data(as_text=True))


def test_scenario_names_come_first_with_their_file_after(try_page):
    for key, label in scenario_keys(try_page):
        file = key.split(":")[0]
        assert label.endswith(f"({file})"), label
        assert not label.startswith(file.removesuffix(".yaml") + ":"), label


def test_each_shipped_scenario_shows_expected_and_got_and_passes(app, try_page):
    client = app.test_client()
    for key, label in scenario_keys(try_page)[:12]:
        page = parse(client.get("/clinician/try", query_string={"scenario": key}).get_data(True))
        check = page.find(class_="scenario-check")
        if check is None:  # a scenario of answers that are refused shows the problems instead
            assert page.find(id="problems-title") is not None, label
            continue
        assert "Expected:" in text(check) and "Got: the headline" in text(check), label
        assert check["data-scenario-passed"] == "yes", text(check)


def test_a_scenario_that_no_longer_holds_says_what_differs(app, monkeypatch):
    preview = app.extensions["preview"]
    key, (label, scenario) = next(  # one that expects a headline, not refused answers
        (k, v) for k, v in preview.scenarios.items() if v[1].expect.problems is None
    )
    wrong = scenario.expect.model_copy(
        update={"outcome": "emergency" if scenario.expect.outcome != "emergency" else "discuss"}
    )
    monkeypatch.setitem(
        preview.scenarios, key, (label, scenario.model_copy(update={"expect": wrong}))
    )
    page = parse(
        app.test_client().get("/clinician/try", query_string={"scenario": key}).get_data(True)
    )
    check = page.find(class_="scenario-check")
    assert check["data-scenario-passed"] == "no"
    assert f"expected outcome '{wrong.outcome}'" in text(check)


def test_only_the_matched_rules_show_with_all_rules_one_tap_away(app, discuss_answers):
    engine = engine_of(app)
    key = next(
        k
        for k, (_, s) in app.extensions["preview"].scenarios.items()
        if s.expect.outcome == "discuss"
    )
    page = parse(
        app.test_client().get("/clinician/try", query_string={"scenario": key}).get_data(True)
    )
    tables = page.find_all("table", class_="trace")
    matched_rows = tables[0].find("tbody").find_all("tr")
    assert matched_rows and all("Matched" == text(r.find_all("td")[1]) for r in matched_rows)
    every = page.find("details", attrs={"data-all-rules": True})
    assert len(every.find("tbody").find_all("tr")) == len(engine.ruleset.file.rules)


def test_the_evaluate_button_stays_at_hand(try_page):
    bar = try_page.find(class_="try__submit")
    assert bar is not None and text(bar.find("button")) == "Evaluate"


@pytest.mark.parametrize(
    "path",
    [
        "/clinician/",
        "/clinician/try",
        "/clinician/book",
        "/clinician/sign-off",
        "/clinician/changes",
    ],
)
def test_clinician_pages_have_no_patient_footer(app, path):
    page = parse(app.test_client().get(path).get_data(as_text=True))
    footer = text(page.find("footer"))
    assert "Clear my answers" not in footer and "We do not save your answers" not in footer
    assert "clinician preview saves nothing" in footer


def test_patient_pages_keep_their_footer(app):
    page = parse(app.test_client().get("/").get_data(as_text=True))
    assert "Clear my answers" in text(page.find("footer"))
