"""WSGI entry point: `app` for gunicorn and `flask --app wsgi`."""

import sys

from questionnaire import create_app
from questionnaire.engine import QuestionnaireError

try:
    app = create_app()
except QuestionnaireError as exc:  # broken rules.yaml or no SECRET_KEY: say what, no traceback
    print(exc, file=sys.stderr)
    sys.exit(2)
