"""The one translation layer: gettext catalogs (Babel ``.po`` files) and locale formatting.

* Messages are English msgids. ``pybabel``-style extraction (``scripts/i18n.py``) collects
  every ``t(...)``, ``gettext(...)``, ``ngettext(...)`` and domain-error message.
* Server side: :func:`gettext` / :func:`ngettext` with the visitor's locale.
* Client side: :func:`civo.components.i18n.t` compiles each message into a small
  locale → text lookup, so switching language needs no round trip.
* Dates and numbers: :func:`format_date`, :func:`format_number` (Babel, CLDR data).
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES: tuple[str, ...] = ("en", "fr", "de")
DEFAULT_LOCALE = "en"
LOCALE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch"}
LOCALES_DIR = Path(__file__).parent / "locales"
# The locale cookie lives 6 months (product rules: functional cookies).
LOCALE_COOKIE_MAX_AGE = 183 * 24 * 3600


def N_(msgid: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for extraction without translating it here."""
    return msgid


@functools.cache
def load_catalog(locale: str) -> Catalog:
    """The parsed ``.po`` catalog of ``locale`` (cached for the process)."""
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


@functools.cache
def translations(locale: str) -> dict[str, str | tuple[str, ...]]:
    """msgid → translation for ``locale``; untranslated and fuzzy entries are left out."""
    if locale not in LOCALES:
        return {}
    result: dict[str, str | tuple[str, ...]] = {}
    for message in load_catalog(locale):
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        if isinstance(message.string, (list, tuple)):
            if all(message.string):
                result[key] = tuple(message.string)
        elif message.string:
            result[key] = message.string
    return result


def normalize_locale(value: str | None) -> str | None:
    """A supported locale code from ``value`` (``fr-FR`` → ``fr``), or None."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LOCALES else None


def negotiate(accept_language: str | None) -> str:
    """Pick the best supported locale from an ``Accept-Language`` header."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if (code := normalize_locale(tag)) is not None and quality > 0:
            ranked.append((-quality, index, code))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LOCALE


def gettext(locale: str, msgid: str, /, **params: Any) -> str:
    """Translate ``msgid`` into ``locale`` and fill ``{placeholders}``."""
    text = translations(locale).get(msgid, msgid)
    if isinstance(text, tuple):
        text = text[0]
    return text.format(**params) if params else text


def ngettext(locale: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
    """Translate with the plural rule of ``locale``; ``{n}`` is the formatted number."""
    entry = translations(locale).get(singular)
    if isinstance(entry, tuple):
        index = load_catalog(locale).plural_expr and _plural_index(locale, n)
        text = entry[min(index, len(entry) - 1)]
    else:
        text = singular if n == 1 else plural
    return text.format(n=format_number(n, locale), **params)


def _plural_index(locale: str, n: int) -> int:
    catalog = load_catalog(locale)
    # Babel gives the C expression; every supported locale uses one of these two rules.
    return int(n > 1) if catalog.plural_expr == "(n > 1)" else int(n != 1)


def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def format_number(value: float | int, locale: str) -> str:
    return format_decimal(value, locale=_babel_locale(locale))


def format_date(value: date | datetime, locale: str, *, fmt: str = "long") -> str:
    return _format_date(value, format=fmt, locale=_babel_locale(locale))


def format_datetime(value: datetime, locale: str, *, fmt: str = "medium") -> str:
    return _format_datetime(value, format=fmt, locale=_babel_locale(locale))
