"""`rules diff`'s structural part: every kind of edit a clinician makes to rules.yaml is named by
kind, id and what changed, at the line where it is (the new file's; the old file's for a removal;
an item under a key, such as a source or a page, at its first field).

Each case is one small edit of the shipped file. The mutation run found these untested
(docs/testing.md, diff.py).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from questionnaire.engine import read_rules
from questionnaire.engine.verify.diff import diff_rulesets, structure

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")
VERSION = re.search(r'^  version: "([^"]+)"', SRC, re.M).group(1)  # the shipped one
TRAVEL = """          - {value: maybe, label: Maybe}
          - {value: "no", label: "No"}
"""
EXTRA_CHOICE = (
    TRAVEL
    + """          - {value: not_sure, label: Not sure}
"""
)
EXTRA_RULE = """  - id: travel_unsure
    when: {q: travel, is: maybe}
    finding:
      criterion: access
      text: You are not sure you could travel.
    source: clinicaltrials-gov

"""
EXTRA_QUESTION = """      - id: extra_question
        type: single
        short: extra question
        prompt: Is this an extra question?
        choices:
          - {value: "yes", label: "Yes"}
          - {value: "no", label: "No"}
        errors:
          required: Answer the extra question
"""
NEW_SOURCE = """  sources:
    extra-source:
      title: An extra source
      url: https://example.org/extra
"""


@functools.cache  # the shipped file is a side of most cases; `rules diff` changes neither side
def side(text: str, name: str):
    """What `rules diff` compares: a file that parses, even where its meaning is wrong (an
    added source that nothing cites yet)."""
    loaded = read_rules(text, name, verify=False)
    assert loaded.ruleset is not None, loaded.problems
    return loaded.ruleset, loaded.raw, loaded.marks


def changes(old: str, new: str) -> list[tuple[str, str, str, str, int]]:
    diff = structure(side(old, "old.yaml"), side(new, "new.yaml"))
    return [(c.kind, c.id, c.what, c.file, c.line) for c in diff.changes]


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line where `needle` starts (searching after `after`)."""
    return text[: text.index(needle, text.index(after) if after else 0)].count("\n") + 1


def edit(old: str, new: str, count: int = 1) -> str:
    assert SRC.count(old) >= 1, f"the shipped file no longer has {old!r}"
    return SRC.replace(old, new, count)


def edit_after(anchor: str, old: str, new: str) -> str:
    """`edit`, at the first `old` after `anchor` (several questions share choices)."""
    at = SRC.index(anchor)
    return SRC[:at] + SRC[at:].replace(old, new, 1)


def with_rule(text: str) -> str:
    return text.replace(
        "\n# Shown on every summary",
        "\n" + EXTRA_RULE.rstrip("\n") + "\n\n# Shown on every summary",
        1,
    )


@pytest.mark.parametrize(
    ("new", "expected", "at"),
    [
        (
            edit(
                "  title: Stem cells for worn spinal discs",
                "  title: Stem cells for worn discs",
            ),
            ("meta", "meta", "wording changed: title"),
            "  title: Stem cells",
        ),
        (
            edit(f'  version: "{VERSION}"', '  version: "9.9.9"'),
            ("meta", "meta", f"changed: version: {VERSION} -> 9.9.9"),
            "  title: Stem cells",
        ),
        (
            edit("  sources:\n", NEW_SOURCE),
            ("source", "extra-source", "added"),
            "      title: An extra source",
        ),
        (
            edit(
                "      url: https://www.fda.gov/vaccines-blood-biologics/consumers-biologics/",
                "      url: https://www.fda.gov/new/",
            ),
            (
                "source",
                "fda-2021",
                # long values are cut at 60 characters
                "changed: url: https://www.fda.gov/vaccines-blood-biologics/consumers-bi... "
                "-> https://www.fda.gov/new/important-patient-and-consumer-in...",
            ),
            '      title: "FDA: Important',
        ),
        (
            edit(
                "    title: Warning signs\n    intro:", "    title: Signs to watch for\n    intro:"
            ),
            ("step", "warning_signs", "wording changed: title"),
            "  - id: warning_signs",
        ),
        (
            edit(
                "prompt: Could you travel to another city for treatment or for study visits?",
                "prompt: Could you travel to another city for care or for study visits?",
            ),
            ("question", "travel", "wording changed: prompt"),
            "      - id: travel",
        ),
        (
            edit_after("      - id: travel", TRAVEL, EXTRA_CHOICE),
            ("choice", "travel.not_sure", "added"),
            "{value: not_sure, label: Not sure}",
        ),
        (
            edit(
                "  - id: emergency\n    urgency: emergency",
                "  - id: emergency\n    urgency: urgent",
            ),
            ("outcome", "emergency", "changed: urgency: emergency -> urgent"),
            "  - id: emergency",
        ),
        (
            edit(
                "  - id: safety\n    title: Warning signs",
                "  - id: safety\n    title: Danger signs",
            ),
            ("criterion", "safety", "wording changed: title"),
            "  - id: safety",
        ),
        (
            edit("    title: Talk to a doctor\n", "    title: See a doctor\n"),
            ("note", "consult", "wording changed: title"),
            "  - id: consult",
        ),
        (
            edit(
                "    title: Could stem-cell treatment for back or neck pain apply to you?",
                "    title: Could stem-cell treatment apply to you?",
            ),
            ("page", "start", "wording changed: title"),
            "    title: Could stem-cell",
        ),
        (with_rule(SRC), ("rule", "travel_unsure", "added"), "  - id: travel_unsure"),
    ],
    ids=[
        "meta wording",
        "meta version",
        "source added",
        "source url",
        "step title",
        "question prompt",
        "choice added",
        "outcome urgency",
        "criterion title",
        "note title",
        "page title",
        "rule added",
    ],
)
def test_each_kind_of_edit_is_named_at_its_line_in_the_new_file(new, expected, at):
    found = changes(SRC, new)
    assert [c[:3] for c in found] == [expected]
    assert found[0][3:] == ("new.yaml", line_of(new, at))


@pytest.mark.parametrize(
    ("old", "expected", "at", "where"),
    [
        (with_rule(SRC), ("rule", "travel_unsure", "removed"), "  - id: travel_unsure", "old.yaml"),
        (
            edit("  sources:\n", NEW_SOURCE),
            ("source", "extra-source", "removed"),
            "      title: An extra source",
            "old.yaml",
        ),
    ],
)
def test_a_removal_points_at_the_old_file(old, expected, at, where):
    found = changes(old, SRC)
    assert [c[:3] for c in found] == [expected]
    assert found[0][3:] == (where, line_of(old, at))


def test_a_removed_choice_points_at_its_question_in_the_new_file():
    """The choice is gone from the new file, so the line is its question's there."""
    found = changes(edit_after("      - id: travel", TRAVEL, EXTRA_CHOICE), SRC)
    assert found == [
        ("choice", "travel.not_sure", "removed", "new.yaml", line_of(SRC, "      - id: travel"))
    ]


def test_an_unchanged_file_has_no_changes():
    assert changes(SRC, SRC) == []


def test_several_edits_are_each_listed_once_in_file_order_by_section():
    new = edit("    title: Talk to a doctor\n", "    title: See a doctor\n")
    new = new.replace(f'  version: "{VERSION}"', '  version: "9.9.9"', 1)
    assert [c[:2] for c in changes(SRC, new)] == [("meta", "meta"), ("note", "consult")]


# --- the semantic part, for what a clinician reads beside the headline changes ---------------


def semantic(old: str, new: str):
    return diff_rulesets(side(old, "old.yaml"), side(new, "new.yaml"))


def test_a_rule_that_matches_fewer_answers_is_said_to_stop_with_an_example():
    new = edit("when: {q: pain_intensity, at_most: 3}", "when: {q: pain_intensity, at_most: 2}")
    found = semantic(SRC, new)
    (shift,) = [r for r in found.rules if r.rule == "mild_pain"]
    assert shift.fires == "stops" and shift.witness["pain_intensity"] == 3
    assert shift.answer_sets >= sum(h.answer_sets for h in found.headlines) > 0
    assert found.to_dict()["rules"][0]["fires"] == "stops"


def test_a_removed_rule_does_not_hide_the_changes_of_the_rules_after_it():
    removed = SRC.replace(EXTRA_RULE, "")  # the shipped file, as "new": travel_unsure is gone
    old = with_rule(SRC)
    new = removed.replace(
        "when: {q: pain_intensity, at_most: 3}", "when: {q: pain_intensity, at_most: 4}", 1
    )
    found = semantic(old, new)
    assert [(c.kind, c.id, c.what) for c in found.changes][-1] == (
        "rule",
        "travel_unsure",
        "removed",
    )
    assert "mild_pain" in [r.rule for r in found.rules], "a rule after the removed one"


def test_files_that_ask_different_questions_are_compared_on_the_new_files_answers():
    anchor = "          required: Select if you could travel to another city\n"
    new = edit(anchor, anchor + EXTRA_QUESTION)  # a new question no rule reads
    found = semantic(SRC, new)
    shown = found.to_dict()
    assert (shown["compared"], found.headline_changes) == (True, False)
    assert shown["headlines"] == [] and shown["rules"] == [] and shown["note"] is None
    # the other way round the old file asks what the new one does not: the note says so
    found = semantic(new, SRC)
    assert found.note is not None and found.note.startswith("the old file also asks extra_question")
    assert found.headlines == [] and found.rules == []
