"""Citizen reactions: one per citizen per item or comment, changeable and removable.

Counts per emoji are columns on the item / comment, changed in the same transaction as the
reaction row with conditional statements, so concurrent clicks never make them drift.
Who reacted is never returned by anything here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.db import Conflict, insert_ignore, retrying
from civo.models._common import utcnow
from civo.models.participation import EMOJI_GLYPHS, Comment, Moderation, Reaction
from civo.i18n import N_
from civo.services import items, throttle
from civo.services.errors import NotFound, ValidationError

TARGETS = ("item", "comment")
TOO_FAST = N_("You are reacting very fast. Please wait a minute and try again.")


def _bump(session: Session, kind: str, target_id: int, emoji: str, delta: int) -> None:
    if kind == "item":
        items.bump(session, target_id, reactions=delta, emoji_delta={emoji: delta})
        return
    session.execute(sa.update(Comment).where(Comment.id == target_id).values(
        reaction_count=Comment.reaction_count + delta,
        **{f"r_{emoji}": getattr(Comment, f"r_{emoji}") + delta}))


def _locate(session: Session, actor: policy.Actor, kind: Any, target_id: Any) -> items.Where:
    if kind not in TARGETS:
        raise NotFound("This contribution does not exist.")
    if kind == "item":
        item, where = items.load(session, actor, target_id)
        if item.deleted_at is not None:
            raise ValidationError("This contribution was deleted.")
        return where
    if not isinstance(target_id, int) or isinstance(target_id, bool):
        raise NotFound("This comment does not exist.")
    comment = session.get(Comment, target_id)
    if comment is None:
        raise NotFound("This comment does not exist.")
    _item, where = items.load(session, actor, comment.item_id)
    if comment.deleted_at is not None:
        raise ValidationError("This comment was deleted.")
    if comment.moderation != Moderation.VISIBLE:
        raise ValidationError("This content is hidden pending review: nothing was saved.")
    return where


def react(*, session: Session, actor: policy.Actor, target_kind: Any, target_id: Any,
          emoji: Any) -> bool:
    """Set the actor's reaction on a target to ``emoji``, or remove it with "".

    Returns True when this call changed something. Idempotent: sending the same emoji
    twice (a double click, two tabs) leaves one reaction and reports no change.
    """
    if emoji != "" and emoji not in EMOJI_GLYPHS:
        raise ValidationError("Unknown reaction.")
    where = _locate(session, actor, target_kind, target_id)
    items.require_open(actor, "item.react", where)
    user_id = actor.user_id

    def work() -> bool:
        current = session.exec(select(Reaction.id, Reaction.emoji).where(
            Reaction.target_kind == target_kind, Reaction.target_id == target_id,
            Reaction.user_id == user_id)).first()
        if current is None:
            if not emoji:
                return False
            throttle.per_account(session, "reaction", user_id, TOO_FAST)
            if not insert_ignore(session, Reaction, {
                    "target_kind": target_kind, "target_id": target_id, "user_id": user_id,
                    "emoji": emoji, "created_at": utcnow()}):
                raise Conflict  # another tab reacted first: start again from its row
            _bump(session, target_kind, target_id, emoji, +1)
            _tell_author(session, actor, target_kind, target_id)
        else:
            row_id, old = current
            if old == emoji:
                return False
            throttle.per_account(session, "reaction", user_id, TOO_FAST)
            if emoji == "":
                done = session.execute(sa.delete(Reaction).where(
                    Reaction.id == row_id, Reaction.emoji == old)).rowcount
            else:
                done = session.execute(sa.update(Reaction).where(
                    Reaction.id == row_id, Reaction.emoji == old).values(emoji=emoji)).rowcount
            if done != 1:
                raise Conflict
            _bump(session, target_kind, target_id, old, -1)
            if emoji:
                _bump(session, target_kind, target_id, emoji, +1)
        session.commit()
        return True

    return retrying(session, work)


def mine(session: Session, user_id: int | None, kind: str, ids: list[int]) -> dict[int, str]:
    """The actor's own reactions on a page of targets (one query)."""
    if user_id is None or not ids:
        return {}
    return dict(session.exec(select(Reaction.target_id, Reaction.emoji).where(
        Reaction.target_kind == kind, Reaction.target_id.in_(ids),
        Reaction.user_id == user_id)).all())


def _tell_author(session: Session, actor: policy.Actor, kind: str, target_id: int) -> None:
    """A new reaction: its author hears of it (once per contribution until they read it)."""
    from civo.models.participation import Item

    if kind == "item":
        item = session.get(Item, target_id)
        events.publish(session, "reaction.added", actor=actor, recipient=item.author_id,
                       item_id=item.id)
    else:
        comment = session.get(Comment, target_id)
        events.publish(session, "reaction.added", actor=actor, recipient=comment.author_id,
                       item_id=comment.item_id, comment_id=comment.id)
