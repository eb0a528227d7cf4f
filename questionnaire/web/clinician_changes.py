"""The comparison behind the clinician preview's "What changed" page and its outcome book: the
`rules diff` report in plain words.

The previous rule file is the newest released version older than the app's, from
`releases/<version>/` (clinician_previous.py), or CLINICIAN_PREVIOUS_RULES (a path; "" turns the
comparison off). That comparison is made once, when the app is built, and is also printed in the
outcome book. Headline changes are listed by cause (the rule behind each, with its old -> new
values), with shares a clinician can weigh. A clinician can upload another previous file instead:
it is read with the preview's upload limits and compared in a child process that is stopped after
UPLOAD_SECONDS, so a hostile file cannot hold a worker.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import ServiceUnavailable

from ..engine import Engine, QuestionnaireError, RuleSet, read_rules
from ..engine.load.yamlsource import RULE_FILE, Limits, Marks, read_yaml
from ..engine.verify.diff import Change, Diff, diff_rulesets
from ..engine.verify.joint import joint_of
from ..engines import engine_of
from .clinician_previous import CauseLine, cause_lines, previous_release, typical_answers
from .clinician_refused import NowRefused, now_refused
from .summary_view import answer_text

# An uploaded previous rule file: the preview's 512 KB upload limit (rules.yaml 3.0.0 with its
# sources' quoted statements is about 160 KB and 5,600 values), and far fewer values than a rule
# file on disk may have. Its body may be this large, whatever MAX_CONTENT_LENGTH says for the rest.
UPLOADED_RULE_FILE = Limits(
    "an uploaded rule file",
    max_bytes=512 * 1024,
    max_nodes=20_000,
    max_depth=RULE_FILE.max_depth,
    max_aliases=100,
    max_seconds=1.0,
)
# The comparison of files that ask the same questions takes about 0.1 to 0.3 s here; of files
# whose questions differ (2.0.1 with 3.0.0: new questions and warning signs) about 2.7 s of CPU,
# 5.5 s on this machine when busy.
UPLOAD_SECONDS = 15.0
UPLOAD_FORM_BYTES = 16 * 1024  # the form around the file: its token, field names and boundaries
_KEY = "clinician_changes"

Side = tuple[RuleSet, Any, Marks]


class PreviousFileProblem(Exception):
    """The previous rule file cannot be compared; the message says where and why."""


@dataclass(frozen=True)
class Example:
    """One complete set of answers: in words, and as the fields of the Try answers form."""

    rows: list[tuple[str, list[str]]]  # (question, answers in words)
    fields: list[tuple[str, str]]  # (question id, value), one per ticked box


@dataclass(frozen=True)
class HeadlineChange:
    before: str  # the headline's title with the previous file ("" : no headline)
    after: str
    before_id: str  # outcome ids, as `rules diff --json` gives them ("": no headline)
    after_id: str
    answer_sets: int
    example: Example
    before_because: list[tuple[str, str]]  # the example's deciding answers, with each file
    after_because: list[tuple[str, str]]
    undecided: bool = False  # the old headline depended on answers the new file does not ask
    refused: bool = False  # the old file refused these answers (one contradicts another)
    to_refused: str = ""  # the new file refuses them: what it tells the person


@dataclass(frozen=True)
class RuleChange:
    rule: str
    starts: bool  # True: now matches answers it did not; False: no longer matches some
    answer_sets: int
    example: Example


@dataclass(frozen=True)
class Comparison:
    """The report a page shows: the diff of a previous file with the app's, in words."""

    source: str  # how the previous file was chosen, in words
    old_version: str
    old_reviewed: str
    new_version: str
    headlines: list[HeadlineChange] = field(default_factory=list)
    rules: list[RuleChange] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # meaning: added, removed, changed
    wording: list[Change] = field(default_factory=list)
    compared: bool = True
    spanish: bool = True  # False: only the English files were compared (an upload)
    note: str | None = None
    causes: list[tuple[CauseLine, Example]] = field(default_factory=list)  # largest first
    warnings: list[str] = field(default_factory=list)  # texts that still quote an old number
    new_questions: list[str] = field(default_factory=list)  # ids only the new file asks
    new_choices: list[str] = field(default_factory=list)  # "question.choice" it adds
    old_only: list[str] = field(default_factory=list)  # ids only the old file asks
    source_path: str = ""  # the previous file's path, when a setting names it
    continues: list[str] = field(default_factory=list)  # titles of stops one may now go past
    now_refused: NowRefused | None = None  # answer sets the old file accepted, now refused


# --- reading the two sides ----------------------------------------------------------------------


def read_side(data: bytes, name: str, limits: Limits = RULE_FILE) -> Side:
    """(rule set, raw data, marks) of a rule file that parses, even if its meaning is wrong:
    compare what it says even if it has a gap."""
    loaded = read_rules(data, name, verify=False, limits=limits)
    if loaded.ruleset is None:
        raise PreviousFileProblem("\n".join(str(p) for p in loaded.problems[:10]))
    return loaded.ruleset, loaded.raw, loaded.marks


def app_side(app: Flask) -> Side:
    """The app's own rule file: the rules it serves, with the marks of its text."""
    ruleset = engine_of(app).ruleset
    raw, marks = read_yaml(Path(app.config["QUESTIONNAIRE_RULES"]).read_bytes())
    return ruleset, raw, marks


# --- the report in words ------------------------------------------------------------------------


def example(rs: RuleSet, witness: dict[str, Any]) -> Example:
    """A witness answer set as a patient would read it, in the order the questions are asked."""
    rows, fields = [], []
    for q in rs.questions:
        if q.id not in witness:
            continue
        answer = witness[q.id]
        rows.append((q.prompt, answer_text(q, answer)))
        fields += [(q.id, str(v)) for v in (answer if isinstance(answer, list) else [answer])]
    return Example(rows, fields)


def because(engine: Engine, witness: dict[str, Any]) -> list[tuple[str, str]]:
    """The answers that decide the headline ("Because you said"), as (question, answer)."""
    try:
        return [(a.prompt, a.answer) for a in engine.evaluate(witness).said]
    except QuestionnaireError:  # no headline: the old file has a gap there
        return []


def compare(
    old: Side, new: Side, source: str, typical: dict[str, Any] | None = None, spanish: bool = False
) -> Comparison:
    """The diff of OLD and NEW (the app's), ready to show; examples nearest to `typical`; the
    Spanish beside the files too when `spanish` (files on the server; an upload has none)."""
    old_rs, new_rs = old[0], new[0]
    joint = joint_of(old_rs, new_rs)
    diff: Diff = diff_rulesets(old, new, joint, spanish)
    by_cause = (
        cause_lines(old_rs, new_rs, diff.changes, typical or {}, joint) if joint is not None else []
    )
    before = {o.id: o.title for o in old_rs.file.outcomes}
    after = {o.id: o.title for o in new_rs.file.outcomes}
    meta = old_rs.file.meta
    engines = Engine(old_rs), Engine(new_rs)
    space = joint.space if joint is not None else None
    return Comparison(
        source=source,
        old_version=meta.version,
        old_reviewed=meta.reviewed.strftime("%-d %B %Y"),
        new_version=new_rs.file.meta.version,
        headlines=[
            HeadlineChange(
                before.get(s.from_ or "", ""),
                after.get(s.to or "", ""),
                s.from_ or "",
                s.to or "",
                s.answer_sets,
                example(new_rs, s.witness),
                [] if s.undecided or s.refused else because(engines[0], s.witness_old),
                because(engines[1], s.witness),
                s.undecided,
                s.refused,
                (s.refused_by or {}).get("message", ""),
            )
            for s in diff.headlines
        ],
        rules=[
            RuleChange(s.rule or "", s.fires == "starts", s.answer_sets, example(new_rs, s.witness))
            for s in diff.rules
        ],
        changes=[c for c in diff.changes if not c.what.startswith("wording")],
        wording=[c for c in diff.changes if c.what.startswith("wording")],
        compared=diff.compared,
        spanish=spanish,
        note=diff.note,
        causes=[(c, example(new_rs, c.witness)) for c in by_cause],
        now_refused=now_refused(old_rs, new_rs, joint, typical or {}, lambda w: example(new_rs, w))
        if joint
        else None,
        warnings=diff.warnings,
        new_questions=space.new_only() if space else [],
        new_choices=[
            f"{q}.{c}" for q, cs in (space.new_choices() if space else {}).items() for c in cs
        ],
        old_only=space.old_only() if space else [],
        continues=[
            o.title
            for o in new_rs.file.outcomes
            if o.id in set(new_rs.may_continue) - set(old_rs.may_continue)
        ],
    )


# --- the configured comparison, made once -------------------------------------------------------


class Configured:
    """The comparison with the configured previous file, made once: when the app is built, for
    the outcome book written then (clinician.init_documents)."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.done = False
        self.result: Comparison | None = None
        self.problem: str | None = None
        self._side: Side | None = None
        setting = app.config.get("CLINICIAN_PREVIOUS_RULES")
        self.path = str(setting) if setting else None
        self.use_releases = setting is None  # "" turns the comparison off
        self.missing: str | None = None  # why there is no default comparison, in words

    def side(self) -> Side:
        """The app's side of every comparison, read once (uploads compare with it too)."""
        if self._side is None:
            self._side = app_side(self.app)
        return self._side

    def get(self) -> tuple[Comparison | None, str | None]:
        with self.lock:
            if not self.done:
                try:
                    self.result = self._compare()
                except PreviousFileProblem as exc:
                    self.problem = str(exc)
                self.done = True
        return self.result, self.problem

    def _compare(self) -> Comparison | None:
        if self.path:
            try:
                data = Path(self.path).read_bytes()
            except OSError as exc:
                raise PreviousFileProblem(
                    f"{self.path}: cannot read the file set in "
                    f"CLINICIAN_PREVIOUS_RULES: {exc.strerror}"
                ) from None
            found = compare(
                read_side(data, self.path),
                self.side(),
                "the file set in CLINICIAN_PREVIOUS_RULES",
                self.typical(),
                spanish=True,  # a path on the server, as the released files below
            )
            return replace(found, source_path=self.path)
        if not self.use_releases:
            return None
        rules = Path(self.app.config["QUESTIONNAIRE_RULES"])
        version = self.side()[0].file.meta.version
        previous = previous_release(rules, version)
        if previous is None:
            self.missing = (
                f"No released version older than {version} was found in "
                f"{rules.resolve().parent / 'releases'}/."
            )
            return None
        return compare(
            read_side(previous.read_bytes(), str(previous)),
            self.side(),
            f"the released version in releases/{previous.parent.name}/",
            self.typical(),
            spanish=True,
        )

    def typical(self) -> dict[str, Any]:
        scenarios = Path(self.app.config["QUESTIONNAIRE_SCENARIOS"])
        return typical_answers(scenarios, self.side()[0])

    def for_book(self) -> Comparison | None:
        """Printed in the outcome book: the comparison with the previous version, if any."""
        return self.get()[0]


def init_app(app: Flask) -> None:
    """Keep the configured comparison, and give the book's include a way to it."""
    configured = app.extensions[_KEY] = Configured(app)
    app.add_template_global(configured.for_book, "configured_changes")
    # First of all, before the CSRF check reads the form against the app's 64 KB limit.
    app.before_request_funcs.setdefault(None, []).insert(0, _allow_a_rule_file)


def _allow_a_rule_file() -> None:
    """An upload of a previous rule file may be larger than any other body the app takes."""
    if request.method == "POST" and request.endpoint == "clinician.changes":
        request.max_content_length = UPLOADED_RULE_FILE.max_bytes + UPLOAD_FORM_BYTES


# --- uploads, compared in a child process with a time limit -------------------------------------


def _compare_upload(conn, data: bytes, name: str, new: Side, typical: dict[str, Any]) -> None:
    """Runs in the child: send back ("ok", Comparison) or ("bad", message)."""
    # The collector would walk every object the app inherited, and writing their headers
    # copies each page of memory the child shares with the server: 3 to 5 times slower.
    gc.freeze()
    try:
        conn.send(
            (
                "ok",
                compare(
                    read_side(data, name, UPLOADED_RULE_FILE),
                    new,
                    f"the uploaded file {name}",
                    typical,
                ),
            )
        )
    except PreviousFileProblem as exc:
        conn.send(("bad", str(exc)))
    except Exception as exc:  # a message for the page, never a hang or a 500
        conn.send(("bad", f"{name}: the file could not be compared ({type(exc).__name__})"))
    finally:
        conn.close()


def compare_upload(
    data: bytes, name: str, new: Side, seconds: float, typical: dict[str, Any] | None = None
) -> Comparison:
    """Compare an uploaded previous file with the app's, in a child stopped after `seconds`."""
    context = multiprocessing.get_context("fork")  # the child shares the app's loaded rules
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_compare_upload, args=(writer, data, name, new, typical or {}), daemon=True
    )
    child.start()
    writer.close()
    try:
        if not reader.poll(seconds):
            raise PreviousFileProblem(
                f"{name}: comparing this file took longer than {seconds:g} seconds, so it was "
                "stopped. Compare it on the command line instead: flask --app wsgi rules diff "
                f"{name}"
            )
        try:
            status, value = reader.recv()
        except EOFError:
            raise PreviousFileProblem(f"{name}: the file could not be compared") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        reader.close()
    if status != "ok":
        raise PreviousFileProblem(value)
    return value


def configured(app: Flask) -> Configured:
    """The comparison CLINICIAN_PREVIOUS_RULES (or the last commit) sets up."""
    return app.extensions[_KEY]


def uploaded(configured: Configured) -> tuple[Comparison | None, str | None]:
    """The comparison of the rule file this request uploads, or the message that says why not."""
    upload = request.files.get("rules_file")
    if upload is None or not upload.filename:
        return None, "Choose a previous rule file (rules.yaml) to compare with."
    name = Path(upload.filename).name[:80] or "uploaded.yaml"
    data = upload.read(UPLOADED_RULE_FILE.max_bytes + 1)
    held = current_app.extensions["try_slots"].compare.take()  # its own slot: tries never wait
    if held is None:
        raise ServiceUnavailable(
            "Another comparison is running on this server. Send it again in a moment.",
            retry_after=5,
        )
    with held:
        try:
            return (
                compare_upload(data, name, configured.side(), UPLOAD_SECONDS, configured.typical()),
                None,
            )
        except PreviousFileProblem as exc:
            return None, str(exc)
