"""Favourites: items a citizen saved, and the "My favourites" page (keyset)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.db import insert_ignore
from civo.models import Community
from civo.models._common import utcnow
from civo.models.participation import Favourite, Item, Moderation
from civo.services import items, keyset
from civo.services.errors import ValidationError
from civo.services.feed import FeedPage, card_rows

PAGE_SIZE = 20


def set_favourite(*, session: Session, actor: policy.Actor, item_id: Any, on: Any) -> bool:
    """Save (``on``) or unsave an item; idempotent. Returns the saved state."""
    item, where = items.load(session, actor, item_id)
    policy.require(actor, "item.favourite", where)
    if on is True:
        insert_ignore(session, Favourite, {"user_id": actor.user_id, "item_id": item.id,
                                           "created_at": utcnow()})
    elif on is False:
        session.execute(sa.delete(Favourite).where(
            Favourite.user_id == actor.user_id, Favourite.item_id == item.id))
    else:
        raise ValidationError("Invalid request.")
    session.commit()
    return on


def page(*, session: Session, actor: policy.Actor, cursor: str | None = None,
         limit: int = PAGE_SIZE) -> FeedPage:
    """The actor's saved items, most recently saved first, still visible ones only."""
    policy.require(actor, "feed.personal")
    limit = max(1, min(limit, PAGE_SIZE))
    stmt = (select(Item, Favourite.created_at, Favourite.id)
            .join(Favourite, Favourite.item_id == Item.id)
            .join(Community, Community.id == Item.community_id)
            .where(Favourite.user_id == actor.user_id, Item.deleted_at.is_(None),
                   Item.moderation == Moderation.VISIBLE.value,
                   policy.visible_communities(actor, Community)))
    if cursor:
        stmt = stmt.where(sa.tuple_(Favourite.created_at, Favourite.id) < keyset.decode(cursor))
    rows = list(session.exec(stmt.order_by(Favourite.created_at.desc(), Favourite.id.desc())
                             .limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    cards = card_rows(session, actor, [r[0] for r in rows])
    next_cursor = keyset.encode(rows[-1][1], rows[-1][2]) if more else None
    return FeedPage(items=cards, next_cursor=next_cursor)
