"""Plain language: the checks `flask rules lint` runs over every patient-facing text.

Reading level (Flesch-Kincaid grade 8 or lower in English; Fernández-Huerta 60 or more in
Spanish), sentence length, promise words ("eligible", "candidate", ...), GOV.UK's banned words,
error messages that say what to do, outcomes that send the patient to a doctor, and in Spanish
"usted", US Spanish, the glossary's terms and the English numbers. One text is spared its
reading grade, as its words are a contract's (CONTRACT_WORDING). Why each limit: docs/plain-
language.md. textstat is imported here only, so the web app never loads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

import textstat

MAX_GRADE = 8.0  # Flesch-Kincaid grade (NIH: 8th grade at most; AMA: 6th grade)
MIN_EASE_EACH = 60.0  # Fernández-Huerta: 60-70 is 7th-8th grade
MIN_EASE_ALL = 70.0  # all the Spanish read together: about 6th grade
MAX_SENTENCE_WORDS = 25  # GOV.UK: sentences of 25 words or fewer
# Fewer than 4 words: Flesch-Kincaid means nothing ("Maybe" scores 8.4); each word is checked.
SHORT_TEXT_WORDS = 4
MAX_SHORT_SYLLABLES = {"en": 3, "es": 4}  # Spanish words have one syllable more
SHORT_TEXT_ALLOWED = frozenset({"emergency"})
STRIP_FROM_WORDS = "\"'“”‘’.,:;!?¡¿()[]"

# The summary gives information, never a verdict or a promise about the patient.
PROMISE_WORDS = {
    "en": ("eligible", "candidate", "qualify", "qualifies", "approved for you", "guaranteed"),
    "es": (
        "elegible",
        "candidato",
        "candidata",
        "califica",
        "aprobado para usted",
        "usted podría participar",
        "usted puede participar",
        "garantizado",
    ),
}
PLAIN_WORDS = {  # GOV.UK: no "please", "valid", "invalid", "oops"
    "en": ("please", "valid", "invalid", "oops"),
    "es": ("por favor", "válido", "válida", "inválido", "inválida", "ups"),
}
ERROR_FIRST_WORDS = {"en": ("Select", "Enter", "Your"), "es": ("Marque", "Escriba", "Su")}
OUTCOME_MUST_MENTION = {"en": ("doctor", "911"), "es": ("médico", "911")}
MAX_CARD_BULLETS = 5  # NHS care cards: at most 5 bullet points (actions and next steps)
CARD = ("actions", "next_steps")
NOT_USTED = ("tú", "tu", "tus", "ti", "contigo", "vosotros", "os")
NOT_US_SPANISH = {
    "urgencias": "sala de emergencias",
    "112": "911",
    "coche": "carro",
    "conducir": "manejar",
    "ordenador": "computadora",
    "móvil": "celular",
}
# English term -> the one Spanish term for it (docs/glossary-es.md).
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
NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# A number the Spanish, for US readers, says in words: the UK's emergency number in the NHS
# sources' titles ("call 999") is "emergencias" (911 in the US), never "999".
SAID_IN_WORDS = {"999": "emergencias"}
# The one exemption: wording a contract fixes word for word is not reworded for its reading grade.
# (file name, key) -> (the contract that fixes it, its words). Every other check still runs, and
# only while the text is those words: the same words under another key, or in another file, fail.
CONTRACT_WORDING = {
    ("studies.yaml", "texts.heading"): (
        "design.md section 7",
        "Registered studies whose main criteria your answers seem to meet",
    ),
}


@dataclass(frozen=True, slots=True)
class PatientText:
    """One text a patient reads, where it is, and (for a translation) its English."""

    where: str  # file:line
    key: str  # e.g. "outcomes.emergency.message" or "templates/patient/start.html"
    text: str
    kind: str  # "outcome", "finding", "error" or "other"
    lang: str = "en"
    english: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    key: str
    check: str  # "reading level", "sentence length", "promise words", ...
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.check}: {self.message} [{self.key}]"


@contextmanager
def language(lang: str) -> Iterator[None]:
    """textstat's language is global: set it for one measure, then back to its default."""
    textstat.set_lang("es" if lang == "es" else "en_US")
    try:
        yield
    finally:
        textstat.set_lang("en_US")


def words_of(text: str) -> list[str]:
    words = [w.strip(STRIP_FROM_WORDS) for w in text.split()]
    return [w for w in words if re.search(r"\w", w)]


def sentences_of(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.I) is not None


def reading_problem(text: str, lang: str = "en") -> str | None:
    """Why a text is too hard to read, or None."""
    words = words_of(text)
    with language(lang):
        if len(words) < SHORT_TEXT_WORDS:
            limit = MAX_SHORT_SYLLABLES[lang]
            long = [
                w
                for w in words
                if w.lower() not in SHORT_TEXT_ALLOWED and textstat.syllable_count(w) > limit
            ]
            return (
                f"short text with words of more than {limit} syllables: {', '.join(long)}"
                if (long)
                else None
            )
        if lang == "es":
            ease = textstat.fernandez_huerta(text)
            return (
                f"Fernández-Huerta {ease:.1f} (at least {MIN_EASE_EACH:g})"
                if (ease < MIN_EASE_EACH)
                else None
            )
        grade = textstat.flesch_kincaid_grade(text)
    return (
        f"Flesch-Kincaid grade {grade:.2f} (at most {MAX_GRADE:g})" if grade > MAX_GRADE else None
    )


def sentence_problem(text: str) -> str | None:
    long = [s for s in sentences_of(text) if len(words_of(s)) > MAX_SENTENCE_WORDS]
    if not long:
        return None
    return (
        f"a sentence of {len(words_of(long[0]))} words (at most {MAX_SENTENCE_WORDS}): "
        f"{long[0][:60]!r}"
    )


def _found(text: str, phrases: Iterable[str]) -> list[str]:
    return [p for p in phrases if has(text, p)]


def _said_in_words(number: str, spanish: str) -> bool:
    word = SAID_IN_WORDS.get(number)
    return word is not None and has(spanish, word)


def _spanish_problems(t: PatientText) -> Iterator[tuple[str, str]]:
    informal = _found(t.text, NOT_USTED)
    if informal:
        yield "usted", f"uses {informal}: write 'usted'"
    other = {w: us for w, us in NOT_US_SPANISH.items() if has(t.text, w)}
    if other:
        yield "US Spanish", f"use the US words {other}"
    if t.english is None:
        return
    for english, spanish in GLOSSARY.items():
        if re.search(english, t.english, re.I) and not re.search(spanish, t.text, re.I):
            yield "glossary", f"the English says {english!r}, so the Spanish says {spanish!r}"
    numbers = [n for n in NUMBER.findall(t.english) if not _said_in_words(n, t.text)]
    if sorted(NUMBER.findall(t.text)) != sorted(numbers):
        yield "numbers", "a translation never changes a number: " + repr(t.english[:60])


def fixed_by(t: PatientText) -> str | None:
    """The contract that fixes this text's words (CONTRACT_WORDING), or None."""
    file = PurePath(t.where.rsplit(":", 1)[0]).name
    contract, words = CONTRACT_WORDING.get((file, t.key), (None, None))
    return contract if words == t.text else None


def _text_problems(t: PatientText) -> Iterator[tuple[str, str]]:
    checks: list[tuple[str, Callable[[], str | None]]] = [
        ("reading level", lambda: None if fixed_by(t) else reading_problem(t.text, t.lang)),
        ("sentence length", lambda: sentence_problem(t.text)),
    ]
    for check, run in checks:
        problem = run()
        if problem:
            yield check, problem
    promised = _found(t.text, PROMISE_WORDS[t.lang])
    if promised:
        yield "promise words", f"says {promised}: information, never a verdict or a promise"
    banned = _found(t.text, PLAIN_WORDS[t.lang])
    if banned:
        yield "plain words", f"uses {banned}"
    if t.kind == "error" and t.text.split()[0] not in ERROR_FIRST_WORDS[t.lang]:
        yield (
            "error message",
            "starts with a word other than " + ", ".join(ERROR_FIRST_WORDS[t.lang]),
        )
    if t.key.startswith("outcomes.") and t.key.endswith(".message"):
        if not _found(t.text, OUTCOME_MUST_MENTION[t.lang]):
            yield "outcome", "does not send the patient to a doctor (or 911)"
    if t.lang == "es":
        yield from _spanish_problems(t)


def _whole_problems(texts: list[PatientText]) -> Iterator[Problem]:
    """Checks of texts together: card length, and each file's Spanish as a whole."""
    bullets: dict[str, list[PatientText]] = {}
    for t in texts:
        parts = t.key.split(".")
        if parts[0] == "outcomes" and len(parts) > 2 and parts[2].split("[")[0] in CARD:
            file = t.where.rsplit(":", 1)[0]  # rules.yaml and offer.yaml may share an id
            bullets.setdefault(f"{file}:{parts[1]}", []).append(t)
    for items in bullets.values():
        if len(items) > MAX_CARD_BULLETS:
            yield Problem(
                items[0].where,
                items[0].key,
                "care card",
                f"{len(items)} bullets (actions and next steps; at most {MAX_CARD_BULLETS})",
            )
    yield from _spanish_together(texts)


def _spanish_together(texts: list[PatientText]) -> Iterator[Problem]:
    """All the Spanish of each file read together: about 6th grade."""
    files: dict[str, list[PatientText]] = {}
    for t in texts:
        if t.lang == "es":
            files.setdefault(t.where.rsplit(":", 1)[0], []).append(t)
    for spanish in files.values():
        together = " ".join(
            t.text if t.text.endswith((".", "?", "!")) else t.text + "." for t in spanish
        )
        with language("es"):
            ease = textstat.fernandez_huerta(together)
        if ease < MIN_EASE_ALL:
            yield Problem(
                spanish[0].where,
                "(all the Spanish of the file)",
                "reading level",
                f"Fernández-Huerta of all the file's Spanish {ease:.1f} "
                f"(at least {MIN_EASE_ALL:g})",
            )


def lint(texts: Iterable[PatientText]) -> list[Problem]:
    """Every plain-language problem of the texts, in the order given."""
    texts = list(texts)
    found = [
        Problem(t.where, t.key, check, message)
        for t in texts
        for check, message in _text_problems(t)
    ]
    return found + list(_whole_problems(texts))
