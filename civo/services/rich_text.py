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


_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+")


def blocks(text: str) -> list[dict]:
    """Light formatting without HTML: blank lines separate paragraphs, lines starting with
    "- " (or "* ") make a bulleted list, "1. " a numbered one, and links are clickable.

    Returns ``[{"kind": "p" | "ul" | "ol", "lines": [segments, …]}]`` (a paragraph has
    one line, its line breaks kept)."""
    found: list[dict] = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        if not chunk.strip():
            continue
        lines = chunk.split("\n")
        for pattern, kind in ((_BULLET, "ul"), (_NUMBER, "ol")):
            if all(pattern.match(line) for line in lines):
                found.append({"kind": kind, "lines": [segments(pattern.sub("", line, count=1))
                                                      for line in lines]})
                break
        else:
            found.append({"kind": "p", "lines": [segments(chunk)]})
    return found


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
