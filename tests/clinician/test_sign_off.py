"""/clinician/sign-off: one page a busy clinician can read and sign (issue 22, walk item 19)."""

from __future__ import annotations

import pytest
from pages import parse, text

from questionnaire.engines import engine_of


@pytest.fixture(scope="module")
def sheet(app):
    response = app.test_client().get("/clinician/sign-off")
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


def test_it_names_the_version_and_the_fingerprint_it_signs(app, sheet):
    ruleset = engine_of(app).ruleset
    assert ruleset.file.meta.version in text(sheet.find(attrs={"data-version": True}))
    assert text(sheet.find(attrs={"data-fingerprint": True})) == ruleset.fingerprint


def test_it_lists_the_five_headlines_in_order(app, sheet):
    outcomes = [o.id for o in engine_of(app).ruleset.file.outcomes]
    assert [li["data-headline"] for li in sheet.find_all(attrs={"data-headline": True})] == outcomes


def test_every_red_flag_rule_is_listed_with_links_to_its_sources(app, sheet, rules_data):
    file = engine_of(app).ruleset.file
    urgent = {o.id for o in file.outcomes if o.urgency != "routine"}
    for outcome in urgent:
        listed = sheet.find("ul", attrs={"data-red-flags": outcome}).find_all("li")
        rules = [r for r in file.rules if r.outcome == outcome]
        assert len(listed) == len(rules) > 0
        for item, rule in zip(listed, rules, strict=True):
            assert rule.id in text(item)
            assert [a["href"] for a in item.find_all("a")] == [
                file.meta.sources[s].url for s in rule.sources
            ]
    assert sheet.find(attrs={"data-matrix": True}) is not None


def test_every_exclusion_and_threshold_rule_is_listed(app, sheet):
    file = engine_of(app).ruleset.file
    for outcome in (o for o in file.outcomes if o.urgency == "routine"):
        listed = sheet.find("ul", attrs={"data-rules-of": outcome.id}).find_all("li")
        assert len(listed) == sum(r.outcome == outcome.id for r in file.rules)


def test_what_changed_fits_in_ten_lines(sheet):
    section = sheet.find("section", attrs={"aria-labelledby": "so-changes"})
    lines = section.find(attrs={"data-change-lines": True})
    if lines is not None:
        assert 0 < len(lines.find_all("li")) <= 10
    else:  # the shipped 3.1.1 against 3.1.0: wording only, so no answer set changes its
        # headline and none is asked back
        assert "Since version 3.1.0" in text(section)
        assert "asked back" not in text(section)
        assert "No headline changes." in text(section)


def test_each_section_has_a_box_to_tick_with_a_label(sheet):
    boxes = sheet.find_all("input", type="checkbox")
    assert len(boxes) == len(sheet.find_all("section", class_="sign-off__part")) - 1 == 4
    for box in boxes:
        assert sheet.find("label", attrs={"for": box["id"]}) is not None


def test_the_sheet_is_at_most_1200_words(sheet):
    words = text(sheet.find("main")).split()
    assert len(words) <= 1200, len(words)


def test_the_preview_menu_links_to_it(app):
    page = parse(app.test_client().get("/clinician/").get_data(as_text=True))
    assert page.find("a", href="/clinician/sign-off") is not None


def test_the_overview_points_a_reviewer_to_the_sheet_and_the_book(app):
    page = parse(app.test_client().get("/clinician/").get_data(as_text=True))
    path = page.find(attrs={"data-review-path": True})
    hrefs = {a["href"] for a in path.find_all("a")}
    assert hrefs == {"/clinician/sign-off", "/clinician/book"}
