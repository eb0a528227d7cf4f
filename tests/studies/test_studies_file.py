"""studies.yaml: checked like rules.yaml (file:line, unknown questions and values refused),
translated in studies.es.yaml, and verified (a study nobody can meet is reported)."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaire.engine import Engine, RulesError
from questionnaire.engine.evaluation.studies import match_studies
from questionnaire.engine.load.studies import load_studies
from questionnaire.engine.verify.studies import study_witnesses

STUDIES = Path(__file__).resolve().parents[2] / "studies.yaml"

CITED = [
    "NCT02412735",
    "NCT06325566",
    "NCT03347708",
    "NCT07254806",
    "NCT06778447",
    "NCT05201287",
    "NCT03737461",
]


def test_the_shipped_snapshot_has_the_cited_studies_in_both_languages(ruleset):
    loaded = load_studies(STUDIES, {"en": ruleset}, ("es",))
    assert [s.nct_id for s in loaded["en"].studies] == [s.nct_id for s in loaded["es"].studies]
    assert set(CITED) <= {s.nct_id for s in loaded["en"].studies}
    es = loaded["es"].get("NCT06325566")
    assert es.about.startswith("Células madre") and es.title == loaded["en"].get(es.nct_id).title


def test_every_study_quotes_the_registry_and_says_where_it_was_read(ruleset):
    for study in load_studies(STUDIES, {"en": ruleset})["en"].studies:
        assert study.quoted and study.copy_read and study.team_checks, study.nct_id
        empty = [f for f in ("sponsor", "status", "last_updated") if getattr(study, f) is None]
        if empty or not study.locations.countries:
            assert study.not_read, f"{study.nct_id} leaves {empty} empty without saying why"


def _problems(path, ruleset) -> list[str]:
    with pytest.raises(RulesError) as caught:
        load_studies(path, {"en": ruleset}, ("es",))
    return [str(p) for p in caught.value.problems]


def test_an_unknown_question_is_refused_at_its_line(studies_data, write_studies, ruleset):
    studies_data["studies"][0]["criteria"]["all"][0] = {"q": "pain_aera", "in": ["lower_back"]}
    path = write_studies(studies_data)
    problems = _problems(path, ruleset)
    assert len(problems) == 1 and "unknown question 'pain_aera'" in problems[0]
    line = int(problems[0].split(":")[1])
    assert "pain_aera" in path.read_text().splitlines()[line - 1]


def test_an_unknown_choice_is_refused(studies_data, write_studies, ruleset):
    studies_data["studies"][1]["criteria"]["all"][0] = {"q": "pain_area", "in": ["upper_back"]}
    problems = _problems(write_studies(studies_data), ruleset)
    assert any("upper_back" in p for p in problems), problems


def test_a_malformed_nct_id_is_refused(studies_data, write_studies, ruleset):
    studies_data["studies"][0]["nct_id"] = "NCT123"
    problems = _problems(write_studies(studies_data, spanish=False), ruleset)
    assert any("'nct_id' is not a usable id" in p for p in problems), problems


def test_an_address_that_is_not_the_study_record_is_refused(studies_data, write_studies, ruleset):
    studies_data["studies"][1]["url"] = "https://clinicaltrials.gov/study/NCT00000000"
    problems = _problems(write_studies(studies_data), ruleset)
    assert any("the address is not NCT" in p for p in problems), problems


def test_a_missing_spanish_text_is_named(studies_data, write_studies, ruleset, tmp_path):
    path = write_studies(studies_data)
    spanish = tmp_path / "studies.es.yaml"
    text = spanish.read_text()
    gone = text.replace("  NCT03737461:\n    about:", "  NCT03737461:\n    aboot:")
    assert gone != text
    spanish.write_text(gone)
    problems = _problems(path, ruleset)
    assert any("missing es translation" in p for p in problems), problems


def test_every_shipped_study_can_be_met_under_a_lower_outcome(ruleset):
    studies = load_studies(STUDIES, {"en": ruleset})["en"]
    engine = Engine(ruleset)
    for nct, witness in study_witnesses(ruleset, studies).items():
        assert witness is not None, nct
        summary = engine.evaluate(witness)
        assert summary.outcome.urgency == "routine"
        met = {m.study.nct_id for m in match_studies(studies, summary) if m.meets}
        assert nct in met


def test_the_verifier_finds_a_study_no_answers_can_meet(studies_data, write_studies, ruleset):
    # Only people with a new loss of bladder control: the emergency card stops the check.
    studies_data["studies"][0]["criteria"] = {"q": "warning_signs", "has": "bladder_bowel"}
    studies_data["studies"][1]["criteria"] = {
        "all": [{"q": "pain_area", "is": "neck"}, {"q": "pain_area", "is": "lower_back"}]
    }
    studies = load_studies(write_studies(studies_data), {"en": ruleset})["en"]
    witnesses = study_witnesses(ruleset, studies)
    never = sorted(nct for nct, w in witnesses.items() if w is None)
    assert never == sorted(
        [studies_data["studies"][0]["nct_id"], studies_data["studies"][1]["nct_id"]]
    )


def test_open_studies_come_first(ruleset, engine):
    from sample_answers import DISCUSS_ANSWERS

    studies = load_studies(STUDIES, {"en": ruleset})["en"]
    found = match_studies(studies, engine.evaluate(DISCUSS_ANSWERS))
    open_flags = [m.study.is_open for m in found]
    assert open_flags == sorted(open_flags, reverse=True) and open_flags[0]
