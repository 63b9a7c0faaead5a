""""Open now": the consultations a visitor can take part in today, as cards (community,
phase, days left, participants) — what the home page shows above the feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import Community, Project
from civo.models.participation import Comment, Item
from civo.models.projects import Phase
from civo.models._common import utcnow

LIMIT = 6


@dataclass(frozen=True)
class OpenConsultation:
    project_id: int
    phase_id: int
    project_title: str
    phase_title: str
    module_key: str
    community_name: str
    community_slug: str
    brand_color: str
    cover_url: str
    days_left: int | None   # None: no closing date
    participants: int


def participants(session: Session, project_id: int, phase_ids: list[int]) -> int:
    """Everyone who contributed, commented, or took part through a module's own records
    (supports, ballots…) in the project: one count in SQL."""
    from civo.modules import MODULES

    items = select(Item.id).where(Item.project_id == project_id, Item.deleted_at.is_(None))
    people = sa.union(
        select(Item.author_id.label("uid")).where(Item.project_id == project_id,
                                                  Item.deleted_at.is_(None)),
        select(Comment.author_id).where(Comment.item_id.in_(items)),
        *[took_part(phase_ids) for _spec, took_part in MODULES.with_hook("participants")],
    ).subquery()
    return session.exec(select(sa.func.count()).select_from(
        select(people.c.uid).where(people.c.uid.is_not(None)).subquery())).one()


def open_now(*, session: Session, actor: policy.Actor, limit: int = LIMIT,
             today: date | None = None) -> list[OpenConsultation]:
    """Open phases of open, published projects in communities the actor may see, closing
    soonest first (those without a closing date last)."""
    today = today or utcnow().date()
    limit = max(1, min(int(limit), 24))
    closes = sa.func.coalesce(Phase.ends_on, Project.ends_on)
    rows = session.exec(
        select(Phase, Project, Community)
        .join(Project, Project.id == Phase.project_id)
        .join(Community, Community.id == Project.community_id)
        .where(Phase.status == "open", Project.status == "open",
               Project.published_at.is_not(None), Community.is_archived.is_(False),
               policy.visible_communities(actor, Community),
               sa.or_(Phase.starts_on.is_(None), Phase.starts_on <= today),
               sa.or_(closes.is_(None), closes >= today))
        .order_by(closes.is_(None), closes, Phase.id)
        .limit(limit)).all()
    found = []
    for phase, project, community in rows:
        end = phase.ends_on or project.ends_on
        found.append(OpenConsultation(
            project_id=project.id, phase_id=phase.id, project_title=project.title,
            phase_title=phase.title, module_key=phase.module_key,
            community_name=community.name, community_slug=community.slug,
            brand_color=community.brand_color or "", cover_url=project.cover_url or "",
            days_left=(end - today).days if end else None,
            participants=participants(session, project.id, [phase.id])))
    return found
