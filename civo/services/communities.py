"""Communities: who governs a place, the directory, the community page, following
and joining private communities with an access code."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from civo import policy
from civo.models import (
    GOVERNING_KINDS,
    AccessCode,
    Community,
    Follow,
    Membership,
    Place,
    Project,
    User,
)
from civo.models._common import utcnow
from civo.services import places
from civo.services.errors import NotFound, ValidationError
from civo.services.validate import is_number
from civo.text import search_key, word_prefix_match

PAGE_SIZE = 20


# ---- who governs a place --------------------------------------------------------------


def governing(session: Session, place_id: int) -> list[Community]:
    """Public communities that govern ``place_id`` or an enclosing place, narrowest first."""
    chain = [p.id for p in places.ancestors(session, place_id)]
    if not chain:
        return []
    rows = session.exec(
        select(Community).where(
            Community.place_id.in_(chain),
            Community.kind.in_(GOVERNING_KINDS),
            Community.is_private.is_(False),
            Community.is_archived.is_(False),
        )
    ).all()
    depth = {pid: i for i, pid in enumerate(chain)}
    return sorted(rows, key=lambda c: (depth[c.place_id], c.id))


def follow_governing(*, session: Session, user_id: int, place_id: int) -> list[int]:
    """Follow every community governing ``place_id`` (inside the caller's transaction)."""
    followed = []
    for community in governing(session, place_id):
        if _add_follow(session, user_id, community.id):
            followed.append(community.id)
    return followed


def _add_follow(session: Session, user_id: int, community_id: int) -> bool:
    """Insert a follow and bump the counter; False if it already existed."""
    try:
        with session.begin_nested():
            session.add(Follow(user_id=user_id, community_id=community_id))
            session.flush()
    except IntegrityError:
        return False
    session.exec(
        sa.update(Community)
        .where(Community.id == community_id)
        .values(follower_count=Community.follower_count + 1)
    )
    return True


# ---- views --------------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityCard:
    """A community in a list."""

    id: int
    slug: str
    name: str
    kind: str
    place: str
    follower_count: int
    is_private: bool
    is_following: bool = False


@dataclass(frozen=True)
class ProjectCard:
    id: int
    title: str
    summary: str
    status: str  # its stage (civo.models.projects.project_stage)
    opens_on: object = None


@dataclass(frozen=True)
class EventCard:
    item_id: int
    title: str
    starts_at: datetime
    location: str
    online: bool
    timezone: str


@dataclass(frozen=True)
class CommunityPage:
    """Everything the community page shows."""

    card: CommunityCard
    description: str
    parents: tuple[CommunityCard, ...]  # nearest parent first
    projects: tuple[ProjectCard, ...]
    can_follow: bool
    can_manage: bool = False
    logo: str = ""
    cover: str = ""
    brand_color: str = ""
    events: tuple[EventCard, ...] = ()
    children: tuple[CommunityCard, ...] = ()  # its sub-communities, by name
    more_children: bool = False


CHILDREN_SHOWN = 60


@dataclass(frozen=True)
class DirectoryPage:
    items: tuple[CommunityCard, ...]
    next_cursor: str | None  # opaque keyset cursor: "<search_name>\x1f<id>"


def _followed_ids(session: Session, actor: policy.Actor, ids: list[int]) -> set[int]:
    if not actor.signed_in or not ids:
        return set()
    return set(
        session.exec(
            select(Follow.community_id).where(
                Follow.user_id == actor.user_id, Follow.community_id.in_(ids)
            )
        ).all()
    )


def _cards(session: Session, actor: policy.Actor, rows: list[Community]) -> list[CommunityCard]:
    place_names = dict(
        session.exec(
            select(Place.id, Place.name).where(Place.id.in_({c.place_id for c in rows}))
        ).all()
    ) if rows else {}
    followed = _followed_ids(session, actor, [c.id for c in rows])
    return [
        CommunityCard(
            id=c.id, slug=c.slug, name=c.name, kind=c.kind, place=place_names.get(c.place_id, ""),
            follower_count=c.follower_count, is_private=c.is_private,
            is_following=c.id in followed,
        )
        for c in rows
    ]


def directory(
    *, session: Session, actor: policy.Actor, kind: str = "", query: str = "",
    cursor: str | None = None, limit: int = PAGE_SIZE,
) -> DirectoryPage:
    """One page of the communities the actor may see, by name (keyset pagination)."""
    limit = max(1, min(limit, 50))
    stmt = select(Community).where(
        policy.visible_communities(actor, Community)
    )
    if kind:
        stmt = stmt.where(Community.kind == kind)
    key = search_key(query)[:100]
    if key:
        stmt = stmt.where(word_prefix_match(Community.search_name, key))
    if cursor:
        name, _, raw_id = cursor.rpartition("\x1f")
        if not is_number(raw_id):
            raise ValidationError("This page link is no longer valid.")
        stmt = stmt.where(sa.tuple_(Community.search_name, Community.id) > (name, int(raw_id)))
    rows = list(session.exec(stmt.order_by(Community.search_name, Community.id)
                             .limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = f"{rows[-1].search_name}\x1f{rows[-1].id}" if more and rows else None
    return DirectoryPage(items=tuple(_cards(session, actor, rows)), next_cursor=next_cursor)


def _visible(session: Session, actor: policy.Actor, community: Community | None) -> Community:
    # A private community the actor may not see does not exist for them.
    if community is None or not policy.can(actor, "community.view", community):
        raise NotFound("This community does not exist or is not visible to you.")
    return community


def page(*, session: Session, actor: policy.Actor, slug: str) -> CommunityPage:
    """The community page for ``slug`` as ``actor`` may see it."""
    community = _visible(
        session, actor, session.exec(select(Community).where(Community.slug == slug)).first()
    )
    parents: list[Community] = []
    parent_id = community.parent_id
    while parent_id and len(parents) < places.MAX_DEPTH:
        parent = session.get(Community, parent_id)
        if parent is None or not policy.can(actor, "community.view", parent):
            break
        parents.append(parent)
        parent_id = parent.parent_id
    projects = session.exec(
        select(Project)
        .where(Project.community_id == community.id, Project.published_at.is_not(None))
        .order_by(Project.published_at.desc(), Project.id.desc())
        .limit(PAGE_SIZE)
    ).all()
    cards = _cards(session, actor, [community, *parents])
    from civo.services.projects import stages

    staged = stages(session, list(projects))
    children = list(session.exec(
        select(Community).where(Community.parent_id == community.id,
                                Community.is_archived.is_(False),
                                policy.visible_communities(actor, Community))
        .order_by(Community.search_name, Community.id).limit(CHILDREN_SHOWN + 1)))
    child_cards = _cards(session, actor, children[:CHILDREN_SHOWN]) if children else []
    return CommunityPage(
        children=tuple(child_cards), more_children=len(children) > CHILDREN_SHOWN,
        card=cards[0], description=community.description, parents=tuple(cards[1:]),
        projects=tuple(ProjectCard(id=p.id, title=p.title, summary=p.summary,
                                   status=staged[p.id][0], opens_on=staged[p.id][1])
                       for p in projects),
        can_follow=policy.can(actor, "community.follow", community),
        can_manage=policy.can(actor, "community.edit", community),
        logo=community.logo, cover=community.cover, brand_color=community.brand_color,
        events=_upcoming_events(session, community),
    )


def _upcoming_events(session: Session, community: Community) -> tuple[EventCard, ...]:
    """The community's next events (at most 5), soonest first."""
    from civo.models.announcements import CommunityEvent
    from civo.models.participation import Item, Moderation

    rows = session.exec(
        select(Item.id, Item.title, CommunityEvent.starts_at, CommunityEvent.location,
               CommunityEvent.online_url)
        .join(CommunityEvent, CommunityEvent.item_id == Item.id)
        .where(Item.community_id == community.id, Item.deleted_at.is_(None),
               Item.moderation == Moderation.VISIBLE.value,
               CommunityEvent.starts_at >= utcnow())
        .order_by(CommunityEvent.starts_at).limit(5)).all()
    return tuple(EventCard(i, title, start, place, bool(link), community.timezone)
                 for i, title, start, place, link in rows)


@dataclass(frozen=True)
class FollowedPage:
    items: tuple[CommunityCard, ...]
    next_cursor: int | None  # the last follow id of this page


def followed(
    *, session: Session, actor: policy.Actor, after: int | None = None, limit: int | None = None,
) -> FollowedPage:
    """One page of the communities the actor follows, in the order they were followed.

    Registration follows the narrowest level first, so a new citizen sees their city first.
    """
    policy.require(actor, "account.manage_own")
    limit = max(1, min(limit or PAGE_SIZE, 50))
    stmt = (
        select(Community, Follow.id)
        .join(Follow, Follow.community_id == Community.id)
        .where(Follow.user_id == actor.user_id, policy.visible_communities(actor, Community))
    )
    if after is not None:
        stmt = stmt.where(Follow.id > after)
    rows = session.exec(stmt.order_by(Follow.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return FollowedPage(items=tuple(_cards(session, actor, [c for c, _ in rows])),
                        next_cursor=rows[-1][1] if more and rows else None)


def governing_cards(*, session: Session, actor: policy.Actor) -> list[CommunityCard]:
    """The communities that govern the actor's home place (what registration followed)."""
    policy.require(actor, "account.manage_own")
    user = session.get(User, actor.user_id)
    if user is None or user.home_place_id is None:
        return []
    return _cards(session, actor, governing(session, user.home_place_id))


def cards_by_id(*, session: Session, actor: policy.Actor, ids: list[int]) -> list[CommunityCard]:
    """Cards for the given ids that the actor may see, in the given order."""
    rows = {c.id: c for c in session.exec(select(Community).where(Community.id.in_(ids))).all()
            if policy.can(actor, "community.view", c)}
    return _cards(session, actor, [rows[i] for i in ids if i in rows])


# ---- following ----------------------------------------------------------------------------


def follow(*, session: Session, actor: policy.Actor, community_id: int) -> bool:
    """Follow a community; True if this created the follow (idempotent)."""
    community = _visible(session, actor, session.get(Community, community_id))
    policy.require(actor, "community.follow", community)
    created = _add_follow(session, actor.user_id, community.id)
    session.commit()
    return created


def unfollow(*, session: Session, actor: policy.Actor, community_id: int) -> bool:
    """Stop following; True if a follow was removed (idempotent)."""
    policy.require(actor, "account.manage_own")
    result = session.exec(
        sa.delete(Follow).where(Follow.user_id == actor.user_id,
                                Follow.community_id == community_id)
    )
    if result.rowcount:
        session.exec(
            sa.update(Community)
            .where(Community.id == community_id)
            .values(follower_count=Community.follower_count - result.rowcount)
        )
    session.commit()
    return bool(result.rowcount)


# ---- private communities and access codes ------------------------------------------------


def code_digest(code: str) -> str:
    # Spaces, dashes and case do not matter when typing a code.
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def create_access_code(
    *, session: Session, actor: policy.Actor, community_id: int,
    expires_at: datetime | None = None, max_uses: int | None = None,
) -> str:
    """Create a join code for a private community; returns the code (shown once)."""
    community = session.get(Community, community_id)
    if community is None:
        raise NotFound("This community does not exist or is not visible to you.")
    policy.require(actor, "community.manage_codes", community)
    if not community.is_private or community.is_archived:
        raise ValidationError("Access codes are only for active private communities.")
    if max_uses is not None and max_uses < 1:
        raise ValidationError("The number of uses must be at least 1.", field="max_uses")
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationError("The expiry date must be in the future.", field="expires_at")
    code = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
    session.add(AccessCode(community_id=community.id, code_hash=code_digest(code),
                           expires_at=expires_at, max_uses=max_uses))
    session.commit()
    return code


def join_with_code(*, session: Session, actor: policy.Actor, code: str,
                   now: datetime | None = None) -> str:
    """Join the private community a code opens, and follow it; returns its slug."""
    policy.require(actor, "community.join_with_code")
    now = now or utcnow()
    if not code or len(code) > 64:
        raise ValidationError("This code is not valid.", field="code")
    access = session.exec(
        select(AccessCode).where(AccessCode.code_hash == code_digest(code))
    ).first()
    if access is None or access.revoked_at is not None:
        raise ValidationError("This code is not valid.", field="code")
    if access.expires_at is not None and access.expires_at <= now:
        raise ValidationError("This code has expired.", field="code")
    community = session.get(Community, access.community_id)
    if community is None or community.is_archived:
        raise ValidationError("This code is not valid.", field="code")
    already = session.exec(select(Membership.id).where(
        Membership.user_id == actor.user_id, Membership.community_id == community.id)).first()
    if already is None:
        # Count the use atomically: two citizens racing for the last use cannot both win.
        used = session.exec(
            sa.update(AccessCode)
            .where(AccessCode.id == access.id,
                   sa.or_(AccessCode.max_uses.is_(None), AccessCode.uses < AccessCode.max_uses))
            .values(uses=AccessCode.uses + 1)
        )
        if not used.rowcount:
            session.rollback()
            raise ValidationError("This code has already been used up.", field="code")
        try:
            with session.begin_nested():
                session.add(Membership(user_id=actor.user_id, community_id=community.id,
                                       access_code_id=access.id))
                session.flush()
        except IntegrityError:
            session.rollback()
            return community.slug
    _add_follow(session, actor.user_id, community.id)
    session.commit()
    return community.slug
