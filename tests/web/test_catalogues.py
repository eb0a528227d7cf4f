"""A language is served only with its compiled catalogue, never quietly in English instead: the app
refuses to start, naming the command that fixes it (questionnaire/web/catalogues.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from questionnaire import create_app
from questionnaire.engine import QuestionnaireError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def catalogues(tmp_path) -> Path:
    """A copy of translations/ with its compiled Spanish catalogue."""
    copy = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", copy)
    assert (copy / "es" / "LC_MESSAGES" / "messages.mo").is_file(), "run 'make translations'"
    return copy


def start(directory: Path):
    return create_app({"SECRET_KEY": "x", "BABEL_TRANSLATION_DIRECTORIES": str(directory)})


def test_a_missing_spanish_catalogue_stops_the_app_and_names_make_translations(catalogues):
    mo = catalogues / "es" / "LC_MESSAGES" / "messages.mo"
    mo.unlink()
    # a QuestionnaireError: wsgi.py prints it, without a traceback, and exits 2
    with pytest.raises(QuestionnaireError) as stopped:
        start(catalogues)
    assert str(stopped.value) == (
        f"Cannot serve language 'es': the compiled catalogue {mo} is missing. "
        "Run 'make translations' to compile it."
    )


def test_a_catalogue_older_than_its_po_stops_the_app(catalogues):
    po = catalogues / "es" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    os.utime(po, (mo.stat().st_mtime + 60,) * 2)  # the .po edited after the last compile
    with pytest.raises(
        QuestionnaireError, match=r"older than messages.po. Run 'make translations'"
    ):
        start(catalogues)


def test_a_fresh_catalogue_serves_spanish(catalogues):
    app = start(catalogues)
    page = app.test_client().get("/?lang=es").get_data(as_text=True)
    assert '<html lang="es"' in page and "Borrar mis respuestas" in page
