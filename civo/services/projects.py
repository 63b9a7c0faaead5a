"""Projects as citizens see them: the latest published ones, newest first (keyset)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import Community, Follow, Project
from civo.services import keyset

PAGE_SIZE = 20


@dataclass(frozen=True)
class ProjectItem:
    id: int
    title: str
    summary: str
    status: str  # its stage (civo.models.projects.project_stage)
    community_name: str
    community_slug: str
    opens_on: date | None = None


def stages(session: Session, projects: list[Project]) -> dict[int, tuple[str, date | None]]:
    """id → (stage, opens_on) of each project, from its phases (one query)."""
    from civo.models import Phase
    from civo.models.projects import project_stage

    ids = [p.id for p in projects]
    phases: dict[int, list] = {i: [] for i in ids}
    if ids:
        for phase in session.exec(select(Phase).where(Phase.project_id.in_(ids))):
            phases[phase.project_id].append(phase)
    return {p.id: project_stage(p, phases[p.id]) for p in projects}


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
        stmt = stmt.where(sa.tuple_(Project.published_at, Project.id) < keyset.decode(cursor))
    rows = session.exec(
        stmt.order_by(Project.published_at.desc(), Project.id.desc()).limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    staged = stages(session, [p for p, _n, _s in rows])
    items = tuple(
        ProjectItem(id=p.id, title=p.title, summary=p.summary, status=staged[p.id][0],
                    community_name=name, community_slug=slug, opens_on=staged[p.id][1])
        for p, name, slug in rows
    )
    next_cursor = None
    if more and rows:
        last = rows[-1][0]
        next_cursor = keyset.encode(last.published_at, last.id)
    return ProjectPage(items=items, next_cursor=next_cursor)


@dataclass(frozen=True)
class PhaseView:
    id: int
    position: int
    title: str
    description: str
    module_key: str
    status: str  # its stage (civo.models.projects.phase_stage)
    settings: dict
    opens_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class ProjectView:
    id: int
    title: str
    summary: str
    purpose: str
    expected_outcome: str
    status: str
    starts_on: object
    ends_on: object
    cover_url: str
    community_id: int
    community_name: str
    community_slug: str
    published: bool
    phases: tuple[PhaseView, ...]
    open_data: bool = False  # in the open-data API (published, in a public community)
    opens_on: date | None = None
    results_summary: str = ""
    participants: int = 0    # everyone who took part in any phase (one count in SQL)
    brand_color: str = ""


def view(*, session: Session, actor: policy.Actor, project_id: object) -> ProjectView:
    """A project with its phases, if the actor may see it (NotFound otherwise)."""
    from civo.models import Phase
    from civo.services.errors import NotFound
    from civo.services import open_now
    from civo.services.items import Where

    if not isinstance(project_id, int) or isinstance(project_id, bool):
        raise NotFound("This page does not exist.")
    row = session.exec(select(Project, Community).join(
        Community, Community.id == Project.community_id).where(Project.id == project_id)).first()
    if row is None or not policy.can(actor, "project.view", Where(row[1], row[0], None)):
        raise NotFound("This page does not exist.")
    from civo.models.projects import phase_stage, project_stage

    project, community = row
    rows = list(session.exec(select(Phase).where(Phase.project_id == project.id)
                             .order_by(Phase.position)))
    phases = tuple(
        PhaseView(id=p.id, position=p.position, title=p.title, description=p.description,
                  module_key=p.module_key, status=stage, settings=dict(p.settings or {}),
                  opens_on=opens_on, starts_on=p.starts_on, ends_on=p.ends_on)
        for p in rows for stage, opens_on in [phase_stage(p, project)]
    )
    stage, opens_on = project_stage(project, rows)
    return ProjectView(
        id=project.id, title=project.title, summary=project.summary, purpose=project.purpose,
        expected_outcome=project.expected_outcome, status=stage, opens_on=opens_on,
        starts_on=project.starts_on, ends_on=project.ends_on, cover_url=project.cover_url,
        community_id=community.id, community_name=community.name,
        community_slug=community.slug, published=project.published_at is not None,
        phases=phases, open_data=project.published_at is not None
        and not community.is_private and not community.is_archived,
        participants=open_now.participants(session, project.id, [p.id for p in phases]),
        brand_color=community.brand_color or "")
