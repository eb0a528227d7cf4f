"""WSGI entry point: `app` for gunicorn and `flask --app wsgi`."""

import sys

from questionnaire import create_app
from questionnaire.engine import QuestionnaireError

try:
    app = create_app()
except QuestionnaireError as exc:  # broken rules.yaml or no SECRET_KEY: say what, no traceback
    if {"rules", "studies"} & set(sys.argv[1:]):
        # `flask --app wsgi rules check|verify|...` exists to explain a broken rule file, and
        # needs no SECRET_KEY (nor does `studies refresh`): give it an app with the commands only.
        from questionnaire.app import create_cli_app

        app = create_cli_app()
    else:
        print(exc, file=sys.stderr)
        sys.exit(2)
