"""Answers live only in the session cookies, encrypted and authenticated. This module reads
them carefully.

Each cookie is AES-256-GCM (from `cryptography`) under a key derived from SECRET_KEY with HKDF,
with the cookie's purpose (main, or which step) as associated data: nobody who sees a cookie (a
proxy log, a shared computer) can read an answer from it, nobody can change it, and one step's
cookie cannot pass for another's. Keys in SECRET_KEY_FALLBACKS still open cookies written under
them, so a key can be rotated without ending every patient's session.

A cookie that fails its check (forged, tampered, or under a key no longer accepted) is not
silently treated as new: the patient is told their answers could not be read. Answers expire
after 30 idle minutes, and 2 hours after the first answer whatever happens (that bounds how long
a copied cookie can be replayed, which Clear cannot reach).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import time
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSession, SessionInterface

from ..engine.model import Step

IDLE_SECONDS = 30 * 60
MAX_SECONDS = 2 * 60 * 60  # from the first answer: a copied cookie is dead after this
# Over plain http (`make run` on 127.0.0.1) the cookies are named SESSION_COOKIE_NAME
# ("session"). Over HTTPS: the browser keeps a __Host- cookie only if it is Secure, has Path=/
# and no Domain, so no other host of the domain, and nothing sent over http, can overwrite it.
HOST_NAME = "__Host-session"
_KDF_SALT = b"stem-cell-criteria-check answers cookie"
_KDF_INFO = b"aes-256-gcm key v1"
_VERSION = b"\x01"  # the first byte of every token: the format, so it can change one day
_NONCE = 12


class InvalidToken(Exception):
    """A cookie that is not ours, was changed, or was written under a key no longer accepted."""


def derive_key(secret: str | bytes) -> bytes:
    """The AES-256 key for one SECRET_KEY: 32 bytes from HKDF-SHA256."""
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_KDF_SALT, info=_KDF_INFO).derive(raw)


class AnswerCipher:
    """Encrypts with the current key; decrypts with it or any fallback key."""

    def __init__(self, secret: str | bytes, fallbacks: tuple[str | bytes, ...] = ()):
        self._current = AESGCM(derive_key(secret))
        self._old = tuple(AESGCM(derive_key(s)) for s in fallbacks)

    def dumps(self, data: dict[str, Any], purpose: str = "main") -> str:
        nonce = os.urandom(_NONCE)  # random per cookie: 2^-32 collision odds after 2^32 writes
        sealed = self._current.encrypt(
            nonce, json.dumps(data, separators=(",", ":")).encode(), purpose.encode()
        )
        return base64.urlsafe_b64encode(_VERSION + nonce + sealed).rstrip(b"=").decode("ascii")

    def open(self, token: str, purpose: str = "main") -> tuple[Any, bool]:
        """(the data, whether it was written under an old key), or raise InvalidToken."""
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise InvalidToken from None
        if len(raw) < 1 + _NONCE + 16 or raw[:1] != _VERSION:
            raise InvalidToken
        nonce, sealed, aad = raw[1 : 1 + _NONCE], raw[1 + _NONCE :], purpose.encode()
        for i, key in enumerate((self._current, *self._old)):
            try:
                payload = key.decrypt(nonce, sealed, aad)
            except InvalidTag:
                continue
            try:
                return json.loads(payload), i > 0
            except ValueError:  # cannot happen with our key: still unreadable
                raise InvalidToken from None
        raise InvalidToken


# Where each part of the session lives: the answers of each step in a cookie of their own (with
# the rules version and start time they belong to), everything else in the main cookie.
STEP_KEYS = ("answers", "v", "born")


class AnswerSession(SecureCookieSession):
    """The session as the views see it, plus what the browser sent, to write back only changes."""

    unreadable = False  # the browser sent a cookie we could not trust
    rekey = False  # a cookie was written under a key in SECRET_KEY_FALLBACKS

    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        *,
        main: dict | None = None,
        steps: dict[str, dict] | None = None,
        received: tuple[str, ...] = (),
    ):
        super().__init__(initial)
        self.opened_main = main or {}  # the main cookie's data as received
        self.opened_steps = steps or {}  # step id -> its answers as received
        self.received = received  # names of our cookies the browser sent


class AnswerSessionInterface(SessionInterface):
    """Answers split by step: one encrypted cookie per step, and a main cookie.

    Two tabs that post at once both send the cookies they had; each response sets only the
    cookie of the step it changed, and the browser keeps both. So answers merge per step
    instead of the later tab silently undoing the other (the server keeps no state to merge
    with). The cookies of one session share a random `sid`: a step cookie left over from before
    Clear (or from anyone else) is ignored.
    """

    session_class = AnswerSession

    def __init__(self, cipher: AnswerCipher, steps: Sequence[Step]):
        self._cipher = cipher
        self._step_ids = tuple(s.id for s in steps)
        self._step_of = {q.id: s.id for s in steps for q in s.questions}

    @classmethod
    def for_app(cls, app: Flask, steps: Sequence[Step]) -> AnswerSessionInterface:
        """The interface for the app's keys (SECRET_KEY, SECRET_KEY_FALLBACKS) and steps."""
        fallbacks = tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())
        return cls(AnswerCipher(app.config["SECRET_KEY"], fallbacks), steps)

    def cipher(self, app: Flask) -> AnswerCipher:
        """The cipher of the app's keys."""
        return self._cipher

    def use_host_prefix(self, app: Flask) -> bool:
        """__Host- over HTTPS, when nothing configured rules it out (a Domain or a sub-path)."""
        return (
            request.is_secure
            and not app.config.get("SESSION_COOKIE_DOMAIN")
            and self.get_cookie_path(app) == "/"
        )

    def get_cookie_name(self, app: Flask) -> str:
        return HOST_NAME if self.use_host_prefix(app) else app.config["SESSION_COOKIE_NAME"]

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request) -> AnswerSession:
        cipher = self._cipher
        base = self.get_cookie_name(app)
        cookies = request.cookies  # `in` first: for a missing name, .get() builds an exception
        tokens = {
            name: cookies[name]
            for name in (base, *(f"{base}-{s}" for s in self._step_ids))
            if name in cookies and cookies[name]
        }
        if not tokens:  # most API calls: no cookie, nothing to open
            return self.session_class()
        try:
            found = {
                name: cipher.open(token, _purpose(name, base)) for name, token in tokens.items()
            }
        except InvalidToken:
            session = self.session_class(received=tuple(tokens))
            session.unreadable = True
            return session
        opened = {name: data for name, (data, _) in found.items()}
        main = opened.pop(base, None)
        main = main if isinstance(main, dict) else {}
        sid = main.get("sid")
        parts = {
            name[len(base) + 1 :]: part
            for name, part in opened.items()
            if isinstance(part, dict)
            and sid is not None
            and part.get("sid") == sid
            and isinstance(part.get("a"), dict)
        }
        session = self.session_class(
            {**main, **_joined(parts, main)},
            main=main,
            steps={s: part["a"] for s, part in parts.items()},
            received=tuple(tokens),
        )
        session.rekey = any(old for _, old in found.values())  # rewrite under the new key
        return session

    def is_null_session(self, obj: object) -> bool:
        """Flask saves no session for the API: its contract is no cookies, not even the
        deletion of an unreadable one (attack report I3)."""
        api = has_request_context() and request.path.startswith("/api/")
        return api or super().is_null_session(obj)

    def save_session(  # type: ignore[override]  # open_session made an AnswerSession
        self, app: Flask, session: AnswerSession, response
    ) -> None:
        base = self.get_cookie_name(app)
        options = {
            "domain": None if base == HOST_NAME else self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "samesite": self.get_cookie_samesite(app),
            "httponly": self.get_cookie_httponly(app),
        }
        if session.accessed:
            response.vary.add("Cookie")
        if not session:
            if session.modified or session.unreadable:  # forget it in the browser too
                for name in session.received or (base,):
                    response.delete_cookie(name, **options)
            return
        if not session.modified:  # a static file, an API call: nothing to write back
            return
        cipher = self._cipher
        main = {k: v for k, v in session.items() if k not in STEP_KEYS}
        main["sid"] = sid = session.get("sid") or secrets.token_urlsafe(12)
        rewrite = session.rekey or sid != session.opened_main.get("sid")
        wrote_step = False
        for step, answers in self._grouped(session).items():
            name = f"{base}-{step}"
            if answers and (rewrite or answers != session.opened_steps.get(step)):
                part = {
                    "a": answers,
                    "v": session.get("v"),
                    "born": session.get("born"),
                    "seen": session.get("seen"),
                    "sid": sid,
                }
                response.set_cookie(name, cipher.dumps(part, step), **options)
                wrote_step = True
            elif not answers and name in session.received:
                response.delete_cookie(name, **options)
        if (
            rewrite
            or _differs(main, session.opened_main)
            or (not wrote_step and main.get("seen") != session.opened_main.get("seen"))
        ):
            response.set_cookie(base, cipher.dumps(main), **options)
        response.vary.add("Cookie")

    def _grouped(self, session: AnswerSession) -> dict[str, dict[str, Any]]:
        """The session's answers by step; a question the rules do not know goes with the first."""
        step_ids, step_of = self._step_ids, self._step_of
        groups: dict[str, dict[str, Any]] = {s: {} for s in step_ids}
        answers = session.get("answers")
        for question, answer in answers.items() if isinstance(answers, dict) else ():
            groups[step_of.get(question, step_ids[0])][question] = answer
        return groups


def _purpose(name: str, base: str) -> str:
    """What a cookie holds, sealed into it: "main", or the id of its step."""
    return "main" if name == base else name[len(base) + 1 :]


def _joined(parts: dict[str, dict], main: dict[str, Any]) -> dict[str, Any]:
    """The answers, version, start and last-seen time that the step cookies add up to."""
    if not parts:
        return {}
    answers: dict[str, Any] = {}
    for part in parts.values():
        answers.update(part["a"])
    versions = {part.get("v") for part in parts.values()}
    borns = [p["born"] for p in parts.values() if isinstance(p.get("born"), int)]
    seens = [
        t
        for t in (main.get("seen"), *(p.get("seen") for p in parts.values()))
        if isinstance(t, int)
    ]
    joined = {
        "answers": answers,
        "v": versions.pop() if len(versions) == 1 else None,
    }  # mixed: questions changed
    if borns:
        joined["born"] = min(borns)
    if seens:
        joined["seen"] = max(seens)
    return joined


def _differs(main: dict[str, Any], opened: dict[str, Any]) -> bool:
    """Whether the main cookie changed in more than its last-seen time."""
    return {k: v for k, v in main.items() if k != "seen"} != {
        k: v for k, v in opened.items() if k != "seen"
    }


def now() -> int:
    return int(time.time())
