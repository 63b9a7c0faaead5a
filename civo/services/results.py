"""A project's results page: the admins' summary, then one section per phase drawn by its
module (the registry's ``results`` hook). Publishing the results tells the community's
followers and everyone who took part ("Results are published")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.models import Community, Phase, Project, ProjectStatus
from civo.models._common import utcnow
from civo.models.participation import Item
from civo.modules import MODULES
from civo.services import rich_text
from civo.services import projects as public

SUMMARY_MAX = 6000


@dataclass(frozen=True)
class ResultsPage:
    project_id: int
    title: str
    community_name: str
    community_slug: str
    published: bool               # the project is in its Results stage
    summary: list[dict]           # rich_text.blocks of the admins' summary
    sections: list[dict[str, Any]]  # per phase: module, phase_id, title, href + its hook's


def page(*, session: Session, actor: policy.Actor, project_id: Any) -> ResultsPage:
    """The results of a project the actor may see (NotFound otherwise). Before its Results
    stage the page says so and holds no section."""
    seen = public.view(session=session, actor=actor, project_id=project_id)
    project = session.get(Project, seen.id)
    published = seen.status == ProjectStatus.RESULTS.value
    sections: list[dict[str, Any]] = []
    if published:
        for phase in session.exec(select(Phase).where(Phase.project_id == seen.id)
                                  .order_by(Phase.position)):
            spec = MODULES.get(phase.module_key)
            hook = spec.hook("results") if spec is not None else None
            if hook is None:
                continue
            sections.append({"module": spec.key, "phase_id": phase.id, "title": phase.title,
                             "href": f"/p/{seen.id}/{phase.id}",
                             **hook(session, actor, phase)})
    return ResultsPage(
        project_id=seen.id, title=seen.title, community_name=seen.community_name,
        community_slug=seen.community_slug, published=published,
        summary=rich_text.blocks(project.results_summary) if published else [],
        sections=sections)


def save_summary(*, session: Session, actor: policy.Actor, project_id: Any,
                 summary: Any) -> Project:
    """The admins' summary of the results (paragraphs, "- " lists, links; never HTML)."""
    project, community = _managed(session, actor, project_id)
    project.results_summary = rich_text.clean(summary, label="Results summary",
                                              max_len=SUMMARY_MAX, required=False,
                                              field="results_summary")
    session.add(project)
    session.commit()
    return project


def announce_if_published(session: Session, actor: policy.Actor, project: Project) -> bool:
    """Once a project first reaches its Results stage, tell followers and participants
    (once: a conditional update, so two admins at once make one announcement). Inside the
    caller's transaction."""
    if project.status != ProjectStatus.RESULTS.value or project.results_published_at:
        return False
    done = session.execute(sa.update(Project).where(
        Project.id == project.id, Project.results_published_at.is_(None)).values(
        results_published_at=utcnow())).rowcount
    if done != 1:
        return False
    entry = session.exec(select(Item.id).where(Item.module_key == "project",
                                               Item.project_id == project.id)).first()
    events.publish(session, "project.results_published", actor=actor, project_id=project.id,
                   community_id=project.community_id, entry_id=entry)
    return True


def _managed(session: Session, actor: policy.Actor, project_id: Any
             ) -> tuple[Project, Community]:
    """The project, if the actor runs its community (``project.manage``)."""
    from civo.services import validate
    from civo.services.errors import NotFound

    project = session.get(Project, validate.record_id(project_id))
    community = session.get(Community, project.community_id) if project else None
    if community is None or not policy.can(actor, "community.view", community):
        raise NotFound("This project does not exist.")
    policy.require(actor, "project.manage", community)
    return project, community
