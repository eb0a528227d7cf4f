"""A bare Flask hello-world app: the yardstick for the load benchmark (bench/load.py).

Run under the same gunicorn settings as the questionnaire, so the ratio of the two throughputs
shows what the questionnaire's own per-request work costs on top of Flask, gunicorn and the OS.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"


@app.get("/healthz")
def healthz():
    return "ok"
