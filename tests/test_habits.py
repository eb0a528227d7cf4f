"""The everyday tooling: `make help`, the hashed locks `make` installs from, local-only hooks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _phony_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    [line] = [line for line in text.splitlines() if line.startswith(".PHONY:")]
    return set(line.split(":", 1)[1].split())


def test_make_help_lists_every_target_with_what_it_does():
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    described = {line.split()[0]: line for line in shown.splitlines() if line.strip()}
    assert _phony_targets() <= set(described)
    assert all(len(line.split()) > 2 for line in described.values())


def _locked(path: Path) -> dict[str, str]:
    """name -> version of a compiled lock, after checking every pin carries a hash."""
    text = path.read_text()
    blocks = re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2])
    found = {}
    for block in blocks:
        name, _, version = block.split(" ", 1)[0].partition("==")
        assert version and "--hash=sha256:" in block, f"{path.name}: {block[:60]!r} has no hash"
        found[name.lower()] = version
    return found


def _direct(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "-r")):
            name, _, version = line.partition("==")
            pins[re.sub(r"[._]", "-", name.lower())] = version
    return pins


def test_every_dependency_is_locked_with_a_hash_at_its_direct_pin():
    runtime = _locked(ROOT / "requirements.txt")
    dev = _locked(ROOT / "requirements-dev.txt")
    direct_runtime = _direct(ROOT / "requirements.in")
    assert direct_runtime.items() <= runtime.items()
    assert _direct(ROOT / "requirements-dev.in").items() <= dev.items()
    # The dev lock is the runtime lock plus the tools: tests run what production runs.
    assert runtime.items() <= dev.items()
    assert len(runtime) > len(direct_runtime)  # transitive dependencies are pinned too


def test_make_installs_only_from_the_locks():
    makefile = (ROOT / "Makefile").read_text()
    installs = re.findall(r"pip install (.*)", makefile)
    assert installs == [
        "--require-hashes -r requirements.txt",
        "--require-hashes -r requirements-dev.txt",
    ]


def test_pre_commit_hooks_are_local_and_run_what_make_lint_runs():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    lint = (ROOT / "Makefile").read_text().split("\nlint:")[1].split("\n\n")[0]
    for tool in ("ruff format", "ruff check", "mypy"):
        assert any(tool in entry for entry in entries) and tool in lint
