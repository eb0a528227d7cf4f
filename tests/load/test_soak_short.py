"""The soak, short (bench/soak.py; `make soak` runs the full 60 s, 100 connections): patients
walking whole journeys at the same time through gunicorn, CSRF tokens and cookies included,
get no error. Needs Debian's wrk (`make wrk`; `make test` installs it).

The soak's checker is tested too: a journey whose expectations are wrong must count errors,
or "no errors" would prove nothing.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from bench import soak
from bench.server import WRK, Server

SECONDS = 5
CONNECTIONS = 10
# Journeys move in waves of CONNECTIONS (len(soak.journey_plan()) requests each: 37 with one
# question a page); 5 s completes at least one wave on a quiet 2-core machine.
MIN_JOURNEYS = CONNECTIONS


@pytest.fixture(scope="module")
def server():
    if not os.access(WRK, os.X_OK):
        pytest.fail(f"{WRK} is missing: run 'make wrk' (Debian's wrk package)")
    with Server("wsgi:app") as running:
        yield running


def test_patients_walking_whole_journeys_at_once_get_no_error(server):
    result = soak.run(server, seconds=SECONDS, connections=CONNECTIONS)

    assert (result.errors, result.first_error) == (0, ""), result.output
    assert result.journeys >= MIN_JOURNEYS, result.output
    assert result.requests >= result.journeys * len(soak.journey_plan())
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms


def _plan_with(index: int, **changes) -> list[soak.Request]:
    plan = soak.journey_plan()
    plan[index] = dataclasses.replace(plan[index], **changes)
    return plan


def _index(method: str, path: str) -> int:
    plan = soak.journey_plan()
    return next(i for i, r in enumerate(plan) if (r.method, r.path) == (method, path))


WRONG_EXPECTATIONS = [
    pytest.param(
        _plan_with(-1, contains='data-outcome="emergency"'),
        "GET /summary: the page does not contain 'data-outcome=\"emergency\"'",
        id="summary-shows-another-outcome",
    ),
    pytest.param(
        _plan_with(_index("POST", "/step/warning_signs"), location="/step/health"),
        "POST /step/warning_signs: redirected to '/step/about_you', expected '/step/health'",
        id="post-redirects-elsewhere",
    ),
    pytest.param(
        _plan_with(_index("GET", "/check"), status=404),
        "GET /check: status 200, expected 404",
        id="page-answers-another-status",
    ),
    # Without the page's CSRF token the POST is refused: the soak's posts really pass CSRF.
    pytest.param(
        _plan_with(_index("GET", "/step/warning_signs"), token=False),
        "POST /step/warning_signs: status 400, expected 302",
        id="post-without-csrf",
    ),
]


@pytest.mark.parametrize(("plan", "first_error"), WRONG_EXPECTATIONS)
def test_the_soak_counts_an_unexpected_response_as_an_error(server, plan, first_error):
    result = soak.run(server, seconds=1, connections=2, plan=plan)

    assert result.errors > 0 and result.journeys == 0, result.output
    assert result.first_error == first_error
