"""Two tabs posting at once: answers merge per step; neither tab silently undoes the other.

The race: both tabs send the cookies the browser had before either answer was saved. With one
cookie, the response that arrives last overwrote the other tab's answer (issue 9: "pregnant"
silently disappeared). Each step's answers now live in a cookie of their own, and a response
sets only the cookie of the step it changed, so the browser keeps both changes.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from pages import Patient


def set_cookie_headers(page) -> list[str]:
    return page.response.headers.getlist("Set-Cookie")


def apply(client, headers: list[str]) -> None:
    """Store Set-Cookie headers in a client's jar, as a browser does when a response arrives."""
    for header in headers:
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or not morsel.value:
                client.delete_cookie(name)
            else:
                client.set_cookie(name, morsel.value)


def snapshot(client) -> list[str]:
    return [f"{c.key}={c.value}" for c in client._cookies.values()]  # the jar, as it is now


def tab(app, cookies: list[str]) -> Patient:
    """A tab that sends the cookies the browser held when the tab posted."""
    other = Patient(app.test_client())
    apply(other.client, cookies)
    return other


def change(who: Patient, step: str, answers: dict, part: int = 0):
    url = f"/step/{step}?change=1" + (f"&part={part}" if part else "")
    page = who.get(url)
    assert page.path == f"/step/{step}", page
    return who.post(url, answers, token=page.csrf_token, follow=False)


def test_two_tabs_posting_at_once_keep_both_answers(app, patient, discuss_answers):
    patient.walk(discuss_answers)
    assert patient.get("/summary").outcome == "discuss"
    before = snapshot(patient.client)

    # Both tabs post with the cookies of `before`: neither has seen the other's answer.
    health = change(tab(app, before), "health", {"health_conditions": ["pregnant"]})
    travel = change(tab(app, before), "cost_access", {"travel": "no"}, part=2)
    assert health.status == travel.status == 302
    apply(patient.client, set_cookie_headers(health))  # the health answer arrives first
    apply(patient.client, set_cookie_headers(travel))  # then the other tab's, last

    summary = patient.get("/summary")
    check = patient.get("/check")

    assert summary.outcome == "usually_excluded", "the pregnancy answer was lost"
    assert "pregnant" in check.text.lower() or "breastfeeding" in check.text.lower()
    assert patient.get("/step/cost_access?change=1&part=2").value("travel") == "no"


def test_each_saved_step_sets_only_its_own_cookie(patient, discuss_answers):
    patient.walk(discuss_answers)
    page = patient.get("/step/health?change=1")

    saved = patient.post(
        "/step/health?change=1",
        {"health_conditions": ["blood_thinners_or_bleeding"]},
        token=page.csrf_token,
        follow=False,
    )

    names = [h.split("=", 1)[0] for h in set_cookie_headers(saved)]
    assert names == ["session-health"]


def test_same_step_in_two_tabs_the_later_answer_wins_whole(app, patient, discuss_answers):
    """Within one page there is nothing to merge: the page is one answer, the later one."""
    patient.walk(discuss_answers)
    before = snapshot(patient.client)
    first = change(tab(app, before), "health", {"health_conditions": ["pregnant", "osteoporosis"]})
    second = change(tab(app, before), "health", {"health_conditions": ["osteoporosis"]})
    apply(patient.client, set_cookie_headers(first))
    apply(patient.client, set_cookie_headers(second))

    page = patient.get("/step/health?change=1")

    assert page.values == {"health_conditions": ["osteoporosis"]}


def test_a_step_cookie_from_before_clear_is_ignored(app, patient, discuss_answers):
    patient.walk(discuss_answers)
    before = snapshot(patient.client)
    patient.post("/clear", token=patient.token())
    leftover = [c for c in before if c.startswith("session-health=")]
    apply(patient.client, [c + "; Path=/" for c in leftover])  # a tab's late response

    patient.get("/")
    patient.walk({"warning_signs": ["none"], "age": 45}, until="pain_area")

    assert patient.get("/step/health").path == "/step/pain"  # no health answer came back


def test_a_static_file_or_api_call_sets_no_cookie(patient, discuss_answers):
    patient.walk(discuss_answers)

    for url in ("/static/style.css", "/api/v1/questionnaire", "/healthz"):
        with patient.client.get(url) as response:
            assert response.status_code == 200
            assert response.headers.getlist("Set-Cookie") == [], url
