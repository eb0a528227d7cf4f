"""Two app hosts behind one nginx upstream: journeys alternate between them, and survive one
of them dying mid-journey with no answer lost."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator

import pytest

from bench.deployment import Deployment
from bench.load import ANSWERS
from bench.slow_clients import TOKEN, Patient
from bench.soak import step_pages

REFUSED = "connect() failed (111: Connection refused) while connecting to upstream"


@pytest.fixture()
def two_hosts(certificate) -> Iterator[Deployment]:
    """A deployment of its own: these tests kill one of its hosts."""
    with Deployment(hosts=2, workers=1, cert=certificate) as running:
        yield running


def paths(lines: list[str]) -> list[str]:
    return [re.search(r'"([A-Z]+ \S+)', line).group(1) for line in lines]


def eventually(check: Callable[[], bool], seconds: float = 3.0) -> bool:
    """A gunicorn worker writes its access log line just after it answered: wait for it."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_journey_alternates_between_hosts_and_survives_losing_one(two_hosts, visit, journeys):
    first, second = two_hosts.hosts
    browser = visit(two_hosts)
    served_before: dict[str, list[str]] = {}

    def lose_a_host(pages_answered: int) -> None:
        if pages_answered == 2:  # warning signs and age are saved; the pain area is on screen
            served_before.update(first=paths(first.requests()), second=paths(second.requests()))
            first.kill()

    outcome = browser.walk(journeys["discuss"], between=lose_a_host)
    assert outcome == "discuss"
    assert "POST /step/warning_signs" in served_before["first"] + served_before["second"]
    assert served_before["first"] and served_before["second"], (
        f"nginx must spread one patient's requests over both hosts: {served_before}"
    )
    assert browser.server_errors() == []
    assert REFUSED in two_hosts.nginx.errors(), "the dead host was never tried"
    # Every answer made it: the check page lists all of them, each with its Change link.
    browser.goto("/check")
    changes = browser.page.get_by_role("link", name=re.compile("^Change"))
    assert changes.count() == len(journeys["discuss"]) == 17
    api = two_hosts.connection()
    api.request(
        "POST",
        "/api/v1/evaluate",
        json.dumps({"answers": journeys["discuss"]}),
        {"Content-Type": "application/json"},
    )
    assert json.loads(api.getresponse().read())["outcome"]["id"] == outcome
    api.close()


def test_with_every_host_gone_the_patient_gets_a_plain_busy_page(two_hosts):
    for host in two_hosts.hosts:
        host.kill()
    conn = two_hosts.connection()
    conn.request("GET", "/step/pain")
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    assert response.status == 502 and "The service is busy" in body
    assert response.getheader("Content-Security-Policy")
    assert response.getheader("Cache-Control") == "no-store"


def test_a_post_to_a_dead_host_goes_to_the_other_because_it_never_arrived(two_hosts):
    """nginx passes a POST on to the next host only when the first never received it (here:
    connection refused). One of two POSTs in a row is sent to the dead host first (round robin),
    so one of them is retried; both are answered, and each was saved once."""
    first, second = two_hosts.hosts
    patient = Patient(two_hosts.connection)
    for path, questions in step_pages(ANSWERS)[:2]:  # warning signs, about you
        patient.answer(path, questions, ANSWERS)
    token = TOKEN.search(patient.page("/step/pain")).group(1)
    first.kill()
    fields = f"csrf_token={token}&pain_area=lower_back"  # the pain step's first page
    for _ in range(2):
        response = patient.request("POST", "/step/pain", fields)
        assert response.status == 302, two_hosts.nginx.errors()
        assert response.getheader("Location") == "/step/pain?part=1"
    patient.close()
    refused = [line for line in two_hosts.nginx.errors().splitlines() if REFUSED in line]
    assert len(refused) == 1 and 'request: "POST /step/pain' in refused[0], refused
    assert eventually(lambda: paths(second.requests()).count("POST /step/pain") == 2), paths(
        second.requests()
    )
