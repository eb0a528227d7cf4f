"""The patient's way through the wizard: outcomes, red flags first, back and change links, skip
logic and the pages a patient cannot jump to yet. CSRF is on: every post carries the page's token.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from pages import one, text

# Changes to the "discuss" answers (tests/conftest.py) that lead to each outcome.
OUTCOME_CASES = [
    pytest.param({"warning_signs": ["bladder_bowel"]}, "emergency", id="emergency"),
    pytest.param({"warning_signs": ["fever", "night_pain"]}, "urgent", id="urgent"),
    pytest.param(
        {"health_conditions": ["pregnant"]}, "usually_excluded", id="usually_excluded-pregnant"
    ),
    pytest.param(
        {"pain_pattern": "mostly_limb"}, "usually_excluded", id="usually_excluded-limb_pain"
    ),
    pytest.param(  # treatments over 6 months of a newer pain are asked back (rules 3.1.0)
        {"pain_duration": "under_3_months", "treatment_duration": "3_to_6_months"},
        "not_yet",
        id="not_yet-new_pain",
    ),
    pytest.param(
        {"treatments_tried": ["none"], "treatment_duration": None, "treatment_relief": None},
        "not_yet",
        id="not_yet-no_treatment_tried",
    ),
    pytest.param({"pain_intensity": 3}, "not_yet", id="not_yet-mild_pain"),
    pytest.param({}, "discuss", id="discuss"),
]

SIGNS = [
    ("bladder_bowel", "emergency"),
    ("saddle_numbness", "emergency"),
    ("leg_weakness", "emergency"),
    ("serious_injury", "emergency"),
    ("chest_pain", "emergency"),
    ("fever", "urgent"),
    ("weight_loss", "urgent"),
    ("cancer_history", "urgent"),
    ("night_pain", "urgent"),
]


def with_changes(answers: dict, changes: dict) -> dict:
    """The answers with some replaced; None removes an answer."""
    merged = {**answers, **changes}
    return {q: a for q, a in merged.items() if a is not None}


def labels(questions: dict, question: str, answer) -> list[str]:
    """The labels a patient chose, as rules.yaml words them; a 0-10 score as "6 out of 10"."""
    q = questions[question]
    if q["type"] == "integer" and q["max"] - q["min"] <= 10:
        return [f"{answer} out of {questions[question]['max']}"]
    choices = {c["value"]: c["label"] for c in questions[question].get("choices", [])}
    return [choices.get(v, str(v)) for v in (answer if isinstance(answer, list) else [answer])]


def split_url(url: str) -> tuple[str, dict[str, str]]:
    """A link's path and query arguments, without its #fragment."""
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def check_rows(page) -> dict[str, tuple[str, str]]:
    """Check page: question prompt -> (answer text, Change link)."""
    rows = {}
    for row in page.main.find_all("div", class_="summary-list__row"):
        change = one(one(row, "dd", class_="summary-list__actions"), "a")
        rows[text(one(row, "dt"))] = (
            text(one(row, "dd", class_="summary-list__value")),
            change["href"],
        )
    return rows


def finish(patient, answers: dict):
    """Walk every page, then go from the check page to the summary."""
    page = patient.walk(answers)
    if page.path == "/check":
        page = patient.get(page.link("See your summary"))
    return page


# --- outcomes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "outcome"), OUTCOME_CASES)
def test_each_outcome_is_reached_through_the_pages(
    patient, discuss_answers, rules, changes, outcome
):
    page = finish(patient, with_changes(discuss_answers, changes))

    assert (page.status, page.path) == (200, "/summary")
    assert page.outcome == outcome
    expected = next(o for o in rules["outcomes"] if o["id"] == outcome)
    card = one(page.main, class_="card")
    assert f"card--{expected['urgency']}" in card["class"]
    assert expected["title"] in page.h1


# --- red flags first -----------------------------------------------------------------------------


@pytest.mark.parametrize(("sign", "outcome"), SIGNS, ids=[s for s, _ in SIGNS])
def test_a_red_flag_on_the_first_page_goes_straight_to_the_summary(patient, sign, outcome):
    page = patient.answer("warning_signs", {"warning_signs": [sign]})

    assert (page.path, page.outcome) == ("/summary", outcome)
    assert [r.request.path for r in page.response.history] == ["/step/warning_signs"]
    assert f"card--{outcome}" in one(page.main, class_="card")["class"]


def test_change_your_answers_on_the_emergency_summary_leads_back_to_the_warning_signs(patient):
    page = patient.walk({"warning_signs": ["saddle_numbness", "fever"]})
    assert page.outcome == "emergency"

    page = patient.get(page.link("Change your answers"))

    assert page.path == "/step/warning_signs"
    assert page.questions == ["warning_signs"]
    assert page.value("warning_signs") == ["saddle_numbness", "fever"]
    assert page.back_url == "/summary"


def test_changing_red_flags_to_none_continues_the_journey_at_the_pain_page(
    patient, discuss_answers, rules
):
    page = patient.walk({"warning_signs": ["chest_pain"]})
    patient.get(page.link("Change your answers"))

    page = patient.submit({"warning_signs": ["none"]})

    assert page.path == "/step/about_you"
    about_you = next(s for s in rules["steps"] if s["id"] == "about_you")
    assert page.questions == [q["id"] for q in about_you["questions"]][: len(page.questions)]
    assert page.values == {q: "" for q in page.questions}  # nothing answered yet
    # The rest of the journey still works from here, and ends on the check page.
    for _ in range(20):
        if page.path == "/check":
            break
        page = patient.submit({q: discuss_answers[q] for q in page.questions})
    assert page.path == "/check"
    assert patient.get(page.link("See your summary")).outcome == "discuss"


def test_back_from_the_pain_page_after_changing_red_flags_goes_to_the_warning_signs(patient):
    page = patient.walk({"warning_signs": ["leg_weakness"]})
    patient.get(page.link("Change your answers"))
    page = patient.submit({"warning_signs": ["none"]})
    assert page.path == "/step/about_you"

    back = patient.get(page.back_url)

    assert back.path == "/step/warning_signs", f"Back led to {back.url}"


# --- back links ----------------------------------------------------------------------------------

BACK_CASES = [
    pytest.param({}, "warning_signs", "/", id="warning_signs-to-start"),
    pytest.param({}, "pain_area", "/step/about_you", id="pain-to-about_you"),
    pytest.param({}, "treatments_tried", "/step/pain?part=5", id="treatments-to-pain_last"),
    pytest.param({}, "pain_intensity", "/step/pain?part=2", id="pain_part3-to-part2"),
    pytest.param({}, "treatment_duration", "/step/treatments", id="treatments_part1-to-part0"),
    pytest.param(
        {}, "health_conditions", "/step/treatments?part=3", id="health-to-treatments_last"
    ),
    pytest.param(
        {"treatments_tried": ["none"], "treatment_duration": None, "treatment_relief": None},
        "previous_procedures",
        "/step/treatments",
        id="past_procedures-to-treatments-without_skipped_questions",
    ),
    pytest.param({}, "payment", "/step/health?part=1", id="cost_access-to-health_last"),
]


@pytest.mark.parametrize(("changes", "question", "back"), BACK_CASES)
def test_back_link_points_to_the_previous_page_with_its_answers(
    patient, discuss_answers, changes, question, back
):
    answers = with_changes(discuss_answers, changes)
    page = patient.walk(answers, until=question)
    assert question in page.questions

    assert page.back_url == back
    previous = patient.get(page.back_url)
    assert previous.url == back
    if back != "/":
        assert previous.values == {
            q: answers[q] if isinstance(answers[q], list) else str(answers[q])
            for q in previous.questions
        }


def test_back_link_on_the_check_page_points_to_the_last_page(patient, discuss_answers):
    page = patient.walk(discuss_answers)

    assert page.path == "/check"
    assert page.back_url == "/step/cost_access?part=2"


# --- check your answers --------------------------------------------------------------------------


def test_check_page_lists_every_answer_with_a_change_link(patient, discuss_answers, questions):
    page = patient.walk(discuss_answers)
    assert page.path == "/check"

    rows = check_rows(page)

    assert list(rows) == [questions[q]["prompt"] for q in discuss_answers]
    for question, answer in discuss_answers.items():
        shown, change = rows[questions[question]["prompt"]]
        assert shown == " ".join(labels(questions, question, answer)), question
        path, args = split_url(change)
        assert (path, args.get("change")) == (f"/step/{questions[question]['step']}", "1")
        assert patient.get(change).status == 200
        assert question in patient.page.questions, f"Change {question} opened {patient.page}"


def test_change_links_open_their_question_with_the_answer_focused(
    patient, discuss_answers, questions
):
    ids = {" ".join(q["prompt"].split()): q["id"] for q in questions.values()}
    page = patient.walk(discuss_answers)
    missing = []
    for prompt, (_, change) in check_rows(page).items():
        focused = patient.get(change).html.find_all(attrs={"autofocus": True})
        if [f.get("name") for f in focused] != [ids[prompt]]:
            missing.append(change)

    assert missing == [], "these Change links do not focus their question's answer"


CHANGE_CASES = [
    pytest.param("pain_area", "neck", id="single-on-a-page-of-five"),
    pytest.param("pain_intensity", 8, id="number"),
    pytest.param("previous_procedures", ["discectomy_or_laminectomy"], id="multi-on-part1"),
    pytest.param("health_conditions", ["blood_thinners_or_bleeding", "osteoporosis"], id="multi"),
    pytest.param("travel", "no", id="last-question"),
]


@pytest.mark.parametrize(("question", "new"), CHANGE_CASES)
def test_after_a_change_from_the_check_page_you_return_to_it(
    patient, discuss_answers, questions, question, new
):
    page = patient.walk(discuss_answers)
    prompt = questions[question]["prompt"]
    page = patient.get(check_rows(page)[prompt][1])
    assert page.back_url == "/check"

    page = patient.submit({**page.values, question: new})

    assert page.path == "/check"
    assert check_rows(page)[prompt][0] == " ".join(labels(questions, question, new))
    assert len(check_rows(page)) == len(discuss_answers)


def test_a_newly_shown_question_is_asked_before_returning_to_check(
    patient, discuss_answers, questions
):
    answers = with_changes(
        discuss_answers,
        {"treatments_tried": ["none"], "treatment_duration": None, "treatment_relief": None},
    )
    page = patient.walk(answers)
    assert page.path == "/check"

    page = patient.answer("treatments", {"treatments_tried": ["physical_therapy"]}, change=True)

    assert (page.path, page.query) == ("/step/treatments", {"part": "1", "change": "1"})
    assert page.values == {"treatment_duration": ""}
    page = patient.submit({"treatment_duration": "over_6_months"})
    assert (page.path, page.query) == ("/step/treatments", {"part": "2", "change": "1"})
    assert page.values == {"treatment_relief": ""}
    page = patient.submit({"treatment_relief": "some"})
    assert page.path == "/check"
    rows = check_rows(page)
    assert rows[questions["treatment_duration"]["prompt"]][0] == "More than 6 months"
    assert patient.get(page.link("See your summary")).outcome == "discuss"


# --- skip logic ----------------------------------------------------------------------------------


def test_answers_that_no_longer_apply_are_removed_and_the_check_page_says_so(
    patient, discuss_answers, questions
):
    page = patient.walk(discuss_answers)
    patient.get(check_rows(page)[questions["treatments_tried"]["prompt"]][1])

    page = patient.submit({"treatments_tried": ["none"]})

    assert page.path == "/check"
    notice = one(page.main, class_="notice")
    assert "We removed 2 answers" in text(notice)
    removed = [questions[q]["prompt"] for q in ("treatment_duration", "treatment_relief")]
    assert [text(li) for li in notice.find_all("li")] == removed
    assert not set(removed) & set(check_rows(page))
    assert questions["previous_procedures"]["prompt"] in check_rows(page)
    # The notice is said once; the answers stay gone.
    again = patient.get("/check")
    assert again.main.find(class_="notice") is None
    assert not set(removed) & set(check_rows(again))
    assert patient.get("/summary").outcome == "not_yet"


def test_removed_answers_do_not_come_back_when_the_questions_apply_again(patient, discuss_answers):
    """After "We removed 2 answers", bringing the questions back shows them unanswered."""
    patient.walk(discuss_answers)
    patient.answer("treatments", {"treatments_tried": ["none"]}, change=True)

    page = patient.answer("treatments", {"treatments_tried": ["physical_therapy"]}, change=True)

    assert page.values == {"treatment_duration": ""}
    page = patient.submit({"treatment_duration": "over_6_months"})
    assert page.values == {"treatment_relief": ""}


def test_a_question_hidden_by_an_earlier_answer_is_not_asked(patient, discuss_answers):
    answers = with_changes(
        discuss_answers,
        {"treatments_tried": ["none"], "treatment_duration": None, "treatment_relief": None},
    )
    page = patient.walk(answers, until="previous_procedures")

    assert (page.path, page.query) == ("/step/treatments", {"part": "3"})
    assert page.questions == ["previous_procedures"]
    assert page.back_url == "/step/treatments"


# --- pages that cannot be opened yet -------------------------------------------------------------

FIRST = {"warning_signs": ["none"]}
EARLY_CASES = [
    pytest.param(None, "/step/health", "/step/warning_signs", id="later-step-before-anything"),
    pytest.param(
        None, "/step/treatments?part=1", "/step/warning_signs", id="part1-before-anything"
    ),
    pytest.param(FIRST, "/step/cost_access", "/step/about_you", id="later-step-after-first-page"),
    pytest.param("pain", "/step/treatments?part=1", "/step/treatments", id="part1-before-part0"),
    pytest.param(None, "/check", "/step/warning_signs", id="check-before-anything"),
    pytest.param("pain", "/check", "/step/treatments", id="check-before-finishing"),
    pytest.param(None, "/summary", "/", id="summary-before-anything"),
    pytest.param(FIRST, "/summary", "/step/about_you", id="summary-before-finishing"),
]


@pytest.mark.parametrize(("answered", "url", "lands_on"), EARLY_CASES)
def test_a_page_opened_too_early_redirects_to_the_first_unanswered_page(
    patient, discuss_answers, answered, url, lands_on
):
    if answered == "pain":
        answered = {q: discuss_answers[q] for q in list(discuss_answers)[:8]}
    patient.walk(answered or {})

    page = patient.get(url)

    assert (page.status, page.url) == (200, lands_on)
    assert page.response.history, "expected a redirect"


def test_answers_posted_to_a_page_that_is_not_open_yet_are_not_saved(patient, discuss_answers):
    patient.walk(FIRST)
    page = patient.post(
        "/step/health", {"health_conditions": ["pregnant"], "overall_health": "poor"}
    )
    assert page.path == "/step/about_you"

    page = patient.walk(discuss_answers, until="health_conditions")

    assert page.path == "/step/health"
    assert page.values == {"health_conditions": []}


@pytest.mark.parametrize("url", ["/step/nope", "/step/pain?part=7", "/step/treatments?part=-1"])
def test_a_page_that_does_not_exist_is_not_found(patient, url):
    assert patient.get(url).status == 404


ODD_QUERIES = {
    "unknown-argument": "?utm_source=mail",
    "step_id-argument": "?step_id=health",
    "anchor-argument": "?_anchor=x%22%3E",
    "external-argument": "?_external=1&_scheme=javascript",
}


@pytest.mark.parametrize("query", ODD_QUERIES.values(), ids=ODD_QUERIES.keys())
def test_a_page_with_odd_query_arguments_still_works(patient, query):
    patient.walk({"warning_signs": ["none"]})

    page = patient.get("/step/about_you" + query)

    assert page.status == 200, page
    action = urlsplit(page.form["action"])
    assert (action.scheme in ("", "http"), action.path) == (True, "/step/about_you")
