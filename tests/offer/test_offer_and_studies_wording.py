"""The offer's wording beyond plain language. The plain-language checks of offer.yaml, studies.yaml
and their Spanish are `flask rules lint`'s, run once over every patient text by
tests/test_plain_language.py (docs/plain-language.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaire.engine import load_rules

ROOT = Path(__file__).resolve().parents[2]
OFFER = load_rules(ROOT / "offer.yaml", verify=False).file


@pytest.mark.parametrize("outcome", OFFER.outcomes, ids=[o.id for o in OFFER.outcomes])
def test_every_offer_outcome_sends_the_person_to_their_own_doctor(outcome):
    # `flask rules lint` asks every outcome message for "doctor" or "911"; an offer is never an
    # emergency, so each of its outcomes names the person's own doctor.
    assert "your own doctor" in " ".join((outcome.message, *outcome.next_steps))
