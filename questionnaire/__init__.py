"""A questionnaire that shows which general criteria for stem-cell treatment of worn spinal discs
seem to apply to a person, and sends them to a licensed clinician with better questions.

Importing this package imports no Flask, so `questionnaire.engine` stays a pure library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app (see questionnaire.app.create_app)."""
    from .app import create_app as build

    return build(config)
