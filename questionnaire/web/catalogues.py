"""The interface text's compiled catalogues, checked when the app starts.

Flask-Babel reads translations/<lang>/LC_MESSAGES/messages.mo, which `make translations` compiles
from messages.po (the .mo is never committed). Without it, or with one older than its .po, every
page in that language would quietly show English or yesterday's words. The app refuses to start
instead, and says which command fixes it. It does not compile the catalogue itself: a server
should not write into its own code (a production install may well be read-only to it), several
gunicorn workers would write the same file at once, and compiling is a build step, like `make
check`: `make run`, `make serve`, `make test` and `make quick` do it first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..engine import QuestionnaireError


class CatalogueError(QuestionnaireError):
    """A language's compiled catalogue is missing or out of date."""


def require_compiled(directory: Path, languages: Sequence[str]) -> None:
    """Raise CatalogueError unless every language but the first (the source language, English,
    which needs no catalogue) has a compiled catalogue at least as new as its .po."""
    for lang in languages[1:]:
        po = directory / lang / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not mo.is_file():
            problem = f"the compiled catalogue {mo} is missing"
        elif mo.stat().st_mtime < po.stat().st_mtime:
            problem = f"the compiled catalogue {mo} is older than {po.name}"
        else:
            continue
        raise CatalogueError(
            f"Cannot serve language {lang!r}: {problem}. Run 'make translations' to compile it."
        )
