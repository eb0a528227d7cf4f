"""Answers live only in the session cookie, encrypted and authenticated. This module reads it
carefully.

The cookie is a Fernet token (AES-128-CBC with an HMAC-SHA256, from `cryptography`): nobody who
sees it (a proxy log, a shared computer) can read an answer from it, and nobody can change it.
Its key is derived from SECRET_KEY with HKDF; keys in SECRET_KEY_FALLBACKS still open cookies
written under them, so a key can be rotated without ending every patient's session.

A cookie that fails its check (forged, tampered, or under a key no longer accepted) is not
silently treated as new: the patient is told their answers could not be read. Answers expire
after 30 idle minutes, and 2 hours after the first answer whatever happens (that bounds how long
a copied cookie can be replayed, which Clear cannot reach).
"""

from __future__ import annotations

import base64
import time
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, request
from flask.sessions import SecureCookieSession, SessionInterface, session_json_serializer

IDLE_SECONDS = 30 * 60
MAX_SECONDS = 2 * 60 * 60  # from the first answer: a copied cookie is dead after this
PLAIN_NAME = "session"  # over plain http (`make run` on 127.0.0.1)
# Over HTTPS: the browser keeps a __Host- cookie only if it is Secure, has Path=/ and no Domain,
# so no other host of the domain, and nothing sent over http, can set or overwrite it.
HOST_NAME = "__Host-session"
_KDF_SALT = b"stem-cell-criteria-check answers cookie"
_KDF_INFO = b"fernet key v1"


def derive_key(secret: str | bytes) -> bytes:
    """The Fernet key for one SECRET_KEY: 32 bytes from HKDF-SHA256, base64 as Fernet wants."""
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_KDF_SALT, info=_KDF_INFO).derive(raw)
    return base64.urlsafe_b64encode(key)


class AnswerCipher:
    """Encrypts with the current key; decrypts with it or any fallback key."""

    def __init__(self, secret: str | bytes, fallbacks: tuple[str | bytes, ...] = ()):
        self._fernet = MultiFernet([Fernet(derive_key(s)) for s in (secret, *fallbacks)])

    def dumps(self, data: dict[str, Any]) -> str:
        payload = session_json_serializer.dumps(dict(data)).encode("utf-8")
        return self._fernet.encrypt(payload).decode("ascii")

    def loads(self, token: str) -> Any:
        """The data, or raise InvalidToken."""
        try:
            payload = self._fernet.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            raise InvalidToken from None
        try:
            return session_json_serializer.loads(payload.decode("utf-8"))
        except ValueError:  # cannot happen with our key, unless an old format: still unreadable
            raise InvalidToken from None


class AnswerSession(SecureCookieSession):
    unreadable = False  # the browser sent a cookie we could not trust


class AnswerSessionInterface(SessionInterface):
    session_class = AnswerSession

    def __init__(self) -> None:
        self._ciphers: dict[tuple, AnswerCipher] = {}

    def cipher(self, app: Flask) -> AnswerCipher | None:
        """One cipher per set of keys, not one per request (HKDF and key setup cost ~50 us)."""
        if not app.secret_key:
            return None
        fallbacks = tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())
        key = (app.secret_key, fallbacks)
        found = self._ciphers.get(key)
        if found is None:
            found = self._ciphers[key] = AnswerCipher(app.secret_key, fallbacks)
        return found

    def use_host_prefix(self, app: Flask) -> bool:
        """__Host- over HTTPS, when nothing configured rules it out (a Domain or a sub-path)."""
        return (request.is_secure and not app.config.get("SESSION_COOKIE_DOMAIN")
                and self.get_cookie_path(app) == "/")

    def get_cookie_name(self, app: Flask) -> str:
        return HOST_NAME if self.use_host_prefix(app) else app.config["SESSION_COOKIE_NAME"]

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request) -> AnswerSession | None:
        cipher = self.cipher(app)
        if cipher is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:  # most API calls: no cookie, nothing to open
            return self.session_class()
        try:
            data = cipher.loads(cookie)  # idle expiry is checked by the views, not here
        except InvalidToken:
            session = self.session_class()
            session.unreadable = True
            return session
        return self.session_class(data if isinstance(data, dict) else {})

    def save_session(self, app: Flask, session: AnswerSession, response) -> None:
        name = self.get_cookie_name(app)
        domain = None if name == HOST_NAME else self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)
        if session.accessed:
            response.vary.add("Cookie")
        if not session:
            if session.modified or session.unreadable:  # forget it in the browser too
                response.delete_cookie(name, domain=domain, path=path, secure=secure,
                                       samesite=samesite, httponly=httponly)
                response.vary.add("Cookie")
            return
        if not self.should_set_cookie(app, session):
            return
        response.set_cookie(name, self.cipher(app).dumps(session),
                            expires=self.get_expiration_time(app, session), httponly=httponly,
                            domain=domain, path=path, secure=secure, samesite=samesite)
        response.vary.add("Cookie")


def now() -> int:
    return int(time.time())
