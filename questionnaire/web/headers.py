"""Security and privacy headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

CSP = ("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
       "object-src 'none'")


def init_app(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        # same-origin, not no-referrer: Flask-WTF checks the Referer of HTTPS posts (CSRF), and
        # no other site ever learns which page of the questionnaire someone came from.
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages and API answers may show answers: never keep them in any cache.
            headers["Cache-Control"] = "no-store"
        return response
