"""The answers cookies: encrypted and authenticated (AES-256-GCM, key from SECRET_KEY by HKDF),
keys that rotate, and a hard 2-hour limit that bounds how long a copied cookie can be replayed."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from pages import Patient, text

import questionnaire.web.patient
import questionnaire.web.session
from questionnaire import create_app
from questionnaire.web.session import AnswerCipher, InvalidToken

RULES = str(Path(__file__).resolve().parents[2] / "rules.yaml")


def app_with(secret: str, fallbacks: list[str] | None = None):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": secret,
            "QUESTIONNAIRE_RULES": RULES,
            "SECRET_KEY_FALLBACKS": fallbacks or [],
        }
    )


STEPS = [
    s.id
    for s in create_app({"TESTING": True, "SECRET_KEY": "x", "QUESTIONNAIRE_RULES": RULES})
    .extensions["questionnaire"]
    .ruleset.file.steps
]


def our_cookies(patient: Patient) -> dict[str, str]:
    """The main cookie and one per answered step, as the browser holds them."""
    found = {}
    for name in ["session", *(f"session-{s}" for s in STEPS)]:
        cookie = patient.client.get_cookie(name)
        if cookie is not None and cookie.value:
            found[name] = cookie.value
    return found


def copy_cookies(source: Patient, target: Patient) -> None:
    for name, value in our_cookies(source).items():
        target.client.set_cookie(name, value)


def every_value(answers: dict) -> set[str]:
    return {str(v) for a in answers.values() for v in (a if isinstance(a, list) else [a])}


def test_the_cookie_reveals_no_answer(patient, discuss_answers):
    patient.walk(discuss_answers)
    assert patient.get("/summary").outcome == "discuss"
    cookies = our_cookies(patient)
    assert set(cookies) == {"session", *(f"session-{s}" for s in STEPS)}

    for cookie in cookies.values():
        raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
        for value in every_value(discuss_answers) | set(discuss_answers):
            if len(value) > 2:  # "6" can occur by chance in random bytes; words cannot
                assert value.encode() not in raw, value
                assert value not in cookie, value
        assert b"answers" not in raw and b"seen" not in raw  # not even the names of fields


def test_each_cookie_opens_only_with_the_key_and_under_its_own_name(patient, app, discuss_answers):
    patient.walk(discuss_answers)
    pain = our_cookies(patient)["session-pain"]

    data = AnswerCipher(app.secret_key).open(pain, "pain")[0]

    assert data["a"]["pain_area"] == discuss_answers["pain_area"]
    with pytest.raises(InvalidToken):
        AnswerCipher("another secret").open(pain, "pain")[0]
    with pytest.raises(InvalidToken):  # the step is sealed in: it cannot pass for another one
        AnswerCipher(app.secret_key).open(pain, "health")[0]


def test_a_step_cookie_moved_under_another_name_is_unreadable(patient, discuss_answers):
    patient.walk(discuss_answers)
    cookies = our_cookies(patient)
    patient.client.set_cookie("session-health", cookies["session-cost_access"])

    page = patient.get("/summary")

    assert page.path == "/"
    assert "could not read your saved answers" in text(page.main)


def test_an_old_key_in_secret_key_fallbacks_still_opens_the_answers():
    old, new = app_with("the old secret"), app_with("the new secret", ["the old secret"])
    before = Patient(old.test_client())
    before.walk({"warning_signs": ["bladder_bowel"]})
    assert before.get("/summary").outcome == "emergency"

    after = Patient(new.test_client())
    copy_cookies(before, after)

    assert after.get("/summary").outcome == "emergency"
    assert AnswerCipher("the new secret").open(after.cookie())[0]  # rewritten under the new key


def test_a_key_no_longer_listed_cannot_open_the_answers():
    before = Patient(app_with("a retired secret").test_client())
    before.walk({"warning_signs": ["bladder_bowel"]})

    after = Patient(app_with("the new secret").test_client())
    copy_cookies(before, after)
    page = after.get("/summary")

    assert page.path == "/"
    assert "could not read your saved answers" in text(page.main)


def test_a_copied_cookie_dies_2_hours_after_the_first_answer_even_if_kept_in_use(
    patient, discuss_answers, monkeypatch
):
    clock = [2_000_000_000]
    monkeypatch.setattr(questionnaire.web.session, "now", lambda: clock[0])
    monkeypatch.setattr(questionnaire.web.patient, "now", lambda: clock[0])
    patient.walk(discuss_answers)
    for _ in range(4):  # someone replays the copy every 25 minutes to keep it alive
        clock[0] += 25 * 60
        assert patient.get("/summary").outcome == "discuss"
    clock[0] += 25 * 60  # 125 minutes after the first answer

    page = patient.get("/summary")

    assert page.path == "/expired"
    assert re.search(r"2 hours", text(page.main))


def test_the_start_page_says_what_clear_cannot_do_about_a_copied_cookie(patient):
    privacy = text(patient.get("/").main)

    assert "Only this web browser holds them, locked" in privacy
    assert "It cannot reach a copy" in privacy  # in a reveal: plain, not the first thing read
    assert "30 minutes after it was last used" in privacy and "2 hours" in privacy


def test_old_keys_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "the new secret")
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", "older secret, the old secret")

    app = create_app({"TESTING": True, "QUESTIONNAIRE_RULES": RULES})

    assert app.config["SECRET_KEY"] == "the new secret"
    assert app.config["SECRET_KEY_FALLBACKS"] == ["older secret", "the old secret"]
