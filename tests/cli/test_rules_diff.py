"""`flask rules diff OLD [NEW]`: what changed, by id and line, and which headlines change."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bench.rulegen import generate_text
from questionnaire import create_app
from questionnaire.app import create_cli_app

# Each test diffs two whole rule files, headline changes included (0.5 to 7 s): `make test` runs
# them; `make quick` keeps tests/engine/test_diff_structure.py.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SRC = (ROOT / "rules.yaml").read_text(encoding="utf-8")
MILD = "when: {q: pain_intensity, at_most: 3}"


def app_for(path: Path):
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "QUESTIONNAIRE_RULES": str(path)}
    )


def diff(old: Path, new: Path, *extra: str):
    """`flask rules diff` on the `flask` command's own app (wsgi.py's create_cli_app), which
    loads no rule file of its own: the command reads OLD and NEW."""
    return (
        create_cli_app()
        .test_cli_runner()
        .invoke(args=["rules", "diff", str(old), str(new), *extra])
    )


def with_spanish(path: Path, text: str) -> Path:
    """An edited copy of rules.yaml with the shipped Spanish beside it, as the app needs: without
    it, the diff would also say "translation es: removed"."""
    path.write_text(text, encoding="utf-8")
    path.with_name(f"{path.stem}.es.yaml").write_bytes((ROOT / "rules.es.yaml").read_bytes())
    return path


@pytest.fixture(scope="module")
def threshold(tmp_path_factory) -> Path:
    assert MILD in SRC, "the shipped mild-pain threshold changed; update the test"
    path = tmp_path_factory.mktemp("rules") / "new.yaml"
    path.write_text(SRC.replace(MILD, "when: {q: pain_intensity, at_most: 4}"), encoding="utf-8")
    # the app needs the Spanish beside it (the same texts: only a condition changed)
    path.with_name("new.es.yaml").write_text(
        (ROOT / "rules.es.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return path


def test_a_threshold_edit_lists_exactly_the_answers_whose_headline_changes(threshold):
    result = diff(ROOT / "rules.yaml", threshold, "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert [(c["kind"], c["id"], c["what"]) for c in report["changes"]] == [
        ("rule", "mild_pain", "changed: when.at_most: 3 -> 4")
    ]
    assert report["changes"][0]["line"] == SRC.splitlines().index("  - id: mild_pain") + 1
    assert [(h["from"], h["to"]) for h in report["headlines"]] == [("discuss", "not_yet")]
    shift = report["headlines"][0]
    assert shift["answer_sets"] > 0 and shift["witness"]["pain_intensity"] == 4
    # The witness really changes headline through the API, old rules to new.
    for path, expected in ((ROOT / "rules.yaml", "discuss"), (threshold, "not_yet")):
        response = (
            app_for(path).test_client().post("/api/v1/evaluate", json={"answers": shift["witness"]})
        )
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["outcome"]["id"] == expected
    assert {(r["rule"], r["fires"]) for r in report["rules"]} == {("mild_pain", "starts")}


def test_the_count_is_exact_on_a_small_file_checked_by_brute_force(tmp_path):
    from itertools import product

    from questionnaire.engine import Engine, loads_rules

    old_text = generate_text(3, "complete", 3)
    rules_old = loads_rules(old_text, verify=False)
    # NEW: the first not_yet rule gives `excluded` instead
    new_text = old_text.replace("outcome: not_yet", "outcome: excluded", 1)
    rules_new = loads_rules(new_text, verify=False)
    (tmp_path / "old.yaml").write_text(old_text)
    (tmp_path / "new.yaml").write_text(new_text)
    report = json.loads(diff(tmp_path / "old.yaml", tmp_path / "new.yaml", "--json").output)
    engines = Engine(rules_old), Engine(rules_new)
    questions = rules_old.questions
    domains = []
    for q in questions:
        if q.type == "single":
            domains.append([c.value for c in q.choices])
        elif q.type == "integer":
            domains.append(list(range(q.min, q.max + 1)))
        else:
            plain = [c.value for c in q.choices if not c.exclusive]
            subsets = [
                [c for k, c in enumerate(plain) if m >> k & 1] for m in range(1, 1 << len(plain))
            ]
            domains.append([["none"]] + subsets)
    counts: dict[tuple, int] = {}
    for combo in product(*domains):  # every question is in the first step: no early stop
        answers = {q.id: v for q, v in zip(questions, combo, strict=True)}
        pair = tuple(e.evaluate(answers, trace=False).outcome.id for e in engines)
        if pair[0] != pair[1]:
            counts[pair] = counts.get(pair, 0) + 1
    assert counts, "the edit should change some headlines"
    assert {(h["from"], h["to"]): h["answer_sets"] for h in report["headlines"]} == counts


def test_a_wording_edit_is_a_change_with_no_headline_change(tmp_path):
    path = with_spanish(
        tmp_path / "new.yaml",
        SRC.replace("title: Get emergency care now", "title: Get emergency care right now", 1),
    )
    result = diff(ROOT / "rules.yaml", path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [(c["kind"], c["id"], c["what"]) for c in report["changes"]] == [
        ("outcome", "emergency", "wording changed: title")
    ]
    assert report["headlines"] == [] and report["rules"] == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "can mean the nerves at the base of your spine are being\n        squeezed",
            "can mean the nerves low in your spine are being\n        squeezed",
            ("rule", "cauda_equina_signs", "wording changed: finding.text"),
        ),
        (
            "said: you have new trouble peeing or pooing,",
            "said: you have trouble peeing or pooing,",
            ("choice", "warning_signs.bladder_bowel", "wording changed: said"),
        ),
    ],
    ids=["a finding's text", "a choice's 'Because you said' words"],
)
def test_an_edit_inside_a_finding_or_a_choice_is_named_and_is_wording(tmp_path, old, new, expected):
    """A clinician reviewing a wording edit sees which words changed, not 'the rule changed'."""
    assert SRC.count(old) == 1
    path = with_spanish(tmp_path / "new.yaml", SRC.replace(old, new))
    result = diff(ROOT / "rules.yaml", path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [(c["kind"], c["id"], c["what"]) for c in report["changes"]] == [expected]


def test_moving_a_finding_to_another_criterion_is_a_change_of_meaning(tmp_path):
    path = tmp_path / "new.yaml"
    head = "outcome: emergency\n    finding:\n      criterion: "
    path.write_text(SRC.replace(head + "safety", head + "general_health", 1), encoding="utf-8")
    report = json.loads(diff(ROOT / "rules.yaml", path, "--json").output)
    assert (
        "rule",
        "cauda_equina_signs",
        "changed: finding.criterion: safety -> general_health",
    ) in [(c["kind"], c["id"], c["what"]) for c in report["changes"]]


@pytest.mark.parametrize(
    "content",
    [None, "meta: [unclosed\n", "meta: {}\n"],
    ids=["missing file", "broken YAML", "not a rule file"],
)
def test_bad_input_exits_with_code_2_and_a_message(tmp_path, content):
    path = tmp_path / "bad.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = diff(path, ROOT / "rules.yaml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.output.strip()


def test_diff_is_fast_on_200_question_files(tmp_path):
    old = generate_text(200, "complete", 0)
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(old.replace("outcome: excluded", "outcome: not_yet", 1))
    started = time.process_time()
    result = diff(tmp_path / "old.yaml", tmp_path / "new.yaml", "--json")
    assert time.process_time() - started < 5, "CPU seconds"
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.output)["changes"][0]["kind"] == "rule"


def test_a_threshold_edit_shows_old_and_new_and_warns_of_texts_that_quote_the_old_number(
    threshold,
):
    result = diff(ROOT / "rules.yaml", threshold)
    lines = result.output.splitlines()
    assert any(line.endswith("rule mild_pain: changed: when.at_most: 3 -> 4") for line in lines)
    warnings = [line for line in lines if line.startswith("Warning: ")]
    english = [w for w in warnings if "new.yaml:" in w]
    spanish = [w for w in warnings if "new.es.yaml:" in w]
    assert len(english) == 1 and "3 or less out of 10" in english[0]
    assert len(spanish) == 1 and "3 o menos sobre 10" in spanish[0]
    assert "when.at_most changed 3 -> 4" in english[0]


def test_a_threshold_inside_a_list_of_conditions_is_named_with_its_values(tmp_path):
    text = SRC.replace("- {q: pain_intensity, at_least: 4}", "- {q: pain_intensity, at_least: 5}")
    path = tmp_path / "new.yaml"
    path.write_text(text, encoding="utf-8")
    path.with_name("new.es.yaml").write_text(
        (ROOT / "rules.es.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = json.loads(diff(ROOT / "rules.yaml", path, "--json").output)
    [change] = report["changes"]
    assert change["id"] == "general_criteria_may_apply"
    assert change["what"].startswith("changed: when.all.") and change["what"].endswith(
        ".at_least: 4 -> 5"
    )


def test_diff_lists_the_headline_changes_by_cause_with_their_share():
    result = diff(ROOT / "releases/1.0.0/rules.yaml", ROOT / "releases/2.0.0/rules.yaml")
    lines = result.output.splitlines()
    start = lines.index(
        "By cause (the rule, or the new question or choice, behind each headline change):"
    )
    causes = lines[start + 1 :]
    # osteoporosis, earlier disc surgery, disc cell injections and neck-only pain: one line each
    for rule in ("weak_bones", "previous_disc_surgery", "previous_cell_injection", "neck_pain"):
        assert any(line.startswith(f"  {rule} (") for line in causes), rule
    assert all("% of all answer sets" in line for line in causes)


def test_a_source_that_gained_dated_statements_is_named_with_its_values():
    # the sources' quoted statements carry dates (read.date), which a message must still print
    result = diff(ROOT / "releases/2.0.1/rules.yaml", ROOT / "rules.yaml")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert any(
        ": source " in line and "changed: statements: (none) -> [" in line
        for line in result.output.splitlines()
    ), result.output[:2000]


def test_a_new_contradiction_check_is_a_headline_change_with_its_count(tmp_path):
    # The shipped file less its contradiction check accepts every answer set the check refuses:
    # diffing it with the shipped file must say how many are now asked back, and exit 1.
    start = SRC.index("        contradictions:")
    end = SRC.index("\n\n", start)
    old = tmp_path / "old.yaml"
    old.write_text(SRC[:start] + SRC[end + 1 :], encoding="utf-8")
    result = diff(old, ROOT / "rules.yaml")
    assert result.exit_code == 1, result.output
    assert "No headline changes" not in result.output
    assert "480,736,735,395,840 answer sets version" in result.output
    assert "are now asked back (refused) by version" in result.output
    report = json.loads(diff(old, ROOT / "rules.yaml", "--json").output)
    refused = [h for h in report["headlines"] if h["to_refused"]]
    assert refused and all(h["to"] is None for h in refused)
    assert sum(h["answer_sets"] for h in refused) == 480_736_735_395_840
