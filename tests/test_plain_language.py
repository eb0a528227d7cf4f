"""Plain language as a command: `flask rules lint` runs once over every patient text the app and
its nginx serve (rule files, offer and studies files, the interface catalogue, nginx's error
pages), in English and Spanish; small broken files of each kind prove each check fails at the
text's line.

How the checks work, and why: docs/plain-language.md.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from questionnaire.engine import load_languages
from questionnaire.engine.verify import plain_language
from questionnaire.engine.verify.plain_language import (
    CONTRACT_WORDING,
    GLOSSARY,
    PatientText,
    lint,
    reading_problem,
)
from questionnaire.patient_texts import yaml_texts
from questionnaire.web import errors

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules.yaml"
CATALOGUE = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
ERROR_PAGES = ROOT / "deploy" / "nginx" / "error-pages.toml"
PROBLEM = re.compile(r"^(\S+):(\d+): ([^:]+): .* \[(.+)\]$")

# Texts of the shipped files that fail and wait for their owner (file, key, check): none since
# studies 1.0.1 reworded the 10 texts of studies.yaml and studies.es.yaml that failed once
# `flask rules lint` read them (docs/studies-changelog.md). A new failure anywhere fails the test.
STUDIES_TO_REWORD: set[tuple[str, str, str]] = set()


def test_the_shipped_rule_files_pass_flask_rules_lint(runner):
    # One run over every patient text the app and its nginx serve, in both languages.
    result = runner.invoke(args=["rules", "lint"])
    last = result.output.splitlines()[-1]
    counts = {name: int(n) for n, name in re.findall(r"(\d+) in ([\w.-]+)", last)}
    for name, at_least in {
        "rules.yaml": 250,
        "offer.yaml": 100,
        "studies.yaml": 50,
        "messages.po": 200,
        "error-pages.toml": 20,
        "error-page.html": 2,
    }.items():
        assert counts.get(name, 0) >= at_least, (name, result.output[-400:])
        spanish = name.replace(".yaml", ".es.yaml")
        if spanish != name:  # and each source's title, in Spanish only
            sources = (yaml.safe_load((ROOT / spanish).read_text()) or {}).get("sources") or {}
            assert counts.get(spanish) == counts[name] + len(sources), (spanish, counts)
    found = [PROBLEM.match(line) for line in result.output.splitlines()[:-1]]
    assert all(found), result.output
    problems = {(Path(m[1]).name, m[4], m[3]) for m in found if m}
    assert problems == STUDIES_TO_REWORD, result.output
    assert result.exit_code == (1 if problems else 0)


def test_every_kind_of_text_is_linted_in_both_languages():
    texts = yaml_texts(RULES)
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
            "meta.*",
        ):
            assert (lang, expected) in keys, (lang, expected)
    assert ("es", "sources.*") in keys and ("en", "sources.*") not in keys
    english = [t for t in texts if t.lang == "en"]
    sources = yaml.safe_load(RULES.read_text())["meta"]["sources"]
    assert len(english) > 250 and len(texts) == 2 * len(english) + len(sources)
    assert all(t.where.startswith(str(RULES)) for t in english)
    studies = {(t.lang, t.key.split(".")[0]) for t in yaml_texts(ROOT / "studies.yaml")}
    assert studies == {(lang, part) for lang in ("en", "es") for part in ("texts", "studies")}


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


# The file's title (the offer summary's caption, every page's description) in both languages,
# and each source's title in Spanish: our translation, shown under "Based on:" and in the
# handout. The English source titles are the sources' own words: not linted.
SOURCE_EN = "Degenerative intervertebral disc pathology in contemporary guidelines: a review (2016)"
SOURCE_ES = (
    "Revisión de las guías actuales sobre el dolor de espalda, con las señales de alarma que "
    "piden una consulta pronto y las que piden ir a la sala de emergencias (2016)"
)


@pytest.mark.parametrize(
    ("lang", "path", "value", "expected"),
    [
        ("en", ("meta", "title"), HARD, "reading level: Flesch-Kincaid grade"),
        ("es", ("meta", "title"), HARD_ES, "reading level: Fernández-Huerta"),
        ("es", ("sources", "review"), SOURCE_ES, "sentence length: a sentence of 31 words"),
    ],
    ids=["the title", "the Spanish title", "a Spanish source's title"],
)
def test_a_broken_title_fails_at_its_line(tmp_path, runner, lang, path, value, expected):
    english = {**ENGLISH, "meta": {"title": "Talk to a doctor about your back"}}
    english["meta"]["sources"] = {"review": {"title": SOURCE_EN, "url": "https://example.org"}}
    spanish = {**SPANISH, "meta": {"title": "Hable con un médico de su espalda"}}
    spanish["sources"] = {"review": "Una revisión de las guías (2016)"}
    assert lint_files(tmp_path, runner, english, spanish).exit_code == 0
    if lang == "en":
        english = _with(english, path, value)
    else:
        spanish = _with(spanish, path, value)
    result = lint_files(tmp_path, runner, english, spanish)
    assert result.exit_code == 1, result.output
    where = tmp_path / ("rules.yaml" if lang == "en" else "rules.es.yaml")
    assert _problem_line(result.output, expected) == (where, _line(where, value))
    assert SOURCE_EN[:20] not in result.output  # the source's own words are not ours to reword


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


# --- The other kinds of file: studies, the interface catalogue, nginx's error pages ----------

STUDIES_EN = {
    "texts": {"intro": "These studies are in the registry.", "status": {"RECRUITING": "Open"}},
    "studies": [
        {
            "nct_id": "NCT00000001",
            "about": "A shot of cells into a worn disc.",
            "team_checks": ["Your MRI."],
        }
    ],
}
STUDIES_ES = {
    "texts": {"intro": "Estos estudios están en el registro.", "status": {"RECRUITING": "Abierto"}},
    "studies": {
        "NCT00000001": {
            "about": "Una inyección de células en un disco desgastado.",
            "team_checks": ["Su resonancia."],
        }
    },
}


@pytest.mark.parametrize(
    ("lang", "path", "value", "expected"),
    [
        ("en", ("texts", "intro"), HARD, "reading level: Flesch-Kincaid grade"),
        ("en", ("texts", "status", "RECRUITING"), "Unconstitutional", "reading level: short"),
        ("en", ("studies", 0, "about"), "You are eligible for it.", "promise words"),
        ("es", ("texts", "intro"), HARD_ES, "reading level: Fernández-Huerta"),
        ("es", ("studies", "NCT00000001", "team_checks", 0), "Tu resonancia.", "usted"),
    ],
    ids=["hard English", "a long word", "eligible", "hard Spanish", "tú"],
)
def test_a_broken_studies_text_fails_at_its_line(tmp_path, runner, lang, path, value, expected):
    english = _with(STUDIES_EN, path, value) if lang == "en" else STUDIES_EN
    spanish = _with(STUDIES_ES, path, value) if lang == "es" else STUDIES_ES
    (tmp_path / "studies.yaml").write_text(yaml.safe_dump(english, allow_unicode=True))
    (tmp_path / "studies.es.yaml").write_text(yaml.safe_dump(spanish, allow_unicode=True))
    result = runner.invoke(args=["rules", "lint", str(tmp_path / "studies.yaml")])
    assert result.exit_code == 1, result.output
    name = "studies.yaml" if lang == "en" else "studies.es.yaml"
    assert _problem_line(result.output, expected) == (
        tmp_path / name,
        _line(tmp_path / name, value),
    )


# design.md section 7 fixes the summary's studies heading word for word (grade 8.37).
HEADING = "Registered studies whose main criteria your answers seem to meet"


def test_only_the_heading_a_contract_fixes_is_spared_its_reading_grade(tmp_path, runner):
    # The same words as the label of the studies list fail; as the heading they pass.
    english = _with(
        _with(STUDIES_EN, ("texts", "heading"), HEADING), ("texts", "list_title"), HEADING
    )
    spanish = _with(
        _with(STUDIES_ES, ("texts", "heading"), "Estudios del registro"),
        ("texts", "list_title"),
        "Estudios del registro",
    )
    (tmp_path / "studies.yaml").write_text(yaml.safe_dump(english, allow_unicode=True))
    (tmp_path / "studies.es.yaml").write_text(yaml.safe_dump(spanish, allow_unicode=True))
    result = runner.invoke(args=["rules", "lint", str(tmp_path / "studies.yaml")])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[:-1] == [
        f"{tmp_path / 'studies.yaml'}:{_line(tmp_path / 'studies.yaml', 'list_title:')}: "
        "reading level: Flesch-Kincaid grade 8.37 (at most 8) [texts.list_title]"
    ]


@pytest.mark.parametrize(
    ("where", "key", "text"),
    [
        ("offer.yaml:3", "texts.heading", HEADING),  # another file
        ("studies.es.yaml:6", "texts.heading", HEADING),  # its translation's file
        ("studies.yaml:21", "texts.list_title", HEADING),  # another key
        ("studies.yaml:22", "texts.heading", HEADING + " here"),  # other words
        ("studies.yaml:22", "texts.heading", HARD),
    ],
    ids=["another file", "the Spanish file", "another key", "the words changed", "hard words"],
)
def test_the_contract_exemption_covers_its_own_words_in_its_own_place_only(where, key, text):
    found = lint([PatientText(where, key, text, "other")])
    assert any(p.check == "reading level" for p in found), found
    assert lint([PatientText("studies.yaml:22", "texts.heading", HEADING, "other")]) == []
    assert CONTRACT_WORDING == {("studies.yaml", "texts.heading"): ("design.md section 7", HEADING)}


def test_a_text_a_contract_fixes_still_gets_every_other_check(monkeypatch):
    words = "You are eligible for these registered studies whose main criteria are demanding."
    monkeypatch.setitem(
        plain_language.CONTRACT_WORDING, ("studies.yaml", "texts.heading"), ("a contract", words)
    )
    found = lint([PatientText("studies.yaml:22", "texts.heading", words, "other")])
    assert [p.check for p in found] == ["promise words"]
    assert reading_problem(words) is not None  # its grade would fail: it is spared, nothing else


def test_the_shipped_studies_heading_is_the_contracts_words():
    texts = {t.key: t for t in yaml_texts(ROOT / "studies.yaml") if t.lang == "en"}
    assert texts["texts.heading"].text == HEADING
    assert reading_problem(HEADING) is not None  # spared by the exemption, not by its grade


def _problem_line(output: str, expected: str) -> tuple[Path, int]:
    """The file and line of the first problem that says `expected`."""
    lines = [line for line in output.splitlines() if expected in line]
    assert lines, output
    file, number = re.match(r"(\S+):(\d+): ", lines[0]).groups()
    return Path(file), int(number)


def _line(path: Path, text: str) -> int:
    """The line of `path` where `text` is (its first 20 characters)."""
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if str(text)[:20] in line)


def _edited_copy(source: Path, folder: Path, old: str, new: str) -> Path:
    """A copy of a shipped file with one text changed (it must be there once)."""
    text = source.read_text()
    assert text.count(old) == 1, old
    copy = folder / source.name
    copy.write_text(text.replace(old, new))
    return copy


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('msgid "Skip to main content"', 'msgid "Please skip to the content"', "plain words"),
        (
            'msgstr "Cambie sus respuestas"',
            'msgstr "Cambia tus respuestas"',
            "usted: uses ['tus']",
        ),
        (  # the third form of a plural, and an English with a number
            'msgstr[2] "Por estas respuestas:"',
            'msgstr[2] "Por estas 3 respuestas:"',
            "numbers: a translation never changes a number",
        ),
        (
            'msgid "Answer"',
            'msgid "<strong>Inconstitutionality</strong>"',
            "short text with words of more than 3 syllables: Inconstitutionality",
        ),
        (  # the last-resort 500 page's words (questionnaire/web/errors.py) are the catalogue's
            'msgstr "Inténtelo otra vez más tarde."',
            'msgstr "Por favor, inténtelo otra vez más tarde."',
            "plain words: uses ['por favor']",
        ),
    ],
    ids=["please in English", "tú in Spanish", "a plural form", "HTML dropped", "the 500 page"],
)
def test_a_broken_interface_text_fails_at_its_line(tmp_path, runner, old, new, expected):
    catalogue = _edited_copy(CATALOGUE, tmp_path, old, new)
    result = runner.invoke(args=["rules", "lint", str(catalogue)])
    assert result.exit_code == 1, result.output
    assert _problem_line(result.output, expected) == (catalogue, _line(catalogue, new))


@pytest.mark.parametrize(
    ("spanish", "ok"),
    [
        ("NHS: Dolor de espalda - llame a emergencias (en inglés)", True),
        ("NHS: Dolor de espalda - llame al 911 (en inglés)", False),
        ("NHS: Dolor de espalda (en inglés)", False),
    ],
    ids=["said in words", "another number", "left out"],
)
def test_the_uks_999_may_only_be_said_as_emergencias_in_spanish(spanish, ok):
    text = PatientText("x.es.yaml:1", "sources.nhs", spanish, "other", "es", "NHS: call 999")
    assert ("numbers" not in {p.check for p in lint([text])}) is ok


def test_the_last_resort_500_page_says_the_catalogues_words_in_both_languages(app):
    # Built once at start-up from the catalogue, so `flask rules lint` reads its words there.
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    page = errors.fallback_500(app.extensions["catalogues"]).decode()
    for english in errors.FALLBACK_WORDS:
        spanish = catalogue[english].string
        assert spanish and f">{english}<" in page and f">{spanish}<" in page, page
    assert page.index('<div lang="es">') > page.index(errors.FALLBACK_WORDS[1])


def test_the_last_resort_500_page_never_marks_english_as_spanish():
    # Without a Spanish catalogue the page is English only: English words inside lang="es"
    # would be read aloud with Spanish rules by a screen reader (a review found it).
    page = errors.fallback_500({}).decode()
    assert 'lang="es"' not in page and f">{errors.FALLBACK_WORDS[0]}<" in page


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('title = "Page not found"', 'title = "Oops, page not found"', "plain words"),
        (
            'title_es = "Demasiadas visitas a la vez"',
            'title_es = "Demasiadas visitas, por favor"',
            "plain words: uses ['por favor']",
        ),
        (
            'text_es = """El servicio no respondió a tiempo.',
            'text_es = """El servicio no respondió en 60 segundos.',
            "numbers",
        ),
    ],
    ids=["English", "Spanish", "a number the English does not have"],
)
def test_a_broken_nginx_error_page_fails_at_its_line(tmp_path, runner, old, new, expected):
    shutil.copy(ERROR_PAGES.with_name("error-page.html"), tmp_path)
    pages = _edited_copy(ERROR_PAGES, tmp_path, old, new)
    result = runner.invoke(args=["rules", "lint", str(pages)])
    assert result.exit_code == 1, result.output
    assert _problem_line(result.output, expected) == (pages, _line(pages, new))


def test_the_words_of_the_error_page_template_are_linted_in_their_language(tmp_path, runner):
    shutil.copy(ERROR_PAGES, tmp_path)
    template = _edited_copy(
        ERROR_PAGES.with_name("error-page.html"),
        tmp_path,
        "Ir a la página de inicio",
        "Ve a tu página de inicio",
    )
    result = runner.invoke(args=["rules", "lint", str(tmp_path / ERROR_PAGES.name)])
    assert result.exit_code == 1, result.output
    where = _problem_line(result.output, "usted: uses ['tu']")
    assert where == (template, _line(template, "Ve a tu página"))


def test_a_broken_file_of_each_kind_is_bad_input(tmp_path, runner):
    (tmp_path / "error-pages.toml").write_text("[[page]\n")
    (tmp_path / "studies.yaml").write_text("studies: [\n")
    for name in ("error-pages.toml", "studies.yaml", "missing.po"):
        result = runner.invoke(args=["rules", "lint", str(tmp_path / name)])
        assert result.exit_code == 2, (name, result.output)


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


PLAIN = "Your pain started less than 3 months ago. It often gets better on its own."
PLAIN_ES = "Su dolor empezó hace menos de 3 meses. Suele mejorar solo."


def test_all_the_spanish_of_each_file_together_must_read_at_about_6th_grade():
    hard = [PatientText(f"hard.es.yaml:{i}", "k", HARD_ES, "other", "es", HARD) for i in range(3)]
    plain = [PatientText(f"plain.po:{i}", "k", PLAIN_ES, "other", "es", PLAIN) for i in range(9)]
    found = [p for p in lint(hard + plain) if "all the file's Spanish" in p.message]
    assert [p.where for p in found] == ["hard.es.yaml:0"]


def test_every_glossary_term_is_used_by_some_english_text():
    english = " ".join(t.text for t in yaml_texts(RULES) if t.lang == "en")
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
    texts = {t.key: t for t in yaml_texts(RULES) if t.lang == "es"}
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
