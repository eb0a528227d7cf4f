"""The `flask` command's app: the commands without the web app (app.create_cli_app, wsgi.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from questionnaire.app import create_cli_app

ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str], **env: str) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QUESTIONNAIRE_RULES", "FLASK_APP", "SECRET_KEY", "CLINICIAN_PASSWORD")
    }
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_app_has_the_commands_and_no_web_app():
    app = create_cli_app()
    assert {"rules", "studies"} <= set(app.cli.commands)
    assert app.blueprints == {}
    assert "questionnaire" not in app.extensions  # no rule file loaded, no verifier run
    assert not app.config["SECRET_KEY"]


@pytest.mark.slow  # a subprocess (about 1 s of CPU): left out of make quick
def test_rules_commands_run_where_the_web_app_would_refuse_to_start():
    # A clinician's password too short to serve with stops the web app; the commands, which
    # build no web app, still explain the rule file. Without SECRET_KEY too: a clinician
    # checking an edit does not need the server's secret.
    done = _run(["-m", "flask", "--app", "wsgi", "rules", "check"], CLINICIAN_PASSWORD="short")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: ")


@pytest.mark.slow  # a subprocess that builds the whole app: left out of make quick
def test_a_wsgi_server_gets_the_whole_app_and_its_refusal():
    done = _run(["-c", "import wsgi"], SECRET_KEY="x" * 40, CLINICIAN_PASSWORD="short")
    assert done.returncode == 2
    assert "CLINICIAN_PASSWORD has 5 characters" in done.stderr
    assert "Traceback" not in done.stderr
