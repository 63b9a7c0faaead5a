"""Debate contributions: post with a stance, list 20 at a time (newest first, keyset)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models.participation import Item, Moderation
from civo.services import items, keyset
from civo.services.errors import NotFound, ValidationError
from civo.services.feed import FeedPage, card_rows

STANCES = ("for", "against", "neutral")
PAGE_SIZE = 20


def contribute(*, session: Session, actor: policy.Actor, phase_id: Any, body: str,
               stance: Any = "", anonymous: bool = False) -> Item:
    if stance not in ("", *STANCES):
        raise ValidationError("Unknown stance.", field="stance")
    where = items.where_for_phase(session, phase_id)
    if where.phase.module_key != "debate":
        raise NotFound("This page does not exist.")
    return items.create(session=session, actor=actor, phase_id=phase_id, kind="contribution",
                        title="", body=body, anonymous=anonymous,
                        extra={"stance": stance} if stance else {})


def page(*, session: Session, actor: policy.Actor, phase_id: Any, cursor: str | None = None
         ) -> FeedPage:
    where = items.where_for_phase(session, phase_id)
    if not policy.can(actor, "item.view", where) or where.phase.module_key != "debate":
        raise NotFound("This page does not exist.")
    stmt = select(Item).where(Item.phase_id == where.phase.id, Item.deleted_at.is_(None),
                              Item.moderation == Moderation.VISIBLE.value)
    if cursor:
        stmt = stmt.where(sa.tuple_(Item.created_at, Item.id) < keyset.decode(cursor))
    rows = list(session.exec(stmt.order_by(Item.created_at.desc(), Item.id.desc())
                             .limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    nxt = keyset.encode(rows[-1].created_at, rows[-1].id) if more else None
    return FeedPage(items=card_rows(session, actor, rows), next_cursor=nxt)


def stances(session: Session, ids: list[int]) -> dict[int, str]:
    """Stances of a page of contributions (one query)."""
    if not ids:
        return {}
    return {i: (extra or {}).get("stance", "") for i, extra in session.exec(
        select(Item.id, Item.extra).where(Item.id.in_(ids)))}


def describe(*, session: Session, actor: policy.Actor, item: Item) -> dict[str, str]:
    return {"stance": (item.extra or {}).get("stance", "")}
