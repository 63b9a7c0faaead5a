"""Threaded comments on items: depth 3, 20 threads at a time, edit within 10 minutes,
delete own (replies survive under "deleted")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.models._common import utcnow
from civo.models.participation import Comment, Item, Moderation
from civo.services import items, keyset, reactions, rich_text
from civo.services.errors import NotFound, ValidationError

MAX_DEPTH = 3
PAGE_SIZE = 20
BODY_MAX = 2000
# Replies shown under each thread at first; "show more replies" loads the rest, 20 at a time.
REPLIES_SHOWN = 10
REPLIES_PAGE = 20


def post(*, session: Session, actor: policy.Actor, item_id: Any, body: str,
         parent_id: Any = None, anonymous: bool = False) -> Comment:
    """Comment on an item, or reply to a comment of the same item (up to depth 3)."""
    item, where = items.load(session, actor, item_id)
    if item.deleted_at is not None:
        raise ValidationError("This contribution was deleted.")
    items.require_open(actor, "item.comment", where)
    text = rich_text.clean(body, label="Comment", max_len=BODY_MAX)
    depth, root_id = 1, None
    if parent_id is not None:
        if not isinstance(parent_id, int) or isinstance(parent_id, bool):
            raise NotFound("This comment does not exist.")
        parent = session.get(Comment, parent_id)
        if parent is None or parent.item_id != item.id:
            raise NotFound("This comment does not exist.")
        if parent.depth >= MAX_DEPTH:
            raise ValidationError("Replies go three levels deep at most.")
        if parent.moderation != Moderation.VISIBLE or parent.deleted_at is not None:
            raise ValidationError("You cannot reply to this comment.")
        depth, root_id = parent.depth + 1, parent.root_id or parent.id
    comment = Comment(item_id=item.id, parent_id=parent_id, root_id=root_id, depth=depth,
                      author_id=actor.user_id, is_anonymous=bool(anonymous), body=text)
    session.add(comment)
    items.bump(session, item.id, comments=+1, touch=True)
    session.flush()
    replied_to = session.get(Comment, parent_id).author_id if parent_id else None
    events.publish(session, "comment.created", actor=actor, item=item, comment=comment,
                   replied_to=replied_to)
    session.commit()
    session.refresh(comment)
    return comment


def _own(session: Session, actor: policy.Actor, comment_id: Any
         ) -> tuple[Comment, items.Where, items.Where]:
    """The comment, where it stands as the comment's (author, moderation), and where its
    contribution stands (whose moderation decides whether its thread is open)."""
    if not isinstance(comment_id, int) or isinstance(comment_id, bool):
        raise NotFound("This comment does not exist.")
    comment = session.get(Comment, comment_id)
    if comment is None or comment.deleted_at is not None:
        raise NotFound("This comment does not exist.")
    _item, where = items.load(session, actor, comment.item_id)
    return comment, items.Where(community=where.community, project=where.project,
                                phase=where.phase, author_id=comment.author_id,
                                moderation=comment.moderation, target="comment"), where


def edit(*, session: Session, actor: policy.Actor, comment_id: Any, body: str) -> Comment:
    comment, where, thread = _own(session, actor, comment_id)
    policy.require(actor, "item.edit", where)
    parent_item = session.get(Item, comment.item_id)
    if parent_item is None or parent_item.deleted_at is not None:
        raise ValidationError("This contribution was deleted.")
    # Neither the comment nor its thread may be under moderation (as when posting).
    for place in (where, thread):
        items.require_open(actor, "item.comment", place)
    if utcnow() - comment.created_at > items.EDIT_WINDOW:
        raise ValidationError("Comments can only be edited within 10 minutes of posting.")
    text = rich_text.clean(body, label="Comment", max_len=BODY_MAX)
    # Conditional: an edit racing a delete (another tab) never writes text back.
    done = session.execute(sa.update(Comment).where(
        Comment.id == comment.id, Comment.deleted_at.is_(None)).values(
        body=text, edited_at=utcnow())).rowcount
    if done != 1:
        session.rollback()
        raise NotFound("This comment does not exist.")
    session.commit()
    session.refresh(comment)
    return comment


def delete(*, session: Session, actor: policy.Actor, comment_id: Any) -> None:
    """The author's soft delete: the text goes, the replies stay under "deleted".

    Nobody else deletes a comment — not a community's admins under their own news: someone
    else's words leave only through moderation (a reason, the author told, an appeal, the
    audit log).
    """
    comment, where, _thread = _own(session, actor, comment_id)
    policy.require(actor, "comment.delete", where)
    done = session.execute(sa.update(Comment).where(
        Comment.id == comment.id, Comment.deleted_at.is_(None)).values(
        deleted_at=utcnow(), body="")).rowcount
    if done == 1:
        items.bump(session, comment.item_id, comments=-1)
    session.commit()


@dataclass(frozen=True)
class CommentView:
    id: int
    parent_id: int
    root_id: int
    depth: int
    segments: list[dict[str, str]]
    body: str
    author_kind: str
    author_name: str
    author_tag: str
    is_mine: bool
    created_at: datetime
    edited: bool
    deleted: bool
    can_reply: bool
    can_edit: bool
    can_delete: bool
    reactions: dict[str, int]
    reaction_count: int
    my_reaction: str
    # On a thread's root: replies not shown yet, and where to continue (keyset).
    more_replies: int = 0
    replies_cursor: str = ""
    # Moderation as this reader sees it (see civo.services.moderation.Status).
    moderation: str = Moderation.VISIBLE.value
    content_shown: bool = True
    flag_reasons: tuple[str, ...] = ()
    decision_reason: str = ""
    can_flag: bool = False
    can_appeal: bool = False
    appealed: bool = False
    flagged_by_me: bool = False
    author_href: str = ""  # a named author's public profile (never anonymous)


@dataclass(frozen=True)
class CommentPage:
    comments: tuple[CommentView, ...]   # in thread order: each root followed by its replies
    next_cursor: str | None


def thread_order(nodes: list[Any], *, id_of=lambda n: n.id,
                 parent_of=lambda n: n.parent_id) -> list[Any]:
    """Depth-first order of one or more threads, each level oldest first.

    ``nodes`` come oldest first. A reply whose parent is not among ``nodes`` is placed
    as if it started a thread (never dropped).
    """
    ids = {id_of(n) for n in nodes}
    children: dict[int | None, list[Any]] = {}
    for node in nodes:
        parent = parent_of(node) or None
        children.setdefault(parent if parent in ids else None, []).append(node)
    ordered: list[Any] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(id_of(node), [])))
    return ordered


def _views(session: Session, actor: policy.Actor, item: Item, where: items.Where,
           rows: list[Comment], more: dict[int, tuple[int, str]] | None = None
           ) -> list[CommentView]:
    from civo.services import moderation

    who = items.authors(session, [(c.author_id, c.is_anonymous, item.project_id) for c in rows])
    my = reactions.mine(session, actor.user_id, "comment", [c.id for c in rows])
    is_open = (policy.can(actor, "item.comment", where) and item.deleted_at is None
               and item.moderation == Moderation.VISIBLE)
    can_moderate = policy.can(actor, "moderation.act", where.community)
    status = moderation.statuses(session, actor, "comment", rows, where)
    now = utcnow()
    more = more or {}
    views = []
    for c in rows:
        author = who[(c.author_id, c.is_anonymous, item.project_id)]
        mine = actor.signed_in and c.author_id == actor.user_id
        deleted = c.deleted_at is not None
        visible = c.moderation == Moderation.VISIBLE
        shown = not deleted and (visible or mine or can_moderate)
        hidden_replies, replies_cursor = more.get(c.id, (0, ""))
        told = status[c.id]
        views.append(CommentView(
            id=c.id, parent_id=c.parent_id or 0, root_id=c.root_id or c.id, depth=c.depth,
            segments=rich_text.segments(c.body) if shown else [],
            body=c.body if shown else "",
            author_kind="deleted" if deleted else author.kind,
            author_name="" if deleted else author.label,
            author_tag="" if deleted else author.tag, is_mine=mine and not deleted,
            author_href="" if deleted else author.href,
            created_at=c.created_at, edited=c.edited_at is not None, deleted=deleted,
            can_reply=(is_open and actor.signed_in and c.depth < MAX_DEPTH and not deleted
                       and visible),
            can_edit=(mine and is_open and not deleted and visible
                      and now - c.created_at <= items.EDIT_WINDOW),
            can_delete=not deleted and mine,
            reactions=items.reaction_counts(c), reaction_count=c.reaction_count,
            my_reaction=my.get(c.id, ""), more_replies=hidden_replies,
            replies_cursor=replies_cursor, moderation=c.moderation,
            content_shown=shown or deleted, flag_reasons=told.reasons,
            decision_reason=told.decision_reason, can_flag=told.can_flag,
            can_appeal=told.can_appeal, appealed=told.appealed,
            flagged_by_me=told.flagged_by_me,
        ))
    return views


def page(*, session: Session, actor: policy.Actor, item_id: Any, cursor: str | None = None,
         limit: int = PAGE_SIZE) -> CommentPage:
    """Up to ``limit`` threads (oldest first), each with its first replies.

    Threads page by keyset on (created, id); each thread shows its first
    ``REPLIES_SHOWN`` replies, and its root says how many more :func:`replies` can load.
    """
    item, where = items.load(session, actor, item_id)
    limit = max(1, min(limit, PAGE_SIZE))
    stmt = select(Comment).where(Comment.item_id == item.id, Comment.depth == 1)
    if cursor:
        stmt = stmt.where(sa.tuple_(Comment.created_at, Comment.id) > keyset.decode(cursor))
    roots = list(session.exec(stmt.order_by(Comment.created_at, Comment.id).limit(limit + 1)))
    has_more = len(roots) > limit
    roots = roots[:limit]
    shown: list[Comment] = []
    more: dict[int, tuple[int, str]] = {}
    if roots:
        ranked = select(
            Comment.id,
            sa.func.row_number().over(partition_by=Comment.root_id,
                                      order_by=(Comment.created_at, Comment.id)).label("rn"),
            sa.func.count().over(partition_by=Comment.root_id).label("total"),
        ).where(Comment.root_id.in_([r.id for r in roots])).subquery()
        rows = session.exec(
            select(Comment, ranked.c.rn, ranked.c.total).join(ranked, ranked.c.id == Comment.id)
            .where(ranked.c.rn <= REPLIES_SHOWN).order_by(Comment.created_at, Comment.id)).all()
        for reply, rn, total in rows:
            shown.append(reply)
            if rn == REPLIES_SHOWN and total > REPLIES_SHOWN:
                more[reply.root_id] = (total - REPLIES_SHOWN,
                                       keyset.encode(reply.created_at, reply.id))
    ordered = thread_order([*roots, *shown])
    views = _views(session, actor, item, where, ordered, more)
    next_cursor = keyset.encode(roots[-1].created_at, roots[-1].id) if has_more else None
    return CommentPage(comments=tuple(views), next_cursor=next_cursor)


def replies(*, session: Session, actor: policy.Actor, item_id: Any, root_id: Any,
            cursor: Any, limit: int = REPLIES_PAGE) -> CommentPage:
    """The next replies of one thread after ``cursor`` (oldest first, keyset).

    The returned page's ``next_cursor`` continues the same thread.
    """
    item, where = items.load(session, actor, item_id)
    if not isinstance(root_id, int) or isinstance(root_id, bool) or not isinstance(cursor, str):
        raise NotFound("This comment does not exist.")
    root = session.get(Comment, root_id)
    if root is None or root.item_id != item.id or root.depth != 1:
        raise NotFound("This comment does not exist.")
    limit = max(1, min(limit, REPLIES_PAGE))
    rows = list(session.exec(
        select(Comment).where(Comment.root_id == root.id,
                              sa.tuple_(Comment.created_at, Comment.id) > keyset.decode(cursor))
        .order_by(Comment.created_at, Comment.id).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    views = _views(session, actor, item, where, rows)
    next_cursor = keyset.encode(rows[-1].created_at, rows[-1].id) if has_more else None
    return CommentPage(comments=tuple(views), next_cursor=next_cursor)


def by_ids(*, session: Session, actor: policy.Actor, item_id: Any, ids: Any,
           limit: int = PAGE_SIZE) -> CommentPage:
    """Some comments of one item as this reader sees them (a live page re-reading only the
    comments a change named): oldest first, at most ``limit``; others' ids are ignored."""
    item, where = items.load(session, actor, item_id)
    wanted = sorted({i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
                    if isinstance(ids, (list, tuple, set, frozenset)) else set())[-limit:]
    if not wanted:
        return CommentPage(comments=(), next_cursor=None)
    rows = list(session.exec(select(Comment).where(Comment.item_id == item.id,
                                                   Comment.id.in_(wanted))
                             .order_by(Comment.created_at, Comment.id)))
    return CommentPage(comments=tuple(_views(session, actor, item, where, rows)),
                       next_cursor=None)
