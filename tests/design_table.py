"""design.md section 4 (v3, 2026-12-06) read as written, as an outside check on rules.yaml.

Everything here is hand-coded from design.md sections 3 and 4, not read from rules.yaml, so a
slip in the rule file (a missing choice, a wrong boundary, a rule in the wrong outcome) shows up
as a disagreement. `headline` is the table; the rest builds valid answer sets to feed it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# --- design.md section 3: questions and choice values -------------------------------------------
EMERGENCY_SIGNS = (
    "bladder_bowel",
    "saddle_numbness",
    "sexual_function",
    "leg_weakness",
    "arm_weakness",
    "face_vision_speech",
    "fever_stiff_neck",
    "sudden_headache",
    "aorta_pain",
    "serious_injury",
    "chest_pain",
)
URGENT_SIGNS = (
    "fever",
    "weight_loss",
    "cancer_history",
    "night_pain",
    "back_shape",
    "upper_back_pain",
    "infection_risk",
    "minor_fall_weak_bones",
)
SINGLE = {
    "pain_area": ("lower_back", "neck", "both"),
    "pain_duration": (
        "under_3_months",
        "3_to_6_months",
        "6_to_12_months",
        "1_to_5_years",
        "over_5_years",
    ),
    "pain_pattern": ("mostly_back", "back_and_limb", "mostly_limb"),
    "diagnosis": ("yes_imaging", "yes_no_imaging", "no", "not_sure"),
    "disc_count": ("one", "two", "three_or_more", "not_told"),
    "treatment_duration": ("under_3_months", "3_to_6_months", "over_6_months"),
    "treatment_relief": ("lasting", "some", "little_or_none"),
    "overall_health": ("good", "fair", "poor"),
    "payment": ("insurance_only", "self_pay_possible", "not_sure"),
    "clinical_trial": ("yes", "maybe", "no"),
    "travel": ("yes", "maybe", "no"),
}
MULTI = {
    "warning_signs": EMERGENCY_SIGNS + URGENT_SIGNS,
    "treatments_tried": (
        "physical_therapy",
        "home_exercise",
        "pain_medication",
        "injections",
        "manual_therapy",
        "pain_program",
    ),
    "previous_procedures": (
        "fusion_or_replacement",
        "discectomy_or_laminectomy",
        "disc_injection_or_cells",
        "spine_fracture",
    ),
    "health_conditions": (
        "pregnant",
        "active_infection",
        "active_cancer",
        "immune_suppressants",
        "blood_thinners_or_bleeding",
        "uncontrolled_diabetes_or_bp",
        "osteoporosis",
    ),
}
PAIN_SCORES = range(0, 11)
AGES = (0, 17, 18, 49, 50, 75, 76, 120)
SHOWN_UNLESS_NO_TREATMENT = ("treatment_duration", "treatment_relief")
SHOWN_WITH_A_DIAGNOSIS = ("yes_imaging", "yes_no_imaging")  # disc_count

# --- design.md section 4: the outcome table ------------------------------------------------------
EXCLUDING_CONDITIONS = {
    "pregnant",
    "active_infection",
    "active_cancer",
    "immune_suppressants",
    "osteoporosis",
}
EXCLUDING_PROCEDURES = {
    "fusion_or_replacement",
    "discectomy_or_laminectomy",
    "disc_injection_or_cells",
    "spine_fracture",
}


def headline(a: dict[str, Any]) -> str:
    """The outcome design.md section 4 gives these answers: the first row whose `when` holds."""
    signs = set(a["warning_signs"])
    if signs & set(EMERGENCY_SIGNS) or {"fever", "infection_risk"} <= signs:
        return "emergency"
    if signs & set(URGENT_SIGNS):
        return "urgent"
    if (
        a["age"] < 18
        or a.get("disc_count") == "three_or_more"
        or set(a["health_conditions"]) & EXCLUDING_CONDITIONS
        or set(a["previous_procedures"]) & EXCLUDING_PROCEDURES
        or a["pain_pattern"] == "mostly_limb"
        or a["pain_area"] == "neck"
    ):
        return "usually_excluded"
    if (
        a["pain_duration"] in ("under_3_months", "3_to_6_months")
        or a["pain_intensity"] <= 3
        or a["diagnosis"] == "no"
        or a["treatments_tried"] == ["none"]
        or a.get("treatment_duration") == "under_3_months"
        or a.get("treatment_relief") == "lasting"
    ):
        return "not_yet"
    return "discuss"


# --- valid answer sets ---------------------------------------------------------------------------
BASE = {  # meets every criterion: the table gives `discuss`
    "warning_signs": ["none"],
    "age": 45,
    "pain_area": "lower_back",
    "pain_duration": "1_to_5_years",
    "pain_pattern": "mostly_back",
    "pain_intensity": 6,
    "diagnosis": "yes_imaging",
    "disc_count": "one",
    "treatments_tried": ["physical_therapy"],
    "treatment_duration": "over_6_months",
    "treatment_relief": "some",
    "previous_procedures": ["none"],
    "health_conditions": ["none"],
    "overall_health": "good",
    "payment": "not_sure",
    "clinical_trial": "maybe",
    "travel": "maybe",
}


def valid(a: dict[str, Any]) -> dict[str, Any]:
    """Drop the answers to questions the wizard does not show (design.md section 3), and make
    treatments over 6 months of a pain under 3 months old 3 to 6 months: rules 3.1.0 asks that
    pair back (issue 21 item 6), and either way the pain alone makes the headline not_yet."""
    if a["pain_duration"] == "under_3_months" and a.get("treatment_duration") == "over_6_months":
        a = {**a, "treatment_duration": "3_to_6_months"}
    if a["treatments_tried"] == ["none"]:
        a = {k: v for k, v in a.items() if k not in SHOWN_UNLESS_NO_TREATMENT}
    if a["diagnosis"] not in SHOWN_WITH_A_DIAGNOSIS:
        a = {k: v for k, v in a.items() if k != "disc_count"}
    return a


def one_changes() -> list[tuple[str, Any]]:
    """Every single answer a question can take (one box ticked for a multi-select)."""
    changes: list[tuple[str, Any]] = [(q, v) for q, values in SINGLE.items() for v in values]
    changes += [("pain_intensity", n) for n in PAIN_SCORES]
    changes += [("age", n) for n in AGES]
    changes += [(q, [v]) for q, values in MULTI.items() for v in (*values, "none")]
    return changes


def changed(*changes: tuple[str, Any]) -> dict[str, Any]:
    return valid({**BASE, **dict(changes)})


def _ticks(values: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    some = st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)
    return st.one_of(st.just(["none"]), some)


answer_sets = st.fixed_dictionaries(
    {
        **{q: st.sampled_from(values) for q, values in SINGLE.items()},
        "pain_intensity": st.integers(0, 10),
        "age": st.one_of(st.sampled_from(AGES), st.integers(0, 120)),
        # Mostly no warning sign, so the later rows of the table get most of the examples.
        "warning_signs": st.one_of(st.just(["none"]), _ticks(MULTI["warning_signs"])),
        **{
            q: _ticks(MULTI[q])
            for q in ("treatments_tried", "previous_procedures", "health_conditions")
        },
    }
).map(valid)
