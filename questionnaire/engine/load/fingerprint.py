"""A rule file's fingerprint, and the release record that pins each of its versions to one.

`rules_fingerprint` (design section 5): the SHA-256 of the rule file's bytes with line endings
normalised to LF, a NUL byte, then its translation's bytes likewise; the same for studies.yaml and
offer.yaml, each with its own .es file. Any change to the content, a comma of wording included,
changes it; a checkout on Windows (CRLF) does not. Each rule file has its changelog
(`docs/<name>-changelog.md`: rules.yaml's is docs/rules-changelog.md) recording each released
version's fingerprint, and `releases/<version>/` keeps the released files, so whether a shipped
file is its version's needs no git history.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .translations import translation_path

# A changelog entry's heading ("## 2.0.0 (2026-12-01)"), any other second-level heading (which
# must not be there: "## v2.0.0" would be an entry the gate cannot find), a fenced block (the
# format's example is not an entry), and an entry's fingerprint line.
_HEADING = re.compile(r"^## +(\d+\.\d+\.\d+)(?=[ \n]|$)", re.MULTILINE)
_ANY_HEADING = re.compile(r"^## +(.*)$", re.MULTILINE)
_FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_FINGERPRINT = re.compile(r"^- Fingerprint[^`\n]*`([0-9a-f]{64})`", re.MULTILINE)
TRANSLATION = "es"  # the translation the fingerprint covers (rules.es.yaml, offer.es.yaml...)


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def fingerprint(rules: bytes, translation: bytes) -> str:
    """SHA-256 (hex) of the rule file's bytes, a NUL byte, then its translation's bytes, both
    with line endings normalised to LF."""
    return hashlib.sha256(_lf(rules) + b"\0" + _lf(translation)).hexdigest()


def file_fingerprint(path: str | os.PathLike[str]) -> str:
    """The fingerprint of a rule file and the translation beside it (rules.yaml: rules.es.yaml).

    A rule file without a translation (1.0.0 had none) counts as an empty translation."""
    beside = Path(translation_path(path, TRANSLATION))
    translation = beside.read_bytes() if beside.exists() else b""
    return fingerprint(Path(path).read_bytes(), translation)


def pair(name: str) -> str:
    """The files a fingerprint covers, in words: 'rules.yaml and rules.es.yaml'."""
    return f"{name} and {Path(translation_path(name, TRANSLATION)).name}"


def fingerprint_line(value: str, name: str = "rules.yaml") -> str:
    """The changelog line that records a version's fingerprint of the rule file `name`."""
    return f"- Fingerprint ({pair(name).replace(' and ', ' + ')}): `{value}`"


@dataclass(frozen=True, slots=True)
class Entry:
    """One `## <version>` entry of the changelog: its line, and its fingerprint if it has one."""

    version: str
    line: int
    fingerprint: str | None


def _unfenced(text: str) -> str:
    """The changelog without its fenced blocks (blank lines in their place: lines still count)."""
    return _FENCED.sub(lambda block: "\n" * block.group().count("\n"), text)


def changelog_entries(text: str) -> dict[str, Entry]:
    """Version -> its changelog entry (a fingerprint line counts in the entry it sits in)."""
    text = _unfenced(text)
    headings = list(_HEADING.finditer(text))
    entries = {}
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        found = _FINGERPRINT.search(text, heading.end(), end)
        version = heading.group(1)
        line = text.count("\n", 0, heading.start()) + 1
        entries[version] = Entry(version, line, found.group(1) if found else None)
    return entries


def repeated_versions(text: str) -> dict[str, list[int]]:
    """Version -> the lines of its `## <version>` headings, for each version with more than one:
    a second entry could otherwise record a new fingerprint for a version already released."""
    lines: dict[str, list[int]] = {}
    text = _unfenced(text)  # the same lines, so the same line numbers
    for heading in _HEADING.finditer(text):
        lines.setdefault(heading.group(1), []).append(text.count("\n", 0, heading.start()) + 1)
    return {version: found for version, found in lines.items() if len(found) > 1}


@dataclass(frozen=True, slots=True)
class Release:
    """What the gate compares for one rule file: its name ("offer.yaml"), meta.version and
    fingerprint; its changelog's path (for messages) and text (None when the file is missing);
    and the fingerprint of its copy in releases/<version>/ (None when that copy is missing)."""

    name: str
    version: str
    shipped: str
    where: str
    changelog: str | None
    released: str | None


def release_problems(release: Release) -> list[str]:
    """Why the shipped file is not its version as released (empty: it is)."""
    name, version, shipped, where = release.name, release.version, release.shipped, release.where
    repeated = [
        f"{where}: version {old} has {len(lines)} entries (lines "
        f"{', '.join(map(str, lines))}): a version is released once; merge them, and give a "
        f"later change a new meta.version"
        for old, lines in repeated_versions(release.changelog or "").items()
    ]
    strays = [
        f"{where}: '## {heading.group(1)}' is not a version's entry ('## 1.2.3 (<date>)'): "
        "the gate would not find it; write the version as numbers, or use another heading level"
        for heading in _ANY_HEADING.finditer(_unfenced(release.changelog or ""))
        if not _HEADING.match(heading.group())
    ]
    if repeated or strays:
        return repeated + strays
    entry = changelog_entries(release.changelog or "").get(version)
    line = fingerprint_line(shipped, name)
    if entry is None:
        missing = f"{where} is missing: create it, and add" if release.changelog is None else "add"
        return [
            f"{name} {version} has no entry in {where}: {missing} '## {version} (<date>)' "
            f"saying what changed and why, with this line:\n    {line}"
        ]
    if entry.fingerprint is None:
        return [
            f"{where}:{entry.line}: the '## {version}' entry has no fingerprint; paste:\n    {line}"
        ]
    if entry.fingerprint != shipped:
        return [
            f"{pair(name)} changed since {version} was released ({where}:{entry.line} records "
            f"`{entry.fingerprint}`; the shipped files are `{shipped}`). Any change, wording "
            f"included, needs a new meta.version: raise meta.version in {name}, add its entry "
            f"to {where}, then run `flask --app wsgi rules gate` again for its fingerprint line."
        ]
    if release.released is None:
        return [f"releases/{version}/{name} is missing: copy {pair(name)} into releases/{version}/"]
    if release.released != shipped:
        return [
            f"releases/{version}/ does not hold {name} {version} (fingerprint "
            f"`{release.released}`, not `{shipped}`): copy the shipped {pair(name)} into it"
        ]
    return []
