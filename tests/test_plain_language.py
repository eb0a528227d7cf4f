"""Plain language as a command: `flask rules lint` runs once over every patient text of the
shipped rule files, in English and Spanish; small broken files prove each check fails.

How the checks work, and why: docs/plain-language.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from questionnaire.engine import load_languages
from questionnaire.engine.verify.plain_language import (
    GLOSSARY,
    PatientText,
    lint,
    reading_problem,
)
from questionnaire.lint_cli import rule_texts

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules.yaml"


def test_the_shipped_rule_files_pass_flask_rules_lint(runner):
    result = runner.invoke(args=["rules", "lint"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Checked \d+ texts: \d+ in rules.yaml, \d+ in its Spanish", result.output)
    assert result.output.rstrip().endswith("0 problems.")


def test_every_kind_of_text_is_linted_in_both_languages():
    texts = rule_texts(RULES)
    keys = {(t.lang, re.sub(r"\.[^.]+", ".*", t.key, count=1).split("[")[0]) for t in texts}
    for lang in ("en", "es"):
        for expected in (
            "criteria.*",
            "steps.*.title",
            "questions.*.prompt",
            "questions.*.hint",
            "questions.*.choices.bladder_bowel.label",
            "questions.*.errors.required",
            "outcomes.*.title",
            "outcomes.*.message",
            "outcomes.*.next_steps",
            "rules.*",
            "notes.*.text",
            "pages.*.title",
        ):
            assert (lang, expected) in keys, (lang, expected)
    english = [t for t in texts if t.lang == "en"]
    assert len(english) > 250 and len(texts) == 2 * len(english)
    assert all(t.where.startswith(str(RULES)) for t in english)


def test_the_interface_catalogue_is_linted_on_request(runner):
    result = runner.invoke(args=["rules", "lint", "--interface"])
    assert result.exit_code in (0, 1)
    found = re.search(r"(\d+) of the interface", result.output)
    assert found and int(found.group(1)) > 100


# --- Each check fails on a small broken file ---------------------------------------------------

ENGLISH = {
    "outcomes": [
        {
            "id": "discuss",
            "title": "Talk to a spine doctor",
            "message": "Talk to a doctor about your pain.",
            "next_steps": ["Write down your questions."],
        }
    ],
    "rules": [{"id": "sign", "finding": {"criterion": "safety", "text": "Call 911 now."}}],
    "steps": [
        {
            "id": "pain",
            "title": "Your pain",
            "questions": [
                {
                    "id": "pain_area",
                    "prompt": "Where is your pain?",
                    "choices": [{"value": "neck", "label": "Neck"}],
                    "errors": {"required": "Select where your pain is"},
                }
            ],
        }
    ],
}
SPANISH = {
    "outcomes": {
        "discuss": {
            "title": "Hable con un médico de la columna",
            "message": "Hable con un médico sobre su dolor.",
            "next_steps": ["Anote sus preguntas."],
        }
    },
    "rules": {"sign": "Llame al 911 ahora."},
    "steps": {"pain": {"title": "Su dolor"}},
    "questions": {
        "pain_area": {
            "prompt": "¿Dónde le duele?",
            "choices": {"neck": {"label": "Cuello"}},
            "errors": {"required": "Marque dónde le duele"},
        }
    },
}
HARD = (
    "Patients with degenerative intervertebral disc pathology frequently demonstrate "
    "radiographic abnormalities."
)
LONG = " ".join(["Your pain is real and it can change,"] * 4) + " so talk to a doctor."
HARD_ES = (
    "Los pacientes con patología degenerativa intervertebral demuestran frecuentemente "
    "anormalidades radiográficas."
)


def lint_files(tmp_path: Path, runner, english=None, spanish=None):
    english, spanish = english or ENGLISH, spanish or SPANISH
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(english, allow_unicode=True))
    (tmp_path / "rules.es.yaml").write_text(yaml.safe_dump(spanish, allow_unicode=True))
    return runner.invoke(args=["rules", "lint", str(tmp_path / "rules.yaml")])


def test_the_small_files_pass(tmp_path, runner):
    result = lint_files(tmp_path, runner)
    assert result.exit_code == 0, result.output


def _with(data: dict, path: tuple, value) -> dict:
    data = yaml.safe_load(yaml.safe_dump(data))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("lang", "path", "value", "expected"),
    [
        ("en", ("rules", 0, "finding", "text"), HARD, "reading level: Flesch-Kincaid grade"),
        ("en", ("outcomes", 0, "title"), "Unconstitutional", "reading level: short text"),
        ("en", ("outcomes", 0, "message"), LONG, "sentence length: a sentence of 37 words"),
        (
            "en",
            ("outcomes", 0, "message"),
            "You are eligible. See a doctor.",
            "promise words: says ['eligible']",
        ),
        (
            "en",
            ("rules", 0, "finding", "text"),
            "You may be a candidate for this.",
            "promise words: says ['candidate']",
        ),
        ("en", ("outcomes", 0, "message"), "Talk to a friend.", "outcome: does not send"),
        ("en", ("rules", 0, "finding", "text"), "Please call 911.", "plain words: uses ['please']"),
        (
            "en",
            ("steps", 0, "questions", 0, "errors", "required"),
            "Choose where your pain is",
            "error message: starts with a word other than Select, Enter, Your",
        ),
        ("es", ("rules", "sign"), HARD_ES, "reading level: Fernández-Huerta"),
        ("es", ("rules", "sign"), "Llama tú al 911 ahora.", "usted: uses ['tú']"),
        ("es", ("rules", "sign"), "Llame al 112 ahora.", "US Spanish: use the US words"),
        ("es", ("rules", "sign"), "Llame al 911 en 5 minutos.", "numbers: a translation never"),
        (
            "es",
            ("outcomes", "discuss", "message"),
            "Usted es elegible. Hable con un médico.",
            "promise words: says ['elegible']",
        ),
    ],
    ids=[
        "hard English",
        "short English with a long word",
        "a long sentence",
        "eligible",
        "candidate",
        "an outcome without a doctor",
        "please",
        "an error that does not say what to do",
        "hard Spanish",
        "tú",
        "Spain's 112",
        "a changed number",
        "elegible",
    ],
)
def test_each_check_fails_on_a_broken_text_at_its_line(
    tmp_path, runner, lang, path, value, expected
):
    english = _with(ENGLISH, path, value) if lang == "en" else ENGLISH
    spanish = _with(SPANISH, path, value) if lang == "es" else SPANISH
    result = lint_files(tmp_path, runner, english, spanish)
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if expected in line)
    name = "rules.yaml" if lang == "en" else "rules.es.yaml"
    file, number = re.match(r"(\S+):(\d+): ", line).groups()
    assert file == str(tmp_path / name)
    text = (tmp_path / name).read_text().splitlines()[int(number) - 1]
    assert str(value)[:12] in text or str(path[-1]) in text


def test_the_glossary_term_of_the_english_must_be_in_the_spanish(tmp_path, runner):
    english = _with(ENGLISH, ("rules", 0, "finding", "text"), "Go to the emergency room now.")
    spanish = _with(SPANISH, ("rules", "sign"), "Vaya a urgencias ahora.")
    result = lint_files(tmp_path, runner, english, spanish)
    assert "glossary: the English says" in result.output
    assert "US Spanish: use the US words {'urgencias': 'sala de emergencias'}" in result.output


def test_a_care_card_of_more_than_5_bullets_fails(tmp_path, runner):
    english = _with(ENGLISH, ("outcomes", 0, "next_steps"), ["Rest."] * 6)
    spanish = _with(SPANISH, ("outcomes", "discuss", "next_steps"), ["Descanse."] * 6)
    result = lint_files(tmp_path, runner, english, spanish)
    assert "care card: 6 bullets" in result.output


def test_a_file_that_is_not_yaml_is_bad_input(tmp_path, runner):
    (tmp_path / "rules.yaml").write_text("outcomes: [\n")
    assert runner.invoke(args=["rules", "lint", str(tmp_path / "rules.yaml")]).exit_code == 2


@pytest.mark.parametrize(
    ("text", "lang", "ok"),
    [
        ("Maybe", "en", True),
        ("Emergency", "en", True),
        ("Your pain started less than 3 months ago. It often gets better on its own.", "en", True),
        ("Tal vez", "es", True),
        ("Inconstitucionalmente", "es", False),
        ("Su dolor empezó hace menos de 3 meses. Suele mejorar solo.", "es", True),
    ],
)
def test_reading_check_tells_hard_texts_from_plain_ones(text, lang, ok):
    assert (reading_problem(text, lang) is None) is ok


def test_all_the_spanish_together_must_read_at_about_6th_grade():
    hard = [PatientText(f"x:{i}", "k", HARD_ES, "other", "es", HARD) for i in range(3)]
    assert any("Fernández-Huerta of all the Spanish" in p.message for p in lint(hard))


def test_every_glossary_term_is_used_by_some_english_text():
    english = " ".join(t.text for t in rule_texts(RULES) if t.lang == "en")
    unused = [term for term in GLOSSARY if not re.search(term, english, re.I)]
    assert not unused, f"glossary terms no English text uses: {unused}"


# --- Beyond wording: sources, and the reviewed emergency and urgent cards ---------------------


def test_every_cited_source_is_served_over_https():
    file = load_languages(RULES, verify=False)["en"].file
    for sid, source in file.meta.sources.items():
        assert source.url.startswith("https://"), f"{sid}: {source.url}"


GLOSSARY_DOC = ROOT / "docs" / "glossary-es.md"
REVIEW_ROW = re.compile(r"^\| `([^`]+)` \| (.+?) \| (.+?) \| (.+?) \|$", re.M)


def test_the_reviewed_emergency_and_urgent_cards_are_the_texts_shipped():
    # docs/glossary-es.md reviews every text of the emergency and urgent cards word by word
    english = load_languages(RULES, verify=False)["en"].file
    stop = {o.id for o in english.outcomes if o.urgency in ("emergency", "urgent")}
    texts = {t.key: t for t in rule_texts(RULES) if t.lang == "es"}
    wanted = {k for k in texts if k.split(".")[:2] in (["outcomes", o] for o in stop)}
    wanted |= {f"rules.{r.id}" for r in english.rules if r.outcome in stop}
    wanted |= {k for k in texts if k.startswith("questions.warning_signs.choices.")}
    rows = {k: (en, es) for k, en, es, _ in REVIEW_ROW.findall(GLOSSARY_DOC.read_text())}
    missing = sorted(wanted - set(rows))
    assert not missing, f"texts of the emergency and urgent cards not reviewed: {missing}"
    changed = [
        k
        for k, (en, es) in rows.items()
        if k not in texts or (texts[k].english, texts[k].text) != (en, es)
    ]
    assert not changed, f"changed since their review in {GLOSSARY_DOC.name}: {changed}"
