"""Validation of form values shared by the admin services: each helper returns a clean
value or raises a :class:`ValidationError` naming the field, with a message people read.

Text goes through :func:`civo.services.rich_text.clean`; these cover the rest.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from civo.i18n import N_
from civo.services.errors import ValidationError

URL_MAX = 500
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def url(value: Any, *, label: str, field: str, required: bool = False) -> str:
    """An http(s) address, or "" when optional and empty."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise ValidationError("{label} cannot be empty.", field=field, label=label)
        return ""
    if len(text) > URL_MAX:
        raise ValidationError("{label} is too long (at most {n} characters).", field=field,
                              label=label, n=URL_MAX)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise ValidationError("{label} must be a web address starting with https://",
                              field=field, label=label)
    return text


def day(value: Any, *, label: str, field: str) -> date | None:
    """A date from an ``<input type=date>`` (YYYY-MM-DD), or None when empty."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("{label} is not a valid date.", field=field, label=label) from None


def date_range(start: date | None, end: date | None, *, field: str = "ends_on") -> None:
    if start and end and end < start:
        raise ValidationError("The end date cannot be before the start date.", field=field)


def dates(data: dict[str, Any]) -> tuple[date | None, date | None]:
    """A form's ``starts_on`` and ``ends_on`` (optional; the end not before the start)."""
    starts = day(data.get("starts_on"), label="Start date", field="starts_on")
    ends = day(data.get("ends_on"), label="End date", field="ends_on")
    date_range(starts, ends)
    return starts, ends


def timezone(value: Any) -> ZoneInfo:
    try:
        return ZoneInfo(str(value or ""))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("Unknown time zone.", field="timezone") from None


def local_datetime(value: Any, *, zone: ZoneInfo, label: str, field: str,
                   required: bool = True) -> datetime | None:
    """A moment from an ``<input type=datetime-local>``, read in ``zone``; aware UTC."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise ValidationError("{label} cannot be empty.", field=field, label=label)
        return None
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError("{label} is not a valid date and time.", field=field,
                              label=label) from None
    if naive.tzinfo is not None:
        raise ValidationError("{label} is not a valid date and time.", field=field, label=label)
    from datetime import timezone as tz

    return naive.replace(tzinfo=zone).astimezone(tz.utc)


def choice(value: Any, options: tuple[str, ...] | frozenset[str], *, field: str,
           message: str = "Choose one of the options.") -> str:
    if not isinstance(value, str) or value not in options:
        raise ValidationError(message, field=field)
    return value


def colour(value: Any) -> str:
    """"#rrggbb" (lower case) or "" for none."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return ""
    if not _COLOUR.match(text):
        raise ValidationError("The colour must look like #1a5fb4.", field="brand_color")
    return text.lower()


def whole_number(value: Any, *, label: str, field: str, minimum: int = 1,
                 maximum: int = 1_000_000) -> int | None:
    """An optional whole number within bounds (from a text or number input)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.startswith("-") and is_number(text[1:].strip(), max_digits=7):
        raise ValidationError("{label} cannot be negative: enter a number from {low} to "
                              "{high}.", field=field, label=label, low=minimum, high=maximum)
    if not is_number(text, max_digits=7):
        if is_number(text.replace(".", "", 1).replace(",", "", 1), max_digits=8):
            raise ValidationError("{label} must be a whole number (no decimals).",
                                  field=field, label=label)
        raise ValidationError("{label} must be a whole number.", field=field, label=label)
    number = int(text)
    if number > maximum:
        raise ValidationError("{label} is too large: at most {high}.", field=field,
                              label=label, high=maximum)
    if not minimum <= number <= maximum:
        raise ValidationError("{label} must be between {low} and {high}.", field=field,
                              label=label, low=minimum, high=maximum)
    return number


def is_number(text: str, *, max_digits: int = 11) -> bool:
    """Plain ASCII digits (``"²".isdigit()`` is True, and ``int("²")`` fails)."""
    return 0 < len(text) <= max_digits and text.isascii() and text.isdecimal()


def record_id(value: Any, missing: str = N_("This page does not exist.")) -> int:
    """An id sent by the browser: an int (never a string with SQL in it, never a bool);
    anything else is ``NotFound(missing)``."""
    from civo.services.errors import NotFound

    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise NotFound(missing)
    return value


def currency(value: Any) -> str:
    """An ISO 4217 currency code Babel knows (the community's money)."""
    from babel.numbers import list_currencies

    code = str(value or "").strip().upper()
    if code not in list_currencies():
        raise ValidationError("Choose a currency from the list.", field="currency")
    return code
