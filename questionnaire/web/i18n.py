"""The page's language: Flask-Babel's gettext catalogues for the interface text (templates, the
handout's labels, error pages), and the choice of language for the visit.

The choice, in order: `?lang=` on the request (kept for the visit in a small cookie, `lang`
or `__Host-lang` over HTTPS, that holds nothing but the language), that cookie, the browser's
Accept-Language, English. The texts from rules.yaml come from the engine of the same language
(`engine_for`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, request, url_for
from flask_babel import Babel, force_locale, get_translations, lazy_gettext
from werkzeug.datastructures import Accept

from ..engines import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
COOKIE = "lang"
HOST_COOKIE = "__Host-lang"  # over HTTPS at the root, as the answers' cookie (session.py)
NAMES = {"en": "English", "es": "Español"}  # each language in its own words, for the switch
# The service's name and operator come from the configuration (SERVICE_NAME, SERVICE_OPERATOR);
# their defaults are marked here so that pybabel puts them in the catalogue.
# (With no SERVICE_OPERATOR the service says it is a demonstration: page_context.service.)
DEFAULT_SERVICE = (lazy_gettext("Stem-cell treatment check"),)


def chosen() -> str | None:
    """The language asked for with ?lang=, if it is one we have."""
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else None


def kept_language() -> str | None:
    """The language the patient chose on this visit, if they chose one."""
    lang = chosen() or request.cookies.get(cookie_name())
    return lang if lang in LANGUAGES else None


def cookie_name() -> str:
    """The language cookie's name: with the __Host- prefix over HTTPS when the app is at the
    root, so no other host of the domain can set it."""
    return HOST_COOKIE if request.is_secure and not request.script_root else COOKIE


def current_language() -> str:
    """The language of this request's page, worked out once per request (a page asks about
    seven times: Flask-Babel, the journey, the links, the headers)."""
    lang = g.get("lang")
    if lang is None:
        lang = g.lang = _page_language()
    return lang


def _page_language() -> str:
    """The clinician preview is in English only; else the visit's choice, else the browser's."""
    if request.blueprint == "clinician":
        return LANGUAGES[0]
    lang = kept_language()
    if lang is not None:
        return lang
    return browser_language()


def browser_language() -> str:
    """The language of ours the browser ranks highest, by primary tag: "es-MX,en;q=0.1" is
    Spanish. werkzeug's best_match tries exact tags first, so there "en" would win over the
    regional "es-MX" the browser prefers ten times more."""
    primary = Accept([(tag.split("-")[0].split("_")[0], q) for tag, q in request.accept_languages])
    return primary.best_match(LANGUAGES, default=LANGUAGES[0])


def catalogue():
    """The interface text's catalogue in the page's language (`in_language` changes it)."""
    return current_app.extensions["catalogues"][current_language()]


def gettext(text: str, **variables: Any) -> str:
    """The interface text in the page's language: the one gettext of the Python code and, with
    Jinja's newstyle i18n (escaped, %-formatted), of the templates."""
    translated = catalogue().ugettext(text)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int) -> str:
    return catalogue().ungettext(singular, plural, num)


def date_pattern() -> str:
    """How a date is written, as a Babel pattern (CLDR)."""
    # TRANSLATORS: a Babel date pattern, not words: "d MMMM y" is "23 November 2026";
    # Spanish writes "d 'de' MMMM 'de' y" (23 de noviembre de 2026).
    return gettext("d MMMM y")


def this_page(query: list[tuple[str, str]]) -> str:
    """This page again with `query`, built from the route that matched, never from the path as
    sent: a decoded path can start with `/\\` or `/<tab>/`, which browsers read as another site
    (attack-on-the-running-stack.md, F1). A page no route matched (404, 405) links to the start."""
    if request.url_rule is None or request.endpoint is None:  # 404, 405: no route matched
        path, query = url_for("patient.start"), [(k, v) for k, v in query if k == "lang"]
    else:
        path = url_for(request.endpoint, **(request.view_args or {}))
    return f"{path}?{urlencode(query)}" if query else path


def switch_link() -> dict[str, str]:
    """The "Español / English" link: this page again (its query kept), in the other language."""
    lang = current_language()
    other = next(code for code in LANGUAGES if code != lang)
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return {"href": this_page([*args, ("lang", other)]), "lang": other, "name": NAMES[other]}


def init_app(app: Flask) -> None:
    """Flask-Babel with the catalogues in translations/, the language in every template, and
    the visit's choice kept in its cookie."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
    Babel(app, locale_selector=current_language)
    # Each language's catalogue, as Flask-Babel reads it, taken once at start-up. Flask-Babel's
    # own gettext finds the locale and the catalogue again for every string: about 60 times on
    # a summary page, a fifth of its CPU (docs/benchmarks.md, issue 19).
    with app.app_context():
        catalogues = {}
        for lang in LANGUAGES:
            with force_locale(lang):
                catalogues[lang] = get_translations()
    app.extensions["catalogues"] = catalogues
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: catalogues[current_language()].ugettext(text),
        ngettext=ngettext,
        newstyle=True,
    )

    # A global, not a context variable: macros imported without the page's context (the
    # studies' snapshot line on the summary) read it too.
    app.add_template_global(date_pattern)

    @app.context_processor
    def language():
        return {"lang": current_language(), "switch": switch_link}

    @app.after_request
    def keep_language(response: Response) -> Response:
        """Pages differ by language: caches keep one copy per language. The API keeps no cookie
        (part of its contract), so only the patient's pages remember the choice."""
        if request.path.startswith("/api/"):
            return response
        response.vary.update(("Accept-Language", "Cookie"))
        if response.mimetype == "text/html":
            response.headers["Content-Language"] = current_language()
        lang = chosen()
        if lang is not None and request.cookies.get(cookie_name()) != lang:
            response.set_cookie(
                cookie_name(),
                lang,
                httponly=True,
                samesite="Lax",
                secure=bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure,
                path=request.script_root or "/",
            )
        return response


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Within this block, the interface text and dates are in `lang` (the handout's English copy
    of a Spanish summary), then the request's own language again."""
    kept = g.pop("lang", None)
    g.lang = lang
    try:
        with force_locale(lang):
            yield
    finally:
        g.lang = kept
