"""Answers live only in the signed session cookie. This module reads it carefully.

A cookie that fails its signature (forged or tampered) is not silently treated as new: the
patient is told their answers could not be read. Answers expire after 30 idle minutes.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

IDLE_SECONDS = 30 * 60


class AnswerSession(SecureCookieSession):
    unreadable = False  # the browser sent a cookie we could not trust


class AnswerSessionInterface(SecureCookieSessionInterface):
    session_class = AnswerSession

    def __init__(self) -> None:
        self._serializers: dict[tuple, Any] = {}

    def get_signing_serializer(self, app: Flask):
        """One serializer per key, not one per request (Flask builds a new one each time)."""
        key = (id(app), app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = self._serializers[key] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request) -> AnswerSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:  # most API calls: no cookie, nothing to verify
            return self.session_class() if app.secret_key else None
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        try:
            data = serializer.loads(cookie)  # idle expiry is checked by the views, not here
        except BadSignature:
            session = self.session_class()
            session.unreadable = True
            return session
        return self.session_class(data if isinstance(data, dict) else {})

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def now() -> int:
    return int(time.time())
