"""Plain Spanish: every text of rules.es.yaml is easy to read, uses "usted", US Spanish and the
terms of docs/glossary-es.md. How and why: docs/plain-language.md, section "Spanish".

Texts are walked with the same list of text slots the loader checks (translations.slots), so a
new text in rules.yaml is read here as soon as it has its Spanish.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import textstat

from questionnaire.engine import load_languages
from questionnaire.engine.load.translations import _dotted, slots
from questionnaire.engine.load.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"

# Fernández-Huerta (1959), Flesch's reading ease refitted for Spanish: 70-80 "bastante fácil"
# (6th grade), 60-70 "normal" (7th-8th grade), below 60 harder than 8th grade. Each text must be
# 60 or more, as each English text must be Flesch-Kincaid grade 8 or lower; all the texts read
# together must be 70 or more, the 6th grade the AMA asks for.
MIN_EASE_EACH = 60.0
MIN_EASE_ALL = 70.0
# Fewer than 4 words: scored word by word, as in English. Spanish words have more syllables
# than English ones ("tratamientos" has 4), so the limit is one syllable more.
SHORT_TEXT_WORDS = 4
MAX_SHORT_SYLLABLES = 4
STRIP_FROM_WORDS = "\"'“”‘’.,:;!?¡¿()[]"

# Informal "tú" forms and words of Spain or of other countries where US Spanish says otherwise.
NOT_USTED = ("tú", "tu", "tus", "ti", "contigo", "vosotros", "os")
NOT_US_SPANISH = {
    "urgencias": "sala de emergencias",
    "112": "911",
    "coche": "carro",
    "conducir": "manejar",
    "ordenador": "computadora",
    "móvil": "celular",
}
BANNED = ("por favor", "válido", "válida", "inválido", "inválida", "ups")
# "Usted podría participar" reads as "you could take part", a verdict on the patient.
VERDICT_WORDS = (
    "elegible",
    "candidato",
    "candidata",
    "califica",
    "aprobado para usted",
    "usted podría participar",
    "usted puede participar",
)
ERROR_FIRST_WORDS = ("Marque", "Escriba", "Su")  # Select, Enter, Your
OUTCOME_MUST_MENTION = ("médico", "911")

# English term -> the one Spanish term for it (docs/glossary-es.md). Where the English text
# says the term, its Spanish says the Spanish term.
GLOSSARY = {
    r"\bworn discs?\b": r"\bdiscos? desgastados?\b",
    r"\bstem[- ]cells?\b": r"\bcélulas madre\b",
    r"\bemergency room\b": r"\bsala de emergencias\b",
    r"\bclinical trials?\b": r"\bensayos? clínicos?\b",
    r"\bresearch stud(y|ies)\b": r"\bestudios? de investigación\b",
    r"\b911\b": r"\b911\b",
    r"\burgent care\b": r"\bcentro de atención urgente\b",
    r"\bblood thinners?\b": r"\banticoagulantes?\b",
    r"\bphysical therapy\b": r"\bterapia física\b",
    r"\bspinal cord\b": r"\bmédula espinal\b",
    r"\bosteoporosis\b": r"\bosteoporosis\b",
    r"\bfake shot\b": r"\binyección falsa\b",
}


@dataclass(frozen=True)
class Pair:
    where: str  # the key in rules.es.yaml, e.g. "outcomes.emergency.title"
    english: str
    spanish: str

    @property
    def kind(self) -> str:
        if ".errors." in self.where:
            return "error"
        return {"outcomes": "outcome", "rules": "finding"}.get(self.where.split(".")[0], "other")


def _pairs() -> list[Pair]:
    languages = load_languages(RULES, verify=False)
    raw = read_yaml(RULES.read_bytes())[0]
    spanish = languages["es"].file.model_dump()
    out = []
    for slot in slots(raw):
        if slot.key[0] in ("meta", "sources"):  # titles of sources, as in English: not scored
            continue
        en, es = raw, spanish
        for part in slot.english:
            en, es = en[part], es[part]
        out.append(
            Pair(
                _dotted(slot.key),
                " ".join(en.split()).replace("{answer}", "7"),
                " ".join(es.split()).replace("{answer}", "7"),
            )
        )
    return out


PAIRS = _pairs()


def _params(pairs: list[Pair]) -> list:
    return [pytest.param(p, id=f"{p.where}: {p.spanish[:40]}") for p in pairs]


def _words(text: str) -> list[str]:
    words = [w.strip(STRIP_FROM_WORDS) for w in text.split()]
    return [w for w in words if re.search(r"\w", w)]


@contextmanager
def spanish():
    """textstat's language is global: set Spanish for one measure, then English again."""
    textstat.set_lang("es")
    try:
        yield
    finally:
        textstat.set_lang("en_US")  # textstat's default, which test_readability.py uses


def reading_problem(text: str) -> str | None:
    """Why a Spanish text is too hard to read, or None."""
    with spanish():
        return _reading_problem(text)


def _reading_problem(text: str) -> str | None:
    words = _words(text)
    if len(words) < SHORT_TEXT_WORDS:
        long = [w for w in words if textstat.syllable_count(w) > MAX_SHORT_SYLLABLES]
        return (
            f"short text with words of more than {MAX_SHORT_SYLLABLES} syllables: {', '.join(long)}"
            if long
            else None
        )
    ease = textstat.fernandez_huerta(text)
    if ease < MIN_EASE_EACH:
        return f"Fernández-Huerta {ease:.1f} (at least {MIN_EASE_EACH:g})"
    return None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        pytest.param("Tal vez", True, id="a short text is checked word by word"),
        pytest.param("Inconstitucionalmente", False, id="a short text with a long word fails"),
        pytest.param(
            "Los pacientes con patología degenerativa intervertebral demuestran "
            "frecuentemente anormalidades radiográficas.",
            False,
            id="hard prose fails",
        ),
        pytest.param(
            "Su dolor empezó hace menos de 3 meses. Suele mejorar solo.",
            True,
            id="plain prose passes",
        ),
    ],
)
def test_reading_check_tells_hard_spanish_from_plain(text, ok):
    assert (reading_problem(text) is None) is ok


def test_spanish_texts_were_collected():
    assert len(PAIRS) > 250
    assert {p.kind for p in PAIRS} == {"error", "outcome", "finding", "other"}


@pytest.mark.parametrize("pair", _params(PAIRS))
def test_spanish_text_reads_at_grade_8_or_lower(pair: Pair):
    problem = reading_problem(pair.spanish)
    assert problem is None, f"{pair.where}: {problem}\n  {pair.spanish!r}"


def test_all_the_spanish_read_together_is_about_6th_grade():
    text = " ".join(
        p.spanish if p.spanish.endswith((".", "?", "!")) else p.spanish + "." for p in PAIRS
    )
    with spanish():
        ease = textstat.fernandez_huerta(text)
    assert ease >= MIN_EASE_ALL, f"Fernández-Huerta of all the Spanish: {ease:.1f}"


def _has(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I) is not None


@pytest.mark.parametrize("pair", _params(PAIRS))
def test_spanish_says_usted_and_is_us_spanish(pair: Pair):
    informal = [w for w in NOT_USTED if _has(pair.spanish, w)]
    assert not informal, f"{pair.where} uses {informal} (write 'usted'): {pair.spanish!r}"
    other = {w: us for w, us in NOT_US_SPANISH.items() if _has(pair.spanish, w)}
    assert not other, f"{pair.where}: use the US words {other}: {pair.spanish!r}"
    banned = [w for w in BANNED if _has(pair.spanish, w)]
    assert not banned, f"{pair.where} uses {banned}: {pair.spanish!r}"


@pytest.mark.parametrize("pair", _params([p for p in PAIRS if p.kind in ("outcome", "finding")]))
def test_spanish_summary_text_never_gives_a_verdict(pair: Pair):
    found = [w for w in VERDICT_WORDS if _has(pair.spanish, w)]
    assert not found, f"{pair.where} says {found}: {pair.spanish!r}"


@pytest.mark.parametrize("pair", _params([p for p in PAIRS if p.kind == "error"]))
def test_spanish_error_message_says_what_to_do(pair: Pair):
    assert pair.spanish.split()[0] in ERROR_FIRST_WORDS, pair


@pytest.mark.parametrize(
    "pair",
    _params([p for p in PAIRS if p.where.startswith("outcomes.") and p.where.endswith(".message")]),
)
def test_every_spanish_outcome_sends_the_patient_to_a_doctor(pair: Pair):
    assert any(_has(pair.spanish, w) for w in OUTCOME_MUST_MENTION), pair


GLOSSARY_CASES = [
    (p, en, es) for p in PAIRS for en, es in GLOSSARY.items() if re.search(en, p.english, re.I)
]


@pytest.mark.parametrize(
    ("pair", "english", "spanish"),
    GLOSSARY_CASES,
    ids=[f"{p.where}: {en}" for p, en, _ in GLOSSARY_CASES],
)
def test_spanish_uses_the_glossary_term(pair: Pair, english: str, spanish: str):
    assert re.search(spanish, pair.spanish, re.I), (
        f"{pair.where}: the English says {english!r}, so the Spanish says {spanish!r}:\n"
        f"  {pair.english!r}\n  {pair.spanish!r}"
    )


def test_the_glossary_is_used_somewhere():
    used = {en for _, en, _ in GLOSSARY_CASES}
    assert used == set(GLOSSARY), f"glossary terms no English text uses: {set(GLOSSARY) - used}"


NUMBER = re.compile(r"\d[\d,.]*\d|\d")


@pytest.mark.parametrize("pair", _params([p for p in PAIRS if NUMBER.search(p.english)]))
def test_every_number_of_the_english_is_in_the_spanish(pair: Pair):
    """911, 24 hours, 6 months, $5,000: a translation never changes a number."""
    assert sorted(NUMBER.findall(pair.spanish)) == sorted(NUMBER.findall(pair.english)), pair


# --- The word-by-word review of the emergency and urgent cards (docs/glossary-es.md) ----------

GLOSSARY_DOC = ROOT / "docs" / "glossary-es.md"
REVIEW_ROW = re.compile(r"^\| `([^`]+)` \| (.+?) \| (.+?) \| (.+?) \|$", re.M)


def _must_be_reviewed() -> set[str]:
    """Every text of the emergency and urgent cards: headline, message, actions, the findings
    of the rules that lead there, and the warning signs (the choice and its 'said')."""
    english = load_languages(RULES, verify=False)["en"].file
    stop = {o.id for o in english.outcomes if o.urgency in ("emergency", "urgent")}
    keys = {p.where for p in PAIRS if p.where.split(".")[:2] in (["outcomes", o] for o in stop)}
    keys |= {f"rules.{r.id}" for r in english.rules if r.outcome in stop}
    keys |= {p.where for p in PAIRS if p.where.startswith("questions.warning_signs.choices.")}
    return keys


def test_the_reviewed_cards_are_the_texts_shipped():
    rows = {
        key: (en, es, note)
        for key, en, es, note in REVIEW_ROW.findall(GLOSSARY_DOC.read_text(encoding="utf-8"))
    }
    by_key = {p.where: p for p in PAIRS}
    missing = sorted(_must_be_reviewed() - set(rows))
    assert not missing, (
        f"texts of the emergency and urgent cards not reviewed in {GLOSSARY_DOC.name}: {missing}"
    )
    changed = [
        key
        for key, (en, es, _) in rows.items()
        if key not in by_key or (by_key[key].english, by_key[key].spanish) != (en, es)
    ]
    assert not changed, (
        f"these texts changed since their review in {GLOSSARY_DOC.name}; "
        f"review them again and update the rows: {changed}"
    )
    assert all(note.strip() for _, _, note in rows.values())
