"""studies.yaml -> checked Studies: a dated snapshot of registry records, each with its main
criteria in rules.yaml's condition language over the questionnaire's question ids.

The file is read with the same YAML-with-marks reader and its conditions parsed by the same
Parser as rules.yaml, so an unknown question or value is refused with file:line:col. Its
Spanish texts (studies.es.yaml) merge in through the same translation code as rules.es.yaml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import typing
from collections.abc import Callable, Mapping
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..errors import RuleProblem, RulesError
from ..evaluation.conditions import Condition, Parser
from ..evaluation.ruleset import RuleSet
from ..model import RawCondition, Text, Url
from .fingerprint import file_fingerprint
from .shape import shape_problem
from .translations import Slot, read_translation
from .yamlsource import Marks, Path, YamlProblem, read_yaml

NctId = Annotated[str, StringConstraints(pattern=r"^NCT[0-9]{8}$")]
# The registry's own values (API v2 enums), so a refresh writes them unchanged.
Status = Literal[
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "COMPLETED",
    "WITHDRAWN",
    "UNKNOWN",
]
Phase = Literal["EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"]
OPEN = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Locations(_Frozen):
    countries: tuple[Text, ...] = ()
    states: tuple[Text, ...] = ()


class Study(_Frozen):
    nct_id: NctId
    title: Text
    sponsor: Text | None = Field(description="None: not read from the registry (say so).")
    phases: tuple[Phase, ...] = ()
    status: Status | None = None
    last_updated: dt.date | None = Field(None, description="The registry's last update posted.")
    locations: Locations = Locations()
    url: Url
    read_on: dt.date
    copy_read: tuple[Text, ...] = Field(min_length=1, description="Where each field was read.")
    not_read: tuple[Text, ...] = Field((), description="Fields left empty, and why.")
    quoted: tuple[Text, ...] = Field(min_length=1, description="The criteria mapped, verbatim.")
    criteria: RawCondition
    about: Text = Field(description="What the study tests, in plain words.")
    team_checks: tuple[Text, ...] = Field(min_length=1)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class Meta(_Frozen):
    title: Text
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    snapshot: dt.date = Field(description="The date the records were read.")
    registry_search: Url
    source: Url = Field(description="The FDA page: a registry listing is not FDA approval.")


class Texts(_Frozen):
    """Every patient-facing text of the studies' pages and summary section."""

    heading: Text
    intro: Text
    not_approval: Text
    none_match: Text = Field(description="{count}, {date}, {study}, {why}")
    none_listed: Text
    snapshot: Text = Field(description="{date}")
    search_registry: Text
    list_title: Text
    list_intro: Text
    not_in_list: Text = Field(description="{nct_id}")
    bad_id: Text
    fields: dict[str, Text]
    status: dict[str, Text]
    phases: dict[str, Text]
    not_read: Text


class StudiesFile(_Frozen):
    meta: Meta
    texts: Texts
    studies: tuple[Study, ...] = Field(min_length=1)


@dataclasses.dataclass(frozen=True)
class Studies:
    """A checked studies file: the records and each one's parsed criteria."""

    file: StudiesFile
    path: str
    criteria: dict[str, Condition]  # nct_id -> parsed criteria
    language: str = "en"
    fingerprint: str = ""  # of studies.yaml and studies.es.yaml, as rules_fingerprint

    @property
    def studies(self) -> tuple[Study, ...]:
        return self.file.studies

    def get(self, nct_id: str) -> Study | None:
        return next((s for s in self.file.studies if s.nct_id == nct_id), None)


def study_slots(raw: Any) -> list[Slot]:
    """Every patient-facing text of studies.yaml and its key in studies.es.yaml: the texts,
    and each study's `about` and `team_checks` under its NCT id (titles stay the registry's)."""
    if not isinstance(raw, dict):
        return []
    found: list[Slot] = []
    stack: list[Path] = [("texts",)]
    while stack:
        path = stack.pop()
        node = _at(raw, path)
        if isinstance(node, str):
            found.append(Slot(path, path))
        elif isinstance(node, dict):
            stack += [path + (k,) for k in node]
    for i, study in enumerate(raw.get("studies") or ()):
        if not isinstance(study, dict) or not isinstance(study.get("nct_id"), str):
            continue
        key = ("studies", study["nct_id"])
        if isinstance(study.get("about"), str):
            found.append(Slot(("studies", i, "about"), key + ("about",)))
        for k, text in enumerate(study.get("team_checks") or ()):
            if isinstance(text, str):
                found.append(Slot(("studies", i, "team_checks", k), key + ("team_checks", k)))
    return found


def _at(node: Any, path: Path) -> Any:
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def load_studies(
    path: str | os.PathLike[str], rulesets: Mapping[str, RuleSet], languages: tuple[str, ...] = ()
) -> dict[str, Studies]:
    """Read and check studies.yaml against the questions of the rule set in each language
    ({"en": ..., "es": ...}: the criteria explain themselves in that language's words), then
    each translation; RulesError lists every problem with file:line:col."""
    ruleset = rulesets["en"]
    name = os.fspath(path)
    try:
        raw, marks = read_yaml(FilePath(name).read_bytes())
    except OSError as exc:
        problem = RuleProblem(name, 1, 1, f"cannot read the studies file: {exc.strerror}")
        raise RulesError([problem]) from None
    except YamlProblem as exc:
        problem = RuleProblem(name, exc.line, exc.column, exc.message, exc.expected)
        raise RulesError([problem]) from None
    english = dataclasses.replace(
        check_studies(raw, marks, name, ruleset), fingerprint=file_fingerprint(name)
    )
    result = {"en": english}
    problems: list[RuleProblem] = []
    for language in languages:
        translation = read_translation(raw, marks, name, language, study_slots)
        problems += translation.problems
        if not translation.problems:
            result[language] = dataclasses.replace(
                check_studies(translation.data, marks, name, rulesets.get(language, ruleset)),
                language=language,
                fingerprint=english.fingerprint,
            )
    if problems:
        raise RulesError(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
    return result


def check_studies(raw: Any, marks: Marks, name: str, ruleset: RuleSet) -> Studies:
    """The shape, the NCT ids (each once) and every study's criteria, with file:line:col."""
    problems: list[RuleProblem] = []

    def fail(where: Path, problem: str, expected: str | None = None, key: bool = False) -> None:
        problems.append(RuleProblem(name, *marks.at(where, key=key), problem, expected))

    try:
        file = StudiesFile.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            problem, expected, on_key = shape_problem(err, StudiesFile)
            fail(tuple(err["loc"]), problem, expected, on_key)
        raise RulesError(problems) from None
    parser = Parser(ruleset.catalogue)
    criteria = _criteria(file, parser, fail)
    for found in parser.problems:
        fail(found.path, found.problem, found.expected, found.on_key)
    for field in ("status", "phases"):
        table = getattr(file.texts, field)
        for value in _values(field):
            if value not in table:
                fail(
                    ("texts", field),
                    f"no words for the {field} value '{value}'",
                    f"a text for {value} under texts.{field}",
                )
    if problems:
        raise RulesError(sorted(problems, key=lambda p: (p.line, p.column)))
    return Studies(file, name, criteria)


def _criteria(file: StudiesFile, parser: Parser, fail: Callable[..., None]) -> dict[str, Condition]:
    """Each study's parsed criteria; a repeated NCT id or a wrong address is a problem."""
    criteria: dict[str, Condition] = {}
    for i, study in enumerate(file.studies):
        if study.nct_id in criteria:
            fail(("studies", i, "nct_id"), f"{study.nct_id} is listed twice", "each study once")
        cond = parser.parse(study.criteria, ("studies", i, "criteria"))
        if cond is not None:
            criteria[study.nct_id] = cond
        if not study.url.endswith(study.nct_id):
            fail(
                ("studies", i, "url"),
                f"the address is not {study.nct_id}'s record",
                f"https://clinicaltrials.gov/study/{study.nct_id}",
            )
    return criteria


def _values(field: str) -> tuple[str, ...]:
    """Every value the registry may give (a refresh can bring any of them)."""
    return typing.get_args(Status if field == "status" else Phase)
