""" "What changed" by default compares with the newest older release in releases/<version>/ (no
git needed), and lists the headline changes by cause with shares a clinician can weigh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pages import parse, text

from questionnaire import create_app
from questionnaire.engine import Engine, load_rules
from questionnaire.web.clinician_previous import previous_release, share

ROOT = Path(__file__).resolve().parents[2]
RELEASES = ROOT / "releases"


def app_for(rules: Path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "CLINICIAN_PREVIEW": True,
            "QUESTIONNAIRE_RULES": str(rules),
        }
    )


def install(folder: Path, version: str, *older: str) -> Path:
    """A checkout-like folder (no git): releases/<version>/ as the app's rules, and older ones."""
    for name in ("rules.yaml", "rules.es.yaml"):
        shutil.copy(RELEASES / version / name, folder / name)
    for old in older:
        (folder / "releases" / old).mkdir(parents=True)
        shutil.copy(RELEASES / old / "rules.yaml", folder / "releases" / old / "rules.yaml")
    return folder / "rules.yaml"


@pytest.fixture(scope="module")
def v2_page(tmp_path_factory):
    rules = install(tmp_path_factory.mktemp("checkout"), "2.0.0", "1.0.0")
    app = app_for(rules)
    response = app.test_client().get("/clinician/changes")
    assert response.status_code == 200
    return parse(response.get_data(as_text=True)), rules


def test_the_newest_older_release_is_the_default_without_git(v2_page):
    page, _ = v2_page
    assert "Compared with the released version in releases/1.0.0/" in text(page)
    assert "What changed since version 1.0.0" in text(page)


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
    rules = {c["data-rule"] for c in causes}
    # 1.0.0 -> 2.0.0: osteoporosis, earlier disc surgery, disc cell injections and neck-only
    # pain each became an exclusion, each named on its own line (not hidden in one group).
    assert {"weak_bones", "previous_disc_surgery", "previous_cell_injection", "neck_pain"} <= rules
    osteoporosis = next(c for c in causes if c["data-rule"] == "weak_bones")
    line = text(osteoporosis)
    assert "outcome: (none) -> usually_excluded" in line  # what changed in the rule
    assert "% of all answer sets" in line and "of those that got" in line
    assert osteoporosis["data-to"] == "usually_excluded"


def test_each_cause_example_is_plausible_and_really_moves_the_headline(v2_page):
    page, rules = v2_page
    new = Engine(load_rules(rules))
    old = Engine(load_rules(rules.parent / "releases" / "1.0.0" / "rules.yaml", verify=False))
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
        assert new.evaluate(answers).outcome.id == cause["data-to"]
        assert old.evaluate(answers).outcome.id == cause["data-from"]


def test_no_older_release_is_said_plainly(tmp_path):
    rules = install(tmp_path, "2.0.0")
    page = parse(app_for(rules).test_client().get("/clinician/changes").get_data(as_text=True))
    assert "No released version older than 2.0.0 was found" in text(page)


def test_files_that_ask_different_questions_say_why_there_is_no_list_by_cause(tmp_path):
    page = parse(
        app_for(ROOT / "rules.yaml").test_client().get("/clinician/changes").get_data(as_text=True)
    )
    note = page.find(attrs={"data-causes": "none"})
    assert note is not None and "does not ask the same questions" in text(note)


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
