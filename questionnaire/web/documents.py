"""The release's documents: responses that depend only on the loaded rule files and the app's
configuration, never on the request. The OpenAPI document and the FHIR Questionnaire of each
language (api.py), the clinician's guidance overview and outcome book (clinician.py).

Each is written once when the app is built (`keep`, from the factory's `init_documents` step)
and sent as written (`send`): they take milliseconds to write and microseconds to send
(docs/benchmarks.md). Only a response whose bytes cannot differ between requests belongs here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app

_KEY = "documents"


@dataclass(frozen=True, slots=True)
class Document:
    body: bytes
    mimetype: str


def keep(app: Flask, name: str, body: str | bytes, mimetype: str) -> None:
    """Keep the document `name`, written when the app is built."""
    data = body.encode() if isinstance(body, str) else body
    app.extensions.setdefault(_KEY, {})[name] = Document(data, mimetype)


def send(name: str) -> Response:
    """The document `name` as it was written when the app was built."""
    document: Document = current_app.extensions[_KEY][name]
    return Response(document.body, mimetype=document.mimetype)
