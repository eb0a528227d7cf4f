"""Answer sets shared by tests in several folders."""

# A complete set of answers that reaches the "discuss" outcome; tests change one thing at a time.
DISCUSS_ANSWERS = {
    "warning_signs": ["none"],
    "age": 45,
    "pain_area": "lower_back",
    "pain_duration": "1_to_5_years",
    "pain_pattern": "mostly_back",
    "pain_intensity": 6,
    "diagnosis": "yes_imaging",
    "disc_count": "one",
    "treatments_tried": ["physical_therapy", "pain_medication"],
    "treatment_duration": "over_6_months",
    "treatment_relief": "little_or_none",
    "previous_procedures": ["none"],
    "health_conditions": ["none"],
    "overall_health": "good",
    "payment": "self_pay_possible",
    "clinical_trial": "yes",
    "travel": "yes",
}
