"""Idea box: propose, support (one per citizen), official status and answer, listing.

While the phase is open the list is shuffled with a stable per-visitor seed (no
first-mover advantage), computed in SQL so it pages by keyset; once closed, the most
supported come first.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.db import insert_ignore
from civo.models._common import utcnow
from civo.models.participation import ImpactKind, Item, Moderation
from civo.modules.ideas.models import IdeaState, IdeaStatus, IdeaSupport
from civo.i18n import N_
from civo.services import items, rich_text, throttle
from civo.services.errors import NotFound, ValidationError
from civo.services.feed import FeedPage, card_rows

PAGE_SIZE = 20
ANSWER_MAX = 2000
SUPPORTS_TOO_FAST = N_("You have changed many supports in a short time. Please wait a "
                       "minute and try again.")
_PRIME = 2_147_483_629  # the shuffle works modulo this prime (< 2^31: products fit BIGINT)


def propose(*, session: Session, actor: policy.Actor, phase_id: Any, title: str, body: str,
            anonymous: bool = False, image: str | None = None, image_alt: Any = "") -> Item:
    """Post an idea; ``image`` is a name :func:`civo.services.images.store` returned."""
    from civo.services import images

    where = items.where_for_phase(session, phase_id)
    if where.phase.module_key != "ideas":
        raise NotFound("This page does not exist.")
    extra: dict[str, str] = {}
    if image:
        if not images.is_stored_name(image):
            raise ValidationError("The image could not be found; please add it again.",
                                  field="image")
        extra = {"image": image, "image_alt": rich_text.clean(
            image_alt, label="Image description", max_len=200, required=False,
            field="image_alt")}
    return items.create(session=session, actor=actor, phase_id=phase_id, kind="idea",
                        title=title, body=body, anonymous=anonymous, title_required=True,
                        extra=extra, files=(image,) if image else ())


def accept_image(*, session: Session, actor: policy.Actor, phase_id: Any, data: bytes) -> str:
    """Store an image for an idea about to be proposed in this (open) idea box."""
    from civo.services import uploads

    where = items.where_for_phase(session, phase_id)
    if where.phase.module_key != "ideas" or not policy.can(actor, "item.view", where):
        raise NotFound("This page does not exist.")
    items.require_open(actor, "item.contribute", where)
    return uploads.accept_image(session=session, actor=actor, data=data, purpose="ideas")


def drop_image(*, session: Session, actor: policy.Actor, name: Any) -> None:
    """Forget an image the actor uploaded but did not use."""
    from civo.models.uploads import StoredFile
    from civo.services import uploads

    if not isinstance(name, str) or not actor.signed_in:
        return
    mine = session.exec(select(StoredFile.id).where(
        StoredFile.name == name, StoredFile.owner_id == actor.user_id,
        StoredFile.attached_at.is_(None))).first()
    if mine is not None:
        uploads.discard(session, name)
        session.commit()


def _idea(session: Session, actor: policy.Actor, item_id: Any) -> tuple[Item, items.Where]:
    item, where = items.load(session, actor, item_id)
    if item.module_key != "ideas" or item.deleted_at is not None:
        raise NotFound("This idea does not exist.")
    return item, where


def set_support(*, session: Session, actor: policy.Actor, item_id: Any, on: Any) -> bool:
    """Support (``on=True``) or withdraw; idempotent, so double clicks count once.

    Returns True when this call changed something.
    """
    if not isinstance(on, bool):
        raise ValidationError("Invalid request.")
    item, where = _idea(session, actor, item_id)
    items.require_open(actor, "item.support", where)
    already = session.exec(select(IdeaSupport.item_id).where(
        IdeaSupport.item_id == item.id, IdeaSupport.user_id == actor.user_id)).first()
    if (already is not None) != on:  # a change (a repeat changes nothing and is free)
        throttle.per_account(session, "support", actor.user_id, SUPPORTS_TOO_FAST)
    if on:
        changed = insert_ignore(session, IdeaSupport, {
            "item_id": item.id, "user_id": actor.user_id, "created_at": utcnow()})
        if changed:
            items.bump(session, item.id, supports=+1)
    else:
        changed = bool(session.execute(sa.delete(IdeaSupport).where(
            IdeaSupport.item_id == item.id, IdeaSupport.user_id == actor.user_id)).rowcount)
        if changed:
            items.bump(session, item.id, supports=-1)
    session.commit()
    return changed


def set_status(*, session: Session, actor: policy.Actor, item_id: Any, status: Any,
               answer: Any = "") -> int:
    """A community admin sets the official status; accepted/implemented tells the author.

    Returns the idea's community id (whose open pages should hear of it).
    """
    item, where = _idea(session, actor, item_id)
    policy.require(actor, "ideas.set_status", where)
    if not isinstance(status, str) or status not in {s.value for s in IdeaState}:
        raise ValidationError("Unknown status.", field="status")
    text = rich_text.clean(answer, label="Official answer", max_len=ANSWER_MAX,
                           required=False, field="answer")
    values = {"status": status, "answer": text, "decided_by": actor.user_id,
              "decided_at": utcnow()}
    if not insert_ignore(session, IdeaStatus, {"item_id": item.id, **values}):
        session.execute(sa.update(IdeaStatus).where(IdeaStatus.item_id == item.id)
                        .values(**values))
    events.publish(session, "idea.status_changed", actor=actor, recipients=[item.author_id],
                   item_id=item.id, community_id=item.community_id)
    if status in (IdeaState.ACCEPTED, IdeaState.IMPLEMENTED):
        items.record_impact(session, item, ImpactKind.SHAPED, actor=actor)
    items.bump(session, item.id, touch=True)
    session.commit()
    return item.community_id


def visitor_seed(identity: str) -> int:
    """A stable 64-bit shuffle seed for one visitor (a user id or a browser's own seed)."""
    from civo.services.secrets import keyed_digest

    return int(keyed_digest("idea-order", identity)[:16], 16)


def _splitmix64(value: int) -> int:
    mask = (1 << 64) - 1
    z = (value + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def shuffle_key(seed: int) -> sa.ColumnElement[int]:
    """A per-visitor pseudo-random sort key of ideas, computed in SQL (so it pages by keyset).

    ``x = (a·id + b) mod p`` spreads ids with a seed-chosen multiplier; squaring mixes them
    non-linearly, so two visitors' orders are not rotations of one another. Every product
    stays below 2^63 (BIGINT on PostgreSQL, INTEGER on SQLite).
    """
    seed = _splitmix64(int(seed))  # any seed, even a small one, gives well-spread parameters
    a = 1 + seed % (_PRIME - 1)
    b = (seed >> 21) % _PRIME
    c = (seed >> 42) % _PRIME
    x = (sa.cast(Item.id, sa.BigInteger) * a + b) % _PRIME
    return (x * x + c) % _PRIME


def page(*, session: Session, actor: policy.Actor, phase_id: Any, seed: int,
         cursor: str | None = None) -> tuple[FeedPage, dict[int, dict[str, Any]]]:
    """A page of ideas and, per idea, its status and whether the actor supports it."""
    where = items.where_for_phase(session, phase_id)
    if not policy.can(actor, "item.view", where) or where.phase.module_key != "ideas":
        raise NotFound("This page does not exist.")
    if policy.phase_is_open(actor, where):
        order_key = shuffle_key(seed)
        direction = "asc"
    else:
        order_key = Item.support_count
        direction = "desc"
    key_col = order_key.label("k")
    stmt = select(Item, key_col).where(Item.phase_id == where.phase.id,
                                       Item.deleted_at.is_(None),
                                       Item.moderation == Moderation.VISIBLE.value)
    if cursor:
        raw_key, _, raw_id = cursor.partition("|")
        try:
            key = (int(raw_key), int(raw_id))
        except ValueError:
            raise ValidationError("This page link is no longer valid.") from None
        compare = (sa.tuple_(order_key, Item.id) > key if direction == "asc"
                   else sa.tuple_(order_key, Item.id) < key)
        stmt = stmt.where(compare)
    ordering = ((order_key.asc(), Item.id.asc()) if direction == "asc"
                else (order_key.desc(), Item.id.desc()))
    rows = list(session.exec(stmt.order_by(*ordering).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    nxt = f"{rows[-1][1]}|{rows[-1][0].id}" if more else None
    ideas = [r[0] for r in rows]
    return FeedPage(items=card_rows(session, actor, ideas), next_cursor=nxt), \
        details(session, actor, [i.id for i in ideas])


def details(session: Session, actor: policy.Actor, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    statuses = {s.item_id: s for s in session.exec(
        select(IdeaStatus).where(IdeaStatus.item_id.in_(ids)))}
    supported: set[int] = set()
    if actor.signed_in:
        supported = set(session.exec(select(IdeaSupport.item_id).where(
            IdeaSupport.user_id == actor.user_id, IdeaSupport.item_id.in_(ids))))
    return {i: {"status": statuses[i].status if i in statuses else "",
                "answer": statuses[i].answer if i in statuses else "",
                "supported": i in supported} for i in ids}


def describe(*, session: Session, actor: policy.Actor, item: Item) -> dict[str, str]:
    info = details(session, actor, [item.id])[item.id]
    extra = item.extra or {}
    return {"status": info["status"], "answer": info["answer"],
            "image": extra.get("image", ""), "image_alt": extra.get("image_alt", "")
            or item.title,
            "supported": "1" if info["supported"] else "",
            "can_set_status": "1" if policy.can(actor, "ideas.set_status",
                                                items.load(session, actor, item.id)[1]) else ""}
