""" "What changed" by default compares with the newest older release in releases/<version>/ (no
git needed), and lists the headline changes by cause with shares a clinician can weigh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pages import parse, text

from questionnaire import create_app
from questionnaire.engine import Engine, load_rules
from questionnaire.web.clinician_previous import previous_release, share

ROOT = Path(__file__).resolve().parents[2]


def app_for(rules: Path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(rules),
        }
    )


SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")
EDITS = [  # two policy changes: a pain threshold and the age limit
    ("when: {q: pain_intensity, at_most: 3}", "when: {q: pain_intensity, at_most: 4}"),
    ("when: {q: age, at_most: 17}", "when: {q: age, at_most: 20}"),
]


def checkout(folder: Path, releases: bool = True) -> Path:
    """A checkout-like folder (no git): the shipped rules with two edits as the app's, and the
    shipped rules as the previous release 2.9.0 in releases/."""
    version = yaml.safe_load(SRC)["meta"]["version"]
    text = SRC
    for old, new in EDITS:
        assert text.count(old) == 1, f"rules.yaml changed; update EDITS: {old}"
        text = text.replace(old, new)
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "rules.es.yaml", folder / "rules.es.yaml")
    if releases:
        (folder / "releases" / "2.9.0").mkdir(parents=True)
        previous = SRC.replace(f'version: "{version}"', 'version: "2.9.0"', 1)
        assert previous != SRC
        (folder / "releases" / "2.9.0" / "rules.yaml").write_text(previous, encoding="utf-8")
    return folder / "rules.yaml"


@pytest.fixture(scope="module")
def v2_page(tmp_path_factory):
    rules = checkout(tmp_path_factory.mktemp("checkout"))
    app = app_for(rules)
    response = app.test_client().get("/clinician/changes")
    assert response.status_code == 200
    return parse(response.get_data(as_text=True)), rules


def test_the_newest_older_release_is_the_default_without_git(v2_page):
    page, _ = v2_page
    assert "Compared with the released version in releases/2.9.0/" in text(page)
    assert "What changed since version 2.9.0" in text(page)


def test_the_previous_release_is_the_newest_one_older_than_the_app(tmp_path):
    for version in ("1.0.0", "2.0.0", "2.0.10", "2.0.9", "4.0.0"):
        (tmp_path / "releases" / version).mkdir(parents=True)
        (tmp_path / "releases" / version / "rules.yaml").write_text("{}")
    rules = tmp_path / "rules.yaml"
    assert previous_release(rules, "3.0.0").parent.name == "2.0.10"
    assert previous_release(rules, "2.0.0").parent.name == "1.0.0"
    assert previous_release(rules, "1.0.0") is None


def test_each_cause_is_one_line_naming_the_rule_the_move_and_its_share(v2_page):
    page, _ = v2_page
    causes = page.find_all("li", class_="cause")
    assert {c["data-rule"] for c in causes} == {"mild_pain", "under_18"}
    mild = next(c for c in causes if c["data-rule"] == "mild_pain")
    line = text(mild)
    assert "when.at_most: 3 -> 4" in line  # what changed in the rule
    assert "% of all answer sets" in line and "of those that got" in line
    assert (mild["data-from"], mild["data-to"]) == ("discuss", "not_yet")
    assert all(c["data-to"] == "usually_excluded" for c in causes if c["data-rule"] == "under_18")
    # the finding still says "3 or less", in English and in Spanish
    stale = text(page.find(attrs={"data-stale-numbers": True}))
    assert "3 or less" in stale and "3 o menos" in stale


def test_each_cause_example_is_plausible_and_really_moves_the_headline(v2_page):
    page, rules = v2_page
    new = Engine(load_rules(rules))
    old = Engine(load_rules(rules.parent / "releases" / "2.9.0" / "rules.yaml", verify=False))
    for cause in page.find_all("li", class_="cause"):
        fields = [
            (i["name"], i["value"])
            for i in cause.find_all("input", type="hidden")
            if i["name"] != "csrf_token"
        ]
        answers: dict = {}
        for name, value in fields:
            answers.setdefault(name, []).append(value)
        question = {q.id: q for q in new.ruleset.questions}
        answers = {
            k: v
            if question[k].type == "multi"
            else (int(v[0]) if question[k].type == "integer" else v[0])
            for k, v in answers.items()
        }
        assert answers["pain_intensity"] >= 4  # near a typical answer set, not pain 0
        assert answers["age"] >= 18 or cause["data-rule"] == "under_18"
        assert new.evaluate(answers).outcome.id == cause["data-to"]
        assert old.evaluate(answers).outcome.id == cause["data-from"]


def test_the_shipped_rules_are_compared_with_3_1_0_and_show_each_change(tmp_path):
    # 3.1.1 reworded texts only (docs/rules-changelog.md): the title is its one change in
    # rules.yaml, and no headline changes (3.0.0 -> 3.1.0: test_changes_refused.py).
    page = parse(
        app_for(ROOT / "rules.yaml").test_client().get("/clinician/changes").get_data(as_text=True)
    )
    words = text(page)
    assert "What changed since version 3.1.0" in words and "Now: version 3.1.1" in words
    assert "No headline changes: every set of answers gets the same headline" in words
    assert "meta changed: title, version: 3.1.0 -> 3.1.1" in words


def test_no_older_release_is_said_plainly(tmp_path):
    rules = checkout(tmp_path, releases=False)
    page = parse(app_for(rules).test_client().get("/clinician/changes").get_data(as_text=True))
    assert "No released version older than" in text(page) and "was found in" in text(page)


def test_files_that_ask_different_questions_are_listed_by_cause_too(tmp_path):
    # The shipped rules beside release 2.0.1, which asked fewer questions (3.0.0 added age and
    # disc_count): the page lists the changes by cause anyway, and says what the counts mean
    # (test_changes_joint.py checks them).
    for name in ("rules.yaml", "rules.es.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "releases" / "2.0.1", tmp_path / "releases" / "2.0.1")
    page = parse(
        app_for(tmp_path / "rules.yaml")
        .test_client()
        .get("/clinician/changes")
        .get_data(as_text=True)
    )
    assert page.find(attrs={"data-causes": "none"}) is None
    assert len(page.find_all("li", class_="cause")) > 0
    notice = text(page.find(attrs={"data-questions-differ": True}))
    assert "New questions: age, disc_count." in notice and "Counts are of version" in notice


@pytest.mark.parametrize(
    ("part", "whole", "said"),
    [
        (0, 10, "none"),
        (10, 10, "all"),
        (1, 10**6, "under 0.01%"),
        (87, 10_000, "0.87%"),
        (1, 2, "50%"),
    ],
)
def test_shares_are_put_in_words(part, whole, said):
    assert share(part, whole) == said
