"""The place tree: ancestors, labels and search."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from civo.models import Place
from civo.text import like_escape, search_key

MAX_DEPTH = 8


@dataclass(frozen=True)
class PlaceOption:
    """A place as a choice in a form: its id, name and where it is."""

    id: int
    name: str
    kind: str
    context: str  # "Île-de-France, France, European Union"


def ancestors(session: Session, place_id: int) -> list[Place]:
    """The place and every enclosing place, narrowest first."""
    chain: list[Place] = []
    current = session.get(Place, place_id)
    while current is not None and len(chain) < MAX_DEPTH:
        chain.append(current)
        current = session.get(Place, current.parent_id) if current.parent_id else None
    return chain


def option_for(session: Session, place_id: int) -> PlaceOption | None:
    """The form choice for one place, or None if it does not exist."""
    chain = ancestors(session, place_id)
    if not chain:
        return None
    place = chain[0]
    return PlaceOption(
        id=place.id, name=place.name, kind=place.kind,
        context=", ".join(p.name for p in chain[1:]),
    )


def search(session: Session, query: str, *, limit: int = 8) -> list[PlaceOption]:
    """Places whose name (or a word of it) starts with ``query``, accent-insensitive."""
    key = search_key(query)
    if not key:
        return []
    pattern = like_escape(key)
    rows = session.exec(
        select(Place.id)
        .where(
            sa.or_(
                Place.search_name.like(f"{pattern}%", escape="\\"),
                Place.search_name.like(f"% {pattern}%", escape="\\"),
                Place.search_name.like(f"%-{pattern}%", escape="\\"),
            )
        )
        # Exact and prefix matches first, then the narrowest places (cities) first.
        .order_by(
            sa.case((Place.search_name == key, 0), else_=1),
            sa.func.length(Place.search_name),
            Place.id,
        )
        .limit(limit)
    ).all()
    return [opt for pid in rows if (opt := option_for(session, pid)) is not None]
