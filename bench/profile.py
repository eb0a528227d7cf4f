"""Where one request's time goes: a target of the load benchmark, in process, under pyinstrument.

Run from the project root:  .venv/bin/python -m bench.profile
    [step|evaluate|summary|download|check|overview|try|tried|book|sign-off]
    [--requests 3000] [--tree]

Calls the app's WSGI callable directly (no server, no sockets), so it shows the app's own
per-request work (bench/requests.py measures every page this way). Prints the CPU time per
request (fastest of 20 batches) and the share of the sampled time spent in each part of the
request; --tree adds pyinstrument's call tree.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Callable

from .load import ANSWERS

EVALUATE_BODY = json.dumps({"answers": ANSWERS})

# (label, function name, part of the file path); a sample counts once per label, in the
# outermost frame that matches. "of which" lines are inside the line above them.
PARTS = (
    ("request set-up: request context, URL adapter", "request_context", "flask/app.py"),
    ("request set-up: push the context", "push", "flask/ctx.py"),
    ("  of which open_session (read the cookie)", "open_session", ""),
    ("before_request hooks (CSRF check, session guard)", "preprocess_request", ""),
    ("engine (questionnaire/engine): walk, evaluate", "", "questionnaire/engine/"),
    ("API JSON: the Summary written as JSON", "summary_response", ""),
    ("WTForms: build the form", "__call__", "wtforms/form.py"),
    ("  of which the CSRF token (Flask-WTF)", "generate_csrf", ""),
    ("Jinja: render_template", "render_template", "flask/templating.py"),
    ("  of which macros (the question, the summary's cards and findings)", "macro", "macros.html"),
    ("  of which url_for in the templates", "url_for", ""),
    ("  of which gettext (the interface text)", "gettext", "jinja2/ext.py"),
    ("  of which markupsafe.escape", "escape", "markupsafe"),
    ("API: the model written as JSON", "model_dump_json", ""),
    ("after_request: security headers", "add_headers", ""),
    ("save_session (sign the cookie)", "save_session", ""),
)


def app_call(import_app: Callable, path: str, method: str = "GET", body: str | None = None):
    """A builder of one WSGI call to `path` on the app that `import_app` returns."""

    def build() -> Callable[[], None]:
        from werkzeug.test import EnvironBuilder

        app = import_app()
        environ = EnvironBuilder(
            path=path, method=method, data=body, content_type="application/json" if body else None
        ).get_environ()

        def start_response(status, headers, exc_info=None):
            if not status.startswith("200"):
                raise SystemExit(f"{method} {path} answered {status}")

        def one() -> None:
            request = dict(environ)
            if body:
                request["wsgi.input"] = io.BytesIO(body.encode())
            for _ in app.wsgi_app(request, start_response):
                pass

        return one

    return build


def targets() -> dict[str, Callable[[], Callable[[], None]]]:
    def questionnaire():
        from questionnaire import create_app

        return create_app({"SECRET_KEY": "bench-profile-" + "k" * 50})

    return {
        "step": app_call(questionnaire, "/step/warning_signs"),
        "evaluate": app_call(questionnaire, "/api/v1/evaluate", "POST", EVALUATE_BODY),
        **{name: journey_call(path) for name, path in JOURNEY_TARGETS.items()},
    }


# Pages that need a finished journey's cookies or the clinician's password (bench/requests.py).
JOURNEY_TARGETS = {
    "summary": "/summary",
    "download": "/summary/answers.json",
    "check": "/check",
    "overview": "/clinician/",
    "try": "/clinician/try",
    "tried": "/clinician/try?scenario=discuss.yaml:0",
    "book": "/clinician/book",
    "sign-off": "/clinician/sign-off",
}


def journey_call(path: str):
    """A builder of one call to `path` exactly as bench.requests sends it."""

    def build() -> Callable[[], None]:
        from . import requests

        app = requests.make_app()
        cookie, token, offer = requests.journey_cookies(app)
        call = next(c for c in requests.calls(app, offer) if c.path == path)
        one = requests.wsgi_call(app, call, cookie, token)

        def once() -> None:
            one()

        return once

    return build


def cpu_per_request(one: Callable[[], None], batches: int = 20, size: int = 50) -> float:
    best = float("inf")
    for _ in range(batches):
        start = time.process_time()
        for _ in range(size):
            one()
        best = min(best, (time.process_time() - start) / size)
    return best * 1e6


def shares(root) -> dict[str, float]:
    """Label -> seconds, from pyinstrument's frame tree."""
    found = dict.fromkeys((label for label, _, _ in PARTS), 0.0)

    def walk(frame, inside: frozenset[str]) -> None:
        here = set(inside)
        for label, function, path in PARTS:
            if (
                label not in inside
                and function in ("", frame.function)
                and path in (frame.file_path_short or "")
            ):
                found[label] += frame.time
                here.add(label)
        for child in frame.children:
            walk(child, frozenset(here))

    walk(root, frozenset())
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile", description=__doc__.split("\n")[0]
    )
    parser.add_argument("target", nargs="?", default="step", choices=list(targets()))
    parser.add_argument("--requests", type=int, default=3000, help="profiled (default 3000)")
    parser.add_argument("--tree", action="store_true", help="print pyinstrument's call tree")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    one = targets()[args.target]()
    for _ in range(200):
        one()
    print(
        f"{args.target}: {cpu_per_request(one):.0f} µs CPU per request "
        "(fastest of 20 batches of 50, in process, no server)"
    )
    profiler = Profiler(interval=0.0001)
    profiler.start()
    for _ in range(args.requests):
        one()
    profiler.stop()
    root = profiler.last_session.root_frame()
    total = root.time
    print(f"\nShare of {args.requests} profiled requests ({total:.1f} s sampled)")
    for label, seconds in shares(root).items():
        if seconds:
            print(f"  {100 * seconds / total:5.1f}%  {label}")
    if args.tree:
        print(profiler.output_text(show_all=False, processor_options={"filter_threshold": 0.02}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
