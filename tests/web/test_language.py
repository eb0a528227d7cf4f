"""Choosing the language (design.md section 5): ?lang=es, then the visit's choice, then
Accept-Language; the "Español / English" link on every page; <html lang>; and the interface
text from the gettext catalogue (translations/es/LC_MESSAGES/messages.po).

The texts of rules.yaml come from the engine of the page's language (`engine_for`), so the
tests compare with that engine rather than hard-coding its Spanish.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations
from pages import Page, Patient, one, text

from questionnaire.engines import engine_for

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
COMPILED = CATALOGUE.with_suffix(".mo")
SPANISH = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}


def catalogue():
    with CATALOGUE.open("rb") as f:
        return read_po(f)


def in_spanish(patient: Patient) -> Patient:
    """A patient who picked Español on the start page."""
    page = patient.get("/")
    patient.get(language_link(page)["href"])
    return patient


def language_link(page: Page):
    return one(one(page.html, "header"), "a", class_="header__lang")


def html_lang(page: Page) -> str:
    return page.html.find("html")["lang"]


def walk_in_spanish(patient: Patient, answers: dict, until: str = "/summary") -> Page:
    """From the Spanish start page through every question page, as the patient's browser."""
    page = in_spanish(patient).get("/")
    page = patient.get(one(page.main, "a", class_="button--start")["href"])
    for _ in range(20):
        if page.path == until or not page.path.startswith("/step/"):
            break
        page = patient.submit({q: answers[q] for q in page.questions})
    if page.path == "/check" and until != "/check":
        page = patient.get(one(page.main, "a", class_="button", href="/summary")["href"])
    return page


# --- choosing the language -------------------------------------------------------------------


def test_lang_es_makes_the_page_spanish_and_the_choice_lasts_for_the_visit(patient):
    page = patient.get("/?lang=es")

    assert html_lang(page) == "es"
    assert one(page.main, "a", class_="button--start").get_text(strip=True) == "Empezar ahora"
    assert "lang=es" in page.response.headers["Set-Cookie"]
    later = patient.get("/help")  # no ?lang= any more: the visit's choice holds
    assert html_lang(later) == "es"
    assert text(one(later.html, "header")).count("¿Necesita ayuda ahora?") == 1


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("es-MX", "es"),
        ("es-US,es;q=0.9", "es"),
        ("fr, es;q=0.5", "es"),
        ("fr", "en"),
        ("", "en"),
        # a regional Spanish the browser prefers beats an English it barely accepts
        ("es-MX,en;q=0.1", "es"),
        ("en-GB,es;q=0.5", "en"),
        ("es-419,en-US;q=0.9", "es"),
    ],
)
def test_the_best_language_the_browser_accepts(new_patient, header, lang):
    assert (
        html_lang(Page(new_patient().client.get("/", headers={"Accept-Language": header}))) == lang
    )


def test_accept_language_decides_when_nothing_was_chosen(new_patient):
    assert html_lang(new_patient().get("/")) == "en"
    spanish = Page(new_patient().client.get("/", headers=SPANISH))
    assert html_lang(spanish) == "es"
    assert (
        "Set-Cookie" not in spanish.response.headers
        or "lang=" not in spanish.response.headers["Set-Cookie"]
    )  # nothing chosen, nothing kept
    english_first = Page(
        new_patient().client.get("/", headers={"Accept-Language": "en-US,en;q=0.9,es;q=0.8"})
    )
    assert html_lang(english_first) == "en"


def test_over_https_the_language_cookie_is_secure_and_host_only(https_patient):
    page = https_patient.get("/?lang=es")
    cookie = [h for h in page.response.headers.getlist("Set-Cookie") if "lang=" in h]

    assert len(cookie) == 1 and cookie[0].startswith("__Host-lang=es;")
    assert "Secure" in cookie[0] and "Path=/" in cookie[0] and "Domain" not in cookie[0]
    assert html_lang(https_patient.get("/help")) == "es"


def test_a_choice_beats_the_browser_language(new_patient):
    patient = new_patient()
    page = Page(patient.client.get("/?lang=en", headers=SPANISH))
    again = Page(patient.client.get("/help", headers=SPANISH))

    assert html_lang(page) == "en" and html_lang(again) == "en"


@pytest.mark.parametrize("lang", ["fr", "", "ES", "es-MX<script>"])
def test_a_language_we_do_not_have_changes_nothing(patient, lang):
    page = patient.get(f"/?lang={lang}")

    assert page.status == 200 and html_lang(page) == "en"
    assert "lang=" not in page.response.headers.get("Set-Cookie", "")


def test_pages_vary_by_language_for_caches_and_say_their_language(patient):
    english = patient.get("/").response.headers
    spanish = patient.get("/?lang=es").response.headers

    assert "Accept-Language" in english["Vary"] and "Cookie" in english["Vary"]
    assert (english["Content-Language"], spanish["Content-Language"]) == ("en", "es")


PAGES = [
    "/",
    "/step/warning_signs",
    "/step/pain",
    "/check",
    "/summary",
    "/start-again",
    "/help",
    "/expired",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_language_link_to_itself_in_the_other_language(
    patient, discuss_answers, url
):
    patient.walk(discuss_answers)
    english = patient.get(url)
    link = language_link(english)

    assert (text(link), link["lang"], link["hreflang"]) == ("Español", "es", "es")
    assert link["href"].split("?")[0] == english.path
    spanish = patient.get(link["href"])
    assert spanish.path == english.path and html_lang(spanish) == "es"
    back = language_link(spanish)
    assert (text(back), back["lang"]) == ("English", "en")
    assert html_lang(patient.get(back["href"])) == "en"


def test_the_language_link_keeps_the_page_part(patient, discuss_answers):
    patient.walk(discuss_answers)
    page = patient.get("/step/treatments?part=1&change=1")

    assert language_link(page)["href"] == "/step/treatments?part=1&change=1&lang=es"


def test_the_clinician_preview_stays_in_english_without_a_language_link(patient):
    patient.get("/?lang=es")
    page = patient.get("/clinician/")

    assert html_lang(page) == "en"
    assert page.html.find("a", class_="header__lang") is None


def test_clearing_the_answers_keeps_the_chosen_language(patient, discuss_answers):
    in_spanish(patient)
    patient.get("/")
    response = patient.client.post("/clear", data={"csrf_token": patient.token()})

    assert response.status_code == 302
    assert response.headers["Location"] == "/?cleared=1&lang=es"
    cleared = patient.get(response.headers["Location"])
    assert "Sus respuestas se borraron." in text(cleared.main)


# --- the Spanish pages -----------------------------------------------------------------------


def test_the_journey_in_spanish_ends_on_the_right_headline_in_the_spanish_words(
    patient, app, discuss_answers
):
    es = engine_for(app, "es")
    page = walk_in_spanish(patient, discuss_answers, until="/check")

    assert html_lang(page) == "es" and page.h1 == "Revise sus respuestas"
    prompts = [text(dt) for dt in page.main.find_all("dt")]
    assert prompts == [q.prompt for q in es.ruleset.questions if q.id in discuss_answers]
    summary = patient.get("/summary")
    heading = one(summary.main, attrs={"data-outcome": True})
    assert heading["data-outcome"] == "discuss"
    assert text(heading) == es.evaluate(discuss_answers).outcome.title
    assert "Lo que significan sus respuestas" in text(summary.main)


def test_an_error_on_a_spanish_page_is_in_spanish(patient, app):
    in_spanish(patient)
    patient.get("/step/warning_signs")
    page = patient.submit({})
    question = engine_for(app, "es").ruleset.questions[0]

    assert page.error_summary == [question.errors.required]
    assert text(one(page.main, class_="error-summary__title")) == "Hay un problema"
    assert page.title.startswith("Error: ")


@pytest.mark.parametrize(
    ("method", "url", "status", "heading"),
    [
        ("get", "/nope", 404, "No se encontró la página"),
        ("get", "/clear", 405, "Esta página no se puede usar así"),
    ],
)
def test_error_pages_in_spanish(patient, method, url, status, heading):
    in_spanish(patient)
    page = Page(getattr(patient.client, method)(url))

    assert page.status == status and html_lang(page) == "es"
    assert page.h1 == heading
    assert "Ir a la página de inicio" in text(page.main)


def test_the_download_is_in_the_chosen_language(patient, app, discuss_answers):
    walk_in_spanish(patient, discuss_answers)
    response = patient.client.get("/summary/answers.json")
    resource = json.loads(response.get_data(as_text=True))

    assert resource["language"] == "es"
    es = engine_for(app, "es")
    texts = json.dumps(es.ruleset.file.model_dump(mode="json"), ensure_ascii=False)
    shown = [
        a["valueCoding"]["display"]
        for group in resource["item"]
        for item in group["item"]
        for a in item.get("answer", [])
        if "valueCoding" in a
    ]
    assert shown and all(json.dumps(d, ensure_ascii=False) in texts for d in shown), shown
    assert [g["text"] for g in resource["item"]] == [s.title for s in es.ruleset.file.steps]


def test_no_interface_text_is_left_in_english_on_the_spanish_pages(app, patient, discuss_answers):
    """Every catalogue string that differs in Spanish: its English is on no Spanish page, except
    inside a text the Spanish rules give (the whole journey in Chromium checks those)."""
    english = [
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue()
        if m.id and m.string and m.string != m.id and len(str(m.id)) > 3
    ]
    rule_texts = json.dumps(
        engine_for(app, "es").ruleset.file.model_dump(mode="json"), ensure_ascii=False
    )
    walk_in_spanish(patient, discuss_answers)
    for url in PAGES:
        shown = text(patient.get(url).html)
        left = [
            s
            for s in english
            if "%(" not in s and "<" not in s and s in shown and s not in rule_texts
        ]
        assert not left, f"{url} still says {left}"


# --- the catalogue ---------------------------------------------------------------------------


def test_every_interface_string_has_its_spanish_in_the_catalogue():
    """The strings in the templates and the Python (pybabel's own extraction, babel.cfg) are
    all in messages.po, translated, none fuzzy, with the same placeholders."""
    method_map = [("questionnaire/**.py", "python"), ("templates/**.html", "jinja2")]
    found = {
        msg[2] if isinstance(msg[2], str) else msg[2][0]
        for msg in extract_from_dir(
            ROOT,
            method_map,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None},
        )
    }
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue() if m.id}

    assert sorted(found - set(entries)) == [], "run 'make translations-update' and translate"
    for msgid in sorted(found):
        m = entries[msgid]
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(strings) and not m.fuzzy, f"no Spanish for {msgid!r}"
        for s in strings:
            assert sorted(_placeholders(s)) == sorted(_placeholders(msgid)), msgid


def _placeholders(s: str) -> list[str]:
    return re.findall(r"%\(\w+\)[sd]", s)


def test_the_compiled_catalogue_matches_its_source():
    """The .mo the app reads (built by `make translations`) says what messages.po says."""
    assert COMPILED.is_file(), "run 'make translations' to compile the catalogues"
    with COMPILED.open("rb") as f:
        compiled = Translations(f)
    for m in catalogue():
        if m.id and isinstance(m.id, str):
            assert compiled.gettext(m.id) == m.string, f"stale: run 'make translations' ({m.id})"


def test_a_form_too_large_is_refused_in_spanish(patient, app):
    in_spanish(patient)
    token = patient.get("/step/warning_signs").csrf_token
    limit = app.config["MAX_CONTENT_LENGTH"]
    page = Page(
        patient.client.post("/step/warning_signs", data={"csrf_token": token, "x": "a" * limit})
    )

    assert page.status == 413 and html_lang(page) == "es"
    assert page.h1 == "Lo que se envió es demasiado grande"
    assert f"más de {limit // 1024} KB" in text(page.main)


def test_the_handout_pdf_is_in_the_chosen_language(patient, app, discuss_answers):
    from test_patient_handout import copies, squash

    walk_in_spanish(patient, discuss_answers)
    response = patient.client.get("/summary.pdf")
    spanish, _ = copies(response.data)  # then the English copy for the clinician
    words = " ".join(spanish)

    # Spanish runs about a fifth longer than English, and still fits the 1-2 pages
    assert response.status_code == 200 and 1 <= len(spanish) <= 2
    es = engine_for(app, "es")
    today = format_date(dt.date.today(), "d 'de' MMMM 'de' y", locale="es")
    for label in (
        "Su resumen para mostrar a un médico",
        "Todas las respuestas dadas",
        "Pregunta",
        "Respuesta",
        "Fuentes",
        f"Hecho el {today}.",
    ):
        assert label in words, label
    assert squash(es.evaluate(discuss_answers).outcome.title) in words
    for english in ("Your summary to show a doctor", "Every answer given", "Made on"):
        assert english not in words
    assert b"/Lang (es)" in response.data
