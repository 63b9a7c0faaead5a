"""Text helpers: search keys and slugs (accent- and case-insensitive)."""

import re
import unicodedata


def search_key(text: str) -> str:
    """Fold ``text`` for search: no accents, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


def slugify(text: str) -> str:
    """A URL-safe slug: ``Île-de-France`` → ``ile-de-france``."""
    return re.sub(r"[^a-z0-9]+", "-", search_key(text)).strip("-") or "x"


def like_escape(text: str) -> str:
    """Escape LIKE wildcards in user input (used with ``escape='\\\\'``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
