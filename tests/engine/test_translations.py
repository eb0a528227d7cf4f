"""Translations (rules.es.yaml): every text in Spanish, the same rules, and a load that refuses
a text without its translation, pointing at the line to fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixture_scope import shared

from questionnaire.engine import Engine, RulesError, load_languages
from questionnaire.engine.load.translations import slots
from questionnaire.engine.load.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules.yaml"
SPANISH = ROOT / "rules.es.yaml"


@pytest.fixture(scope=shared("module"))
def languages():
    return load_languages(RULES)


def _copy(tmp_path: Path, spanish: str | None = None) -> Path:
    """The shipped files with the Spanish one changed. The English is the shipped file, which
    `languages` loads verified, so the tests of Spanish problems load it with verify=False."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    text = SPANISH.read_text(encoding="utf-8") if spanish is None else spanish
    (tmp_path / "rules.es.yaml").write_text(text, encoding="utf-8")
    return rules


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_every_english_text_has_a_different_spanish_text(languages):
    english, spanish = languages["en"], languages["es"]
    assert english.texts == spanish.texts == len(slots(read_yaml(RULES.read_bytes())[0]))
    en_raw, es_file = read_yaml(RULES.read_bytes())[0], spanish.file.model_dump()
    same = []
    for slot in slots(en_raw):
        node_en, node_es = en_raw, es_file
        for part in slot.english:
            node_en, node_es = node_en[part], node_es[part]
        if " ".join(node_en.split()) == " ".join(node_es.split()) and len(node_en.split()) > 1:
            same.append(slot.key)
    assert not same, f"texts left in English: {same}"


def test_spanish_rules_have_the_english_structure(languages):
    english, spanish = languages["en"], languages["es"]
    assert [q.id for q in spanish.questions] == [q.id for q in english.questions]
    assert [[c.value for c in q.choices] for q in spanish.questions] == [
        [c.value for c in q.choices] for q in english.questions
    ]
    assert [(r.id, r.when, r.outcome, r.source) for r in spanish.file.rules] == [
        (r.id, r.when, r.outcome, r.source) for r in english.file.rules
    ]
    assert spanish.language == "es" and english.language == "en"


def test_the_same_answers_get_the_same_outcome_in_spanish_words(languages):
    answers = {"warning_signs": ["bladder_bowel"]}
    english = Engine(languages["en"]).evaluate(answers)
    spanish = Engine(languages["es"]).evaluate(answers)
    assert spanish.outcome.id == english.outcome.id == "emergency"
    assert spanish.outcome.title == "Busque atención de emergencia ahora"
    assert "sala de emergencias" in spanish.outcome.message
    assert (spanish.outcome.call.label, spanish.outcome.call.number) == ("Llame al 911", "911")


def test_a_missing_spanish_text_points_at_the_english_line(tmp_path):
    spanish = SPANISH.read_text(encoding="utf-8")
    removed = "  adult_age: Los estudios aceptan adultos"
    assert removed in spanish
    spanish = "\n".join(line for line in spanish.splitlines() if not line.startswith(removed))
    rules = _copy(tmp_path, spanish)
    with pytest.raises(RulesError) as caught:
        load_languages(rules, verify=False)
    line = _line_of(rules, "text: The studies take adults.")
    assert [str(p) for p in caught.value.problems] == [
        f"{rules}:{line}:13: missing es translation (expected rules.adult_age in "
        f"{tmp_path / 'rules.es.yaml'})"
    ]


def test_a_spanish_text_rules_yaml_does_not_have_points_at_its_own_line(tmp_path):
    spanish = SPANISH.read_text(encoding="utf-8").replace(
        "  pain:\n    title: Su dolor\n", "  pain:\n    title: Su dolor\n    intro: Hola\n", 1
    )
    rules = _copy(tmp_path, spanish)
    with pytest.raises(RulesError) as caught:
        load_languages(rules, verify=False)
    translation = tmp_path / "rules.es.yaml"
    line = _line_of(translation, "intro: Hola")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == (str(translation), line, 5)
    assert "unknown key 'steps.pain.intro'" in problem.problem


def test_a_misspelt_key_is_reported_with_a_suggestion(tmp_path):
    spanish = SPANISH.read_text(encoding="utf-8").replace(
        "  cauda_equina_signs:", "  cauda_equina_sign:", 1
    )
    rules = _copy(tmp_path, spanish)
    with pytest.raises(RulesError) as caught:
        load_languages(rules, verify=False)
    messages = [str(p) for p in caught.value.problems]
    assert any(
        re.search(
            r"unknown key 'rules.cauda_equina_sign'.*did you mean "
            r"'rules.cauda_equina_signs'",
            m,
        )
        for m in messages
    ), messages
    assert any(
        "missing es translation (expected rules.cauda_equina_signs" in m for m in messages
    ), messages


def test_an_empty_spanish_text_is_refused_at_its_line(tmp_path):
    spanish = SPANISH.read_text(encoding="utf-8").replace(
        "    title: Su dolor\n", '    title: ""\n', 1
    )
    rules = _copy(tmp_path, spanish)
    with pytest.raises(RulesError) as caught:
        load_languages(rules, verify=False)
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "rules.es.yaml")
    assert problem.line == _line_of(tmp_path / "rules.es.yaml", 'title: ""')
    assert "empty" in problem.problem


def test_no_translation_file_is_a_clear_problem(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RulesError, match="cannot read the es translation"):
        load_languages(rules, verify=False)
