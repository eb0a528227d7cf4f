"""What changed between two rule files: by id with file:line, and exactly, by headline.

The structural diff compares the two files' items by id (questions, choices, steps, outcomes,
rules, notes, criteria, sources, pages). The semantic diff puts both walk-throughs on their joint
answer space (see `joint`: every question of either file, counted as the NEW file's answer sets)
and lists every pair (headline with OLD, headline with NEW) that differs, with how many answer
sets it covers and one complete witness (and the same answers as OLD asks them), the answer sets
OLD accepted that NEW refuses (`refusals`: to None, to_refused), and each rule whose firing changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path as FilePath
from typing import Any

from ..evaluation.ruleset import RuleSet
from ..load.translations import translation_path
from ..load.yamlsource import Marks, YamlProblem, read_yaml
from .answerspace import Diagram
from .joint import REFUSED, UNDECIDED, UNSETTLED, Joint, NotComparable
from .jointspace import NEW
from .refusals import refusals
from .translation_changes import translation_changes

# A changed field with one of these names is wording; any other field changes meaning.
WORDING = {"title", "message", "text", "label", "prompt", "hint", "short", "intro", "items"}
WORDING |= {"actions", "errors", "sections", "said", "next_steps"}
SECTIONS = ("criteria", "outcomes", "rules", "notes")
KeyPath = tuple[str | int, ...]
Item = tuple[KeyPath, dict[str, Any]]  # where an item is in a raw rule file, and the item


@dataclass
class Change:
    kind: str  # question, choice, step, outcome, rule, note, criterion, source, meta, page
    id: str
    what: str  # added | removed | changed: fields... | wording changed: fields...
    file: str
    line: int


@dataclass
class Shift:
    """A class of answer sets whose result changes."""

    answer_sets: int
    witness: dict[str, Any]
    from_: str | None = None  # headline with OLD (None: no headline)
    to: str | None = None
    rule: str | None = None  # for a rule whose firing changes
    fires: str | None = None  # "starts" or "stops"
    witness_old: dict[str, Any] = field(default_factory=dict)  # the witness as OLD asks it
    undecided: bool = False  # OLD's headline depends on answers NEW does not ask (from_: None)
    refused: bool = False  # OLD refuses these answers: one contradicts another (from_: None)
    to_refused: bool = False  # NEW refuses these answers, which OLD accepted (to: None)
    refused_by: dict[str, str] | None = None  # then: NEW's question, contradiction, message

    def to_dict(self) -> dict[str, Any]:
        out = {
            "answer_sets": self.answer_sets,
            "witness": self.witness,
            "witness_old": self.witness_old,
        }
        if self.rule is None:
            return {
                "from": self.from_,
                "to": self.to,
                "from_undecided": self.undecided,
                "from_refused": self.refused,
                "to_refused": self.to_refused,
                "refused_by": self.refused_by,
                **out,
            }
        return {"rule": self.rule, "fires": self.fires, **out}


@dataclass
class Diff:
    changes: list[Change] = field(default_factory=list)
    headlines: list[Shift] = field(default_factory=list)
    rules: list[Shift] = field(default_factory=list)
    compared: bool = True  # False when the files cannot be compared (joint.NotComparable)
    note: str | None = None
    warnings: list[str] = field(default_factory=list)  # texts that still quote an old number
    possible: int = 0  # NEW's answer sets, its contradiction checks aside (the refused' whole)

    @property
    def headline_changes(self) -> bool:
        return bool(self.headlines) or not self.compared

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [asdict(c) for c in self.changes],
            "headlines": [h.to_dict() for h in self.headlines],
            "rules": [r.to_dict() for r in self.rules],
            "compared": self.compared,
            "note": self.note,
            "warnings": self.warnings,
        }


# --- Structural ----------------------------------------------------------------------------


def _items(raw: Any, section: str) -> dict[str, Item]:
    """id -> (path, item) for a list section of a raw rule file."""
    out: dict[str, Item] = {}
    for i, item in enumerate(raw.get(section) or ()):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out[item["id"]] = ((section, i), item)
    return out


def _questions(raw: Any) -> dict[str, Item]:
    out: dict[str, Item] = {}
    for s, step in enumerate(raw.get("steps") or ()):
        for k, q in enumerate(step.get("questions") or () if isinstance(step, dict) else ()):
            if isinstance(q, dict) and isinstance(q.get("id"), str):
                out[q["id"]] = (("steps", s, "questions", k), q)
    return out


def _changed(
    old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...] = (), prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(dotted name, last key) of each field that differs; a mapping is looked into, so a
    finding whose text alone changed is `finding.text`, wording, not the whole finding."""
    for k in dict.fromkeys([*old, *new]):
        a, b = old.get(k), new.get(k)
        if k in skip or a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            yield from _changed(a, b, (), f"{prefix}{k}.")
        elif _conditions(a, b):  # the same list of conditions, one of them edited
            yield from _changed(_numbered(a), _numbered(b), (), f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", k


def _numbered(items: Any) -> dict[str, Any]:
    """A list as a mapping from each item's place ("0", "1", ...), to look into it item by item."""
    return {str(i): item for i, item in enumerate(items)}


def _value(value: Any) -> str:
    """A changed value in a message: short and in the file's own notation."""
    if value is None:
        return "(none)"
    text = (
        json.dumps(value, ensure_ascii=False, default=str)
        if isinstance(value, (dict, list))
        else str(value)
    )
    return text if len(text) <= 60 else text[:57] + "..."


def _lookup(node: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            node = node.get(key) if isinstance(node, dict) else None
    return node


def _conditions(a: Any, b: Any) -> bool:
    """Two lists of mappings of the same length: looked into item by item."""
    return (
        isinstance(a, list)
        and isinstance(b, list)
        and len(a) == len(b)
        and all(isinstance(x, dict) for x in a + b)
    )


def _fields(old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...] = ()) -> str | None:
    """What changed in an item: wording by name; meaning with its old -> new values."""
    changed = list(_changed(old, new, skip))
    if not changed:
        return None
    if all(key in WORDING for _, key in changed):
        return "wording changed: " + ", ".join(name for name, _ in changed)
    return "changed: " + ", ".join(
        name
        if key in WORDING
        else f"{name}: {_value(_lookup(old, name))} -> {_value(_lookup(new, name))}"
        for name, key in changed
    )


class _Structure:
    def __init__(self, old: tuple[Any, Marks, str], new: tuple[Any, Marks, str]):
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, kind: str, ident: str, what: str, path: KeyPath, side: str = "new") -> None:
        raw, marks, name = self.new if side == "new" else self.old
        self.changes.append(Change(kind, ident, what, name, marks.at(path)[0]))

    def compare(
        self, kind: str, old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...] = ()
    ) -> None:
        for ident, (path, item) in new.items():
            if ident not in old:
                self.add(kind, ident, "added", path)
            else:
                what = _fields(old[ident][1], item, skip)
                if what:
                    self.add(kind, ident, what, path)
        for ident, (path, _) in old.items():
            if ident not in new:
                self.add(kind, ident, "removed", path, "old")

    def choices(
        self, old_q: dict[str, Any], new_q: dict[str, Any], path: KeyPath, qid: str
    ) -> None:
        def by_value(q: dict[str, Any], base: KeyPath) -> dict[str, Item]:
            return {
                c["value"]: (base + ("choices", i), c)
                for i, c in enumerate(q.get("choices") or ())
                if isinstance(c, dict)
            }

        old = by_value(old_q, ())
        new = by_value(new_q, path)
        before = len(self.changes)
        self.compare("choice", old, new)
        for change in self.changes[before:]:
            change.id = f"{qid}.{change.id}"
            if change.what == "removed":
                change.file, change.line = self.new[2], self.new[1].at(path)[0]

    def run(self) -> list[Change]:
        old_raw, new_raw = self.old[0], self.new[0]
        old_meta, new_meta = old_raw.get("meta") or {}, new_raw.get("meta") or {}
        what = _fields(old_meta, new_meta, ("sources",))
        if what:
            self.add("meta", "meta", what, ("meta",))
        src = {k: (("meta", "sources", k), v) for k, v in (new_meta.get("sources") or {}).items()}
        old_src = {
            k: (("meta", "sources", k), v) for k, v in (old_meta.get("sources") or {}).items()
        }
        self.compare("source", old_src, src)
        old_steps, new_steps = _items(old_raw, "steps"), _items(new_raw, "steps")
        self.compare("step", old_steps, new_steps, ("questions",))
        old_q, new_q = _questions(old_raw), _questions(new_raw)
        self.compare("question", old_q, new_q, ("choices",))
        for qid, (path, q) in new_q.items():
            if qid in old_q:
                self.choices(old_q[qid][1], q, path, qid)
        for section in SECTIONS:
            self.compare(
                section.rstrip("s").replace("criteria", "criterion"),
                _items(old_raw, section),
                _items(new_raw, section),
            )
        old_pages, new_pages = old_raw.get("pages") or {}, new_raw.get("pages") or {}
        self.compare(
            "page",
            {k: (("pages", k), v) for k, v in old_pages.items()},
            {k: (("pages", k), v) for k, v in new_pages.items()},
        )
        return self.changes


# --- Texts that still quote an old number -------------------------------------------------------


def _spanish(path: str) -> tuple[Any, Marks | None, str]:
    """The translation beside a rule file (raw, marks, name), or ({}, None, name)."""
    name = translation_path(path, "es")
    try:
        raw, marks = read_yaml(FilePath(name).read_bytes())
    except (OSError, YamlProblem):
        return {}, None, name
    return (raw if isinstance(raw, dict) else {}), marks, name


def _quote(text: str, number: int) -> str | None:
    """The words around `number` in `text` when it appears there as a number of its own."""
    found = re.search(rf"(?<![\d.,]){number}(?![\d.,]|_)", text)
    if not found:
        return None
    start, end = max(found.start() - 25, 0), min(found.end() + 25, len(text))
    return " ".join(text[start:end].split())


def stale_numbers(old: tuple[Any, Marks, str], new: tuple[Any, Marks, str]) -> list[str]:
    """For each number a rule's condition no longer uses, its finding's text (English or
    Spanish) that still says it: "3 or less" after `at_most: 3 -> 4`."""
    old_rules, new_rules = _items(old[0], "rules"), _items(new[0], "rules")
    es_raw, es_marks, es_name = _spanish(new[2])
    es_rules = es_raw.get("rules") if isinstance(es_raw.get("rules"), dict) else {}
    warnings = []
    for ident, (path, item) in new_rules.items():
        if ident not in old_rules:
            continue
        for name, key in _changed(old_rules[ident][1], item):
            was, now = _lookup(old_rules[ident][1], name), _lookup(item, name)
            if key in WORDING or type(was) is not int or type(now) is not int:
                continue
            texts = [
                (new[2], new[1].at((*path, "finding", "text"))[0], _lookup(item, "finding.text"))
            ]
            if es_marks is not None:
                texts.append((es_name, es_marks.at(("rules", ident))[0], es_rules.get(ident)))
            for file, line, text in texts:
                quoted = _quote(text, was) if isinstance(text, str) else None
                if quoted:
                    warnings.append(
                        f"{file}:{line}: rule {ident}: {name} changed {was} -> {now}, but its "
                        f'text still says {was}: "...{quoted}..."'
                    )
    return warnings


# --- Semantic ------------------------------------------------------------------------------


def _shift(joint: Joint, region: Diagram, **result: Any) -> Shift:
    witness, witness_old = joint.witnesses(joint.bdd.pick(region))
    return Shift(joint.count(region), witness, witness_old=witness_old, **result)


def semantic(old: RuleSet, new: RuleSet, diff: Diff, joint: Joint | None = None) -> None:
    """Every class of the NEW file's answer sets whose headline changes, and every rule whose
    firing does (see `joint`: the OLD headline is the one OLD gives whatever the answers NEW
    does not ask, or undecided)."""
    try:
        joint = joint or Joint(old, new)
    except NotComparable as exc:
        diff.compared, diff.note = False, str(exc)
        return
    only = joint.space.old_only()
    if only:
        diff.note = (
            f"the old file also asks {', '.join(only)}, which the new one does not: where its "
            "headline depended on that answer, it is counted as not decided"
        )
    for a, b, region in joint.moves():
        from_ = None if a in UNSETTLED else a
        diff.headlines.append(
            _shift(joint, region, from_=from_, to=b, undecided=a == UNDECIDED, refused=a == REFUSED)
        )
    _now_refused(joint, diff)
    new_rules = {r.id: i for i, r in enumerate(new.file.rules)}
    bdd = joint.bdd
    for i, rule in enumerate(old.file.rules):
        j = new_rules.get(rule.id)
        if j is None:
            continue
        now = joint.walks[NEW].fires[j]
        # where OLD refuses the answers, no rule of it fires: not a change of the rule
        starts = now & ~joint.old_fires(i, every=False) & ~joint.refused
        stops = joint.old_fires(i) & ~now & joint.valid
        for fires, region in (("starts", starts), ("stops", stops)):
            if region != bdd.false:
                diff.rules.append(_shift(joint, region, rule=rule.id, fires=fires))


def _now_refused(joint: Joint, diff: Diff) -> None:
    """OLD's answer sets NEW refuses (asks back), by contradiction and OLD headline."""
    diff.possible = joint.count_possible(joint.bdd.true)
    for r in refusals(joint):
        by = {"question": r.question, "contradiction": r.contradiction, "message": r.message}
        undecided = r.from_ == UNDECIDED
        shift = Shift(r.answer_sets, r.witness, None if undecided else r.from_, undecided=undecided)
        shift.witness_old, shift.to_refused, shift.refused_by = r.witness_old, True, by
        diff.headlines.append(shift)


def structure(
    old: tuple[RuleSet, Any, Marks], new: tuple[RuleSet, Any, Marks], translations: bool = False
) -> Diff:
    """The diff's structural part alone: what was added, removed or reworded (with the texts of
    the translations beside the files when `translations`: only for real paths, never for an
    uploaded file's name), and stale numbers."""
    result = Diff()
    sides = (old[1], old[2], old[0].path), (new[1], new[2], new[0].path)
    result.changes = _Structure(*sides).run()
    if translations:
        result.changes += [Change(*c) for c in translation_changes(old[0].path, new[0].path)]
    result.warnings = stale_numbers(*sides)
    return result


def diff_rulesets(
    old: tuple[RuleSet, Any, Marks],
    new: tuple[RuleSet, Any, Marks],
    joint: Joint | None = None,
    translations: bool = False,
) -> Diff:
    """Both parts of the diff; each side is (rule set, raw data, YAML marks)."""
    result = structure(old, new, translations)
    semantic(old[0], new[0], result, joint)
    return result
