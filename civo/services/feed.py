"""The feed: every followed community's items, unread first, then by latest activity.

Signed-in readers page through two keyset segments (unread, then read), each ordered by
``(last_activity_at, id)`` descending; other sorts are single keysets on indexed columns.
Visitors get a mix of three keyset streams (latest, most commented, most engaged). Every
page is one bounded SQL query per segment or stream: no OFFSET, no table in Python.

A feed is opened at a *snapshot* instant carried in the cursor: items created later are
not slipped into pages being read (no duplicates or shifts); they are counted instead
(:func:`new_since`) and offered as "N new items".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import Community, Follow, Phase, Project, User
from civo.models._common import utcnow
from civo.models.announcements import ANNOUNCEMENT_KINDS
from civo.models.participation import Item, ItemRead, Moderation
from civo.models.projects import phase_open_sql
from civo.services import items
from civo.services.errors import ValidationError
from civo.services.validate import is_number

PAGE_SIZE = 20
SORTS = ("unread", "newest", "comments", "reactions")
STATUSES = ("open", "closed")
UNREAD_CAP = 99
EXCERPT = 180


@dataclass(frozen=True)
class FeedCard:
    id: int
    kind: str
    module_key: str
    title: str
    excerpt: str
    author_kind: str
    author_name: str
    author_tag: str
    community_name: str
    community_slug: str
    project_id: int
    project_title: str
    created_at: datetime
    last_activity_at: datetime
    comment_count: int
    reaction_count: int
    support_count: int
    unread: bool
    # Where the item stands: its phase's status ("open", "closed", "upcoming"; "" for a
    # community's own posts), and an event's start and place.
    phase_status: str = ""
    event_starts_at: datetime | None = None
    event_place: str = ""


@dataclass(frozen=True)
class FeedPage:
    items: tuple[FeedCard, ...]
    next_cursor: str | None


@dataclass(frozen=True)
class Filters:
    community_id: int | None = None
    module_key: str | None = None
    status: str | None = None

    @classmethod
    def parse(cls, community_id: Any = None, module_key: Any = None, status: Any = None
              ) -> Filters:
        from civo.modules import MODULES

        if community_id in (None, "", 0):
            community_id = None
        elif isinstance(community_id, str) and is_number(community_id):
            community_id = int(community_id)
        elif not isinstance(community_id, int) or isinstance(community_id, bool):
            raise ValidationError("Unknown filter.")
        if module_key in (None, ""):
            module_key = None
        elif module_key not in (*MODULES.item_keys(), *ANNOUNCEMENT_KINDS):
            raise ValidationError("Unknown filter.")
        if status in (None, ""):
            status = None
        elif status not in STATUSES:
            raise ValidationError("Unknown filter.")
        return cls(community_id, module_key, status)


# ---- cursors ----------------------------------------------------------------------------


def _encode(*parts: Any) -> str:
    return "|".join(p.isoformat() if isinstance(p, datetime) else str(p) for p in parts)


def _decode(cursor: str, n: int) -> list[str]:
    parts = cursor.split("|")
    if len(parts) != n:
        raise ValidationError("This page link is no longer valid.")
    return parts


def _stamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError("This page link is no longer valid.") from None
    if value.tzinfo is None:
        raise ValidationError("This page link is no longer valid.")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValidationError("This page link is no longer valid.") from None


# ---- building blocks -------------------------------------------------------------------


def followed_ids(session: Session, actor: policy.Actor) -> list[int]:
    """Ids of the communities the actor follows and may still see."""
    return list(session.exec(
        select(Follow.community_id).join(Community, Community.id == Follow.community_id)
        .where(Follow.user_id == actor.user_id, policy.visible_communities(actor, Community))
    ))


def _read_clause(user_id: int, watermark: datetime | None) -> sa.ColumnElement[bool]:
    marked = sa.exists().where(ItemRead.user_id == user_id, ItemRead.item_id == Item.id)
    if watermark is None:
        return marked
    return sa.or_(Item.created_at <= watermark, marked)


def listed(community_ids: list[int] | sa.Select) -> sa.ColumnElement[bool]:
    """Items a feed may list: in these communities, not deleted, not hidden or removed by
    moderation, and in a published project (or a community announcement: no project).

    (Contributions are only taken in published projects; the project check guards the
    feed even so: a draft project's content never leaks into a list.)
    """
    # A correlated EXISTS (one primary-key probe per candidate row), not "project_id IN
    # (…)": the IN form lures the planner onto the project index and a full sort.
    published = sa.exists().where(Project.id == Item.project_id,
                                  Project.published_at.is_not(None))
    return sa.and_(Item.community_id.in_(community_ids), Item.deleted_at.is_(None),
                   Item.moderation == Moderation.VISIBLE.value,
                   sa.or_(Item.project_id.is_(None), published))


def _base(community_ids: list[int] | sa.Select, snapshot: datetime, filters: Filters):
    stmt = select(Item).where(listed(community_ids), Item.created_at <= snapshot)
    if filters.community_id is not None:
        stmt = stmt.where(Item.community_id == filters.community_id)
    if filters.module_key is not None:
        stmt = stmt.where(Item.module_key == filters.module_key)
    if filters.status is not None:
        # "Open" as the policy means it: an open phase of an open project.
        is_open = phase_open_sql()
        phases = select(Phase.id).join(Project, Project.id == Phase.project_id).where(
            is_open if filters.status == "open" else sa.not_(is_open))
        stmt = stmt.where(Item.phase_id.in_(phases))
    return stmt


def _public_ids() -> sa.Select:
    return select(Community.id).where(Community.is_private.is_(False),
                                      Community.is_archived.is_(False))


def card_rows(session: Session, actor: policy.Actor, rows: list[Item],
              unread: set[int] | None = None) -> tuple[FeedCard, ...]:
    """Cards for one page of items: 3–4 small batched queries, whatever the page."""
    if not rows:
        return ()
    community = {c.id: c for c in session.exec(select(Community).where(
        Community.id.in_({r.community_id for r in rows})))}
    titles = dict(session.exec(select(Project.id, Project.title).where(
        Project.id.in_({r.project_id for r in rows}))).all())
    if unread is None:
        unread = set()
        if actor.signed_in:
            watermark = session.exec(select(User.feed_read_before).where(
                User.id == actor.user_id)).first()
            ids = [r.id for r in rows if watermark is None or r.created_at > watermark]
            read = set(session.exec(select(ItemRead.item_id).where(
                ItemRead.user_id == actor.user_id, ItemRead.item_id.in_(ids)))) if ids else set()
            unread = set(ids) - read
    who = items.authors(session, [(r.author_id, r.is_anonymous, r.project_id) for r in rows
                                  if r.module_key not in ANNOUNCEMENT_KINDS])
    from civo.models import Phase
    from civo.models.announcements import CommunityEvent

    phase_ids = {r.phase_id for r in rows if r.phase_id}
    phase_status = dict(session.exec(select(Phase.id, Phase.status).where(
        Phase.id.in_(phase_ids))).all()) if phase_ids else {}
    event_ids = [r.id for r in rows if r.module_key == "event"]
    events = {e.item_id: e for e in session.exec(select(CommunityEvent).where(
        CommunityEvent.item_id.in_(event_ids)))} if event_ids else {}
    cards = []
    for r in rows:
        event = events.get(r.id)
        if r.module_key in ANNOUNCEMENT_KINDS:  # the community speaks
            author = items.Author(community[r.community_id].name, "", "community")
        else:
            author = who[(r.author_id, r.is_anonymous, r.project_id)]
        body = r.body if len(r.body) <= EXCERPT else r.body[: EXCERPT - 1].rstrip() + "…"
        cards.append(FeedCard(
            id=r.id, kind=r.kind, module_key=r.module_key, title=r.title, excerpt=body,
            author_kind=author.kind, author_name=author.label, author_tag=author.tag,
            community_name=community[r.community_id].name,
            community_slug=community[r.community_id].slug, project_id=r.project_id or 0,
            project_title=titles.get(r.project_id, ""), created_at=r.created_at,
            last_activity_at=r.last_activity_at, comment_count=r.comment_count,
            reaction_count=r.reaction_count, support_count=r.support_count,
            unread=r.id in unread, phase_status=phase_status.get(r.phase_id, ""),
            event_starts_at=event.starts_at if event else None,
            event_place=(event.location or event.online_url) if event else "",
        ))
    return tuple(cards)


_SORT_KEYS = {
    "newest": (Item.created_at, "stamp"),
    "comments": (Item.comment_count, "int"),
    "reactions": (Item.reaction_count, "int"),
}


# ---- the signed-in feed ----------------------------------------------------------------


def personal(*, session: Session, actor: policy.Actor, sort: str = "unread",
             filters: Filters = Filters(), cursor: str | None = None,
             limit: int = PAGE_SIZE) -> FeedPage:
    """One page of the signed-in feed. ``cursor`` comes from the previous page."""
    policy.require(actor, "feed.personal")
    if sort not in SORTS:
        raise ValidationError("Unknown sort order.")
    limit = max(1, min(limit, PAGE_SIZE))
    followed = followed_ids(session, actor)
    if filters.community_id is not None and filters.community_id not in followed:
        followed = []
    if not followed:
        return FeedPage(items=(), next_cursor=None)
    watermark = session.exec(select(User.feed_read_before).where(
        User.id == actor.user_id)).first()
    read = _read_clause(actor.user_id, watermark)
    if sort != "unread":
        column, kind = _SORT_KEYS[sort]
        if cursor:
            snap, raw_key, raw_id = _decode(cursor, 3)
            snapshot = _stamp(snap)
            key = (_stamp(raw_key) if kind == "stamp" else _int(raw_key), _int(raw_id))
        else:
            snapshot, key = utcnow(), None
        stmt = _base(followed, snapshot, filters)
        if key is not None:
            stmt = stmt.where(sa.tuple_(column, Item.id) < key)
        rows = list(session.exec(stmt.order_by(column.desc(), Item.id.desc()).limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        cards = card_rows(session, actor, rows)
        nxt = None
        if more:
            last = rows[-1]
            nxt = _encode(snapshot, getattr(last, column.key), last.id)
        return FeedPage(items=cards, next_cursor=nxt)

    # Unread first, then read; each segment newest activity first.
    if cursor:
        snap, segment, raw_stamp, raw_id = _decode(cursor, 4)
        snapshot = _stamp(snap)
        if segment not in ("u", "r"):
            raise ValidationError("This page link is no longer valid.")
        key = (_stamp(raw_stamp), _int(raw_id)) if raw_stamp else None
    else:
        snapshot, segment, key = utcnow(), "u", None
    picked: list[tuple[Item, bool]] = []
    while True:
        stmt = _base(followed, snapshot, filters).where(sa.not_(read) if segment == "u" else read)
        if key is not None:
            stmt = stmt.where(sa.tuple_(Item.last_activity_at, Item.id) < key)
        want = limit + 1 - len(picked)
        rows = list(session.exec(stmt.order_by(Item.last_activity_at.desc(), Item.id.desc())
                                 .limit(want)))
        picked.extend((row, segment == "u") for row in rows)
        if len(picked) > limit or segment == "r":
            break
        segment, key = "r", None  # unread exhausted: continue with what was read
    more = len(picked) > limit
    picked = picked[:limit]
    cards = card_rows(session, actor, [row for row, _ in picked],
                      unread={row.id for row, was_unread in picked if was_unread})
    nxt = None
    if more:
        last, was_unread = picked[-1]
        nxt = _encode(snapshot, "u" if was_unread else "r", last.last_activity_at, last.id)
    return FeedPage(items=cards, next_cursor=nxt)


def unread_count(*, session: Session, actor: policy.Actor) -> int:
    """Unread items in followed communities, counted in SQL up to 100 (shown as "99+")."""
    if not actor.signed_in:
        return 0
    followed = followed_ids(session, actor)
    if not followed:
        return 0
    watermark = session.exec(select(User.feed_read_before).where(
        User.id == actor.user_id)).first()
    inner = (select(Item.id).where(listed(followed),
                                   sa.not_(_read_clause(actor.user_id, watermark)))
             .limit(UNREAD_CAP + 1).subquery())
    return session.exec(select(sa.func.count()).select_from(inner)).one()


def mark_all_read(*, session: Session, actor: policy.Actor) -> None:
    """Everything in the feed up to now counts as read (one row, whatever the volume)."""
    policy.require(actor, "feed.personal")
    session.execute(sa.update(User).where(User.id == actor.user_id)
                    .values(feed_read_before=utcnow()))
    session.commit()


def new_since(*, session: Session, actor: policy.Actor, cursor_or_snapshot: str | None) -> int:
    """Items created in the reader's feed after it was opened (the "N new items" banner)."""
    if not cursor_or_snapshot:
        return 0
    snapshot = _stamp(cursor_or_snapshot.split("|", 1)[0])
    if actor.signed_in:
        communities: Any = followed_ids(session, actor)
        if not communities:
            return 0
    else:
        communities = _public_ids()
    inner = (select(Item.id).where(listed(communities), Item.created_at > snapshot)
             .limit(UNREAD_CAP + 1))
    if actor.signed_in:
        inner = inner.where(sa.or_(Item.author_id.is_(None), Item.author_id != actor.user_id))
    return session.exec(select(sa.func.count()).select_from(inner.subquery())).one()


# ---- one community's activity (its page) ----------------------------------------------


def community_activity(*, session: Session, actor: policy.Actor, community_id: Any,
                       cursor: str | None = None, limit: int = PAGE_SIZE) -> FeedPage:
    """A community's items, latest activity first (keyset), if the actor may see it."""
    from civo.services.errors import NotFound

    community = (session.get(Community, community_id)
                 if isinstance(community_id, int) and not isinstance(community_id, bool)
                 else None)
    if community is None or not policy.can(actor, "community.view", community):
        raise NotFound("This community does not exist or is not visible to you.")
    limit = max(1, min(limit, PAGE_SIZE))
    stmt = select(Item).where(listed([community.id]))
    if cursor:
        raw_stamp, raw_id = _decode(cursor, 2)
        stmt = stmt.where(sa.tuple_(Item.last_activity_at, Item.id)
                          < (_stamp(raw_stamp), _int(raw_id)))
    rows = list(session.exec(stmt.order_by(Item.last_activity_at.desc(), Item.id.desc())
                             .limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = _encode(rows[-1].last_activity_at, rows[-1].id) if more else None
    return FeedPage(items=card_rows(session, actor, rows), next_cursor=nxt)


# ---- the visitor feed: a mix of three streams -------------------------------------------

_STREAMS = (
    ("latest", Item.created_at, "stamp"),
    ("comments", Item.comment_count, "int"),
    ("engaged", Item.engagement_count, "int"),
)


def visitor(*, session: Session, actor: policy.Actor = policy.ANONYMOUS,
            filters: Filters = Filters(), cursor: str | None = None,
            limit: int = PAGE_SIZE) -> FeedPage:
    """Public items as a mix: latest, most commented and most engaged, in turn, no repeats.

    The cursor holds each stream's position. An item a stream already passed counts as
    shown, so the other streams skip it on later pages.
    """
    limit = max(1, min(limit, PAGE_SIZE))
    if cursor:
        parts = _decode(cursor, 7)
        snapshot = _stamp(parts[0])
        keys: list[tuple | None] = []
        for i, (_name, _col, kind) in enumerate(_STREAMS):
            raw_key, raw_id = parts[1 + 2 * i], parts[2 + 2 * i]
            if raw_key == "":
                keys.append(None)
            else:
                keys.append((_stamp(raw_key) if kind == "stamp" else _int(raw_key),
                             _int(raw_id)))
    else:
        snapshot, keys = utcnow(), [None, None, None]
    base = _base(_public_ids(), snapshot, filters)
    fetched: list[list[Item]] = []
    share = limit // len(_STREAMS) + 2
    for i, (_name, column, _kind) in enumerate(_STREAMS):
        stmt = base
        if keys[i] is not None:
            stmt = stmt.where(sa.tuple_(column, Item.id) < keys[i])
        for j, (_other, other_col, _k) in enumerate(_STREAMS):
            if j != i and keys[j] is not None:  # already shown by another stream
                stmt = stmt.where(sa.tuple_(other_col, Item.id) < keys[j])
        fetched.append(list(session.exec(
            stmt.order_by(column.desc(), Item.id.desc()).limit(share + limit))))
    picked: list[Item] = []
    seen: set[int] = set()
    positions = [0, 0, 0]
    last: list[Item | None] = [None, None, None]
    exhausted = [False, False, False]
    while len(picked) < limit and not all(exhausted):
        for i in range(len(_STREAMS)):
            if len(picked) >= limit:
                break
            stream = fetched[i]
            while positions[i] < len(stream) and stream[positions[i]].id in seen:
                last[i] = stream[positions[i]]
                positions[i] += 1
            if positions[i] >= len(stream):
                exhausted[i] = True
                continue
            row = stream[positions[i]]
            positions[i] += 1
            last[i] = row
            seen.add(row.id)
            picked.append(row)
    more = any(positions[i] < len(fetched[i]) for i in range(len(_STREAMS))) or (
        len(picked) == limit and not all(exhausted))
    nxt = None
    if picked and more:
        parts: list[Any] = [snapshot]
        for i, (_name, column, _kind) in enumerate(_STREAMS):
            if last[i] is None:
                parts.extend(keys[i] if keys[i] is not None else ("", ""))
            else:
                parts.extend((getattr(last[i], column.key), last[i].id))
        nxt = _encode(*parts)
    return FeedPage(items=card_rows(session, actor, picked), next_cursor=nxt)
