"""'Is your idea already here?': up to five ideas of the same phase close to what a citizen
is typing. PostgreSQL ranks with ``pg_trgm`` (``word_similarity``) when the extension is
there; elsewhere (SQLite, or PostgreSQL without it) the same measure is computed here on
the phase's latest ideas: the share of the typed text's trigrams found in an idea."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models.participation import Item, Moderation
from civo.services import items

LIMIT = 5
THRESHOLD = 0.45      # share of the query's trigrams an idea must contain
MIN_QUERY = 4         # characters: shorter text says too little
SCANNED = 500         # fallback: the phase's latest ideas considered
_trgm: dict[str, bool] = {}


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+", " ", text).strip()


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    found: set[str] = set()
    for word in _normal(text).split():
        padded = f"  {word} "
        found.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return found


def score(query: str, text: str) -> float:
    wanted = trigrams(query)
    return len(wanted & trigrams(text)) / len(wanted) if wanted else 0.0


def has_trgm(session: Session) -> bool:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    key = str(bind.url)
    if key not in _trgm:
        _trgm[key] = session.execute(sa.text(
            "select 1 from pg_extension where extname = 'pg_trgm'")).first() is not None
    return _trgm[key]


def similar(*, session: Session, actor: policy.Actor, phase_id: Any, text: Any
            ) -> list[dict[str, Any]]:
    """Ideas of this phase (visible ones) whose title and text are close to ``text``."""
    where = items.where_for_phase(session, phase_id)
    if not policy.can(actor, "project.view", where):
        return []
    query = text.strip()[:300] if isinstance(text, str) else ""
    if len(query) < MIN_QUERY:
        return []
    listed = sa.and_(Item.phase_id == phase_id, Item.module_key == "ideas",
                     Item.deleted_at.is_(None), Item.moderation == Moderation.VISIBLE.value)
    if has_trgm(session):
        rank = sa.func.word_similarity(sa.func.lower(query),
                                       sa.func.lower(Item.title + " " + Item.body))
        rows = session.exec(select(Item.id, Item.title, rank).where(listed, rank >= THRESHOLD)
                            .order_by(rank.desc(), Item.id.desc()).limit(LIMIT)).all()
        return [{"id": i, "title": title} for i, title, _rank in rows]
    rows = session.exec(select(Item.id, Item.title, sa.func.substr(Item.body, 1, 500))
                        .where(listed).order_by(Item.id.desc()).limit(SCANNED)).all()
    ranked = sorted(((score(query, f"{title} {body}"), i, title) for i, title, body in rows),
                    key=lambda r: (-r[0], -r[1]))
    return [{"id": i, "title": title} for s, i, title in ranked if s >= THRESHOLD][:LIMIT]
