"""What the core asks of the debate (see :class:`civo.modules.registry.Hooks`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.i18n import N_
from civo.models import Phase, Project, User
from civo.models.participation import Item, Moderation
from civo.modules.registry import Figure

STANCE_LABELS = {"for": N_("For"), "against": N_("Against"), "neutral": N_("Neutral"),
                 "": N_("No stance")}


def _stance_counts(session: Session, phase_ids: Any, *, visible_only: bool) -> dict[str, int]:
    stance = sa.func.coalesce(Item.extra["stance"].as_string(), "")
    stmt = (select(stance, sa.func.count()).where(
        Item.phase_id.in_(phase_ids), Item.deleted_at.is_(None), Item.module_key == "debate")
        .group_by(stance))
    if visible_only:
        stmt = stmt.where(Item.moderation == Moderation.VISIBLE.value)
    return {k or "": n for k, n in session.exec(stmt).all()}


def stats(session: Session, phase_ids: Any) -> list[Figure]:
    counted = _stance_counts(session, phase_ids, visible_only=False)
    if not counted:
        return []
    return [Figure("stances", N_("Contributions by stance"), breakdown=tuple(
        (label, counted.get(key, 0)) for key, label in STANCE_LABELS.items()))]


def public_fields(session: Session, item_ids: list[int]) -> dict[int, dict[str, str]]:
    """A contribution's stance (part of what its author published)."""
    if not item_ids:
        return {}
    return {i: {"stance": str(extra["stance"])} for i, extra in session.exec(
        select(Item.id, Item.extra).where(Item.id.in_(item_ids))) if (extra or {}).get("stance")}


RESULTS_LISTED = 20


def results(session: Session, actor: policy.Actor, phase: Phase) -> dict[str, Any]:
    """The for / against tally of the visible contributions."""
    counted = _stance_counts(session, [phase.id], visible_only=True)
    stance = sa.func.coalesce(Item.extra["stance"].as_string(), "")
    rows = session.exec(
        select(Item.id, Item.body, stance).where(
            Item.phase_id == phase.id, Item.deleted_at.is_(None),
            Item.module_key == "debate", Item.moderation == Moderation.VISIBLE.value)
        .order_by(Item.comment_count.desc(), Item.id.desc()).limit(RESULTS_LISTED)).all()
    return {"contributions": sum(counted.values()),
            "tally": [{"stance": key, "label": label, "count": counted.get(key, 0)}
                      for key, label in STANCE_LABELS.items()],
            # The most discussed contributions: a closed debate never shows an empty list.
            "listed": [{"id": i, "excerpt": body if len(body) <= 200 else body[:199] + "…",
                        "stance": s or "", "label": STANCE_LABELS.get(s or "", "")}
                       for i, body, s in rows]}


# (project title, phase position, author email, body)
DEMO_CONTRIBUTIONS = (
    ("Noise in the Métropole", 0, "moderator@demo.civo.example",
     "Scooters at night on the Promenade: quieter delivery hours would help."),
)


def seed(session: Session) -> None:
    """A demo contribution in the demo debates (only into an empty debate)."""
    from civo.services import accounts, items

    for project_title, position, email, body in DEMO_CONTRIBUTIONS:
        phase = session.exec(select(Phase).join(Project, Project.id == Phase.project_id).where(
            Project.title == project_title, Phase.position == position,
            Phase.module_key == "debate")).first()
        user_id = session.exec(select(User.id).where(User.email == email)).first()
        if phase is None or user_id is None or session.exec(
                select(Item.id).where(Item.phase_id == phase.id)).first() is not None:
            continue
        items.create(session=session, actor=accounts.actor_for(session=session, user_id=user_id),
                     phase_id=phase.id, kind="contribution", title="", body=body)
