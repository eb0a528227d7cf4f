"""`make bench` measures every page and API call against its budget (bench/requests.py): a route
added without a row, or a row whose request no longer gets through (a journey that stops short, a
token taken from a page that has none), fails here instead of in the next benchmark run."""

from __future__ import annotations

import pytest

from bench import requests as bench

# Uploads are measured by bench/upload_isolation.py and the changes engineer's own tests: a
# form post of every question (try) and a rule file compared in a child process (changes).
NOT_TIMED = {("clinician.try_answers", "POST"), ("clinician.changes", "POST"), ("static", "GET")}


@pytest.fixture(scope="module")
def measured():
    app = bench.make_app()
    cookie, token, offer = bench.journey_cookies(app)
    return app, bench.calls(app, offer), cookie, token


def test_every_route_of_the_app_has_a_row(measured):
    app, calls, _, _ = measured
    adapter = app.url_map.bind("localhost")
    timed = set()
    for call in calls:
        endpoint, _ = adapter.match(call.path.split("?")[0], method=call.method)
        timed.add((endpoint, call.method))
    served = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served - NOT_TIMED - timed == set()


def test_every_row_gets_the_page_it_names(measured):
    app, calls, cookie, token = measured
    for call in calls:
        status = bench.wsgi_call(app, call, cookie, token)()
        expected = "302" if call.method == "POST" and call.form is not None else "2"
        assert status.startswith(expected), (call.name, status)


def test_summary_pages_are_reached_not_redirected(measured):
    """The summaries are timed as pages: the journeys' cookies must carry finished answers."""
    app, calls, cookie, token = measured
    for call in calls:
        if call.path in ("/summary", "/offer/summary", "/summary/answers.json", "/check"):
            assert bench.wsgi_call(app, call, cookie, token)().startswith("200"), call.name


def test_the_handout_has_its_own_budget_against_the_summary_page(measured):
    _, calls, _, _ = measured
    budgets = {call.path: call.budget({"/summary": 2.5, "/clinician/try": 1.5}) for call in calls}
    assert budgets["/summary.pdf"] == 50.0
    assert budgets["/summary.pdf?lang=es"] == 100.0
    assert budgets["/summary"] == bench.BUDGET_MS == 2.0


def test_a_scenario_tried_has_the_budget_of_the_two_pages_it_shows(measured):
    """The try page with a scenario shows the try page and the patient's whole summary page,
    and the reasoning on top: its budget is theirs added, from the same run's figures, and a
    fifth more."""
    _, calls, _, _ = measured
    budgets = {call.path: call.budget({"/summary": 1.9, "/clinician/try": 1.7}) for call in calls}
    assert budgets["/clinician/try?scenario=discuss.yaml:0"] == pytest.approx(1.2 * (1.9 + 1.7))
    assert budgets["/clinician/try"] == bench.BUDGET_MS


def test_derived_budgets_name_rows_that_are_measured(measured):
    """`--only` measures the rows other budgets come from, so a derived budget is never unknown."""
    _, calls, _, _ = measured
    paths = {call.path for call in calls}
    for call in calls:
        assert set(call.budget_of) <= paths & set(bench.PART_NAMES), call.name
