"""The policy of rules.yaml written by hand in plain Python: the floor the engine is timed against.

It knows nothing of the engine or of rules.yaml; it is what a programmer would write if the
medical content lived in code. It returns the same headline and the same fired rules as
`Engine.evaluate` (design.md section 4 plus every finding rule), including the early stop: when
a warning sign needs emergency or urgent care, the questions end there, so only the warning-sign
rules can fire. Policy v2 (rules 2.0.0, design.md section 4 of 2026-12-01).

Keep it in step with rules.yaml by hand; the benchmark refuses to time it if the two disagree.
"""

from __future__ import annotations

from typing import Any


def policy(answers: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """(outcome id, ids of the rules that fired) for one complete, valid set of answers."""
    fired: list[str] = []
    stop = _warning_signs(answers["warning_signs"], fired)
    if stop:  # either one ends the questions
        return stop, tuple(fired)
    excluded = _exclusions(answers, fired)
    not_yet = _not_yet(answers, fired)
    if not excluded and not not_yet:  # it lists every criterion: the opposite of the above
        fired.append("general_criteria_may_apply")
    _pain_findings(answers, fired)
    _other_findings(answers, fired)
    if excluded:
        return "usually_excluded", tuple(fired)
    if not_yet:
        return "not_yet", tuple(fired)
    return "discuss", tuple(fired)


# (choice, rule) pairs: a ticked choice fires its rule. Written out as a programmer would.
_EMERGENCY_SIGNS = (
    ("bladder_bowel", "cauda_equina_signs"),
    ("saddle_numbness", "cauda_equina_signs"),
    ("leg_weakness", "leg_weakness_sign"),
    ("arm_weakness", "arm_weakness_sign"),
    ("serious_injury", "serious_injury_sign"),
    ("chest_pain", "chest_pain_sign"),
)
_URGENT_SIGNS = (
    ("fever", "infection_sign"),
    ("weight_loss", "cancer_signs"),
    ("cancer_history", "cancer_signs"),
    ("night_pain", "night_pain_sign"),
    ("back_shape", "back_shape_sign"),
)
_EXCLUDING_HEALTH = (
    ("pregnant", "pregnancy"),
    ("active_infection", "active_infection"),
    ("active_cancer", "active_cancer"),
    ("immune_suppressants", "immune_suppressants"),
    ("osteoporosis", "weak_bones"),
)
_EXCLUDING_PROCEDURES = (
    ("fusion_or_replacement", "previous_fusion"),
    ("discectomy_or_laminectomy", "previous_disc_surgery"),
    ("disc_injection_or_cells", "previous_cell_injection"),
)


def _ticked(given: list[str], pairs: tuple[tuple[str, str], ...], fired: list[str]) -> bool:
    """Fire the rule of every ticked choice in `pairs` (each rule once); whether any fired."""
    hits = list(dict.fromkeys(rule for choice, rule in pairs if choice in given))
    fired.extend(hits)
    return bool(hits)


def _warning_signs(signs: list[str], fired: list[str]) -> str | None:
    """Warning signs: "emergency", then "urgent", or None."""
    emergency = _ticked(signs, _EMERGENCY_SIGNS, fired)
    urgent = _ticked(signs, _URGENT_SIGNS, fired)
    if emergency or urgent:
        return "emergency" if emergency else "urgent"
    if "none" in signs:
        fired.append("no_warning_signs")
    return None


def _exclusions(answers: dict[str, Any], fired: list[str]) -> bool:
    """Answers that usually rule the treatment out."""
    excluded = _ticked(answers["health_conditions"], _EXCLUDING_HEALTH, fired)
    excluded = _ticked(answers["previous_procedures"], _EXCLUDING_PROCEDURES, fired) or excluded
    if answers["pain_pattern"] == "mostly_limb":
        fired.append("leg_or_arm_pain_mostly")
        excluded = True
    if answers["pain_area"] == "neck":
        fired.append("neck_pain")
        excluded = True
    return excluded


def _not_yet(answers: dict[str, Any], fired: list[str]) -> bool:
    """Other steps usually come first."""
    not_yet = False
    pain_duration = answers["pain_duration"]
    if pain_duration == "under_3_months":
        fired.append("pain_under_3_months")
        not_yet = True
    if pain_duration == "3_to_6_months":
        fired.append("pain_3_to_6_months")
        not_yet = True
    if answers["pain_intensity"] <= 3:
        fired.append("mild_pain")
        not_yet = True
    if answers["diagnosis"] == "no":
        fired.append("no_disc_diagnosis")
        not_yet = True
    if "none" in answers["treatments_tried"]:
        # The two follow-up questions are not asked; any answers to them are ignored.
        fired.append("no_treatment_tried")
        return True
    return _treatment_follow_ups(answers, fired) or not_yet


def _treatment_follow_ups(answers: dict[str, Any], fired: list[str]) -> bool:
    not_yet = False
    if "physical_therapy" not in answers["treatments_tried"]:
        fired.append("no_physical_therapy")
    treatment_duration = answers["treatment_duration"]
    if treatment_duration == "under_3_months":
        fired.append("short_treatment")
        not_yet = True
    elif treatment_duration == "3_to_6_months":
        fired.append("treatment_3_to_6_months")
    else:
        fired.append("treatment_over_6_months")
    if answers["treatment_relief"] == "lasting":
        fired.append("lasting_relief")
        not_yet = True
    else:
        fired.append("treatment_did_not_help_enough")
    return not_yet


def _pain_findings(answers: dict[str, Any], fired: list[str]) -> None:
    """Findings that explain the pain and diagnosis criteria."""
    pain_duration, diagnosis = answers["pain_duration"], answers["diagnosis"]
    if pain_duration in ("6_to_12_months", "1_to_5_years"):
        fired.append("pain_6_months_or_more")
    elif pain_duration == "over_5_years":
        fired.append("pain_over_5_years")
    if answers["pain_intensity"] >= 4:
        fired.append("moderate_or_worse_pain")
    if answers["pain_area"] == "both":
        fired.append("neck_and_back_pain")
    if answers["pain_pattern"] == "back_and_limb":
        fired.append("back_and_limb_pain")
    if diagnosis == "yes_imaging":
        fired.append("diagnosis_with_scan")
    elif diagnosis == "yes_no_imaging":
        fired.append("diagnosis_without_scan")
    elif diagnosis == "not_sure":
        fired.append("diagnosis_unsure")


def _other_findings(answers: dict[str, Any], fired: list[str]) -> None:
    """Findings that explain health, cost and access."""
    health = answers["health_conditions"]
    if "blood_thinners_or_bleeding" in health:
        fired.append("blood_thinners")
    if "uncontrolled_diabetes_or_bp" in health:
        fired.append("uncontrolled_diabetes_or_blood_pressure")
    if "none" in health:
        fired.append("no_health_conditions")
    if answers["overall_health"] == "poor":
        fired.append("poor_general_health")
    payment = answers["payment"]
    if payment == "insurance_only":
        fired.append("insurance_only")
    elif payment == "self_pay_possible":
        fired.append("self_pay")
    else:
        fired.append("payment_unsure")
    fired.append("not_open_to_trial" if answers["clinical_trial"] == "no" else "open_to_trial")
    fired.append("cannot_travel" if answers["travel"] == "no" else "can_travel")


# --- The same policy with the answers checked first, as the engine checks them -------------------
# For a like-for-like figure: the engine refuses wrong types, unknown choices, numbers out of
# range and "none" ticked with another box before it decides anything. This is that check,
# written by hand for this questionnaire.

_SINGLE = {
    "pain_area": {"lower_back", "neck", "both"},
    "pain_duration": {
        "under_3_months",
        "3_to_6_months",
        "6_to_12_months",
        "1_to_5_years",
        "over_5_years",
    },
    "pain_pattern": {"mostly_back", "back_and_limb", "mostly_limb"},
    "diagnosis": {"yes_imaging", "yes_no_imaging", "no", "not_sure"},
    "treatment_duration": {"under_3_months", "3_to_6_months", "over_6_months"},
    "treatment_relief": {"lasting", "some", "little_or_none"},
    "overall_health": {"good", "fair", "poor"},
    "payment": {"insurance_only", "self_pay_possible", "not_sure"},
    "clinical_trial": {"yes", "maybe", "no"},
    "travel": {"yes", "maybe", "no"},
}
_MULTI = {
    "warning_signs": {
        "bladder_bowel",
        "saddle_numbness",
        "leg_weakness",
        "arm_weakness",
        "serious_injury",
        "chest_pain",
        "fever",
        "weight_loss",
        "cancer_history",
        "night_pain",
        "back_shape",
        "none",
    },
    "treatments_tried": {
        "physical_therapy",
        "home_exercise",
        "pain_medication",
        "injections",
        "manual_therapy",
        "pain_program",
        "none",
    },
    "previous_procedures": {
        "fusion_or_replacement",
        "discectomy_or_laminectomy",
        "disc_injection_or_cells",
        "none",
    },
    "health_conditions": {
        "pregnant",
        "active_infection",
        "active_cancer",
        "immune_suppressants",
        "blood_thinners_or_bleeding",
        "uncontrolled_diabetes_or_bp",
        "osteoporosis",
        "none",
    },
}
_STOP_SIGNS = _MULTI["warning_signs"] - {"none"}


def _check_multi(answers: dict[str, Any], question: str) -> None:
    value = answers.get(question)
    if type(value) is not list or not value or not set(value) <= _MULTI[question]:
        raise ValueError(question)
    if "none" in value and len(value) > 1:
        raise ValueError(question)


def _check_single(answers: dict[str, Any], question: str) -> None:
    value = answers.get(question)
    if type(value) is not str or value not in _SINGLE[question]:
        raise ValueError(question)


def checked_policy(answers: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """Check every answer (type, choice, range, "none" alone, nothing unknown), then decide.

    After a stopping warning sign, or for the two questions skipped after "none" treatments,
    an answer may be left out, but one that is given must still be valid.
    """
    if type(answers) is not dict:
        raise ValueError("answers")
    _check_multi(answers, "warning_signs")
    stopped = not _STOP_SIGNS.isdisjoint(answers["warning_signs"])
    skipped = stopped or "none" in answers.get("treatments_tried", ())
    for question in _SINGLE:
        optional = stopped or (skipped and question in ("treatment_duration", "treatment_relief"))
        if not optional or question in answers:
            _check_single(answers, question)
    for question in ("treatments_tried", "previous_procedures", "health_conditions"):
        if not stopped or question in answers:
            _check_multi(answers, question)
    if not stopped or "pain_intensity" in answers:
        intensity = answers.get("pain_intensity")
        if type(intensity) is not int or not 0 <= intensity <= 10:
            raise ValueError("pain_intensity")
    if len(answers) > len(_SINGLE) + len(_MULTI) + 1 or not all(
        q in _SINGLE or q in _MULTI or q == "pain_intensity" for q in answers
    ):
        raise ValueError("unknown question")
    return policy(answers)
