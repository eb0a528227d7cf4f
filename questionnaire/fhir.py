"""FHIR R4 (4.0.1) views of the questionnaire and of a patient's answers (no Flask).

Built as plain dicts. The Questionnaire (made once at start-up) is checked with the R4B models of
`fhir.resources` (8.x has no R4 models; its 6.x line, which has them, needs pydantic 1); a
QuestionnaireResponse, made per download, is checked by the tests instead. Questionnaire and
QuestionnaireResponse did not change between R4 and R4B, and the tests run both resources
through the R4B models, HL7's R4 JSON schema, FHIR.js and every R4 invariant (que-*, qrs-*) with
fhirpath.js (docs/integration.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from .engine import Engine, RuleSet
from .engine.evaluation.conditions import Condition
from .engine.evaluation.questions import QuestionInfo

CANONICAL = "urn:stem-cell-criteria:questionnaire"
EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_CODES = "http://hl7.org/fhir/questionnaire-item-control"
# QuestionnaireResponse.status has a required binding; the codes come from the model's metadata.
_STATUS_FIELD = QuestionnaireResponse.model_fields["status"].json_schema_extra
assert isinstance(_STATUS_FIELD, dict) and isinstance(_STATUS_FIELD["enum_values"], list)
STATUSES: tuple[str, ...] = tuple(str(code) for code in _STATUS_FIELD["enum_values"])


def group_link_id(step_id: str) -> str:
    """The linkId of a step's group: distinct from every question's (R4 invariant que-2)."""
    return f"step.{step_id}"


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
        answer = (
            {"answerCoding": _coding(rs.catalogue[question], value)}
            if kind == "coding"
            else {"answerInteger": value}
            if kind == "integer"
            else {"answerBoolean": value}
        )
        rendered.append({"question": question, "operator": operator, **answer})
    return rendered, getattr(cond, "behavior", "all")


def _translate(node: dict[str, Any], field: str, texts: Mapping[str, str]) -> None:
    """HL7's translation extension on a string element (`_text`, `_title`, `_display`): the
    same text in each other language."""
    if texts:
        node["_" + field] = {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": lang},
                        {"url": "content", "valueString": text},
                    ],
                }
                for lang, text in texts.items()
            ]
        }


def _question_item(rs: RuleSet, q, others: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One question; `others` is the same question in other languages (language -> question)."""
    others = others or {}
    info = rs.catalogue[q.id]
    item: dict[str, Any] = {"linkId": q.id, "text": q.prompt, "required": True}
    _translate(item, "text", {lang: o.prompt for lang, o in others.items()})
    if q.codes:  # standard codes come from the rule file (a question's `codes`)
        item["code"] = [c.model_dump() for c in q.codes]
    if q.type == "integer":
        item["type"] = "integer"
        item["extension"] = [
            {"url": MIN_VALUE, "valueInteger": q.min},
            {"url": MAX_VALUE, "valueInteger": q.max},
        ]
    else:
        item["type"] = "choice"
        item["repeats"] = q.type == "multi"
        # Shown as the app shows them: radio buttons, or check boxes for a multi-select (SDC).
        control = "check-box" if q.type == "multi" else "radio-button"
        item["extension"] = [
            {
                "url": ITEM_CONTROL,
                "valueCodeableConcept": {
                    "coding": [{"system": ITEM_CONTROL_CODES, "code": control}]
                },
            }
        ]
        item["answerOption"] = [
            {
                "valueCoding": _coding(info, c.value),
                **(
                    {"extension": [{"url": EXCLUSIVE, "valueBoolean": True}]} if c.exclusive else {}
                ),
            }
            for c in q.choices
        ]
        for i, option in enumerate(item["answerOption"]):
            _translate(
                option["valueCoding"],
                "display",
                {lang: o.choices[i].label for lang, o in others.items()},
            )
    if q.id in rs.show_if:
        converted = _enable_when(rs.show_if[q.id], rs)
        if converted is not None:
            item["enableWhen"], behavior = converted
            if len(item["enableWhen"]) > 1:
                item["enableBehavior"] = behavior
    return item


def questionnaire(rs: RuleSet, others: Sequence[RuleSet] = ()) -> dict[str, Any]:
    """The questionnaire as a FHIR Questionnaire: url + version name this edition of the rules.
    Its texts are in `rs`'s language; each also carries its translation from `others` (the same
    rules in other languages, so the same structure) in HL7's translation extension."""
    file = rs.file
    groups = []
    for s, step in enumerate(file.steps):
        group = {
            "linkId": group_link_id(step.id),
            "text": step.title,
            "type": "group",
            "item": [
                _question_item(rs, q, {o.language: o.file.steps[s].questions[k] for o in others})
                for k, q in enumerate(step.questions)
            ],
        }
        _translate(group, "text", {o.language: o.file.steps[s].title for o in others})
        groups.append(group)
    resource = {
        "resourceType": "Questionnaire",
        "id": "stem-cell-criteria",
        "url": CANONICAL,
        "language": rs.language,
        "version": file.meta.version,
        "name": "StemCellCriteriaCheck",
        "title": file.meta.title,
        "status": "active",
        "subjectType": ["Patient"],
        "date": file.meta.reviewed.isoformat(),
        "item": groups,
    }
    _translate(resource, "title", {o.language: o.file.meta.title for o in others})
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
            items.append(
                {
                    "linkId": q.id,
                    "text": q.prompt,
                    "answer": [
                        {"valueInteger": v}
                        if q.type == "integer"
                        else {"valueCoding": _coding(info, v)}
                        for v in values
                    ],
                }
            )
        if items:
            groups.append({"linkId": group_link_id(step.id), "text": step.title, "item": items})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "language": rs.language,
        "questionnaire": f"{CANONICAL}|{rs.file.meta.version}",
        "status": "completed",
        "item": groups,
    }
    # Not run through the R4B model here: that took three quarters of the download's CPU (2.5
    # of 3.3 ms, docs/benchmarks.md) to give back the same dict. The tests check every response
    # the scenarios make with the model, HL7's schema, FHIR.js and the R4 invariants.
    return resource


def _values(info: QuestionInfo, item) -> list[Any]:
    """The answer values of one item: codes for choices, whole numbers for integers."""
    if info.type == "integer":
        return [a.valueInteger for a in item.answer if a.valueInteger is not None]
    return [a.valueCoding.code for a in item.answer if a.valueCoding and a.valueCoding.code]


def answers_from_response(engine: Engine, data: Any) -> dict[str, Any]:
    """Answers from a QuestionnaireResponse; ValueError if it is not one we can read.

    Reads the app's own downloads (of any edition: groups named after the step or `step.<id>`)
    and those of other SDC renderers such as LHC-Forms: every item whose linkId is a question id.
    """
    try:
        resource = QuestionnaireResponse.model_validate(data)
    except ValidationError as exc:
        raise ValueError(
            f"it is not a valid FHIR QuestionnaireResponse ({exc.error_count()} problem(s))"
        ) from None
    if resource.status not in STATUSES:
        raise ValueError(f"its status '{resource.status}' is not one of: {', '.join(STATUSES)}")
    catalogue = engine.ruleset.catalogue
    answers: dict[str, Any] = {}

    def collect(items) -> None:
        for item in items or ():
            info = catalogue.get(item.linkId)
            if info is not None and item.answer and (values := _values(info, item)):
                answers[item.linkId] = values if info.type == "multi" else values[0]
            collect(item.item)
            for answer in item.answer or ():
                collect(answer.item)  # questions nested under an answer

    collect(resource.item)
    if not answers:
        raise ValueError("it holds no answers to questions of this questionnaire")
    return answers
