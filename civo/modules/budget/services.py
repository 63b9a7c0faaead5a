"""Participatory budgeting, the admins' side: the ballot's projects (by hand, a promoted
accepted idea, a pabulib import), turnout (counts only), closing, computing the outcome (in
a worker thread) and publishing it. The citizen's ballot is in :mod:`ballots`.

Every function builds on the server's :class:`civo.policy.Actor` and the phase id; ids
from the browser are checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.models import Phase
from civo.models._common import utcnow
from civo.models.participation import ImpactEvent, ImpactKind, Item
from civo.modules.budget.models import (
    BallotStatus,
    BudgetBallot,
    BudgetOutcome,
    BudgetProject,
    OutcomeStatus,
)
from civo.modules.budget.rules import BallotRule
from civo.services import items, rich_text
from civo.services.errors import NotFound, ValidationError

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
MAX_PROJECTS = 500
REMIND_BEFORE = timedelta(days=3)


# ---- where ---------------------------------------------------------------------------


def _where(session: Session, phase_id: Any) -> items.Where:
    where = items.where_for_phase(session, phase_id)
    if where.phase.module_key != "budget":
        raise NotFound("This page does not exist.")
    return where


def _viewable(session: Session, actor: policy.Actor, phase_id: Any) -> items.Where:
    where = _where(session, phase_id)
    if not policy.can(actor, "item.view", where):
        raise NotFound("This page does not exist.")
    return where


def _managed(session: Session, actor: policy.Actor, phase_id: Any) -> items.Where:
    where = _viewable(session, actor, phase_id)
    policy.require(actor, "budget.manage", where)
    return where


def rule_of(phase: Phase) -> BallotRule:
    return BallotRule.from_settings(phase.settings or {})


def currency_of(where: items.Where) -> str:
    return getattr(where.community, "currency", "") or "EUR"


def has_ballots(session: Session, phase_id: int) -> bool:
    return session.exec(select(BudgetBallot.id).where(
        BudgetBallot.phase_id == phase_id).limit(1)).first() is not None


# ---- projects (admins) -------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectView:
    id: int
    title: str
    description: str
    cost: int
    image: str
    category: str
    idea_id: int
    idea_title: str


def projects(*, session: Session, actor: policy.Actor, phase_id: Any) -> list[ProjectView]:
    """The ballot's projects in their order (anyone who may see the phase)."""
    where = _viewable(session, actor, phase_id)
    rows = session.exec(
        select(BudgetProject, Item.title, Item.deleted_at)
        .outerjoin(Item, Item.id == BudgetProject.idea_item_id)
        .where(BudgetProject.phase_id == where.phase.id)
        .order_by(BudgetProject.position, BudgetProject.id).limit(MAX_PROJECTS)).all()
    return [ProjectView(id=p.id, title=p.title, description=p.description, cost=p.cost,
                        image=p.image or "", category=p.category or "",
                        idea_id=(p.idea_item_id or 0) if deleted is None else 0,
                        idea_title=(title or "") if deleted is None else "")
            for p, title, deleted in rows]


def _clean_project(data: dict[str, Any]) -> dict[str, Any]:
    title = rich_text.clean(data.get("title"), label="Title", max_len=TITLE_MAX, field="title")
    description = rich_text.clean(data.get("description"), label="Description",
                                  max_len=DESCRIPTION_MAX, required=False,
                                  field="description")
    cost = _cost(data.get("cost"))
    category = rich_text.clean(data.get("category"), label="Category", max_len=100,
                               required=False, field="category")
    return {"title": title, "description": description, "cost": cost,
            "category": category or None}


def _cost(raw: Any) -> int:
    from civo.modules.settings import Setting

    return Setting("cost", "money", "Cost", minimum=0, maximum=10**12,
                   required=True).clean(raw)


def _refuse_once_voting(session: Session, where: items.Where) -> None:
    if has_ballots(session, where.phase.id):
        raise ValidationError("People have started voting: the ballot's projects cannot "
                              "change any more.")


def _next_position(session: Session, phase_id: int) -> int:
    top = session.exec(select(sa.func.max(BudgetProject.position)).where(
        BudgetProject.phase_id == phase_id)).one()
    return (top or 0) + 1


def add_project(*, session: Session, actor: policy.Actor, phase_id: Any,
                data: dict[str, Any]) -> BudgetProject:
    """An admin adds a project by hand (before the first ballot)."""
    where = _managed(session, actor, phase_id)
    _refuse_once_voting(session, where)
    values = _clean_project(data)
    count = session.exec(select(sa.func.count()).select_from(BudgetProject).where(
        BudgetProject.phase_id == where.phase.id)).one()
    if count >= MAX_PROJECTS:
        raise ValidationError("A ballot holds at most {n} projects.", n=MAX_PROJECTS)
    project = BudgetProject(phase_id=where.phase.id, position=_next_position(
        session, where.phase.id), **values)
    session.add(project)
    session.commit()
    return project


def remove_project(*, session: Session, actor: policy.Actor, phase_id: Any,
                   project_id: Any) -> None:
    where = _managed(session, actor, phase_id)
    _refuse_once_voting(session, where)
    if not isinstance(project_id, int) or isinstance(project_id, bool):
        raise NotFound("This project does not exist.")
    gone = session.execute(sa.delete(BudgetProject).where(
        BudgetProject.id == project_id, BudgetProject.phase_id == where.phase.id)).rowcount
    if not gone:
        raise NotFound("This project does not exist.")
    session.commit()


@dataclass(frozen=True)
class IdeaChoice:
    id: int
    title: str


def promotable_ideas(*, session: Session, actor: policy.Actor, phase_id: Any
                     ) -> list[IdeaChoice]:
    """Accepted ideas of the same project's idea boxes, not on this ballot yet (the core
    records an accepted or implemented idea as having shaped a decision)."""
    where = _managed(session, actor, phase_id)
    taken = select(BudgetProject.idea_item_id).where(
        BudgetProject.phase_id == where.phase.id, BudgetProject.idea_item_id.is_not(None))
    rows = session.exec(
        select(Item.id, Item.title).where(
            Item.project_id == where.project.id, Item.module_key == "ideas",
            Item.deleted_at.is_(None), Item.id.in_(_accepted()), Item.id.not_in(taken))
        .order_by(Item.id).limit(100)).all()
    return [IdeaChoice(id=i, title=t or "") for i, t in rows]


def _accepted() -> sa.Select:
    return select(ImpactEvent.item_id).where(ImpactEvent.kind == ImpactKind.SHAPED.value)


def promote_idea(*, session: Session, actor: policy.Actor, phase_id: Any, item_id: Any,
                 cost: Any) -> BudgetProject:
    """Put an accepted idea of the same project on the ballot; its author is told."""
    where = _managed(session, actor, phase_id)
    _refuse_once_voting(session, where)
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        raise NotFound("This idea does not exist.")
    idea = session.get(Item, item_id)
    if (idea is None or idea.deleted_at is not None or idea.module_key != "ideas"
            or idea.project_id != where.project.id):
        raise NotFound("This idea does not exist.")
    if session.exec(_accepted().where(ImpactEvent.item_id == idea.id)).first() is None:
        raise ValidationError("Only an accepted idea can go on the ballot.")
    if session.exec(select(BudgetProject.id).where(
            BudgetProject.phase_id == where.phase.id,
            BudgetProject.idea_item_id == idea.id)).first() is not None:
        raise ValidationError("This idea is already on the ballot.")
    project = BudgetProject(phase_id=where.phase.id, title=(idea.title or idea.body[:120]),
                            description=idea.body[:DESCRIPTION_MAX], cost=_cost(cost),
                            image=(idea.extra or {}).get("image") or None,
                            idea_item_id=idea.id,
                            position=_next_position(session, where.phase.id))
    session.add(project)
    session.flush()
    events.publish(session, "budget.idea_on_ballot", actor=actor,
                   recipients=[idea.author_id], item_id=idea.id,
                   community_id=where.community.id, project_id=where.project.id,
                   params={"phase_id": where.phase.id})
    session.commit()
    return project


def import_pb(*, session: Session, actor: policy.Actor, phase_id: Any, data: bytes,
              with_votes: bool = False) -> dict[str, int]:
    """Import a pabulib ``.pb`` file's projects (and optionally its votes as paper
    ballots) onto an empty ballot, through the file-format code of :mod:`pabulib`."""
    where = _managed(session, actor, phase_id)
    _refuse_once_voting(session, where)
    from civo.modules.budget import pabulib

    if session.exec(select(BudgetProject.id).where(
            BudgetProject.phase_id == where.phase.id).limit(1)).first() is not None:
        raise ValidationError("Import into an empty ballot: remove its projects first.")
    if not isinstance(data, bytes | bytearray) or len(data) > 50 * 1024 * 1024:
        raise ValidationError("Choose a .pb file of at most 50 MB.")
    try:
        text = bytes(data).decode("utf-8-sig")
        parsed = pabulib.parse(text)
        done = pabulib.import_into(session, where.phase.id, parsed, votes=bool(with_votes))
    except UnicodeDecodeError:
        raise ValidationError("This file is not a pabulib .pb file (not UTF-8 text).") from None
    except pabulib.PabulibError as error:
        session.rollback()
        raise ValidationError("This .pb file cannot be imported: {reason}",
                              reason=str(error)) from None
    session.commit()
    return {"projects": done.projects, "ballots": done.ballots}


def export_pb(*, session: Session, actor: policy.Actor, phase_id: Any) -> tuple[str, str]:
    """(file name, text) of the election as a pabulib file (anonymous ballots)."""
    where = _managed(session, actor, phase_id)
    from civo.modules.budget import pabulib

    rule = rule_of(where.phase)
    settings = where.phase.settings or {}
    outcome_rule = settings.get("outcome_rule") or "greedy"
    return (f"civo-budget-{where.phase.id}.pb", pabulib.export_phase(
        session, where.phase.id, budget=rule.budget,
        vote_type="cumulative" if rule.uses_points else "approval", rule=outcome_rule,
        completion="greedy" if settings.get("greedy_completion") else "none",
        meta={"description": where.project.title, "unit": where.phase.title,
              "currency": currency_of(where)}))


# ---- turnout, closing, outcome (admins) -----------------------------------------------------


@dataclass(frozen=True)
class Turnout:
    submitted: int
    drafts: int


def turnout_counts(session: Session, phase_id: int) -> Turnout:
    counted = dict(session.exec(select(BudgetBallot.status, sa.func.count())
                                .where(BudgetBallot.phase_id == phase_id)
                                .group_by(BudgetBallot.status)).all())
    return Turnout(submitted=counted.get(BallotStatus.SUBMITTED.value, 0),
                   drafts=counted.get(BallotStatus.DRAFT.value, 0))


def turnout(*, session: Session, actor: policy.Actor, phase_id: Any) -> Turnout:
    """Ballots submitted and drafts open (counts only: never who voted for what)."""
    where = _managed(session, actor, phase_id)
    return turnout_counts(session, where.phase.id)


def close_voting(*, session: Session, actor: policy.Actor, phase_id: Any) -> None:
    """End the vote: the phase closes (no ballot changes from now on)."""
    where = _managed(session, actor, phase_id)
    session.execute(sa.update(Phase).where(Phase.id == where.phase.id)
                    .values(status="closed"))
    session.commit()


def require_can_compute(*, session: Session, actor: policy.Actor, phase_id: Any) -> int:
    """The phase id an admin may compute (closed): checked before the job starts."""
    where = _managed(session, actor, phase_id)
    if where.phase.status != "closed":
        raise ValidationError("Close the vote before computing the outcome.")
    return where.phase.id


def compute_outcome(*, session: Session, phase_id: int) -> None:
    """The job itself (run in a worker thread, never in an event handler): the phase's
    outcome rule through :func:`civo.modules.budget.outcome.compute`."""
    from civo.modules.budget import outcome

    phase = session.get(Phase, phase_id)
    settings = phase.settings or {}
    outcome.compute(session, phase_id, budget=rule_of(phase).budget,
                    rule=settings.get("outcome_rule") or "greedy",
                    completion="greedy" if settings.get("greedy_completion") else "none")


@dataclass(frozen=True)
class OutcomeView:
    status: str        # "" | running | done | failed
    progress: int
    published: bool
    selected: int
    spent: int
    error: str


def outcome_state(*, session: Session, actor: policy.Actor, phase_id: Any) -> OutcomeView:
    where = _managed(session, actor, phase_id)
    row = session.get(BudgetOutcome, where.phase.id)
    if row is None:
        return OutcomeView("", 0, False, 0, 0, "")
    session.refresh(row)
    return OutcomeView(row.status, row.progress, row.published_at is not None,
                       len(row.selected or []), row.spent, row.error or "")


def publish_results(*, session: Session, actor: policy.Actor, phase_id: Any) -> None:
    """Make the computed outcome public; each funded idea's author is told."""
    where = _managed(session, actor, phase_id)
    row = session.get(BudgetOutcome, where.phase.id)
    if row is None or row.status != OutcomeStatus.DONE.value:
        raise ValidationError("Compute the outcome before publishing it.")
    if row.published_at is not None:
        return
    row.published_at = utcnow()
    session.add(row)
    selected = [int(i) for i in row.selected or []]
    if selected:
        for idea_id, author_id in session.exec(
                select(Item.id, Item.author_id)
                .join(BudgetProject, BudgetProject.idea_item_id == Item.id)
                .where(BudgetProject.id.in_(selected), Item.deleted_at.is_(None))).all():
            events.publish(session, "budget.idea_funded", actor=actor,
                           recipients=[author_id], item_id=idea_id,
                           community_id=where.community.id, project_id=where.project.id,
                           params={"phase_id": where.phase.id})
    session.commit()
