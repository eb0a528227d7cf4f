"""WSGI entry point: `app` for gunicorn, and for the `flask --app wsgi ...` commands.

A WSGI server (gunicorn) gets the whole app, built and checked at start-up: a broken rule file
or a missing SECRET_KEY stops it with the reason and exit status 2. The `flask` command gets
only its commands (create_cli_app): `flask --app wsgi rules check` exists to explain a broken
rule file, and needs no SECRET_KEY.
"""

import sys

import click
from flask.cli import ScriptInfo

from questionnaire import create_app
from questionnaire.app import create_cli_app
from questionnaire.engine import QuestionnaireError


def loaded_by_the_flask_command() -> bool:
    """Whether the `flask` command is loading this module: it does so inside its click context,
    which holds its ScriptInfo. A WSGI server imports it outside any."""
    context = click.get_current_context(silent=True)
    return context is not None and context.find_object(ScriptInfo) is not None


if loaded_by_the_flask_command():
    app = create_cli_app()
else:
    try:
        app = create_app()
    except QuestionnaireError as exc:  # broken rules.yaml or no SECRET_KEY: say what, no traceback
        print(exc, file=sys.stderr)
        sys.exit(2)
