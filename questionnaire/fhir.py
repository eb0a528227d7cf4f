"""FHIR R4 views of the questionnaire and of a patient's answers (no Flask).

Built as plain dicts and validated with the R4B models of `fhir.resources`, whose Questionnaire
and QuestionnaireResponse are the same as R4's.
"""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from .engine import Engine, RuleSet
from .engine.conditions import Condition
from .engine.questions import QuestionInfo

CANONICAL = "urn:stem-cell-criteria:questionnaire"
EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
# QuestionnaireResponse.status (required binding); fhir.resources does not check the code.
STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")


def _system(question_id: str) -> str:
    return f"{CANONICAL}/{question_id}"


def _coding(info: QuestionInfo, value: str) -> dict[str, str]:
    return {"system": _system(info.id), "code": value, "display": info.labels[value]}


def _enable_when(cond: Condition, rs: RuleSet) -> tuple[list[dict], str] | None:
    """FHIR enableWhen for skip logic, where FHIR can say it; None where it cannot.

    Each operator renders itself (`Operator.fhir`); here its answer becomes a FHIR answer[x].
    """
    parts = cond.fhir()
    if parts is None:
        return None
    rendered = []
    for question, operator, kind, value in parts:
        answer = ({"answerCoding": _coding(rs.catalogue[question], value)} if kind == "coding"
                  else {"answerInteger": value} if kind == "integer" else {"answerBoolean": value})
        rendered.append({"question": question, "operator": operator, **answer})
    return rendered, getattr(cond, "behavior", "all")


def questionnaire(rs: RuleSet) -> dict[str, Any]:
    """The questionnaire as a FHIR Questionnaire, version = the rules version."""
    file = rs.file
    groups = []
    for step in file.steps:
        items = []
        for q in step.questions:
            info = rs.catalogue[q.id]
            item: dict[str, Any] = {"linkId": q.id, "text": q.prompt, "required": True}
            if q.type == "integer":
                item["type"] = "integer"
                item["extension"] = [{"url": MIN_VALUE, "valueInteger": q.min},
                                     {"url": MAX_VALUE, "valueInteger": q.max}]
            else:
                item["type"] = "choice"
                item["repeats"] = q.type == "multi"
                item["answerOption"] = [
                    {"valueCoding": _coding(info, c.value),
                     **({"extension": [{"url": EXCLUSIVE, "valueBoolean": True}]}
                        if c.exclusive else {})}
                    for c in q.choices]
            if q.id in rs.show_if:
                converted = _enable_when(rs.show_if[q.id], rs)
                if converted is not None:
                    item["enableWhen"], behavior = converted
                    if len(item["enableWhen"]) > 1:
                        item["enableBehavior"] = behavior
            items.append(item)
        groups.append({"linkId": step.id, "text": step.title, "type": "group", "item": items})
    resource = {
        "resourceType": "Questionnaire", "id": "stem-cell-criteria", "url": CANONICAL,
        "version": file.meta.version, "name": "StemCellCriteriaCheck", "title": file.meta.title,
        "status": "active", "date": file.meta.reviewed.isoformat(), "item": groups,
    }
    return json.loads(Questionnaire.model_validate(resource).model_dump_json(exclude_none=True))


def response(rs: RuleSet, answers: dict[str, Any]) -> dict[str, Any]:
    """A patient's answers as a FHIR QuestionnaireResponse (only the questions they answered)."""
    groups = []
    for step in rs.file.steps:
        items = []
        for q in step.questions:
            if q.id not in answers:
                continue
            info = rs.catalogue[q.id]
            values = answers[q.id] if isinstance(answers[q.id], list) else [answers[q.id]]
            items.append({"linkId": q.id, "text": q.prompt, "answer": [
                {"valueInteger": v} if q.type == "integer" else {"valueCoding": _coding(info, v)}
                for v in values]})
        if items:
            groups.append({"linkId": step.id, "text": step.title, "item": items})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{CANONICAL}|{rs.file.meta.version}",
        "status": "completed", "item": groups,
    }
    return json.loads(QuestionnaireResponse.model_validate(resource)
                      .model_dump_json(exclude_none=True))


def answers_from_response(engine: Engine, data: Any) -> dict[str, Any]:
    """Answers from a QuestionnaireResponse; ValueError if it is not one we can read."""
    try:
        resource = QuestionnaireResponse.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"it is not a valid FHIR QuestionnaireResponse ({exc.error_count()} "
                         "problem(s))") from None
    if resource.status not in STATUSES:
        raise ValueError(f"its status '{resource.status}' is not one of: {', '.join(STATUSES)}")
    catalogue = engine.ruleset.catalogue
    answers: dict[str, Any] = {}

    def walk(items) -> None:
        for item in items or ():
            info = catalogue.get(item.linkId)
            if info is not None and item.answer:
                values = [a.valueInteger if info.type == "integer"
                          else (a.valueCoding.code if a.valueCoding else None)
                          for a in item.answer]
                values = [v for v in values if v is not None]
                if values:
                    answers[item.linkId] = values if info.type == "multi" else values[0]
            walk(item.item)

    walk(resource.item)
    if not answers:
        raise ValueError("it holds no answers to questions of this questionnaire")
    return answers
