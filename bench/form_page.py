"""A minimal WTForms page with CSRF and a session: a second yardstick for the load benchmark.

One radio question rendered by WTForms from an inline template, the CSRF token from Flask-WTF
(which also puts it in the signed session cookie). Any Flask + WTForms page with CSRF pays at
least this much per request, so the questionnaire's step page can be compared with it.
"""

from flask import Flask, render_template
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

app = Flask(__name__)
app.config["SECRET_KEY"] = "bench-only-not-secret"
CSRFProtect(app)


class QuestionForm(FlaskForm):
    answer = RadioField(
        "Do you have any of these right now?",
        choices=[
            SelectChoice("yes", "Yes"),
            SelectChoice("no", "No"),
            SelectChoice("not_sure", "Not sure"),
        ],
    )


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Question</title></head>
<body><main><form method="post" action="/">
{{ form.csrf_token }}
<fieldset><legend>{{ form.answer.label.text }}</legend>{{ form.answer() }}</fieldset>
<button type="submit">Continue</button>
</form></main></body></html>
"""


TEMPLATE = app.jinja_env.from_string(PAGE)  # compiled once, as Flask does for template files


@app.get("/")
def question():
    return render_template(TEMPLATE, form=QuestionForm())


@app.get("/healthz")
def healthz():
    return "ok"
