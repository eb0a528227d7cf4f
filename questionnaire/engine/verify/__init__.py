"""Verification: the exact analysis of a rule set, and the difference between two."""
