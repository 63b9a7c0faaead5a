"""What the core asks of the idea box (see :class:`civo.modules.registry.Hooks`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.i18n import N_
from civo.models import Phase, Project, User
from civo.models.participation import Item, Moderation
from civo.modules.ideas.models import IdeaState, IdeaStatus, IdeaSupport
from civo.modules.registry import Figure

STATUS_LABELS = {
    IdeaState.UNDER_CONSIDERATION: N_("Under consideration"),
    IdeaState.ACCEPTED: N_("Accepted"),
    IdeaState.REJECTED: N_("Rejected"),
    IdeaState.IMPLEMENTED: N_("Implemented"),
}


def participants(phase_ids: Any) -> sa.Select:
    """Citizens who supported an idea of these phases."""
    return (select(IdeaSupport.user_id).join(Item, Item.id == IdeaSupport.item_id)
            .where(Item.phase_id.in_(phase_ids)))


def personal_data(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    rows = session.exec(select(IdeaSupport.item_id, IdeaSupport.created_at)
                        .where(IdeaSupport.user_id == user_id)).all()
    return {"supports": [{"item_id": i, "created_at": when.isoformat()} for i, when in rows]}


def erase(session: Session, user_id: int) -> None:
    """Supports stay counted and statuses stay decided, detached from the person."""
    session.execute(sa.update(IdeaSupport).where(IdeaSupport.user_id == user_id)
                    .values(user_id=None))
    session.execute(sa.update(IdeaStatus).where(IdeaStatus.decided_by == user_id)
                    .values(decided_by=None))


def stats(session: Session, phase_ids: Any) -> list[Figure]:
    """Ideas by official status (not personal data: no suppression needed)."""
    status = sa.func.coalesce(IdeaStatus.status, "")  # one object: PostgreSQL's GROUP BY
    counted = dict(session.exec(
        select(status, sa.func.count())
        .select_from(Item).outerjoin(IdeaStatus, IdeaStatus.item_id == Item.id)
        .where(Item.phase_id.in_(phase_ids), Item.deleted_at.is_(None),
               Item.module_key == "ideas")
        .group_by(status)).all())
    if not counted:
        return []
    rows = [(N_("No answer yet"), counted.get("", 0))] + [
        (label, counted.get(state.value, 0)) for state, label in STATUS_LABELS.items()]
    return [Figure("ideas_by_status", N_("Ideas by official status"), breakdown=tuple(rows))]


def public_fields(session: Session, item_ids: list[int]) -> dict[int, dict[str, str]]:
    """An idea's official status: public (open data, the anonymised export)."""
    if not item_ids:
        return {}
    return {i: {"status": s} for i, s in session.exec(
        select(IdeaStatus.item_id, IdeaStatus.status).where(IdeaStatus.item_id.in_(item_ids)))}


def results(session: Session, actor: policy.Actor, phase: Phase) -> dict[str, Any]:
    """Accepted and implemented ideas with their official answers, most supported first."""
    rows = session.exec(
        select(Item.id, Item.title, Item.support_count, IdeaStatus.status, IdeaStatus.answer)
        .join(IdeaStatus, IdeaStatus.item_id == Item.id)
        .where(Item.phase_id == phase.id, Item.deleted_at.is_(None),
               Item.moderation == Moderation.VISIBLE.value,
               IdeaStatus.status.in_((IdeaState.ACCEPTED.value, IdeaState.IMPLEMENTED.value)))
        .order_by(Item.support_count.desc(), Item.id).limit(50)).all()
    total = session.exec(select(sa.func.count()).select_from(Item).where(
        Item.phase_id == phase.id, Item.deleted_at.is_(None),
        Item.moderation == Moderation.VISIBLE.value)).one()
    # With none retained yet, the most supported ideas: a closed box never looks empty.
    top = [] if rows else session.exec(
        select(Item.id, Item.title, Item.support_count).where(
            Item.phase_id == phase.id, Item.deleted_at.is_(None),
            Item.moderation == Moderation.VISIBLE.value)
        .order_by(Item.support_count.desc(), Item.id).limit(10)).all()
    return {"ideas": total, "retained": [
        {"id": i, "title": title, "supports": supports, "status": status, "answer": answer}
        for i, title, supports, status, answer in rows],
        "top": [{"id": i, "title": title, "supports": supports} for i, title, supports in top]}


# (project title, phase position, author email, title, body)
DEMO_IDEAS = (
    ("School extracurricular timings", 0, "citizen@demo.civo.example",
     "Start activities at 16:30", "Children need a proper snack break before activities."),
    ("Greener schoolyards", 1, "citizen@demo.civo.example",
     "Rain gardens in every yard", "Plant rain gardens that soak up storm water; see "
     "https://www.paris.fr for the oasis programme."),
)


def seed(session: Session) -> None:
    """Demo ideas in the demo projects' idea boxes (only into an empty box)."""
    from civo.services import accounts, items

    for project_title, position, email, title, body in DEMO_IDEAS:
        phase = session.exec(select(Phase).join(Project, Project.id == Phase.project_id).where(
            Project.title == project_title, Phase.position == position,
            Phase.module_key == "ideas")).first()
        user_id = session.exec(select(User.id).where(User.email == email)).first()
        if phase is None or user_id is None or session.exec(
                select(Item.id).where(Item.phase_id == phase.id)).first() is not None:
            continue
        items.create(session=session, actor=accounts.actor_for(session=session, user_id=user_id),
                     phase_id=phase.id, kind="idea", title=title, body=body,
                     title_required=True)
