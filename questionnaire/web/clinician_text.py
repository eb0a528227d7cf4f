"""Short forms of the rule file's texts for the clinician's one-page sheet and short book: a
condition with its quoted answers cut, a finding's first words (the overview has them in full)."""

from __future__ import annotations

import re


def short_quotes(text: str, words: int = 6) -> str:
    """A condition with each quoted answer cut to its first words: the sign-off sheet names the
    answer; the outcome book quotes it in full."""

    def cut(found: re.Match[str]) -> str:
        said = found.group(1).split()
        return "“" + " ".join(said[:words]) + ("…" if len(said) > words else "") + "”"

    return re.sub(r"“([^”]*)”", cut, text)


def gist(text: str, words: int = 12) -> str:
    """A finding's first words, for the short book (the overview has every text in full)."""
    first = text.split(". ")[0].split()
    return " ".join(first[:words]) + ("…" if len(first) > words else ".")
