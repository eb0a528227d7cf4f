"""Server CPU per request, in process: every patient page, clinician page and API call.

Run from the project root:  .venv/bin/python -m bench.requests   (make bench runs it first)

Builds the app as production does (a random SECRET_KEY, the clinician preview on), walks one
whole journey with the test client to get real cookies and a CSRF token, then calls the app's
WSGI callable directly (no server, no sockets) for each request, and reports the CPU time per
request: the fastest of several batches, so another process on the machine cannot inflate it.
The budget (issue 19): no page or API call over 2 ms, except two rows whose budget is derived
from other rows' figures in the same run: the handout (a multiple of the summary page) and a
scenario tried on the clinician's try page (the try page plus the summary page, both of which it
shows, and the reasoning on top). Exit status 3 if one is over its budget.
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
DERIVED_BUDGETS = (
    "the handout: 20x the summary page in English, 40x in Spanish with its English copy",
    "a scenario tried: 1.2x the try page + the summary page",
)
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
    # A budget derived from other rows of the same run: `times` the sum of the CPU of the rows
    # at these paths (the handout, issue 20: 20x the summary page; a scenario tried: the try page
    # and the patient's summary page, both of which it shows whole, and a fifth more for the
    # reasoning it adds: the engine's trace of every rule and its two tables, docs/benchmarks.md).
    budget_of: tuple[str, ...] = ()
    times: float = 1.0

    def budget(self, measured: dict[str, float]) -> float:
        """The row's budget in ms, given the CPU ms of every row measured, by path."""
        if not self.budget_of:
            return BUDGET_MS
        return self.times * sum(measured[path] for path in self.budget_of)

    def budget_label(self) -> str:
        if not self.budget_of:
            return ""
        parts = " + ".join(PART_NAMES.get(path, path) for path in self.budget_of)
        return f" ({self.times:g}x {parts if len(self.budget_of) == 1 else f'({parts})'})"


PART_NAMES = {"/summary": "summary", "/clinician/try": "try page"}


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


def _answers_on(page: str) -> dict[str, str | list[str]]:
    """The benchmark's answer to each question on a page: bench.load.ANSWERS where it has one
    (the patient's `discuss` journey), else the first choice (the clinic-offer check)."""
    form: dict[str, str | list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        attrs = dict(re.findall(r'([a-z]+)="([^"]*)"', tag))
        name, kind = attrs.get("name", ""), attrs.get("type", "text")
        if name in form or kind not in ("radio", "checkbox", "text", "number"):
            continue
        if name in ANSWERS:
            form[name] = ANSWERS[name]
        else:
            value = attrs.get("value") or "1"
            form[name] = [value] if kind == "checkbox" else value
    return form


def walk(client, first: str) -> tuple[str, dict[str, str | list[str]]]:
    """Walk a wizard from its first page to where it ends; (that URL, every answer sent)."""
    url, sent = first, {}
    while "/step/" in url:
        page = client.get(url, base_url=BASE).get_data(as_text=True)
        form = _answers_on(page)
        sent.update(form)
        response = client.post(
            url,
            data=_form_data({"csrf_token": _token(page), **form}),
            base_url=BASE,
            headers={"Referer": BASE + url},
        )
        if response.status_code not in (302, 303):
            raise SystemExit(f"POST {url} answered {response.status}, not a redirect")
        url = response.headers["Location"]
    return url, sent


def journey_cookies(app) -> tuple[str, str, dict[str, str | list[str]]]:
    """(the Cookie header after whole journeys through the wizard and the clinic-offer check, a
    CSRF token valid with it, the offer check's answers)."""
    client = app.test_client()
    first = app.extensions["questionnaire"].ruleset.file.steps[0].id
    walk(client, "/step/" + first)
    offer: dict[str, str | list[str]] = {}
    if offer_step(app):
        offer = walk(client, f"/offer/step/{offer_step(app)}")[1]
    token = _token(client.get("/step/" + first, base_url=BASE).get_data(as_text=True))
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    return cookie, token, offer


def offer_step(app) -> str | None:
    """The clinic-offer check's first step, where the app serves it."""
    from questionnaire.engines import engine_for, has_engine

    if not has_engine(app, "offer"):
        return None
    return engine_for(app, "en", "offer").ruleset.file.steps[0].id


def _form_data(form: dict) -> dict:
    return {
        k: [str(v) for v in value] if isinstance(value, list) else str(value)
        for k, value in form.items()
    }


def calls(app, offer_answers: dict | None = None) -> list[Call]:
    """Every page and API call, as a patient, an API client or a clinician sends it."""
    steps = app.extensions["questionnaire"].ruleset.file.steps
    first = steps[0]
    from questionnaire.web.studies import studies_for

    snapshot = studies_for(app)
    study = snapshot.studies[0] if snapshot and snapshot.studies else None
    offer = offer_step(app)
    basic = {"cookies": False, "clinician": True}
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
        Call("summary PDF handout", "/summary.pdf", budget_of=("/summary",), times=20),
        Call(
            "summary PDF handout, Spanish with its English copy",
            "/summary.pdf?lang=es",
            budget_of=("/summary",),
            times=40,
        ),
        Call("answers download", "/summary/answers.json"),
        Call("help page", "/help"),
        Call("start again page", "/start-again"),
        Call("answers expired page", "/expired"),
        Call("still here (keeps the answers)", "/still-here"),
        Call("clear answers (302)", "/clear", "POST", form={}),
        *(
            [
                Call("studies list", "/studies"),
                Call("one study's record", f"/studies/{study.nct_id}"),
            ]
            if study
            else []
        ),
        *(
            [
                Call("offer check start page", "/offer/"),
                Call(f"offer check page {offer}", f"/offer/step/{offer}"),
                Call(
                    f"offer check page {offer}, answers sent",
                    f"/offer/step/{offer}",
                    "POST",
                    form=offer_page_answers(app, offer_answers or {}),
                ),
                Call("offer check answers page", "/offer/check"),
                Call("offer check summary", "/offer/summary"),
            ]
            if offer
            else []
        ),
        Call("health check", "/healthz", cookies=False),
        Call(
            "API evaluate",
            "/api/v1/evaluate",
            "POST",
            json_body={"answers": ANSWERS},
            cookies=False,
        ),
        *(
            [
                Call(
                    "API offer evaluate",
                    "/api/v1/offer/evaluate",
                    "POST",
                    json_body={"answers": _json_answers(offer_answers or {})},
                    cookies=False,
                )
            ]
            if offer
            else []
        ),
        Call("API questionnaire", "/api/v1/questionnaire", cookies=False),
        Call("API OpenAPI document", "/api/v1/openapi.json", cookies=False),
        Call("API FHIR Questionnaire", "/api/v1/fhir/Questionnaire", cookies=False),
        Call("clinician overview", "/clinician/", **basic),
        Call("clinician try page", "/clinician/try", **basic),
        Call(
            "clinician try page, a scenario tried: the try page, the patient's whole summary "
            "page and the reasoning",
            "/clinician/try?scenario=discuss.yaml:0",
            budget_of=("/clinician/try", "/summary"),
            times=1.2,
            **basic,
        ),
        Call("clinician outcome book", "/clinician/book", **basic),
        Call("clinician sign-off sheet", "/clinician/sign-off", **basic),
        Call("clinician what changed", "/clinician/changes", **basic),
    ]


def offer_page_answers(app, answers: dict) -> dict:
    """The offer check's answers to the questions of its first page."""
    from questionnaire.engines import engine_for

    first = engine_for(app, "en", "offer").ruleset.file.steps[0]
    return {q.id: answers[q.id] for q in first.questions if q.id in answers}


def _json_answers(form: dict) -> dict:
    """Form values as the API takes them: whole numbers as numbers."""
    return {
        k: v if isinstance(v, list) else int(v) if str(v).isdigit() else v for k, v in form.items()
    }


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


def measure(
    batches: int = 7, size: int = 30, only: list[str] | None = None
) -> list[tuple[Call, str, float]]:
    app = make_app()
    cookie, token, offer = journey_cookies(app)
    rows = []
    for call in calls(app, offer):
        if only and call.path not in only and call.path not in PART_NAMES:
            continue
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
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATH",
        help="only this path (and the rows other budgets are derived from)",
    )
    args = parser.parse_args(argv)
    rows = measure(args.batches, args.size, args.only)
    measured = {call.path: ms for call, _, ms in rows}
    print(f"Server CPU per request, in process (fastest of {args.batches} batches of {args.size})")
    print("| request | status | CPU ms | budget ms |\n|---|---:|---:|---:|")
    over = []
    for call, status, ms in rows:
        budget = call.budget(measured)
        if ms > budget:
            over.append(call.name)
        flag = "  OVER BUDGET" if ms > budget else ""
        limit = f"{budget:.2f}{call.budget_label()}"
        print(f"| {call.method} {call.path} ({call.name}) | {status} | {ms:.2f}{flag} | {limit} |")
    print(
        f"\nBudget {BUDGET_MS} ms ({'; '.join(DERIVED_BUDGETS)}): "
        + (f"over it: {', '.join(over)}" if over else "every request within it")
    )
    return 3 if over else 0


if __name__ == "__main__":
    sys.exit(main())
