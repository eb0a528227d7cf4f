"""The JSON API in Spanish: ?lang=es (or Accept-Language) gives the same decisions in Spanish
words. Every scenario file is run through the Spanish API and must get what it expects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from questionnaire.engine.scenarios import load_scenarios, scenario_files

ROOT = Path(__file__).resolve().parents[2]
# Scenario files ship in scenarios/ (or, before that move, in tests/scenarios/).
SCENARIO_DIRS = [d for d in (ROOT / "scenarios", ROOT / "tests" / "scenarios") if d.is_dir()]
SCENARIOS = [s for path in scenario_files(SCENARIO_DIRS) for s in load_scenarios(path)]
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


@pytest.fixture(scope="module")
def api(shared_app):
    return shared_app.test_client()


def evaluate(api, answers, query: str = "?lang=es", **headers):
    return api.post(f"/api/v1/evaluate{query}", json={"answers": answers}, headers=headers)


def test_scenarios_were_found():
    assert len(SCENARIOS) >= 45, SCENARIO_DIRS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario_gets_what_it_expects_through_the_spanish_api(api, scenario):
    spanish = evaluate(api, scenario.answers)
    english = evaluate(api, scenario.answers, query="")
    assert spanish.status_code == english.status_code
    expect = scenario.expect
    if expect.problems is not None and spanish.status_code == 200:
        # Only answers are missing, and the headline is already certain (v3): the API says
        # which questions were left, in either language.
        assert set(spanish.get_json()["unanswered"]) == set(expect.problems)
        assert english.get_json()["unanswered"] == spanish.get_json()["unanswered"]
        return
    if expect.problems is not None:
        assert spanish.status_code == 422
        got = {e["question"] for e in spanish.get_json()["errors"]}
        assert got == set(expect.problems)
        assert [(e["question"], e["code"]) for e in spanish.get_json()["errors"]] == [
            (e["question"], e["code"]) for e in english.get_json()["errors"]
        ]
        return
    assert spanish.status_code == 200, spanish.get_json()
    es, en = spanish.get_json(), english.get_json()
    if expect.outcome is not None:
        assert es["outcome"]["id"] == expect.outcome
    assert es["outcome"]["id"] == en["outcome"]["id"]
    fired = {t["rule"] for t in es["trace"] if t["matched"]}
    assert set(expect.fired) <= fired and not fired & set(expect.not_fired)
    if expect.findings is not None:
        assert {f["rule"] for f in es["findings"]} == set(expect.findings)
    # Same decisions, other words.
    assert [f["rule"] for f in es["findings"]] == [f["rule"] for f in en["findings"]]
    assert es["outcome"]["title"] != en["outcome"]["title"]
    assert [r["rule"] for r in es["outcome"]["because"]] == [
        r["rule"] for r in en["outcome"]["because"]
    ]
    for es_text, en_text in zip(
        (f["text"] for f in es["findings"]), (f["text"] for f in en["findings"]), strict=True
    ):
        assert es_text != en_text


def test_spanish_answers_to_the_emergency_are_in_spanish(api):
    body = evaluate(api, {"warning_signs": ["bladder_bowel"]}).get_json()
    assert body["outcome"]["title"] == "Busque atención de emergencia ahora"
    assert "sala de emergencias" in body["outcome"]["message"]
    (reason,) = body["outcome"]["because"]
    assert reason["answers"][0]["prompt"] == "¿Tiene alguna de estas ahora?"
    assert {n["id"]: n["title"] for n in body["notes"]}["consult"] == "Hable con un médico"


def test_error_messages_for_missing_answers_are_in_spanish(api):
    body = evaluate(api, {"warning_signs": ["none"]}).get_json()
    messages = {e["question"]: e["message"] for e in body["errors"]}
    assert messages["pain_area"] == "Marque dónde tiene el dolor"


@pytest.mark.parametrize(
    ("query", "accept", "language"),
    [
        pytest.param("", None, "en", id="English by default"),
        pytest.param("", "es-US,es;q=0.9,en;q=0.5", "es", id="Accept-Language picks Spanish"),
        pytest.param("", "fr-FR,fr;q=0.9", "en", id="a language we do not have gives English"),
        pytest.param("", "es-MX,en;q=0.1", "es", id="a preferred regional Spanish beats English"),
        pytest.param("?lang=en", "es", "en", id="?lang beats Accept-Language"),
        pytest.param("?lang=es", "en", "es", id="?lang=es beats an English browser"),
    ],
)
def test_the_language_is_chosen_by_lang_then_accept_language(api, query, accept, language):
    headers = {"Accept-Language": accept} if accept else {}
    response = evaluate(api, {"warning_signs": ["chest_pain"]}, query=query, **headers)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.headers["Vary"]
    title = response.get_json()["outcome"]["title"]
    assert title == (
        "Busque atención de emergencia ahora" if language == "es" else "Get emergency care now"
    )


def test_an_unknown_lang_is_a_clear_json_400(api):
    response = evaluate(api, {"warning_signs": ["chest_pain"]}, query="?lang=fr")
    assert response.status_code == 400
    assert response.get_json()["message"] == "There is no language 'fr'. Use lang=en or lang=es."


def test_the_spanish_questionnaire_has_the_english_ids_and_spanish_words(api):
    es = api.get("/api/v1/questionnaire?lang=es").get_json()
    en = api.get("/api/v1/questionnaire").get_json()

    def ids(doc):
        return [
            (s["id"], [(q["id"], [c["value"] for c in q["choices"]]) for q in s["questions"]])
            for s in doc["steps"]
        ]

    assert ids(es) == ids(en)
    assert es["steps"][0]["questions"][0]["prompt"] == "¿Tiene alguna de estas ahora?"
    assert [o["title"] for o in es["outcomes"]] != [o["title"] for o in en["outcomes"]]


@pytest.fixture(scope="module")
def fhir_pair(api):
    es = api.get("/api/v1/fhir/Questionnaire?lang=es")
    en = api.get("/api/v1/fhir/Questionnaire")
    assert es.status_code == en.status_code == 200
    assert es.mimetype == "application/fhir+json"
    return json.loads(es.data), json.loads(en.data)


def _strings(resource: dict):
    """(where, text, its translations {lang: text}) of every translatable string."""

    def translations(node: dict, field: str) -> dict[str, str]:
        found = {}
        for ext in node.get("_" + field, {}).get("extension", []):
            assert ext["url"] == TRANSLATION
            parts = {e["url"]: e for e in ext["extension"]}
            found[parts["lang"]["valueCode"]] = parts["content"]["valueString"]
        return found

    yield "title", resource["title"], translations(resource, "title")
    for group in resource["item"]:
        yield group["linkId"], group["text"], translations(group, "text")
        for item in group["item"]:
            yield item["linkId"], item["text"], translations(item, "text")
            for option in item.get("answerOption", []):
                coding = option["valueCoding"]
                yield (
                    f"{item['linkId']}={coding['code']}",
                    coding["display"],
                    translations(coding, "display"),
                )


def test_the_spanish_fhir_questionnaire_is_valid_and_says_its_language(fhir_pair):
    es, en = fhir_pair
    Questionnaire.model_validate(es)
    assert (es["language"], en["language"]) == ("es", "en")


def test_every_fhir_text_carries_its_translation_in_the_other_language(fhir_pair):
    es, en = fhir_pair
    es_strings, en_strings = list(_strings(es)), list(_strings(en))
    assert [w for w, _, _ in es_strings] == [w for w, _, _ in en_strings]
    for (where, es_text, es_tr), (_, en_text, en_tr) in zip(es_strings, en_strings, strict=True):
        assert es_tr == {"en": en_text}, where
        assert en_tr == {"es": es_text}, where


def test_a_spanish_questionnaire_response_reads_back_as_the_same_answers():
    from questionnaire import fhir
    from questionnaire.engine import Engine, load_languages

    languages = load_languages(ROOT / "rules.yaml", verify=False)
    answers = {"warning_signs": ["fever", "night_pain"]}
    resource = fhir.response(languages["es"], answers)
    assert resource["language"] == "es"
    (group,) = resource["item"]
    assert group["text"] == "Señales de alarma"
    assert [a["valueCoding"]["display"] for a in group["item"][0]["answer"]] == [
        "Fiebre, o siente calor y escalofríos",
        "Un dolor que es nuevo o que empeora, y que le despierta de noche o no se calma nada "
        "cuando descansa o cambia de posición",
    ]
    assert fhir.answers_from_response(Engine(languages["en"]), resource) == answers
