"""The admin inbox: new contributions in the communities I administer, those no admin of
the community has opened yet first, then the rest; newest first in each (two keysets).

Opening a contribution (the item page, :func:`civo.services.items.open_item`) leaves the
author's read receipt and takes it out of "unread by us".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import Community
from civo.models.participation import Item
from civo.modules import MODULES
from civo.services import feed
from civo.services.errors import ValidationError
from civo.services.validate import is_number

PAGE_SIZE = 20


@dataclass(frozen=True)
class InboxEntry:
    card: feed.FeedCard
    unread_by_us: bool
    moderation: str


@dataclass(frozen=True)
class InboxPage:
    entries: tuple[InboxEntry, ...]
    next_cursor: str | None
    unread_total: int  # "unread by us" in scope, capped at 100


def _scope(session: Session, actor: policy.Actor, community_id: Any) -> list[int] | sa.Select:
    policy.require(actor, "admin.inbox")
    if community_id not in (None, "", 0):
        if not isinstance(community_id, int) or isinstance(community_id, bool):
            raise ValidationError("Unknown filter.")
        community = session.get(Community, community_id)
        if community is None or not policy.can(actor, "community.edit", community):
            raise ValidationError("Unknown filter.")
        return [community.id]
    if actor.is_platform_admin:
        return select(Community.id)
    return sorted(actor.admin_of)


def page(*, session: Session, actor: policy.Actor, community_id: Any = None,
         cursor: str | None = None) -> InboxPage:
    """One page of the inbox. The cursor says which segment (u: unread by us, r: read)."""
    scope = _scope(session, actor, community_id)
    base = select(Item).where(Item.community_id.in_(scope), Item.deleted_at.is_(None),
                              Item.module_key.in_(MODULES.item_keys()))
    if cursor:
        segment, _, rest = str(cursor).partition("|")
        stamp, _, raw_id = rest.rpartition("|")
        if segment not in ("u", "r") or not is_number(raw_id):
            raise ValidationError("This page link is no longer valid.")
        try:
            key = (datetime.fromisoformat(stamp), int(raw_id))
        except ValueError:
            raise ValidationError("This page link is no longer valid.") from None
    else:
        segment, key = "u", None
    picked: list[tuple[Item, bool]] = []
    while True:
        unread = segment == "u"
        stmt = base.where(Item.admin_read_at.is_(None) if unread
                          else Item.admin_read_at.is_not(None))
        if key is not None:
            stmt = stmt.where(sa.tuple_(Item.created_at, Item.id) < key)
        rows = list(session.exec(stmt.order_by(Item.created_at.desc(), Item.id.desc())
                                 .limit(PAGE_SIZE + 1 - len(picked))))
        picked += [(row, unread) for row in rows]
        if len(picked) > PAGE_SIZE or segment == "r":
            break
        segment, key = "r", None
    more = len(picked) > PAGE_SIZE
    picked = picked[:PAGE_SIZE]
    cards = feed.card_rows(session, actor, [row for row, _ in picked], unread=set())
    entries = tuple(InboxEntry(card, unread, row.moderation)
                    for card, (row, unread) in zip(cards, picked, strict=True))
    nxt = None
    if more:
        last, was_unread = picked[-1]
        nxt = f"{'u' if was_unread else 'r'}|{last.created_at.isoformat()}|{last.id}"
    total = session.exec(select(sa.func.count()).select_from(
        base.where(Item.admin_read_at.is_(None)).limit(100).subquery())).one()
    return InboxPage(entries=entries, next_cursor=nxt, unread_total=total)


def unread_count(*, session: Session, actor: policy.Actor) -> int:
    """Contributions no admin opened yet, in all my communities (for the dashboard)."""
    if not policy.can(actor, "admin.inbox"):
        return 0
    scope = _scope(session, actor, None)
    inner = select(Item.id).where(Item.community_id.in_(scope), Item.deleted_at.is_(None),
                                  Item.admin_read_at.is_(None),
                                  Item.module_key.in_(MODULES.item_keys())).limit(100).subquery()
    return session.exec(select(sa.func.count()).select_from(inner)).one()
