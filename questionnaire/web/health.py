"""GET /healthz: for load balancers. Says the rules loaded; touches no session."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..rules import engine_of
from .api_schema import Health, Operation, operation

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@operation(
    Operation(
        "getHealth",
        "Whether the app can evaluate answers, for load balancers",
        "operations",
        {
            200: ("The rules loaded; their version and fingerprint", Health, "application/json"),
            400: ("The Host header is not a valid host name (an HTML page)", None, "text/html"),
        },
    )
)
def healthz():
    """200 with the rules version and fingerprint while the app can evaluate answers."""
    engine = engine_of(current_app)
    return jsonify(
        {
            "status": "ok",
            "rules_version": engine.version,
            "rules_fingerprint": engine.ruleset.fingerprint,
        }
    )
