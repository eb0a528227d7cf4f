"""Plain language: every text a patient reads is easy to read and avoids words we ban.

Texts come from rules.yaml (walked through the typed model, so a new field must be added here on
purpose) and from the patient templates (Jinja and HTML stripped, split into text nodes).
How the checks work, and why, is in docs/plain-language.md.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import textstat

from questionnaire.engine import RulesError, load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"
TEMPLATES = ROOT / "templates"
PATIENT_TEMPLATES = (
    "base.html",
    "macros.html",
    "summary_macros.html",
    "error.html",
    "csrf_error.html",
    *sorted(f"patient/{p.name}" for p in (TEMPLATES / "patient").glob("*.html")),
)

# Reading level: Flesch-Kincaid grade 8 or lower (NIH: 8th grade at most; AMA: 6th grade).
MAX_GRADE = 8.0

# Flesch-Kincaid means nothing for very short texts: one sentence of one two-syllable word
# ("Maybe") scores 8.4, and "Yes" scores -3.4. So a text of fewer than SHORT_TEXT_WORDS words is
# checked word by word instead: every word has at most MAX_SHORT_SYLLABLES syllables
# (textstat.syllable_count), or is in SHORT_TEXT_ALLOWED, a small list of longer words that
# patients know. Keep the list small; prefer a shorter word.
SHORT_TEXT_WORDS = 4
MAX_SHORT_SYLLABLES = 3
SHORT_TEXT_ALLOWED = frozenset({"emergency"})

# Words are split on spaces, like textstat.lexicon_count ("stem-cell" is one word).
STRIP_FROM_WORDS = "\"'“”‘’.,:;!?()[]"

# Template texts known to fail, while the templates are being changed elsewhere: (file, text) ->
# the suggested rewrite. strict xfail: once a template is fixed, its entry must go.

# GOV.UK error-message and content rules: no "please", "valid", "invalid" or "oops".
BANNED_EVERYWHERE = ("please", "valid", "invalid", "oops")
# The summary gives information, not a verdict: it never says a patient qualifies.
VERDICT_WORDS = ("eligible", "candidate", "qualify", "approved for you", "you are a candidate")
# Error messages say what to do (GOV.UK): "Select ...", "Enter ...", or "Your ... must ...".
ERROR_FIRST_WORDS = ("Select", "Enter", "Your")
# Every outcome sends the patient to a doctor (or to 911).
OUTCOME_MUST_MENTION = ("doctor", "911")
# NHS care cards: at most 5 bullet points.
MAX_ACTIONS = 5


@dataclass(frozen=True)
class PatientText:
    where: str  # e.g. "outcomes.discuss.title" or "templates/patient/start.html:12"
    text: str
    kind: str  # "outcome", "finding", "error" or "other": some lint rules apply to one kind

    @property
    def id(self) -> str:
        excerpt = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        return f"{self.where}: {excerpt}"


# --- Texts from rules.yaml ---------------------------------------------------------------------

try:
    RULESET = load_rules(RULES, verify=False)
    RULES_PROBLEM = None
except RulesError as exc:  # reported by test_rules_file_loads, not as a collection error
    RULESET, RULES_PROBLEM = None, str(exc)


def rules_texts() -> list[PatientText]:
    if RULESET is None:
        return []
    f = RULESET.file
    found = [*_step_texts(f.steps), *_outcome_texts(f.outcomes), *_page_texts(f.pages)]
    found += [(f"criteria.{c.id}.title", c.title, "other") for c in f.criteria]
    found += [(f"rules.{r.id}.finding", r.finding.text, "finding") for r in f.rules if r.finding]
    for n in f.notes:
        found += [
            (f"notes.{n.id}.title", n.title, "other"),
            (f"notes.{n.id}.text", n.text, "other"),
        ]
        found += [(f"notes.{n.id}.items.{i}", item, "other") for i, item in enumerate(n.items, 1)]
    return [PatientText(where, " ".join(text.split()), kind) for where, text, kind in found if text]


def _step_texts(steps):
    for step in steps:
        yield f"steps.{step.id}.title", step.title, "other"
        yield f"steps.{step.id}.intro", step.intro, "other"
        for q in step.questions:
            at = f"questions.{q.id}"
            yield f"{at}.prompt", q.prompt, "other"
            yield f"{at}.short", q.short, "other"  # shown under "Why am I seeing this?"
            yield f"{at}.hint", q.hint, "other"
            yield f"{at}.said", q.said and q.said.replace("{answer}", "7"), "other"
            for choice in q.choices:
                yield f"{at}.choices.{choice.value}.label", choice.label, "other"
                yield f"{at}.choices.{choice.value}.hint", choice.hint, "other"
                # "Because you said: ..."
                yield f"{at}.choices.{choice.value}.said", choice.said, "other"
            for name, message in q.errors.model_dump().items():
                yield f"{at}.errors.{name}", message, "error"


def _outcome_texts(outcomes):
    for o in outcomes:
        yield f"outcomes.{o.id}.title", o.title, "outcome"
        yield f"outcomes.{o.id}.message", o.message, "outcome"
        for i, action in enumerate(o.actions, 1):
            yield f"outcomes.{o.id}.actions.{i}", action, "outcome"
        for i, step in enumerate(o.next_steps, 1):
            yield f"outcomes.{o.id}.next_steps.{i}", step, "outcome"
        if o.call:
            yield f"outcomes.{o.id}.call", o.call.label, "outcome"


def _page_texts(pages):
    for name in ("start", "help"):
        page = getattr(pages, name)
        yield f"pages.{name}.title", page.title, "other"
        for i, section in enumerate(page.sections, 1):
            yield f"pages.{name}.sections.{i}.heading", section.heading, "other"
            yield f"pages.{name}.sections.{i}.text", section.text, "other"
            for j, item in enumerate(section.items, 1):
                yield f"pages.{name}.sections.{i}.items.{j}", item, "other"


# --- Texts from the templates ------------------------------------------------------------------

BREAK = "\x00"  # a text-node boundary
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.S)  # {% if %}, {% block %}: ends a text node
JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)  # {{ value }}: dropped, the text goes on
INLINE_TAG = re.compile(r"</?(?:a|abbr|b|code|em|i|small|span|strong)\b[^>]*>", re.I)
OTHER_TAG = re.compile(r"<[^>]*>")  # block tags (and <!doctype>): end a text node
# Two elements on separate lines with nothing between them (two links in a header) are two nodes.
TAGS_ON_SEPARATE_LINES = re.compile(r"(?<=>)[ \t]*\n\s*(?=<)")
LEADING_PUNCTUATION = re.compile(r"^[^\w\"'“]+")


def _replace(pattern: re.Pattern[str], text: str, by: str) -> str:
    """Replace matches but keep their newlines, so line numbers still hold."""
    return pattern.sub(lambda m: by + "\n" * m.group().count("\n"), text)


def template_text_nodes(source: str) -> list[tuple[int, str]]:
    """(line, text) of every text node with a letter in it, in a Jinja/HTML template."""
    text = _replace(JINJA_COMMENT, source, BREAK)
    text = _replace(JINJA_STATEMENT, text, BREAK)
    text = _replace(JINJA_EXPRESSION, text, "")
    text = _replace(TAGS_ON_SEPARATE_LINES, text, BREAK)
    text = _replace(INLINE_TAG, text, "")
    text = _replace(OTHER_TAG, text, BREAK)
    nodes, offset = [], 0
    for chunk in text.split(BREAK):
        start = offset + len(chunk) - len(chunk.lstrip())
        offset += len(chunk) + 1
        words = LEADING_PUNCTUATION.sub("", " ".join(html.unescape(chunk).split()))
        if re.search(r"[A-Za-z]", words):
            nodes.append((text.count("\n", 0, start) + 1, words))
    return nodes


def template_texts() -> list[PatientText]:
    out, seen = [], set()
    for name in PATIENT_TEMPLATES:
        for line, text in template_text_nodes((TEMPLATES / name).read_text(encoding="utf-8")):
            if (name, text) not in seen:
                seen.add((name, text))
                out.append(PatientText(f"templates/{name}:{line}", text, "other"))
    return out


RULES_TEXTS = rules_texts()
ALL_TEXTS = RULES_TEXTS + template_texts()


def _params(texts: list[PatientText]) -> list:
    return [pytest.param(t, id=t.id) for t in texts]


# --- The collectors themselves -----------------------------------------------------------------


def test_rules_file_loads():
    assert RULES_PROBLEM is None, (
        f"rules.yaml does not load, so its texts were not checked:\n{RULES_PROBLEM}"
    )


def test_every_kind_of_rules_text_is_collected():
    wheres = {re.sub(r"\.[^.]+\.", ".*.", t.where, count=1) for t in RULES_TEXTS}
    for expected in (
        "criteria.*.title",
        "steps.*.title",
        "steps.*.intro",
        "questions.*.prompt",
        "questions.*.hint",
        "outcomes.*.title",
        "outcomes.*.message",
        "rules.*.finding",
        "notes.*.text",
        "pages.*.title",
    ):
        assert expected in wheres, f"no {expected} text was collected from rules.yaml"
    assert any(".choices." in w and w.endswith(".label") for w in wheres)
    assert any(".errors." in w for w in wheres)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            '<p>Go <a href="{{ url }}">back</a> now.</p>',
            [(1, "Go back now.")],
            id="inline link stays in its sentence",
        ),
        pytest.param(
            "{% block title %}Start{% endblock %}\n<h1>{{ page.title }}</h1>",
            [(1, "Start")],
            id="jinja tags end a node, a node with no letters is dropped",
        ),
        pytest.param(
            "{# a comment #}<p>One</p>\n<p>Two &amp; three</p>",
            [(1, "One"), (2, "Two & three")],
            id="comments dropped, entities decoded, lines counted",
        ),
        pytest.param(
            "<title>{% block t %}{% endblock %} - Site name</title>",
            [(1, "Site name")],
            id="leading punctuation left by a removed block is stripped",
        ),
        pytest.param(
            '<div>\n  <a href="/">Home</a>\n  <a href="/help">Help</a>\n</div>',
            [(2, "Home"), (3, "Help")],
            id="links on separate lines are separate nodes",
        ),
    ],
)
def test_template_text_nodes_are_split_as_a_reader_sees_them(source, expected):
    assert template_text_nodes(source) == expected


# --- Reading level -----------------------------------------------------------------------------


def reading_problem(text: str) -> str | None:
    """Why a text is too hard to read, or None."""
    words = [w.strip(STRIP_FROM_WORDS) for w in text.split()]
    words = [w for w in words if re.search(r"[A-Za-z0-9]", w)]  # as textstat.lexicon_count does
    if len(words) < SHORT_TEXT_WORDS:
        long = [
            w
            for w in words
            if w.lower() not in SHORT_TEXT_ALLOWED
            and textstat.syllable_count(w) > MAX_SHORT_SYLLABLES
        ]
        if long:
            return (
                f"short text with words of more than {MAX_SHORT_SYLLABLES} syllables: "
                f"{', '.join(long)}"
            )
        return None
    grade = textstat.flesch_kincaid_grade(text)
    if grade > MAX_GRADE:
        return f"Flesch-Kincaid grade {grade:.2f} (at most {MAX_GRADE:g})"
    return None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        pytest.param("Maybe", True, id="a short text is not scored by Flesch-Kincaid"),
        pytest.param("Unconstitutional", False, id="a short text with a long word fails"),
        pytest.param("Emergency", True, id="an allowed long word passes"),
        pytest.param(
            "Patients with degenerative intervertebral disc pathology frequently "
            "demonstrate radiographic abnormalities.",
            False,
            id="hard prose fails",
        ),
        pytest.param(
            "Your pain started less than 3 months ago. It often gets better on its own.",
            True,
            id="plain prose passes",
        ),
    ],
)
def test_reading_check_tells_hard_texts_from_plain_ones(text, ok):
    assert (reading_problem(text) is None) is ok


def _reading_params(texts: list[PatientText]) -> list:
    params = []
    for t in texts:
        params.append(pytest.param(t, id=t.id))
    return params


@pytest.mark.parametrize("item", _reading_params(ALL_TEXTS))
def test_patient_text_reads_at_grade_8_or_lower(item: PatientText):
    problem = reading_problem(item.text)
    assert problem is None, f"{item.where}: {problem}\n  {item.text!r}"


# --- Content lint ------------------------------------------------------------------------------


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text, re.I) is not None


@pytest.mark.parametrize("item", _params(ALL_TEXTS))
def test_patient_text_avoids_please_valid_invalid_and_oops(item: PatientText):
    found = [w for w in BANNED_EVERYWHERE if _contains(item.text, w)]
    assert not found, f"{item.where} uses {found}: {item.text!r}"


@pytest.mark.parametrize(
    "item", _params([t for t in RULES_TEXTS if t.kind in ("outcome", "finding")])
)
def test_summary_text_never_gives_a_verdict(item: PatientText):
    found = [w for w in VERDICT_WORDS if w in item.text.lower()]
    assert not found, f"{item.where} says {found}: {item.text!r}"


OUTCOMES = RULESET.file.outcomes if RULESET else ()


@pytest.mark.parametrize("outcome", OUTCOMES, ids=[o.id for o in OUTCOMES])
def test_every_outcome_message_sends_the_patient_to_a_doctor(outcome):
    assert any(_contains(outcome.message, w) for w in OUTCOME_MUST_MENTION), outcome.message


@pytest.mark.parametrize("outcome", OUTCOMES, ids=[o.id for o in OUTCOMES])
def test_every_outcome_has_at_most_5_actions(outcome):
    # the card's bullets: its next steps (the shipped outcomes have no `actions` any more)
    assert 0 < len(outcome.actions) + len(outcome.next_steps) <= MAX_ACTIONS, outcome.id


@pytest.mark.parametrize("item", _params([t for t in RULES_TEXTS if t.kind == "error"]))
def test_error_message_says_what_to_do(item: PatientText):
    first = item.text.split()[0]
    assert first in ERROR_FIRST_WORDS, (
        f"{item.where} starts with {first!r}, not one of {ERROR_FIRST_WORDS}: {item.text!r}"
    )


CITING = (
    [(f"rules.{r.id}", r.source) for r in RULESET.file.rules]
    + [(f"notes.{n.id}", n.source) for n in RULESET.file.notes]
    + [
        (f"pages.{name}", getattr(RULESET.file.pages, name).source)
        for name in ("start", "help")
        if getattr(RULESET.file.pages, name).source
    ]
    if RULESET
    else []
)


@pytest.mark.parametrize(("where", "source"), CITING, ids=[w for w, _ in CITING])
def test_every_rule_and_note_cites_a_known_https_source(where, source):
    sources = RULESET.file.meta.sources
    assert source in sources, f"{where} cites {source!r}, which is not in meta.sources"
    assert sources[source].url.startswith("https://"), (
        f"{where} cites {source!r}, whose url is not https: {sources[source].url}"
    )
