"""The patient questionnaire and the clinic-offer check are one wizard (web/wizard.py): on their
pages of questions and their check pages a person meets the same refusals, messages, ways back
and headers. Each test does the same thing in both and compares what the two answer, so a copy
of the wizard that drifts (as the offer's copy once could) fails here."""

from __future__ import annotations

import pytest
from pages import Page, Patient, text
from sample_answers import DISCUSS_ANSWERS

# Where each wizard lives, and a complete set of its answers.
WIZARDS = {
    "patient": ("", DISCUSS_ANSWERS),
    "offer": (
        "/offer",
        {
            "called": "treatment",
            "pay_to_take_part": "yes",
            "price": 7500,
            "cell_source": "own_cells",
            "claims": ["testimonials"],
            "ind_number": "not_asked",
            "ethics_board": "named",
            "registry_listed": "yes",
        },
    ),
}


@pytest.fixture()
def visitor(app):
    """A new browser for each wizard."""
    return lambda: Patient(app.test_client())


def start(who: Patient, name: str) -> Page:
    """The wizard's first page of questions, opened from its start page's button."""
    prefix, _ = WIZARDS[name]
    return who.get(who.get(prefix + "/").main.select_one("a.button--start")["href"])


def answer_all(who: Patient, name: str) -> list[Page]:
    """Every page of questions answered from the wizard's answers; the pages seen, in order."""
    _, answers = WIZARDS[name]
    seen = [start(who, name)]
    while "/step/" in seen[-1].path:
        seen.append(who.submit({q: answers[q] for q in seen[-1].questions}))
        assert seen[-1].url != seen[-2].url, seen[-1].error_summary
    return seen


def local(url: str | None, name: str) -> str | None:
    """A URL without its wizard's prefix, to compare the two wizards' links."""
    prefix, _ = WIZARDS[name]
    return url.removeprefix(prefix) if url else url


def both(check) -> dict:
    """What `check(name)` gives for each wizard."""
    return {name: check(name) for name in WIZARDS}


@pytest.mark.parametrize("token", ["forged", None], ids=["forged-token", "no-token"])
def test_both_refuse_a_form_without_a_valid_token_with_the_same_page(visitor, token):
    def refused(name):
        who = visitor()
        first = start(who, name)
        page = who.post(first.url, {first.questions[0]: "x"}, token=token)
        back_to_it = page.link("Go back") == first.url
        return page.status, page.h1, text(page.main), back_to_it

    seen = both(refused)

    assert seen["patient"] == seen["offer"]
    status, heading, _, back_to_it = seen["offer"]
    assert (status, heading, back_to_it) == (400, "Send your answers again", True)


@pytest.mark.parametrize("where", ["/step/no_such_step", "/step/{first}?part=99"])
def test_both_answer_a_page_that_does_not_exist_with_the_same_404(visitor, where):
    def missing(name):
        who = visitor()
        first = start(who, name).path.rsplit("/", 1)[-1]
        prefix, _ = WIZARDS[name]
        page = who.get(prefix + where.format(first=first))
        return page.status, page.title, text(page.main)

    seen = both(missing)

    assert seen["patient"] == seen["offer"]
    assert seen["offer"][0] == 404


@pytest.mark.parametrize("sent", ["nothing", "a value no page offers"])
def test_both_ask_again_with_the_rule_files_message(visitor, sent):
    def asked_again(name):
        who = visitor()
        first = start(who, name)
        question = first.questions[0]
        page = who.submit({} if sent == "nothing" else {question: "not_offered"})
        summary = page.html.find(class_="error-summary")
        return {
            "status": page.status,
            "same page": page.url == first.url,
            "title": page.title.startswith("Error: "),
            "summary heading": text(summary.find("h2")),
            "one message, beside the question": page.error_summary
            == [page.inline_errors[question]],
        }

    seen = both(asked_again)

    assert seen["patient"] == seen["offer"]
    assert seen["offer"] == {
        "status": 200,
        "same page": True,
        "title": True,
        "summary heading": "There is a problem",
        "one message, beside the question": True,
    }


def test_both_keep_a_later_page_closed_until_the_earlier_ones_are_answered(visitor):
    def sent_to(name):
        who = visitor()
        first = start(who, name)
        steps = [p.path for p in answer_all(visitor(), name) if "/step/" in p.path]
        later = next(path for path in steps if path != first.path)
        prefix, _ = WIZARDS[name]
        return (
            local(who.get(later).url, name) == local(first.url, name),
            local(who.get(prefix + "/check").url, name) == local(first.url, name),
        )

    assert both(sent_to) == {"patient": (True, True), "offer": (True, True)}


def test_both_go_back_and_change_an_answer_the_same_way(visitor):
    def ways(name):
        who = visitor()
        pages = answer_all(who, name)
        check = pages[-1]
        change = who.get(check.links("Change")[0])
        kept = who.submit(change.values)
        return {
            "first page's back": local(pages[0].back_url, name),
            "second page's back": local(pages[1].back_url, name) == local(pages[0].url, name),
            "ends on": local(check.path, name),
            "check's back": local(check.back_url, name) == local(pages[-2].url, name),
            "change is marked": change.query.get("change"),
            "change's back": local(change.back_url, name),
            "after the change": local(kept.path, name),
        }

    seen = both(ways)

    assert seen["patient"] == seen["offer"]
    assert seen["offer"] == {
        "first page's back": "/",
        "second page's back": True,
        "ends on": "/check",
        "check's back": True,
        "change is marked": "1",
        "change's back": "/check",
        "after the change": "/check",
    }


def test_every_response_of_both_wizards_is_kept_in_no_cache(visitor):
    def headers(name):
        who = visitor()
        pages = answer_all(who, name)
        responses = [r for p in pages for r in (*p.response.history, p.response)]
        prefix, _ = WIZARDS[name]
        responses += [who.get(prefix + "/check").response, who.get(prefix + "/summary").response]
        return {(r.headers.get("Cache-Control"), "Cookie" in r.vary) for r in responses}

    assert both(headers) == {"patient": {("no-store", True)}, "offer": {("no-store", True)}}
