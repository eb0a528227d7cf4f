"""The take-away handout: the patient's summary as a PDF, made on the fly (fpdf2).

Nothing is stored: the PDF is built in memory from the answers in the patient's cookie. The words
come from the rules of the patient's language and the engine's Summary; the few labels of the
layout are in the interface catalogue (translations/, Flask-Babel), in the same language. A
handout in another language than English is followed, in the same file, by an English copy for
the clinician (design section 5, v3).

Lines are broken here, in one pass over the words, and each line is drawn as one cell: fpdf2's
multi_cell and table measure the whole line again for every character they add, which was 85% of
the handout's CPU (docs/benchmarks.md, "The handout").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask import current_app
from flask_babel import format_date
from fpdf import FPDF
from fpdf.fonts import CoreFont

from ..engine import Summary
from ..engines import LANGUAGES
from .i18n import current_language, date_pattern, in_language
from .i18n import gettext as _
from .summary_view import given_answers, summary_context

# The PDF core fonts cover Latin-1 only (English and Spanish). Typographic characters outside it
# are written as their plain equivalents rather than as "?".
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2192": "->",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u00a0": " ",
    }
)

INK, GREY, BLUE, RED = (11, 12, 12), (80, 90, 95), (29, 112, 184), (212, 53, 28)
FONT = "Helvetica"
PAGE = "\x00page\x00"  # where the footer's page number goes, once the page is known
LEADING = 0.42  # a line's height per point of font size, in mm (about 1.2 times the size)


def plain(text: str) -> str:
    """Text the PDF core fonts can draw."""
    return " ".join(text.translate(_PLAIN).split()).encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class Service:
    """Who runs the service, from the app's configuration."""

    name: str
    operator: str
    contact: str | None = None


@dataclass(frozen=True)
class Handout:
    """Everything printed in one language's copy of the handout, already in words."""

    service: Service
    made: dt.date
    version: str
    reviewed: dt.date
    summary: Summary
    signs: Sequence[str]  # on an emergency or urgent handout: what each sign ticked can mean
    groups: Sequence  # (criterion, [(finding, answered)]) as on the summary page
    answers: Sequence[tuple[str, Sequence[str]]]  # (question, answer labels), in order asked
    notes_first: Sequence  # rules.yaml notes printed before the findings
    notes: Sequence  # and after them
    sources: Sequence  # (title, url) of every source cited
    fingerprint: str  # rules_fingerprint: which rule files, exactly, made this handout


def handout_of(lang: str, answers: Mapping[str, Any], service: Service) -> Handout:
    """The handout's content in `lang`, from the engine of that language.

    On an emergency or urgent headline it names every sign ticked with what it can mean (the
    findings of the rules that lead to such a headline), and keeps only the notes that rules.yaml
    marks `after_stop` (no stem-cell notes): the card stands alone."""
    engine = current_app.extensions["journeys"][lang].engine
    walk = engine.walk(answers)
    # a summary shown early (its headline already certain) has questions still open
    result = engine.settled(walk.answers, trace=False) or engine.evaluate(walk.answers, trace=False)
    ctx = summary_context(engine, result)
    file = engine.ruleset.file
    groups, signs = ctx["groups"], []
    notes_first, notes, cited = ctx["notes_first"], ctx["notes_after"], ctx["cited"]
    if result.outcome.urgency != "routine":
        pressing = {o.id for o in file.outcomes if o.urgency != "routine"}
        sign_rules = {r.id for r in file.rules if r.outcome in pressing}
        found = [f for f in result.findings if f.rule in sign_rules]
        signs = [f.text for f in found]
        notes_first = [n for n in notes_first if n.after_stop]
        notes = [n for n in notes if n.after_stop]
        groups = []
        cited = list(dict.fromkeys([f.source for f in found] + [n.source for n in notes]))
    return Handout(
        service=service,
        made=dt.date.today(),
        version=result.rules_version,
        reviewed=file.meta.reviewed,
        summary=result,
        signs=signs,
        groups=groups,
        answers=given_answers(engine, walk),
        notes_first=notes_first,
        notes=notes,
        sources=[(ctx["sources"][k].title, ctx["sources"][k].url) for k in cited],
        fingerprint=engine.ruleset.fingerprint,
    )


def make(answers: Mapping[str, Any], service: Callable[[], Service]) -> bytes:
    """The handout of these answers as PDF bytes: in the page's language, and after any other
    language than English, an English copy for the clinician in the same file."""
    lang = current_language()
    pdf = _Document()
    english = LANGUAGES[0]
    _section(pdf, handout_of(lang, answers, service()), copy_follows=lang != english)
    if lang != english:
        with in_language(english):
            _section(pdf, handout_of(english, answers, service()), clinician_copy=True)
    return bytes(pdf.output())


class _Document(FPDF):
    def __init__(self):
        super().__init__(format="Letter", unit="mm")
        self.set_margins(13, 10, 13)
        self.set_auto_page_break(True, margin=11.5)
        self.alias_nb_pages()
        self.footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 4, self.footer_text.replace(PAGE, str(self.page_no())), align="C")

    # --- line breaking ------------------------------------------------------------------------
    def wrap(self, text: str, width: float) -> list[str]:
        """`text` in the current font as lines at most `width` mm wide, broken at spaces (and at
        its own line breaks); a word wider than a line is cut where it must be."""
        font = self.current_font
        assert isinstance(font, CoreFont), "the handout uses the PDF core fonts only"
        chars = cast("Mapping[str, float]", font.cw)  # thousandths of the font size
        scale = self.font_size_pt * 0.001 / self.k

        def measure(part: str) -> float:
            return sum(chars[c] for c in part) * scale

        space = measure(" ")
        lines = []
        for paragraph in text.split("\n"):
            words: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                size = measure(word)
                if words and used + space + size > width:
                    lines.append(" ".join(words))
                    words, used = [], 0.0
                while size > width:  # a long address: as much of it as fits on each line
                    cut = 1
                    while cut < len(word) and measure(word[: cut + 1]) <= width:
                        cut += 1
                    lines.append(word[:cut])
                    word = word[cut:]
                    size = measure(word)
                used = used + space + size if words else size
                words.append(word)
            lines.append(" ".join(words))
        return lines

    def block(self, text: str, h: float, link: str = "") -> None:
        """Like multi_cell(0, h, text) from the current x: the text's lines, one cell each."""
        x = self.get_x()
        width = self.w - self.r_margin - x
        for line in self.wrap(text, width - 2 * self.c_margin):
            self.set_x(x)
            self.cell(width, h, line, link=link, new_x="LMARGIN", new_y="NEXT")

    def row(
        self,
        cells: Sequence[tuple[float, str, str]],
        h: float,
        pad: float = 0.4,
        *,
        ruled: bool = False,
        head: Sequence[tuple[float, str, str]] = (),
    ) -> None:
        """Cells side by side, (width, font style, text) each, wrapped in their width; on the
        next page if the row does not fit, under the `head` row again. `ruled`: a line under."""
        size = self.font_size_pt
        wrapped = []
        for width, style, text in cells:
            self.set_font(FONT, style, size)
            wrapped.append(self.wrap(text, width - 2 * self.c_margin))
        height = max(len(lines) for lines in wrapped) * h + 2 * pad
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
            if head:
                self.row(head, h, pad, ruled=ruled)
        top, x = self.get_y(), self.l_margin
        for (width, style, _text), lines in zip(cells, wrapped, strict=True):
            self.set_font(FONT, style, size)
            for i, line in enumerate(lines):
                self.set_xy(x, top + pad + i * h)
                self.cell(width, h, line)
            x += width
        self.set_font(FONT, "", size)
        self.set_xy(self.l_margin, top + height)
        if ruled:
            self.line(self.l_margin, top + height, self.w - self.r_margin, top + height)

    # --- building blocks ------------------------------------------------------------------------
    def heading(self, text: str, size: float = 12.5, color=INK) -> None:
        if self.get_y() > self.h - 32:  # keep a heading with the lines that follow it
            self.add_page()
        self.ln(1.2)
        self.set_font(FONT, "B", size)
        self.set_text_color(*color)
        self.block(plain(text), size * LEADING)
        self.set_text_color(*INK)
        self.ln(0.8)

    def para(self, text: str, size: float = 8, style: str = "", color=INK) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.block(plain(text), size * LEADING)
        self.set_text_color(*INK)
        self.ln(0.5)

    def items(self, texts: Sequence[str], numbered: bool = False, size: float = 8) -> None:
        self.set_font(FONT, "", size)
        for i, text in enumerate(texts, 1):
            self.set_x(self.l_margin + 2)
            self.cell(5, size * LEADING, f"{i}." if numbered else "-")
            self.block(plain(text), size * LEADING)
            self.ln(0.1)
        self.ln(0.5)

    def findings(self, groups: Sequence) -> None:
        """The findings by criterion: the criterion on the left, its findings beside it."""
        self.set_font(FONT, "", 8)
        left = self.epw * 0.24
        for criterion, found in groups:
            text = "\n".join(f"- {plain(finding.text)}" for finding, _answered in found)
            self.row(
                ((left, "B", plain(criterion.title)), (self.epw - left, "", text)), 8 * LEADING, 0.3
            )
        self.ln(0.8)

    def pairs(self, texts: Sequence[str], size: float = 8) -> None:
        """A longer list of short items in two columns, read across: it takes half the lines."""
        self.set_font(FONT, "", size)
        half = self.epw / 2
        for i in range(0, len(texts), 2):
            pair = [f"- {plain(text)}" for text in texts[i : i + 2]] + [""]
            self.row(((half, "", pair[0]), (half, "", pair[1])), size * LEADING, 0.3)
        self.ln(0.8)

    def answers(self, rows: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Every answer given, as two columns under a line each: the question, then the answer."""
        self.set_font(FONT, "", 8)
        self.set_draw_color(*GREY)
        self.set_line_width(0.2)
        left = self.epw * 0.55
        head = ((left, "B", plain(_("Question"))), (self.epw - left, "B", plain(_("Answer"))))
        self.row(head, 3.2, 0.35, ruled=True)
        for question, labels in rows:
            cells = ((left, "", plain(question)), (self.epw - left, "", plain("; ".join(labels))))
            self.row(cells, 3.2, 0.35, ruled=True, head=head)
        self.ln(1)

    def source(self, title: str, url: str) -> None:
        self.set_font(FONT, "", 6.5)
        self.set_x(self.l_margin + 2)
        self.cell(4, 6.5 * LEADING, "-")
        self.block(f"{plain(title)}: {url}", 6.5 * LEADING, link=url)
        self.ln(0.3)

    def notes(self, notes: Sequence) -> None:
        for note in notes:
            self.heading(note.title, 10.5)
            self.para(note.text)
            if note.items:
                self.items(note.items, numbered=note.numbered)


def _top(pdf: _Document, h: Handout, clinician_copy: bool, copy_follows: bool) -> None:
    pdf.set_font(FONT, "B", 15)
    pdf.block(plain(h.service.name), 7)
    if clinician_copy:
        pdf.para(_("English copy for the clinician"), 11, "B", GREY)
        pdf.para(_("The patient used the check in Spanish. These pages say the same in English."))
    else:
        pdf.para(_("Your summary to show a doctor"), 11, "B", GREY)
    if copy_follows:
        pdf.para(_("The last pages are a copy in English for your doctor."), 8.5, "B")
    run_by = _("Run by %(operator)s.", operator=h.service.operator) + (
        " " + _("Contact: %(contact)s.", contact=h.service.contact) if h.service.contact else ""
    )
    made = _("Made on %(date)s.", date=format_date(h.made, date_pattern()))
    version = _(
        "Guidance version %(version)s, reviewed %(date)s",
        version=h.version,
        date=format_date(h.reviewed, date_pattern()),
    )
    pdf.para(f"{made} {version}. {run_by}", 8.5, color=GREY)
    pdf.para(f"rules_fingerprint {h.fingerprint}", 7, color=GREY)  # an id: not translated
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _headline(pdf: _Document, h: Handout) -> None:
    outcome = h.summary.outcome
    pdf.heading(outcome.title, 14, RED if outcome.urgency != "routine" else BLUE)
    if h.summary.said:
        pdf.para(_("Because you said:"), 9.5, "B")
        said = [a.answer for a in h.summary.said]
        if len(said) > 3:
            pdf.pairs(said)
        else:
            pdf.items(said)
    pdf.para(outcome.message)
    steps = outcome.next_steps or outcome.actions
    if steps:
        pdf.para(_("What to do next"), 10.5, "B")
        pdf.items(steps, numbered=True)
    if outcome.call:
        call = outcome.call
        pdf.para(
            call.label if call.number in call.label else f"{call.label} ({call.number})",
            11,
            "B",
            RED,
        )


def _section(
    pdf: _Document, h: Handout, *, clinician_copy: bool = False, copy_follows: bool = False
) -> None:
    """One language's copy, from a new page, in the language now in force."""
    pdf.add_page()  # (this draws the footer of the page before, in its own language)
    pdf.footer_text = plain(
        _(
            "%(service)s - general information, not medical advice. "
            "Guidance version %(version)s. Page %(page)s of %(pages)s",
            service=h.service.name,
            version=h.version,
            page=PAGE,
            pages="{nb}",
        )
    )
    if not clinician_copy:
        pdf.set_title(plain(_("%(service)s: your summary", service=h.service.name)))
        pdf.set_author(plain(h.service.name))
        pdf.set_lang(current_language())
    _top(pdf, h, clinician_copy, copy_follows)
    _headline(pdf, h)
    if h.signs:
        pdf.heading(_("What each sign you ticked can mean"), 10.5)
        pdf.items(h.signs)
    pdf.notes(h.notes_first)
    if h.groups:
        pdf.heading(_("What the answers mean"), 10.5)
        pdf.findings(h.groups)
    pdf.heading(_("Every answer given"), 10.5)
    pdf.answers(h.answers)
    pdf.notes(h.notes)
    if h.sources:
        pdf.heading(_("Sources"), 10.5)
        for title, url in h.sources:
            pdf.source(title, url)
