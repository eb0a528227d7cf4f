"""Fuzzing the HTML forms: random form posts never get a server error (status 500 or more).

Every page of the wizard is posted to with the answers of the pages before it already in the
session, so each page really handles the post. The fields are the real question ids with choice
values, numbers or any text (up to 10 kB, any Unicode, empty), as one value or several, plus
fields with random names; the CSRF token is the one from the page, none, or a wrong one; the
body is URL-encoded or multipart. The clinician's try-answers page also gets uploaded files, and
"Clear my answers" (the form on its confirm page, /start-again) gets the same random posts.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from functools import cache
from typing import Any

import pytest
from fuzzing import (
    APP,
    JSON_VALUES,
    answer_objects,
    check_budget,
    count,
    examples,
    valid_answers,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.web.session import now

JOURNEY = APP.extensions["journeys"]["en"]
ENGINE = JOURNEY.engine
QUESTIONS = ENGINE.ruleset.questions
IDS = [q.id for q in QUESTIONS]
PAGES = JOURNEY.pages
PAGE_IDS = [f"{p.step.id}-part{p.part}" if p.part else p.step.id for p in PAGES]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

STEP = "test_random_posts_to_a_wizard_page_never_get_a_server_error"
TRY = "test_random_posts_and_uploads_to_try_answers_never_get_a_server_error"
CLEAR = "test_random_posts_to_clear_never_get_a_server_error"
BUDGET = {
    **{f"{STEP}[{page}]": examples(2) for page in PAGE_IDS},
    TRY: examples(2),
    CLEAR: examples(2),
}
REACHED: Counter[str] = Counter()  # page -> posts made while the page was open to the patient


# --- form fields ---------------------------------------------------------------------------------


def _repeat_to(seed: str, size: int) -> str:
    return (seed * (size // len(seed) + 1))[:size]


# Long text is a short random text repeated: drawing 10,000 characters one by one is slow.
HUGE_TEXT = st.builds(_repeat_to, st.text(min_size=1, max_size=16), st.integers(1_000, 10_000))
ANY_TEXT = st.one_of(st.just(""), st.text(max_size=40), HUGE_TEXT)


def _field_value(q) -> st.SearchStrategy[str | list[str]]:
    """What a browser, or someone pretending to be one, can send for one question."""
    if q.type == "integer":
        sensible = st.integers(q.min - 5, q.max + 5).map(str) | st.integers().map(str)
    else:
        sensible = st.sampled_from([c.value for c in q.choices])
    one = st.one_of(sensible, ANY_TEXT)
    return one | st.lists(one, max_size=5)


QUESTION_FIELDS = st.fixed_dictionaries({}, optional={q.id: _field_value(q) for q in QUESTIONS})
OTHER_FIELDS = st.dictionaries(
    st.text(max_size=20), ANY_TEXT | st.lists(ANY_TEXT, max_size=3), max_size=3
)


@st.composite
def form_fields(draw) -> dict[str, Any]:
    fields = draw(QUESTION_FIELDS)
    fields.update(draw(OTHER_FIELDS))
    return fields


FIELDS = form_fields()
TOKENS = st.sampled_from(["from the page", "none", "wrong"])
WRONG_TOKEN = ANY_TEXT
MULTIPART = st.booleans()


def post(client, url: str, fields: dict[str, Any], token: str | None, multipart: bool):
    data = {k: v for k, v in fields.items() if k != "csrf_token"}
    if token is not None:
        data["csrf_token"] = token
    return client.post(url, data=data, content_type="multipart/form-data" if multipart else None)


def assert_no_server_error(response, url: str) -> None:
    assert response.status_code < 500, (
        f"{response.status_code} from POST {url}: {response.get_data(as_text=True)[:300]}"
    )


def token_on(response) -> str | None:
    found = TOKEN.search(response.get_data(as_text=True))
    return found.group(1) if found else None


# --- the wizard's pages --------------------------------------------------------------------------

PREFIXES = valid_answers(ENGINE, extras=False)
PAGE_OF = {q.id: i for i, page in enumerate(PAGES) for q in page.questions}


@pytest.mark.parametrize("index", range(len(PAGES)), ids=PAGE_IDS)
@settings(max_examples=examples(2))  # each page: BUDGET[f"{STEP}[{page}]"]
@given(
    prefix=PREFIXES,
    fields=FIELDS,
    token=TOKENS,
    wrong=WRONG_TOKEN,
    multipart=MULTIPART,
    change=st.booleans(),
)
def test_random_posts_to_a_wizard_page_never_get_a_server_error(
    inputs, index, prefix, fields, token, wrong, multipart, change
):
    count(inputs, PAGE_IDS[index])
    page = PAGES[index]
    earlier = {q: a for q, a in prefix.answers.items() if PAGE_OF[q] < index}
    if JOURNEY.reachable(page, ENGINE.walk(earlier)):
        REACHED[PAGE_IDS[index]] += 1
    client = APP.test_client()
    with client.session_transaction() as session:
        session.update(answers=earlier, v=ENGINE.version, seen=now())
    url = f"/step/{page.step.id}?part={page.part}" + ("&change=1" if change else "")
    if token == "from the page":  # as a browser gets it; the start page's if this one redirects
        shown = client.get(url)
        assert shown.status_code in (200, 302), shown.status_code
        sent = token_on(shown) or token_on(client.get("/"))
    else:
        sent = None if token == "none" else wrong
    assert_no_server_error(post(client, url, fields, sent, multipart), url)


def test_the_wizard_fuzzing_reached_every_page(inputs, failed):
    """At least a quarter of the posts to each page were made while the page was open."""
    ran = {page: inputs[f"{STEP}[{page}]"] for page in PAGE_IDS}
    if not all(ran.values()) or STEP in failed:
        pytest.skip("the wizard fuzz test did not run in full")
    rare = {
        page: f"{REACHED[page]} of {ran[page]}"
        for page in PAGE_IDS
        if REACHED[page] < ran[page] / 4
    }
    assert not rare, f"pages the fuzzing seldom reached: {rare}"


# --- the clinician's try-answers page, and "Clear my answers" ------------------------------------


@cache
def try_page() -> tuple[Any, str]:
    """One browser on the try-answers page, and its CSRF token (valid for an hour)."""
    client = APP.test_client()
    response = client.get("/clinician/try")
    assert response.status_code == 200
    token = token_on(response)
    assert token
    return client, token


FHIR_ANSWER = st.one_of(
    st.fixed_dictionaries({"valueInteger": st.integers(-5, 20)}),
    st.fixed_dictionaries(
        {
            "valueCoding": st.fixed_dictionaries(
                {
                    "code": st.sampled_from([c.value for q in QUESTIONS for c in q.choices])
                    | ANY_TEXT
                },
                optional={"system": st.text(max_size=10)},
            )
        }
    ),
    JSON_VALUES,
)
FHIR_RESPONSES = st.fixed_dictionaries(
    {"resourceType": st.just("QuestionnaireResponse")},
    optional={
        "status": st.sampled_from(["completed", "in-progress", "amended", "stopped"])
        | st.text(max_size=10),
        "item": st.lists(
            st.fixed_dictionaries(
                {"linkId": st.sampled_from(IDS) | st.text(max_size=10)},
                optional={"answer": st.lists(FHIR_ANSWER, max_size=3)},
            ),
            max_size=5,
        ),
    },
)
ANSWERS = answer_objects(ENGINE)
UPLOADS = st.one_of(
    ANSWERS.map(lambda a: json.dumps(a).encode()),
    ANSWERS.map(lambda a: json.dumps({"answers": a}).encode()),
    FHIR_RESPONSES.map(lambda r: json.dumps(r).encode()),
    ANY_TEXT.map(str.encode),
    st.binary(max_size=200),
)


@settings(max_examples=BUDGET[TRY])
@given(
    fields=FIELDS, upload=st.none() | UPLOADS, token=TOKENS, wrong=WRONG_TOKEN, multipart=MULTIPART
)
def test_random_posts_and_uploads_to_try_answers_never_get_a_server_error(
    inputs, fields, upload, token, wrong, multipart
):
    count(inputs)
    client, page_token = try_page()
    sent = {"from the page": page_token, "none": None, "wrong": wrong}[token]
    if upload is not None:
        fields = {**fields, "answers_file": (io.BytesIO(upload), "answers.json")}
    response = post(client, "/clinician/try", fields, sent, multipart or upload is not None)
    assert_no_server_error(response, "/clinician/try")


@settings(max_examples=BUDGET[CLEAR])
@given(
    answers=st.none() | PREFIXES,
    fields=FIELDS,
    token=TOKENS,
    wrong=WRONG_TOKEN,
    multipart=MULTIPART,
)
def test_random_posts_to_clear_never_get_a_server_error(
    inputs, answers, fields, token, wrong, multipart
):
    count(inputs)
    client = APP.test_client()
    if answers is not None:
        with client.session_transaction() as session:
            session.update(answers=answers.answers, v=ENGINE.version, seen=now())
    # The footer's "Clear my answers" links to a page that asks first: its form posts /clear.
    page_token = token_on(client.get("/start-again"))
    assert page_token, "the start-again page has the form that clears the answers"
    sent = {"from the page": page_token, "none": None, "wrong": wrong}[token]
    response = post(client, "/clear", fields, sent, multipart)
    assert_no_server_error(response, "/clear")
    # A multipart part whose name is only spaces, or holds a line break anywhere (which breaks
    # its header line; browsers escape them), has no usable name once its header is read: the
    # app refuses such a form with 400 ("a field without a name").
    nameless = multipart and any(
        isinstance(k, str) and (not k.strip() or "\r" in k or "\n" in k) for k in fields
    )
    if token == "from the page" and response.status_code != 413 and not nameless:
        assert response.status_code == 302, "a post with the page's token clears the answers"


def test_every_form_fuzz_test_ran_its_planned_inputs(inputs, failed):
    check_budget(BUDGET, inputs, failed)
