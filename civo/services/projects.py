"""Projects as citizens see them: the latest published ones, newest first (keyset)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import Community, Follow, Project
from civo.services.errors import ValidationError

PAGE_SIZE = 20


@dataclass(frozen=True)
class ProjectItem:
    id: int
    title: str
    summary: str
    status: str
    community_name: str
    community_slug: str


@dataclass(frozen=True)
class ProjectPage:
    items: tuple[ProjectItem, ...]
    next_cursor: str | None  # "<published_at iso>|<id>"


def latest(
    *, session: Session, actor: policy.Actor, followed_only: bool, cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> ProjectPage:
    """Published projects of visible communities (or of followed ones), newest first."""
    limit = max(1, min(limit, 50))
    stmt = (
        select(Project, Community.name, Community.slug)
        .join(Community, Community.id == Project.community_id)
        .where(Project.published_at.is_not(None), policy.visible_communities(actor, Community))
    )
    if followed_only:
        policy.require(actor, "account.manage_own")
        stmt = stmt.join(Follow, sa.and_(Follow.community_id == Community.id,
                                         Follow.user_id == actor.user_id))
    if cursor:
        stamp, _, raw_id = cursor.rpartition("|")
        try:
            when = datetime.fromisoformat(stamp)
            last_id = int(raw_id)
        except ValueError:
            raise ValidationError("This page link is no longer valid.") from None
        stmt = stmt.where(sa.tuple_(Project.published_at, Project.id) < (when, last_id))
    rows = session.exec(
        stmt.order_by(Project.published_at.desc(), Project.id.desc()).limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = tuple(
        ProjectItem(id=p.id, title=p.title, summary=p.summary, status=p.status,
                    community_name=name, community_slug=slug)
        for p, name, slug in rows
    )
    next_cursor = None
    if more and rows:
        last = rows[-1][0]
        next_cursor = f"{last.published_at.isoformat()}|{last.id}"
    return ProjectPage(items=items, next_cursor=next_cursor)
