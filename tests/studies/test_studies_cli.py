"""`flask rules verify` reports a study nobody can meet; `flask rules test scenarios/studies`
runs both sides of every study's criteria."""

from __future__ import annotations

from pathlib import Path

import yaml

from questionnaire import create_app

ROOT = Path(__file__).resolve().parents[2]


def _runner(studies: Path | None = None):
    config = {"TESTING": True, "SECRET_KEY": "x", "QUESTIONNAIRE_RULES": str(ROOT / "rules.yaml")}
    if studies is not None:
        config["QUESTIONNAIRE_STUDIES"] = str(studies)
    return create_app(config).test_cli_runner()


def test_verify_names_a_study_whose_criteria_no_answers_meet(studies_data, write_studies):
    studies_data["studies"][2]["criteria"] = {"q": "warning_signs", "has": "saddle_numbness"}
    nct = studies_data["studies"][2]["nct_id"]
    runner = _runner()  # the app starts: the file is valid, only its meaning is wrong
    path = write_studies(studies_data)
    runner.app.config["QUESTIONNAIRE_STUDIES"] = str(path)
    result = runner.invoke(args=["rules", "verify"])
    assert result.exit_code == 1, result.output
    assert f"Study {nct}: no set of answers meets its main criteria" in result.output
    assert "6 of 7 have main criteria" in result.output


def test_verify_passes_on_the_shipped_studies():
    result = _runner().invoke(args=["rules", "verify"])
    assert result.exit_code == 0, result.output
    assert "7 of 7 have main criteria some answers meet" in result.output


def test_the_study_scenarios_cover_both_sides_of_every_criterion_and_pass(studies_data):
    result = _runner().invoke(args=["rules", "test", str(ROOT / "scenarios" / "studies")])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output
    scenarios = yaml.safe_load((ROOT / "scenarios" / "studies" / "boundaries.yaml").read_text())
    for study in studies_data["studies"]:
        nct = study["nct_id"]
        for leaf in study["criteria"]["all"]:
            question = (leaf.get("not") or leaf)["q"]
            about = [s for s in scenarios if s["name"].startswith(f"{nct}: {question} ")]
            assert any(nct in s["expect"]["studies"] for s in about), (nct, question)
            assert any(nct not in s["expect"]["studies"] for s in about), (nct, question)


def test_a_scenario_that_expects_the_wrong_studies_fails(tmp_path):
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text(
        "- name: neck pain meets no study\n"
        "  answers: {warning_signs: [bladder_bowel]}\n"
        "  expect: {outcome: emergency, studies: [NCT06325566]}\n"
    )
    result = _runner().invoke(args=["rules", "test", str(scenario)])
    assert result.exit_code == 1
    assert "expected the criteria of ['NCT06325566'] to be met, got []" in result.output
