"""Text helpers: search keys and slugs (accent- and case-insensitive)."""

import re
import unicodedata

import sqlalchemy as sa


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


def word_prefix_match(column: sa.ColumnElement[str], key: str) -> sa.ColumnElement[bool]:
    """``column`` (a :func:`search_key` column) has a word starting with ``key`` (folded)."""
    pattern = like_escape(key)
    return sa.or_(
        column.like(f"{pattern}%", escape="\\"),
        column.like(f"% {pattern}%", escape="\\"),
        column.like(f"%-{pattern}%", escape="\\"),
    )
