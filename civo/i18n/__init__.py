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
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

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


@functools.cache
def _gettext_translations(locale: str) -> NullTranslations:
    """The catalog compiled in memory for gettext (which applies its Plural-Forms rule)."""
    if locale not in LOCALES:
        return NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, load_catalog(locale))  # fuzzy entries are left out
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(locale: str, msgid: str, /, **params: Any) -> str:
    """Translate ``msgid`` into ``locale`` and fill ``{placeholders}``."""
    text = _gettext_translations(locale).gettext(msgid)
    return text.format(**params) if params else text


def ngettext(locale: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
    """Translate with the plural rule of ``locale``; ``{n}`` is the formatted number."""
    text = _gettext_translations(locale).ngettext(singular, plural, n)
    return text.format(n=format_number(n, locale), **params)


def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def format_number(value: float | int, locale: str) -> str:
    return format_decimal(value, locale=_babel_locale(locale))


def format_date(value: date | datetime, locale: str, *, fmt: str = "long") -> str:
    return _format_date(value, format=fmt, locale=_babel_locale(locale))


def format_datetime(value: datetime, locale: str, *, fmt: str = "medium",
                    zone: str | None = None) -> str:
    """A moment in ``locale``; shown in the time zone ``zone`` (IANA name) when given."""
    if zone:
        from zoneinfo import ZoneInfo

        return _format_datetime(value, format=fmt, tzinfo=ZoneInfo(zone),
                                locale=_babel_locale(locale))
    return _format_datetime(value, format=fmt, locale=_babel_locale(locale))


def format_moment(value: datetime, locale: str, zone: str) -> tuple[str, str]:
    """An event time for people: ("Tuesday, December 1, 2026, 6:30 PM", "Central European
    Time"), in the time zone ``zone`` (IANA name)."""
    from zoneinfo import ZoneInfo

    from babel.dates import format_time, get_timezone_name

    tz = ZoneInfo(zone)
    local = value.astimezone(tz)
    where = _babel_locale(locale)
    text = (_format_date(local, format="full", locale=where) + ", "
            + format_time(local, format="short", locale=where))
    return text, get_timezone_name(tz, "long", locale=where)
