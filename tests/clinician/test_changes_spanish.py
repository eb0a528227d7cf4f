"""The clinician's "What changed" page lists the Spanish texts that changed, as wording, with
their line in rules.es.yaml; an upload (an English file alone) says the Spanish is not compared."""

from __future__ import annotations

import io
from pathlib import Path

from pages import csrf_token, parse, text

from questionnaire.engine.verify.diff import structure
from questionnaire.web.clinician_changes import read_side
from questionnaire.web.clinician_previous import previous_release

ROOT = Path(__file__).resolve().parents[2]


def wording_rows(page) -> list[str]:
    table = page.find("h3", string="Wording changes").find_next("table")
    return [text(tr) for tr in table.tbody.find_all("tr")]


def expected_spanish() -> list[str]:
    """What `rules diff` finds in the Spanish, from the previous release to the shipped file."""
    rules = ROOT / "rules.yaml"
    previous = previous_release(
        rules, read_side(rules.read_bytes(), str(rules))[0].file.meta.version
    )
    assert previous is not None
    sides = (read_side(p.read_bytes(), str(p)) for p in (previous, rules))
    return [
        f"translation {c.id} {c.what} rules.es.yaml:{c.line}"
        for c in structure(*sides, translations=True).changes
        if c.kind == "translation"
    ]


def test_the_default_view_lists_the_spanish_texts_changed_since_the_previous_release(shared_app):
    page = parse(shared_app.test_client().get("/clinician/changes").get_data(as_text=True))

    spanish = [row for row in wording_rows(page) if row.startswith("translation ")]
    assert spanish == expected_spanish()
    assert spanish, "the shipped release should reword some Spanish since the previous one"
    assert page.find(attrs={"data-english-only": True}) is None


def test_an_upload_compares_the_english_alone_and_says_so(shared_app):
    client = shared_app.test_client()
    token = csrf_token(client.get("/clinician/changes").get_data(as_text=True))
    content = (ROOT / "releases/3.1.0/rules.yaml").read_bytes()

    response = client.post(
        "/clinician/changes",
        data={"csrf_token": token, "rules_file": (io.BytesIO(content), "rules.yaml")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    assert "Only the English rule files are compared" in text(page)
    assert "Wording changes None." in text(page)  # 3.1.1 reworded only Spanish (and meta)
    assert "rules.es.yaml:" not in text(page)
