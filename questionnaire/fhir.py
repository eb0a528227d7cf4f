"""FHIR R4 views of the questionnaire and of a patient's answers (no Flask).

Built as plain dicts and validated with the R4B models of `fhir.resources`, whose Questionnaire
and QuestionnaireResponse are the same as R4's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from .engine import Engine, RuleSet
from .engine.conditions import All, AnyOf, Condition, Leaf, Not, QuestionInfo

CANONICAL = "urn:stem-cell-criteria:questionnaire"
EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
# QuestionnaireResponse.status (required binding); fhir.resources does not check the code.
STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")


def _system(question_id: str) -> str:
    return f"{CANONICAL}/{question_id}"


def _coding(info: QuestionInfo, value: str, translations: dict | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": _system(info.id), "code": value,
                              "display": info.labels[value]}
    if translations:
        coding["_display"] = translations
    return coding


def _enable_when(cond: Condition, rs: RuleSet) -> tuple[list[dict], str] | None:
    """FHIR enableWhen for skip logic, where FHIR can say it; None where it cannot."""
    def leaf(node: Condition) -> list[dict] | None:
        negated = isinstance(node, Not)
        node = node.child if negated else node
        if not isinstance(node, Leaf):
            return None
        info = rs.catalogue[node.question]
        if node.op in ("is", "has"):
            answer = ({"answerInteger": node.value} if info.type == "integer"
                      else {"answerCoding": _coding(info, node.value)})
            return [{"question": node.question, "operator": "!=" if negated else "=", **answer}]
        if node.op == "answered":
            return [{"question": node.question, "operator": "exists",
                     "answerBoolean": node.value != negated}]
        if info.type == "integer" and node.op in ("at_least", "at_most") and not negated:
            return [{"question": node.question, "operator": ">=" if node.op == "at_least" else "<=",
                     "answerInteger": node.value}]
        return None

    if isinstance(cond, All | AnyOf):
        parts = [leaf(child) for child in cond.children]
        if any(p is None for p in parts):
            return None
        return [c for p in parts for c in p], "all" if isinstance(cond, All) else "any"
    single = leaf(cond)
    return (single, "all") if single is not None else None


def _translations(texts: dict[str, str]) -> dict[str, Any]:
    """FHIR's translation extension, one per other language, for a string element's `_x`."""
    return {"extension": [
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": lang},
                                           {"url": "content", "valueString": text}]}
        for lang, text in texts.items()]}


def _texts(others: Sequence[RuleSet], pick: Callable[[RuleSet], str]) -> dict[str, Any]:
    return _translations({o.language: pick(o) for o in others}) if others else {}


def _translate(node: dict[str, Any], field: str, others: Sequence[RuleSet],
               pick: Callable[[RuleSet], str]) -> None:
    if others:
        node["_" + field] = _texts(others, pick)


def _choice_display(s: int, k: int, c: int) -> Callable[[RuleSet], str]:
    return lambda o: o.file.steps[s].questions[k].choices[c].label


def questionnaire(rs: RuleSet, others: Sequence[RuleSet] = ()) -> dict[str, Any]:
    """The questionnaire as a FHIR Questionnaire in `rs`'s language, version = the rules
    version; each text also carries its translations from `others` (same rules, other
    languages) in FHIR's translation extension."""
    file = rs.file
    groups = []
    for s, step in enumerate(file.steps):
        items = []
        for k, q in enumerate(step.questions):
            info = rs.catalogue[q.id]
            item: dict[str, Any] = {"linkId": q.id, "text": q.prompt, "required": True}
            _translate(item, "text", others,
                       lambda o, s=s, k=k: o.file.steps[s].questions[k].prompt)
            if q.type == "integer":
                item["type"] = "integer"
                item["extension"] = [{"url": MIN_VALUE, "valueInteger": q.min},
                                     {"url": MAX_VALUE, "valueInteger": q.max}]
            else:
                item["type"] = "choice"
                item["repeats"] = q.type == "multi"
                item["answerOption"] = [
                    {"valueCoding": _coding(info, c.value, others and
                                            _texts(others, _choice_display(s, k, i))),
                     **({"extension": [{"url": EXCLUSIVE, "valueBoolean": True}]}
                        if c.exclusive else {})}
                    for i, c in enumerate(q.choices)]
            if q.id in rs.show_if:
                converted = _enable_when(rs.show_if[q.id], rs)
                if converted is not None:
                    item["enableWhen"], behavior = converted
                    if len(item["enableWhen"]) > 1:
                        item["enableBehavior"] = behavior
            items.append(item)
        group = {"linkId": step.id, "text": step.title, "type": "group", "item": items}
        _translate(group, "text", others, lambda o, s=s: o.file.steps[s].title)
        groups.append(group)
    resource = {
        "resourceType": "Questionnaire", "id": "stem-cell-criteria", "url": CANONICAL,
        "language": rs.language, "version": file.meta.version, "name": "StemCellCriteriaCheck",
        "title": file.meta.title, "status": "active", "date": file.meta.reviewed.isoformat(),
        "item": groups,
    }
    _translate(resource, "title", others, lambda o: o.file.meta.title)
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
