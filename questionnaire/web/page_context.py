"""What every page is told: who runs the service (or that it is a demonstration), and when the
patient's answers expire (the timeout warning)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, session

from . import handout as handouts
from . import session as sessions
from .i18n import gettext
from .session import IDLE_SECONDS, MAX_SECONDS

WARN_SECONDS = 10 * 60  # a page shows the answers' end in a warning this long before it


def service_context() -> dict[str, Any]:
    """Who runs the service (config SERVICE_NAME, SERVICE_OPERATOR, SERVICE_CONTACT), whether it
    is a demonstration (no operator configured), and when the patient's answers expire."""
    return {
        "service": service(),
        "demonstration": not current_app.config["SERVICE_OPERATOR"],
        "expiry": expiry(),
    }


@dataclass(frozen=True, slots=True)
class Expiry:
    """When the answers in the cookie stop working, for the timeout warning on every page."""

    seconds: int  # left from now
    hard: bool  # the 2-hour limit, which using the site does not extend
    idle_minutes: int = IDLE_SECONDS // 60
    hours: int = MAX_SECONDS // 3600

    @property
    def minutes(self) -> int:
        """Whole minutes left, at least 1."""
        return max(1, self.seconds // 60)

    @property
    def soon(self) -> bool:
        return self.seconds <= WARN_SECONDS


def expiry() -> Expiry | None:
    """None without answers (or outside the patient's pages)."""
    if not isinstance(session.get("answers"), dict) or not session["answers"]:
        return None
    seen, born = session.get("seen"), session.get("born", session.get("seen"))
    if not isinstance(seen, int) or not isinstance(born, int):
        return None
    idle, hard = seen + IDLE_SECONDS, born + MAX_SECONDS
    return Expiry(max(0, min(idle, hard) - sessions.now()), hard < idle)


def service() -> handouts.Service:
    """In the page's language: the defaults are in the interface catalogue; a name or
    operator configured otherwise is shown as configured (gettext returns it unchanged)."""
    config = current_app.config
    name, operator = (
        gettext(text) if text else text  # gettext("") is the catalogue's header
        for text in (config["SERVICE_NAME"], config["SERVICE_OPERATOR"])
    )
    if not operator:  # nobody configured: the start page and the handout say so
        operator = gettext("no one: this is a demonstration, not a public service")
    return handouts.Service(name, operator, config.get("SERVICE_CONTACT") or None)
