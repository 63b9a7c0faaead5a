"""User text as safe segments: plain text and links, never HTML.

The UI renders each segment as text or as a link with ``rel="nofollow ugc noopener"``.
"""

from __future__ import annotations

import re

_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def segments(text: str) -> list[dict[str, str]]:
    """Split ``text`` into ``{"text", "href"}`` parts; ``href`` is "" for plain text."""
    parts: list[dict[str, str]] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        trimmed = url.rstrip(_TRAILING)
        start, end = match.start(), match.start() + len(trimmed)
        if start > position:
            parts.append({"text": text[position:start], "href": ""})
        parts.append({"text": trimmed, "href": trimmed})
        position = end
    if position < len(text):
        parts.append({"text": text[position:], "href": ""})
    return parts


def clean(text: object, *, label: str, max_len: int, required: bool = True,
          field: str = "body") -> str:
    """Trimmed text within ``max_len``; raises a ValidationError the user can read."""
    from civo.services.errors import ValidationError

    value = text.strip() if isinstance(text, str) else ""
    value = value.replace("\r\n", "\n")
    if required and not value:
        raise ValidationError("{label} cannot be empty.", field=field, label=label)
    if len(value) > max_len:
        raise ValidationError("{label} is too long (at most {n} characters).", field=field,
                              label=label, n=max_len)
    return value
