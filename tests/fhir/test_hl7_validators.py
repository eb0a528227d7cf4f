"""The app's FHIR resources, checked by tools nobody here wrote: HL7's R4 JSON schema, FHIR.js and
every R4 invariant (que-*, qrs-*) evaluated by fhirpath.js (tests/fhir/validate.js)."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pinned_node as node
import pytest

from questionnaire import fhir
from questionnaire.engine import AnswersError, load_languages
from questionnaire.engine.scenarios import load_scenarios, scenario_files

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPT = HERE / "validate.js"
INVARIANTS = json.loads((HERE / "r4-invariants.json").read_text())["invariants"]
SCENARIOS = [s for path in scenario_files([ROOT / "scenarios"]) for s in load_scenarios(path)]


def validate(resources: list[dict]) -> list[dict]:
    """One report per resource: schema errors, FHIR.js errors, failed invariants."""
    assert (ROOT / "node_modules" / "fhirpath").is_dir(), "run `make node_modules` first"
    done = subprocess.run(
        [node.NODE, str(SCRIPT)],
        input=json.dumps(resources),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def clean(report: dict) -> bool:
    return not report["schema"] and not report["fhirjs"] and not report["invariants"]


def responses(engine) -> dict[str, dict]:
    """Every kind of QuestionnaireResponse the app writes: one per scenario it can evaluate."""
    made = {}
    for scenario in SCENARIOS:
        try:
            summary = engine.evaluate(scenario.answers, trace=False)
        except AnswersError:
            continue
        made[scenario.name] = fhir.response(engine.ruleset, summary.answers)
    return made


@pytest.fixture(scope="module")
def questionnaire(engine) -> dict:
    return fhir.questionnaire(engine.ruleset)


@pytest.fixture(scope="module")
def reports(engine, questionnaire) -> dict[str, dict]:
    """Every resource checked in one run of the validators (loading HL7's schema takes a while):
    the Questionnaire, each scenario's QuestionnaireResponse, and the broken copies."""
    answer = fhir.response(engine.ruleset, {"warning_signs": ["fever"]})
    languages = load_languages(engine.ruleset.path, verify=False)
    resources = {
        "questionnaire": questionnaire,
        # In Spanish, each text carrying its English in HL7's translation extension,
        # and in English with the Spanish (what /api/v1/fhir/Questionnaire serves).
        "questionnaire (es)": fhir.questionnaire(languages["es"], [languages["en"]]),
        "questionnaire (en+es)": fhir.questionnaire(languages["en"], [languages["es"]]),
        **{f"response: {name}": r for name, r in responses(engine).items()},
        **{
            f"broken: {name}": _break(questionnaire if kind == "questionnaire" else answer, how)
            for name, (kind, how, _) in BROKEN.items()
        },
    }
    return dict(zip(resources, validate(list(resources.values())), strict=True))


def test_the_questionnaire_passes_hl7s_schema_fhir_js_and_every_r4_invariant(reports):
    assert reports["questionnaire"] == {"schema": [], "fhirjs": [], "invariants": []}


def test_the_questionnaire_with_translations_passes_them_too(reports):
    for name in ("questionnaire (es)", "questionnaire (en+es)"):
        assert reports[name] == {"schema": [], "fhirjs": [], "invariants": []}, name


def test_every_questionnaire_response_the_app_writes_passes_them_too(reports):
    made = {name: r for name, r in reports.items() if name.startswith("response: ")}
    assert len(made) > len(SCENARIOS) / 2, "most scenarios can be evaluated"
    assert {name: r for name, r in made.items() if not clean(r)} == {}


def test_the_checks_cover_every_questionnaire_invariant_of_r4():
    keys = {inv["key"].split(" ")[0] for inv in INVARIANTS}
    assert keys == {f"que-{n}" for n in range(14)} | {"qrs-1", "qrs-2", "ele-1"}


def _break(resource: dict, how: str) -> dict:
    broken = copy.deepcopy(resource)
    group = broken["item"][0]
    if how == "que-2":  # the bug of version 1: a group and its question share a linkId
        group["linkId"] = group["item"][0]["linkId"]
    elif how == "que-1":
        group["item"] = []
    elif how == "que-7":
        with_when = next(i for g in broken["item"] for i in g["item"] if "enableWhen" in i)
        with_when["enableWhen"][0] = {
            "question": with_when["enableWhen"][0]["question"],
            "operator": "exists",
            "answerInteger": 1,
        }
    elif how == "qrs-1":
        group["answer"] = [{"valueInteger": 1}]
    elif how == "ele-1":
        group["item"][0]["extension"] = [{}]
    elif how == "status":
        broken["status"] = "finished"
    return broken


BROKEN = {  # name: (resource, how it is broken, which check must catch it)
    "duplicate linkId": ("questionnaire", "que-2", "invariants"),
    "exists needs a boolean": ("questionnaire", "que-7", "invariants"),
    "empty group": ("questionnaire", "que-1", "invariants"),
    "unknown status": ("questionnaire", "status", "fhirjs"),
    "an empty element": ("questionnaire", "ele-1", "invariants"),
    "item with answer and items": ("response", "qrs-1", "invariants"),
    "unknown response status": ("response", "status", "schema"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_the_validators_catch_a_broken_resource(reports, name):
    """Negative controls: each check really runs, on the contexts it should."""
    _, how, caught_by = BROKEN[name]
    report = reports[f"broken: {name}"]
    assert report[caught_by], report
    if caught_by == "invariants":
        assert how in {failed["key"] for failed in report["invariants"]}
