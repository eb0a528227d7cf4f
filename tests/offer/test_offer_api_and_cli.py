"""The clinic-offer check through the API and the rules commands: the same engine, verifier,
scenario runner and diff as rules.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OFFER = ROOT / "offer.yaml"
REGISTERED = {
    "called": "study",
    "pay_to_take_part": "no",
    "cell_source": "donor_cells",
    "claims": ["none"],
    "ind_number": "given",
    "ethics_board": "named",
    "registry_listed": "yes",
}


@pytest.fixture()
def api(shared_app):
    return shared_app.test_client()


@pytest.fixture()
def cli(shared_app):
    return shared_app.test_cli_runner()


def test_the_api_evaluates_an_offer_in_the_same_shape(api):
    paid = {**REGISTERED, "pay_to_take_part": "yes", "price": 20000}
    body = api.post("/api/v1/offer/evaluate", json={"answers": paid}).get_json()
    main = api.post("/api/v1/evaluate", json={"answers": {"warning_signs": ["bladder_bowel"]}})
    assert set(body) == set(main.get_json())
    assert body["outcome"]["id"] == "red_flags"
    found = {f["rule"]: f["source"] for f in body["findings"]}
    assert found["charged_fda"] == "fda-2021"
    assert found["charged_pay_to_take_part"] == "turner-2017"
    assert found["price_above_survey"] == "piuzzi-2018"
    assert found["insurers_do_not_pay"] == "payer-policy"
    assert body["studies"] == []


def test_the_api_refuses_unknown_and_missing_answers_with_422(api):
    response = api.post("/api/v1/offer/evaluate", json={"answers": {"called": "gift"}})
    assert response.status_code == 422
    questions = {e["question"] for e in response.get_json()["errors"]}
    assert "called" in questions and "registry_listed" in questions


def test_the_api_in_spanish(api):
    body = api.post("/api/v1/offer/evaluate?lang=es", json={"answers": REGISTERED}).get_json()
    assert body["outcome"]["title"] == "Parece un estudio que está en el registro, pero revíselo"


def test_rules_check_and_verify_work_on_offer_yaml(cli):
    checked = cli.invoke(args=["rules", "check", str(OFFER)])
    assert checked.exit_code == 0, checked.output
    assert "3 outcomes" in checked.output and "es 1" in checked.output
    verified = cli.invoke(args=["rules", "verify", str(OFFER)])
    assert verified.exit_code == 0, verified.output
    assert "every set of answers gets exactly one headline" in verified.output


def test_rules_test_runs_the_offer_scenarios_and_every_rule_fires(cli):
    result = cli.invoke(
        args=["rules", "test", "--rules", str(OFFER), "--coverage", str(ROOT / "scenarios/offer")]
    )
    assert result.exit_code == 0, result.output
    assert "24 of 24 rules fired" in result.output and " 0 failed" in result.output


def test_rules_diff_names_an_offer_change_and_the_answers_it_moves(cli, tmp_path):
    changed = tmp_path / "offer.yaml"
    text = OFFER.read_text().replace(
        "when: {q: ind_number, is: not_given}", "when: {q: ind_number, in: [not_given, not_asked]}"
    )
    assert text != OFFER.read_text()
    changed.write_text(text)
    (tmp_path / "offer.es.yaml").write_text((ROOT / "offer.es.yaml").read_text())
    result = cli.invoke(args=["rules", "diff", str(OFFER), str(changed)])
    assert result.exit_code == 1, result.output
    assert "no_ind_number" in result.output
    assert "ask_more" in result.output and "red_flags" in result.output
