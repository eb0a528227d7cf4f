"""Server CPU per request, in process: every patient page, clinician page and API call.

Run from the project root:  .venv/bin/python -m bench.requests   (make bench runs it first)

Builds the app as production does (a random SECRET_KEY, the clinician preview on), walks one
whole journey with the test client to get real cookies and a CSRF token, then calls the app's
WSGI callable directly (no server, no sockets) for each request, and reports the CPU time per
request: the fastest of several batches, so another process on the machine cannot inflate it.
The budget (issue 19): no page or API call over 2 ms. Exit status 3 if one is over it.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder

from .load import ANSWERS

BUDGET_MS = 2.0
BASE = "https://localhost"  # as nginx hands requests on (TRUSTED_PROXIES reads its headers)
PASSWORD = "bench-" + "p" * 20


@dataclass(frozen=True)
class Call:
    """One request, as a browser or an API client sends it."""

    name: str
    path: str
    method: str = "GET"
    form: dict[str, str | list[str]] | None = None
    json_body: dict | None = None
    cookies: bool = True  # send the journey's cookies (the API is called without)
    clinician: bool = False  # with the preview's Basic credentials


def make_app():
    from questionnaire import create_app

    return create_app(
        {
            "SECRET_KEY": base64.b64encode(os.urandom(32)).decode(),
            "CLINICIAN_PASSWORD": PASSWORD,
        }
    )


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if found is None:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def journey_cookies(app) -> tuple[str, str]:
    """(the Cookie header after a whole journey through the wizard, a CSRF token valid with it)."""
    client = app.test_client()
    url = "/step/" + app.extensions["questionnaire"].ruleset.file.steps[0].id
    while url.startswith("/step/"):
        page = client.get(url, base_url=BASE).get_data(as_text=True)
        asked = set(re.findall(r'name="([a-z_]+)"', page)) & set(ANSWERS)
        form = {"csrf_token": _token(page), **{q: ANSWERS[q] for q in asked}}
        response = client.post(
            url, data=_form_data(form), base_url=BASE, headers={"Referer": BASE + url}
        )
        if response.status_code not in (302, 303):
            raise SystemExit(f"POST {url} answered {response.status}, not a redirect")
        url = response.headers["Location"]
    first = app.extensions["questionnaire"].ruleset.file.steps[0].id
    token = _token(client.get("/step/" + first, base_url=BASE).get_data(as_text=True))
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    return cookie, token


def _form_data(form: dict) -> dict:
    return {
        k: [str(v) for v in value] if isinstance(value, list) else str(value)
        for k, value in form.items()
    }


def calls(app) -> list[Call]:
    steps = app.extensions["questionnaire"].ruleset.file.steps
    first = steps[0]
    return [
        Call("start page", "/"),
        *(Call(f"step page {s.id}", f"/step/{s.id}") for s in steps),
        Call(
            f"step page {first.id}, answers sent",
            f"/step/{first.id}",
            "POST",
            form={q.id: ANSWERS[q.id] for q in first.questions},
        ),
        Call("check answers page", "/check"),
        Call("summary page", "/summary"),
        Call("summary PDF handout", "/summary.pdf"),
        Call("answers download", "/summary/answers.json"),
        Call("help page", "/help"),
        Call("health check", "/healthz", cookies=False),
        Call(
            "API evaluate",
            "/api/v1/evaluate",
            "POST",
            json_body={"answers": ANSWERS},
            cookies=False,
        ),
        Call("API questionnaire", "/api/v1/questionnaire", cookies=False),
        Call("API OpenAPI document", "/api/v1/openapi.json", cookies=False),
        Call("API FHIR Questionnaire", "/api/v1/fhir/Questionnaire", cookies=False),
        Call("clinician overview", "/clinician/", cookies=False, clinician=True),
        Call("clinician try page", "/clinician/try", cookies=False, clinician=True),
        Call("clinician outcome book", "/clinician/book", cookies=False, clinician=True),
    ]


def wsgi_call(app, call: Call, cookie: str, token: str) -> Callable[[], str]:
    """A function that sends `call` to the app once and returns the status line."""
    headers = {}
    if call.cookies:
        headers["Cookie"] = cookie
    if call.clinician:
        headers["Authorization"] = (
            "Basic " + base64.b64encode(f"clinician:{PASSWORD}".encode()).decode()
        )
    body, content_type = None, None
    if call.form is not None:
        headers["Referer"] = BASE + call.path  # Flask-WTF checks it over HTTPS
        body = urlencode({"csrf_token": token, **_form_data(call.form)}, doseq=True)
        content_type = "application/x-www-form-urlencoded"
    elif call.json_body is not None:
        body, content_type = json.dumps(call.json_body), "application/json"
    environ = EnvironBuilder(
        path=call.path,
        base_url=BASE,
        method=call.method,
        headers=headers,
        data=body,
        content_type=content_type,
    ).get_environ()
    raw = body.encode() if body else b""
    status: list[str] = []

    def start_response(line, response_headers, exc_info=None):
        status.append(line)

    def one() -> str:
        status.clear()
        request = dict(environ)
        request["wsgi.input"] = io.BytesIO(raw)
        for _ in app.wsgi_app(request, start_response):
            pass
        return status[0]

    return one


def cpu_ms(one: Callable[[], str], batches: int, size: int) -> float:
    """The CPU time of one call: the fastest of `batches` batches of `size` calls."""
    best = float("inf")
    for _ in range(batches):
        start = time.process_time()
        for _ in range(size):
            one()
        best = min(best, (time.process_time() - start) / size)
    return best * 1000


def measure(batches: int = 7, size: int = 30) -> list[tuple[Call, str, float]]:
    app = make_app()
    cookie, token = journey_cookies(app)
    rows = []
    for call in calls(app):
        one = wsgi_call(app, call, cookie, token)
        status = one()
        if status[:1] not in ("2", "3"):
            raise SystemExit(f"{call.method} {call.path} answered {status}")
        for _ in range(20):  # warm up: templates compiled, first-use imports done
            one()
        rows.append((call, status.split()[0], cpu_ms(one, batches, size)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.requests", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--batches", type=int, default=7)
    parser.add_argument("--size", type=int, default=30, help="calls per batch")
    args = parser.parse_args(argv)
    rows = measure(args.batches, args.size)
    print(f"Server CPU per request, in process (fastest of {args.batches} batches of {args.size})")
    print("| request | status | CPU ms |\n|---|---:|---:|")
    for call, status, ms in rows:
        flag = "  OVER BUDGET" if ms > BUDGET_MS else ""
        print(f"| {call.method} {call.path} ({call.name}) | {status} | {ms:.2f}{flag} |")
    over = [call.name for call, _, ms in rows if ms > BUDGET_MS]
    print(
        f"\nBudget {BUDGET_MS} ms: "
        + (f"over it: {', '.join(over)}" if over else "every request within it")
    )
    return 3 if over else 0


if __name__ == "__main__":
    sys.exit(main())
