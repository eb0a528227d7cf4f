"""Where the clinician's tries get their answers: the scenarios shipped with the rules (read
once at start-up) and an uploaded answers file or FHIR QuestionnaireResponse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..engine import Engine, RulesError
from ..engine.load.yamlsource import ANSWERS_FILE, YamlProblem, read_yaml
from ..engine.scenarios import Scenario, answers_in, load_scenarios, scenario_files


def load_scenario_answers(folder: Path) -> dict[str, tuple[str, Scenario]]:
    """key -> (label, scenario) of every scenario in the scenarios folder, read at start-up."""
    found: dict[str, tuple[str, Scenario]] = {}
    for path in scenario_files([folder]) if folder.is_dir() else []:
        try:
            scenarios = load_scenarios(path)
        except RulesError:  # a broken scenario file is reported by `rules test`, not here
            continue
        for i, s in enumerate(scenarios):
            found[f"{path.name}:{i}"] = (f"{s.name} ({path.name})", s)
    return found


def uploaded_answers(engine: Engine, data: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """Answers from an uploaded JSON/YAML answers file or FHIR QuestionnaireResponse."""
    try:
        parsed, _ = read_yaml(data, ANSWERS_FILE)  # YAML is a superset of JSON
    except YamlProblem as exc:
        expected = f" (expected {exc.expected})" if exc.expected else ""
        return None, f"The file could not be read: line {exc.line}: {exc.message}{expected}."
    kind = parsed.get("resourceType") if isinstance(parsed, dict) else None
    if kind is not None and kind != "QuestionnaireResponse":
        return None, (
            f"This file is a FHIR {str(kind)[:40]}, not a QuestionnaireResponse. "
            "Upload the answers a patient downloaded from their summary."
        )
    if kind == "QuestionnaireResponse":
        from ..fhir import answers_from_response

        try:
            return answers_from_response(engine, parsed), None
        except ValueError as exc:
            # Cut short: the reason can quote a value from the file back.
            return None, f"The QuestionnaireResponse could not be read: {str(exc)[:200]}"
    parsed = answers_in(parsed)
    if not isinstance(parsed, dict):
        return None, "The file must hold answers: question ids mapped to answers."
    return parsed, None
