"""Security and privacy headers on every response, error pages included.

Aimed at Mozilla Observatory's A+ and OWASP ASVS L1 (V3 cookies, V14 headers); see
docs/deployment.md, "Headers and cookies".
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.datastructures import Headers

CSP = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)
# The questionnaire needs none of these; saying so stops any embedded or injected code asking.
PERMISSIONS = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: Flask-WTF checks the Referer of HTTPS posts (CSRF), and
    # no other site ever learns which page of the questionnaire someone came from.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS,
    # No other site's window keeps a handle on ours, and no other site may embed our responses.
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
API_DISPOSITION = 'attachment; filename="api.json"'  # nginx's JSON errors say the same


def security_headers(headers: Headers, *, secure: bool) -> None:
    """Set the headers every response carries (also used by the last-resort 500)."""
    headers.update(HEADERS)
    if secure:
        headers["Strict-Transport-Security"] = HSTS


def init_app(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        security_headers(response.headers, secure=request.is_secure)
        if request.endpoint != "static":
            # Pages and API answers may show answers: never keep them in any cache.
            response.headers["Cache-Control"] = "no-store"
        if request.path.startswith("/api/"):
            # An API answer opened in a browser is saved, never drawn as a page (ASVS 14.4.2).
            response.headers.setdefault("Content-Disposition", API_DISPOSITION)
        return response
