"""GET /healthz: for load balancers. Says the rules loaded; touches no session."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..engines import engine_for, engine_of, has_engine
from .api_schema import Health
from .openapi import Operation, operation
from .studies import studies_for

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
    found = {
        "status": "ok",
        "rules_version": engine.version,
        "rules_fingerprint": engine.ruleset.fingerprint,
    }
    snapshot = studies_for(current_app)
    if snapshot is not None:  # the other rule files the app serves, in their own fields
        found.update(
            studies_version=snapshot.file.meta.version, studies_fingerprint=snapshot.fingerprint
        )
    if has_engine(current_app, "offer"):
        offer = engine_for(current_app, None, "offer")
        found.update(offer_version=offer.version, offer_fingerprint=offer.ruleset.fingerprint)
    return jsonify(found)
