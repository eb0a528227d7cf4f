"""The take-away handout: the patient's summary as a 1-2 page PDF, made on the fly (fpdf2).

Nothing is stored: the PDF is built in memory from the answers in the patient's cookie. The words
come from the rules of the patient's language and the engine's Summary; the few labels of the
layout are in the interface catalogue (translations/, Flask-Babel), in the same language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from fpdf import FPDF, FontFace

from ..engine import Summary
from .i18n import date_pattern

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
    """Everything printed on the handout, already in words."""

    service: Service
    made: dt.date
    version: str
    reviewed: dt.date
    summary: Summary
    groups: Sequence  # (criterion, [(finding, answered)]) as on the summary page
    answers: Sequence[tuple[str, Sequence[str]]]  # (question, answer labels), in order asked
    notes_first: Sequence  # rules.yaml notes printed before the findings
    notes: Sequence  # and after them
    sources: Sequence  # (title, url) of every source cited
    fingerprint: str = ""  # rules_fingerprint: which rule files, exactly, made this handout


class _Document(FPDF):
    def __init__(self, handout: Handout):
        super().__init__(format="Letter", unit="mm")
        self.handout = handout
        self.set_margins(14, 11, 14)
        self.set_auto_page_break(True, margin=13)
        self.set_title(plain(_("%(service)s: your summary", service=handout.service.name)))
        self.set_author(plain(handout.service.name))
        self.set_lang(get_locale().language)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*GREY)
        h = self.handout
        self.cell(
            0,
            4,
            plain(
                _(
                    "%(service)s - general information, not medical advice. "
                    "Guidance version %(version)s. Page %(page)s of %(pages)s",
                    service=h.service.name,
                    version=h.version,
                    page=self.page_no(),
                    pages="{nb}",
                )
            ),
            align="C",
        )

    # --- building blocks ------------------------------------------------------------------------
    def heading(self, text: str, size: float = 12.5, color=INK) -> None:
        if self.get_y() > self.h - 32:  # keep a heading with the lines that follow it
            self.add_page()
        self.ln(1.5)
        self.set_font("Helvetica", "B", size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.5, plain(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(*INK)
        self.ln(0.8)

    def para(self, text: str, size: float = 8, style: str = "", color=INK) -> None:
        self.set_font("Helvetica", style, size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.44, plain(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(*INK)
        self.ln(0.6)

    def items(self, texts: Sequence[str], numbered: bool = False, size: float = 8) -> None:
        self.set_font("Helvetica", "", size)
        for i, text in enumerate(texts, 1):
            marker = f"{i}." if numbered else "-"
            self.set_x(self.l_margin + 2)
            self.cell(5, size * 0.44, marker)
            self.multi_cell(0, size * 0.44, plain(text), new_x="LMARGIN", new_y="NEXT", align="L")
            self.ln(0.2)
        self.ln(0.5)

    def findings(self, groups: Sequence) -> None:
        """The findings by criterion: the criterion on the left, its findings beside it."""
        self.set_font("Helvetica", "", 8)
        with self.table(
            col_widths=(24, 76),
            text_align="LEFT",
            line_height=3.52,
            v_align="TOP",
            padding=(0.4, 1, 0.4, 0),
            first_row_as_headings=False,
            borders_layout="NONE",
        ) as table:
            for criterion, found in groups:
                row = table.row()
                row.cell(plain(criterion.title), style=FontFace(emphasis="BOLD"))
                row.cell("\n".join(f"- {plain(finding.text)}" for finding, _ in found))
        self.ln(0.8)

    def pairs(self, texts: Sequence[str], size: float = 8) -> None:
        """A longer list of short items in two columns, read across: it takes half the lines."""
        self.set_font("Helvetica", "", size)
        rows = [texts[i : i + 2] for i in range(0, len(texts), 2)]
        with self.table(
            col_widths=(1, 1),
            text_align="LEFT",
            line_height=size * 0.44,
            padding=(0.3, 1, 0.3, 2),
            first_row_as_headings=False,
            borders_layout="NONE",
        ) as table:
            for pair in rows:
                table.row([f"- {plain(text)}" for text in pair] + [""] * (2 - len(pair)))
        self.ln(0.8)

    def answers(self, rows: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Every answer given, as a two-column table: the question, then the answer."""
        self.set_font("Helvetica", "", 8)
        self.set_draw_color(*GREY)
        with self.table(
            col_widths=(55, 45),
            text_align="LEFT",
            line_height=3.3,
            padding=(0.5, 1.2),
            first_row_as_headings=True,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            table.row((_("Question"), _("Answer")))
            for question, labels in rows:
                table.row((plain(question), plain("; ".join(labels))))
        self.ln(1)

    def source(self, title: str, url: str) -> None:
        self.set_font("Helvetica", "", 7)
        self.set_x(self.l_margin + 2)
        self.cell(4, 3.2, "-")
        self.multi_cell(
            0, 3.2, f"{plain(title)}: {url}", link=url, new_x="LMARGIN", new_y="NEXT", align="L"
        )
        self.ln(0.3)

    def notes(self, notes: Sequence) -> None:
        for note in notes:
            self.heading(note.title, 10.5)
            self.para(note.text)
            if note.items:
                self.items(note.items, numbered=note.numbered)


def _top(pdf: _Document, h: Handout) -> None:
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 7, plain(h.service.name), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.para(_("Your summary to show a doctor"), 11, "B", GREY)
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


def build(h: Handout) -> bytes:
    """The handout as PDF bytes."""
    pdf = _Document(h)
    pdf.alias_nb_pages()
    pdf.add_page()
    _top(pdf, h)
    _headline(pdf, h)
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
    return bytes(pdf.output())
