"""The take-away handout, GET /summary.pdf: read back with pypdf, drawn with poppler's pdftoppm.

Every expected text comes from rules.yaml and the engine, never from this file.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pages import Patient
from pypdf import PdfReader
from sample_answers import DISCUSS_ANSWERS
from test_patient_summary import SUMMARY_CASES, answers_for, open_summary

from questionnaire import create_app
from questionnaire.engines import engine_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "handout"


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> tuple[int, str]:
    """(page count, the text of every page as one line of words)."""
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), squash(" ".join(page.extract_text() for page in reader.pages))


def labels(question: dict, answer) -> list[str]:
    words = {c["value"]: c["label"] for c in question.get("choices", [])}
    values = answer if isinstance(answer, list) else [answer]
    return [squash(str(words.get(v, v))) for v in values]


@pytest.fixture(scope="module")
def handouts(app, rules) -> dict[str, tuple[bytes, object]]:
    """Each outcome's handout, fetched once: (the PDF response, the answers behind it)."""
    made = {}
    for case in SUMMARY_CASES:
        patient = Patient(app.test_client())
        answers = answers_for(case, {k: v for k, v in DISCUSS_ANSWERS.items()})
        open_summary(patient, answers)
        made[case] = (patient.client.get("/summary.pdf"), answers)
    return made


@pytest.mark.parametrize("case", SUMMARY_CASES)
def test_the_handout_carries_the_headline_the_reason_and_every_answer_given(
    app, handouts, engine, rules, questions, case
):
    response, answers = handouts[case]
    result = engine.evaluate(answers)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pages, words = pdf_text(response.data)

    assert 1 <= pages <= 2
    assert words.startswith(app.config["SERVICE_NAME"])
    assert f"Guidance version {rules['meta']['version']}" in words
    assert dt.date.today().strftime("%-d %B %Y") in words  # as on the pages
    assert squash(result.outcome.title) in words
    for said in result.said:
        assert squash(said.answer) in words
    for step in result.outcome.next_steps:
        assert squash(step) in words
    for question, answer in result.answers.items():  # every answer, question and answer in words
        assert squash(questions[question]["prompt"]) in words, question
        for label in labels(questions[question], answer):
            assert label in words, (question, label)


@pytest.mark.parametrize("case", ["discuss", "usually_excluded", "not_yet"])
def test_the_handout_lists_findings_questions_to_ask_and_sources(handouts, engine, rules, case):
    response, answers = handouts[case]
    result = engine.evaluate(answers)
    _, words = pdf_text(response.data)

    for finding in result.findings:
        assert squash(finding.text) in words, finding.rule
    asks = next(n for n in rules["notes"] if n["id"] == "questions_to_ask")
    for item in asks["items"]:
        assert squash(item) in words
    regulatory = next(n for n in rules["notes"] if n["id"] == "regulatory")
    assert squash(regulatory["text"]) in words
    for source in {f.source for f in result.findings}:
        assert rules["meta"]["sources"][source]["url"] in words.replace(" ", "")


def test_the_handout_names_who_runs_the_service_from_config(rules):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SERVICE_NAME": "Back Clinic Info",
            "SERVICE_OPERATOR": "the Example Health Library",
            "SERVICE_CONTACT": "info@example.org",
        }
    )
    patient = Patient(app.test_client())
    start = patient.get("/")
    assert "Back Clinic Info" in start.title
    assert "the Example Health Library" in start.main.get_text()
    open_summary(patient, dict(DISCUSS_ANSWERS))

    _, words = pdf_text(patient.client.get("/summary.pdf").data)

    assert words.startswith("Back Clinic Info")
    assert "Run by the Example Health Library. Contact: info@example.org." in words


def test_the_handout_needs_finished_answers(patient, discuss_answers):
    assert patient.get("/summary.pdf").path == "/"
    patient.walk(discuss_answers, until="diagnosis")

    assert patient.get("/summary.pdf").path == "/step/pain"


@pytest.mark.parametrize("case", SUMMARY_CASES)
def test_the_handout_renders_in_poppler(handouts, case):
    assert shutil.which("pdftoppm"), "pdftoppm is missing: run 'make poppler' (poppler-utils)"
    response, _ = handouts[case]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{case}-*.png"):  # a longer handout of an earlier run
        old.unlink()
    pdf = ARTIFACTS / f"{case}.pdf"
    pdf.write_bytes(response.data)

    done = subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / case)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0 and done.stderr == "", done.stderr
    images = sorted(ARTIFACTS.glob(f"{case}-*.png"))
    assert 1 <= len(images) <= 2
    assert all(image.stat().st_size > 2000 for image in images)  # a page with ink on it


def page_texts(data: bytes) -> list[str]:
    """Each page's text as one line of words."""
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def copies(data: bytes) -> tuple[list[str], list[str]]:
    """(the patient's pages, the pages of the English copy for the clinician)."""
    pages = page_texts(data)
    first = next(
        (i for i, page in enumerate(pages) if "English copy for the clinician" in page[:200]),
        len(pages),
    )
    return pages[:first], pages[first:]


def test_a_spanish_handout_holds_an_english_copy_for_the_clinician(
    patient, app, engine, questions, discuss_answers
):
    """Design section 5 (v3): the same content in both languages, in one file, in 4 pages."""
    from test_language import walk_in_spanish

    walk_in_spanish(patient, discuss_answers)
    response = patient.client.get("/summary.pdf")
    spanish, english = copies(response.data)

    assert response.status_code == 200
    assert 1 <= len(spanish) <= 2 and 1 <= len(english) <= 2  # the page budget: 4 in all
    es_words, en_words = " ".join(spanish), " ".join(english)
    es = engine_for(app, "es").evaluate(discuss_answers)
    en = engine.evaluate(discuss_answers)
    assert "Las últimas páginas son una copia en inglés para su médico." in es_words
    for result, words in ((es, es_words), (en, en_words)):  # the same content in each
        assert squash(result.outcome.title) in words
        for finding in result.findings:
            assert squash(finding.text) in words, finding.rule
        for said in result.said:
            assert squash(said.answer) in words
    for question, answer in en.answers.items():
        assert squash(questions[question]["prompt"]) in en_words, question
        for label in labels(questions[question], answer):
            assert label in en_words, (question, label)
    assert "Every answer given" in en_words and "Every answer given" not in es_words
    assert "Todas las respuestas dadas" in es_words and "Todas" not in en_words
    # each page's footer in its own copy's language, counting the pages of the whole file
    total = len(spanish) + len(english)
    assert all(f"Página {n} de {total}" in page for n, page in enumerate(spanish, 1))
    assert all(f"Page {n} of {total}" in page for n, page in enumerate(english, len(spanish) + 1))


def test_an_english_handout_has_no_second_copy(handouts):
    spanish, english = copies(handouts["discuss"][0].data)
    assert len(spanish) in (1, 2) and english == []


@pytest.mark.parametrize(
    "signs",
    [
        ["bladder_bowel", "chest_pain", "fever", "night_pain"],  # emergency, with urgent signs
        ["fever", "weight_loss", "night_pain"],  # urgent
    ],
)
def test_emergency_and_urgent_handouts_name_every_sign_and_carry_no_stem_cell_note(
    new_patient, engine, rules, signs
):
    patient = new_patient()
    answers = {"warning_signs": signs}
    open_summary(patient, answers)
    _, words = pdf_text(patient.client.get("/summary.pdf").data)
    result = engine.evaluate(answers)

    assert result.outcome.urgency != "routine"
    fired = {r["id"]: r for r in rules["rules"] if r["id"] in result.fired}
    assert len(fired) >= len(signs) - 1  # (bladder and saddle signs share a rule)
    for rule in fired.values():  # each sign with what it can mean, in its own finding's words
        assert squash(rule["finding"]["text"]) in words, rule["id"]
    for note in rules["notes"]:
        if note.get("after_stop"):
            assert squash(note["text"]) in words, note["id"]
        else:  # the FDA, the studies, the clinics: nothing about stem cells competes
            assert squash(note["title"]) not in words, note["id"]
            assert squash(note["text"])[:60] not in words, note["id"]


def test_the_handout_prints_the_rules_fingerprint_beside_the_version(handouts, engine):
    # design.md section 5: which rule files, exactly, made this handout
    response, _ = handouts["discuss"]
    _, words = pdf_text(response.data)
    assert f"rules_fingerprint {engine.ruleset.fingerprint}" in words
    assert len(engine.ruleset.fingerprint) == 64


def test_lines_are_broken_at_spaces_within_the_width_and_keep_every_word():
    from questionnaire.web.handout import _Document

    pdf = _Document()
    pdf.set_font("Helvetica", "", 8)
    text = "Ask for the number the FDA gave the study. " * 6 + "https://example.org/" + "a" * 300

    lines = pdf.wrap(text, 60)

    assert len(lines) >= 6
    assert all(pdf.get_string_width(line) <= 60 + 1e-9 for line in lines)  # fpdf2's own measure
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(not line.startswith(" ") and not line.endswith(" ") for line in lines)
