"""The place tree: ancestors, labels and search."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from civo.models import Place
from civo.text import like_escape, search_key, word_prefix_match

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
    return _chains(session, [place_id]).get(place_id, [])


def _chains(session: Session, place_ids: list[int]) -> dict[int, list[Place]]:
    """Ancestor chains of several places, one query per tree level (not per place)."""
    known: dict[int, Place] = {}
    wanted = set(place_ids)
    for _ in range(MAX_DEPTH):
        wanted -= known.keys()
        if not wanted:
            break
        for place in session.exec(select(Place).where(Place.id.in_(wanted))).all():
            known[place.id] = place
        wanted = {p.parent_id for p in known.values() if p.parent_id and p.parent_id not in known}
    chains: dict[int, list[Place]] = {}
    for pid in place_ids:
        chain, current = [], known.get(pid)
        while current is not None and len(chain) < MAX_DEPTH:
            chain.append(current)
            current = known.get(current.parent_id) if current.parent_id else None
        if chain:
            chains[pid] = chain
    return chains


def _option(chain: list[Place]) -> PlaceOption:
    place = chain[0]
    return PlaceOption(id=place.id, name=place.name, kind=place.kind,
                       context=", ".join(p.name for p in chain[1:]))


def option_for(session: Session, place_id: int) -> PlaceOption | None:
    """The form choice for one place, or None if it does not exist."""
    chain = ancestors(session, place_id)
    return _option(chain) if chain else None


def search(session: Session, query: str, *, limit: int = 8) -> list[PlaceOption]:
    """Places with a word starting with ``query`` (accent- and case-insensitive).

    Exact names first, then names that start with the query, then the shortest names.
    """
    key = search_key(query)[:80]
    if not key:
        return []
    ids = session.exec(
        select(Place.id)
        .where(word_prefix_match(Place.search_name, key))
        .order_by(
            sa.case((Place.search_name == key, 0),
                    (Place.search_name.like(f"{like_escape(key)}%", escape="\\"), 1),
                    else_=2),
            sa.func.length(Place.search_name),
            Place.id,
        )
        .limit(limit)
    ).all()
    chains = _chains(session, list(ids))
    return [_option(chains[pid]) for pid in ids if pid in chains]
