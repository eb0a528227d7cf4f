"""Keeping answers safe and private: CSRF, the signed cookie, idle expiry, clearing, headers,
logs, and forms built once. CSRF stays on: tokens come from the pages' HTML.
"""

from __future__ import annotations

import logging
import warnings

import pytest
from flask import current_app
from flask_wtf import FlaskForm
from pages import one, text

import questionnaire.web.forms
import questionnaire.web.journey
import questionnaire.web.patient
import questionnaire.web.session
from questionnaire import create_app

STEP = "/step/warning_signs"


def session_cookie_header(page) -> str:
    """The Set-Cookie header that stores the session."""
    found = [
        h
        for h in page.response.headers.getlist("Set-Cookie")
        if h.startswith(("session=", "__Host-session="))
    ]
    assert len(found) == 1, page.response.headers
    return found[0]


def cookie_attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


# --- CSRF ----------------------------------------------------------------------------------------

TOKENS = {
    "missing": None,
    "made-up": "not-a-token",
    "from-another-browser": "other",
}


@pytest.mark.parametrize("token", TOKENS.values(), ids=TOKENS.keys())
def test_a_form_sent_without_a_valid_token_is_refused_kindly_and_saves_nothing(
    patient, new_patient, token
):
    if token == "other":
        token = new_patient().get(STEP).csrf_token
    patient.get(STEP)

    page = patient.post(STEP, {"warning_signs": ["none"]}, token=token)

    assert page.status == 400
    assert page.response.mimetype == "text/html"
    assert "Traceback" not in page.text and "CSRF" not in page.text
    assert page.link("Go back to the page") == STEP
    again = patient.get(page.link("Go back to the page"))
    assert again.path == STEP and again.value("warning_signs") == []
    assert patient.get("/step/pain").path == STEP  # nothing was saved


def test_the_link_back_after_a_refused_form_returns_to_the_same_page(patient, discuss_answers):
    page = patient.walk(discuss_answers, until="treatment_duration")
    assert page.url == "/step/treatments?part=1"

    refused = patient.post(page.form["action"], discuss_answers, token=None)

    assert refused.status == 400
    assert refused.link("Go back to the page") == page.url


def test_clearing_needs_a_valid_token_too(patient, discuss_answers):
    patient.walk(discuss_answers)

    page = patient.post("/clear", token=None)

    assert page.status == 400
    assert patient.get("/summary").outcome == "discuss"


# --- the signed cookie ---------------------------------------------------------------------------


def flip_a_character(value: str) -> str:
    i = len(value) // 2
    return value[:i] + ("A" if value[i] != "A" else "B") + value[i + 1 :]


@pytest.mark.parametrize("url", ["/", STEP, "/step/pain", "/check", "/summary", "/help"])
def test_a_tampered_cookie_starts_again_with_a_message_never_a_500(patient, discuss_answers, url):
    patient.walk(discuss_answers)
    patient.client.set_cookie("session", flip_a_character(patient.cookie()))

    page = patient.get(url)

    assert (page.status, page.path) == (200, "/")
    assert "could not read your saved answers" in text(page.main)
    assert patient.get("/summary").path == "/"  # the answers are gone


@pytest.mark.parametrize(
    "cookie",
    ["garbage", "", ".", "a.b.c", "x" * 4000],
    ids=["garbage", "empty", "dot", "three-parts", "long"],
)
def test_a_cookie_that_is_not_ours_never_causes_a_500(patient, cookie):
    patient.client.set_cookie("session", cookie)

    assert patient.get("/step/pain").status == 200
    patient.client.set_cookie("session", cookie)
    assert patient.post(STEP, {"warning_signs": ["none"]}, token="x").status == 400


# --- idle expiry ---------------------------------------------------------------------------------


@pytest.fixture()
def clock(monkeypatch):
    """A clock the tests move forward: the session's idle timer reads it."""

    class Clock:
        seconds = 2_000_000_000

        def __call__(self) -> int:
            return self.seconds

        def wait(self, minutes: float) -> None:
            self.seconds += int(minutes * 60)

    fake = Clock()
    monkeypatch.setattr(questionnaire.web.session, "now", fake)
    monkeypatch.setattr(questionnaire.web.patient, "now", fake)
    return fake


def test_every_page_with_answers_says_when_they_will_be_cleared(patient, discuss_answers, clock):
    patient.walk(discuss_answers)
    clock.wait(5)

    page = patient.get("/check")

    timeout = one(page.html.footer, attrs={"data-timeout": True})
    assert "your answers will be cleared in 30 minutes if you do not use this site" in text(timeout)
    assert page.main.find(attrs={"data-timeout": True}) is None  # not yet a warning
    assert one(patient.get("/").html.footer, attrs={"data-timeout": True})


def test_near_the_2_hour_limit_the_page_warns_at_the_top_without_javascript(
    patient, discuss_answers, clock
):
    patient.walk(discuss_answers)
    for _ in range(4):  # keep using the site: the idle limit never comes
        clock.wait(28)
        patient.get("/check")
    clock.wait(2)  # 114 minutes after the first answer

    page = patient.get("/summary")

    warning = one(page.main, attrs={"data-timeout": True})
    assert page.main.find(attrs={"data-timeout": True}) is page.main.find(True)  # first thing
    assert "cleared in 6 minutes, 2 hours after you started" in text(warning)
    assert page.html.footer.find(attrs={"data-timeout": True}) is None


def test_without_answers_no_page_talks_of_clearing_them(patient):
    page = patient.get("/")

    assert page.html.find(attrs={"data-timeout": True}) is None


def test_answers_are_cleared_after_30_idle_minutes(patient, discuss_answers, clock):
    patient.walk(discuss_answers)
    clock.wait(31)

    page = patient.get("/summary")

    assert (page.status, page.path) == (200, "/expired")
    assert "answers were cleared" in page.h1
    assert "30 minutes" in text(page.main)
    assert patient.get("/summary").path == "/"
    assert patient.get("/check").path == STEP
    assert patient.get(STEP).value("warning_signs") == []


def test_answers_are_kept_while_the_patient_keeps_using_the_site(patient, discuss_answers, clock):
    patient.walk(discuss_answers)
    clock.wait(29)
    assert patient.get("/check").path == "/check"
    clock.wait(29)  # 58 minutes since the answers, but only 29 since the last page

    assert patient.get("/summary").outcome == "discuss"


# --- clearing ------------------------------------------------------------------------------------


def test_clear_forgets_every_answer_here_and_in_the_browser(patient, discuss_answers):
    patient.walk(discuss_answers)
    patient.get("/summary")

    response = patient.post("/clear", follow=False).response

    assert response.status_code in (302, 303)
    # Only this app's cookie is expired: "cookies" would wipe every site of the domain.
    assert '"cookies"' not in response.headers.get("Clear-Site-Data", "")
    expired = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=;")]
    assert len(expired) == 1 and "Max-Age=0" in expired[0], response.headers
    page = patient.get(response.headers["Location"])
    assert page.path == "/"
    assert "Your answers have been cleared" in text(one(page.main, class_="notice"))
    assert page.links("Go back to your answers") == []
    assert patient.get("/summary").path == "/"
    assert patient.get("/check").path == STEP


# --- headers and cookie --------------------------------------------------------------------------

PAGES = ["/", STEP, "/check", "/summary", "/help"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_never_cached_and_carry_the_security_headers(patient, discuss_answers, url):
    patient.walk(discuss_answers)

    page = patient.get(url)

    assert (page.status, page.path) == (200, url)
    headers = page.response.headers
    assert "no-store" in headers["Cache-Control"]
    csp = [d.strip() for d in headers["Content-Security-Policy"].split(";")]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"  # Flask-WTF needs it over HTTPS
    assert "Strict-Transport-Security" not in headers  # plain http: HSTS would be ignored


def test_https_responses_ask_browsers_to_stay_on_https(https_patient):
    page = https_patient.get("/")

    assert page.status == 200
    assert "max-age=" in page.response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    ("secure", "expected"), [(False, set()), (True, {"secure"})], ids=["http", "https"]
)
def test_the_session_cookie_is_http_only_same_site_and_secure_over_https(
    patient, https_patient, secure, expected
):
    who = https_patient if secure else patient

    page = who.get("/step/warning_signs", follow=False)  # its form's CSRF token starts one

    header = session_cookie_header(page)
    assert {"httponly", "samesite"} <= cookie_attributes(header)
    assert "samesite=lax" in header.lower().replace(" ", "")
    assert cookie_attributes(header) & {"secure"} == expected
    # Over HTTPS the __Host- prefix: browsers then insist on Secure, Path=/ and no Domain.
    # Over plain http (make run) a __Host- cookie would be dropped, so the name is plain.
    assert header.startswith("__Host-session=" if secure else "session=")
    assert "path=/" in header.lower().replace(" ", "") and "domain" not in cookie_attributes(header)


# --- logs ----------------------------------------------------------------------------------------


def test_no_answer_reaches_the_logs(patient, discuss_answers, questions, caplog):
    caplog.set_level(logging.DEBUG)
    secrets: set[str] = set()
    for question, answer in discuss_answers.items():
        choices = {c["value"]: c["label"] for c in questions[question].get("choices", [])}
        for value in answer if isinstance(answer, list) else [answer]:
            secrets |= {str(value), choices.get(value, str(value))}
    secrets = {s for s in secrets if len(s) >= 4}  # "yes" and "6" appear in any text

    page = patient.walk(discuss_answers, until="pain_area")
    patient.submit({**{q: discuss_answers[q] for q in page.questions}, "pain_intensity": "12"})
    patient.walk(discuss_answers)
    patient.get("/summary")
    patient.post("/clear")

    logged = "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)
    assert sorted(s for s in secrets if s in logged) == []


# --- forms ---------------------------------------------------------------------------------------


def test_form_classes_are_built_once_not_per_request(app, discuss_answers, monkeypatch):
    fresh = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "QUESTIONNAIRE_RULES": app.config["QUESTIONNAIRE_RULES"],
        }
    )
    seen: list[tuple[type, ...]] = []

    @fresh.after_request
    def remember_forms(response):
        seen.append(tuple(page.form for page in current_app.extensions["journeys"]["en"].pages))
        return response

    def rebuilt(*args, **kwargs):
        raise AssertionError("forms were built during a request")

    monkeypatch.setattr(questionnaire.web.journey, "build_pages", rebuilt)
    monkeypatch.setattr(questionnaire.web.forms, "build_pages", rebuilt)
    client = fresh.test_client()
    assert client.get(STEP).status_code == 200
    assert client.get("/").status_code == 200

    assert len(seen) == 2
    assert all(first is second for first, second in zip(*seen, strict=True))
    assert all(issubclass(form, FlaskForm) for form in seen[0])


def test_forms_are_built_without_deprecated_wtforms_calls(app):
    journey = app.extensions["journeys"]["en"]
    with app.test_request_context(STEP), warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for page in journey.pages:
            page.form(meta={"csrf": False})


@pytest.mark.parametrize("url", ["/", "/step/pain", "/check", "/summary", "/help"])
def test_the_footer_clear_link_on_every_page_asks_first_then_forgets_the_answers(
    patient, discuss_answers, url
):
    patient.walk(discuss_answers)
    page = patient.get(url)
    footer = one(page.html, "footer")
    assert footer.find("form") is None  # one tap below Continue must not clear at once

    confirm = patient.get(one(footer, "a", string="Clear my answers")["href"])
    assert confirm.h1 == "Do you want to start again?"
    assert patient.get("/summary").outcome == "discuss"  # nothing forgotten yet
    cleared = patient.post("/clear", token=confirm.csrf_token)

    assert cleared.path == "/" and "Your answers have been cleared" in cleared.text
    assert patient.get("/summary").path == "/"


def test_the_link_back_after_a_refused_form_keeps_the_mount_point(app):
    client = app.test_client()
    response = client.post(
        "/step/warning_signs", data={"warning_signs": "none"}, base_url="http://localhost/criteria"
    )  # mounted under /criteria
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="/criteria/step/warning_signs"' in html
    assert 'href="/criteria/help"' in html, "the fixed links follow the mount point too"
