"""Evaluation: operators, conditions, the walk through the questionnaire, the engine."""
