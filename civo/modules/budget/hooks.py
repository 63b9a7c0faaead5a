"""What the core asks of the participatory budget (see :class:`civo.modules.registry.Hooks`).

Secret ballot: nothing here ties a ballot's content to a person, except a citizen's own
"Download my data". Exports and open data hold anonymous ballots and totals only.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.i18n import N_
from civo.models import Community, Phase, Project
from civo.models._common import utcnow
from civo.modules.budget.models import (
    BallotStatus,
    BudgetBallot,
    BudgetBallotLine,
    BudgetOutcome,
    BudgetProject,
)
from civo.modules.registry import ExportTable, Figure


def participants(phase_ids: Any) -> sa.Select:
    """Citizens with a ballot (draft or submitted) in these phases: the rules lock."""
    return select(BudgetBallot.user_id).where(BudgetBallot.phase_id.in_(phase_ids),
                                              BudgetBallot.user_id.is_not(None))


def personal_data(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """A citizen's own ballots, with what is on them."""
    ballots = session.exec(select(BudgetBallot, Phase.title)
                           .join(Phase, Phase.id == BudgetBallot.phase_id)
                           .where(BudgetBallot.user_id == user_id)).all()
    out = []
    for ballot, phase_title in ballots:
        lines = session.exec(select(BudgetProject.title, BudgetBallotLine.points)
                             .join(BudgetProject, BudgetProject.id == BudgetBallotLine.project_id)
                             .where(BudgetBallotLine.ballot_id == ballot.id)).all()
        out.append({"phase": phase_title, "status": ballot.status,
                    "submitted_at": ballot.submitted_at.isoformat() if ballot.submitted_at
                    else None, "receipt_code": ballot.receipt_code,
                    "projects": [{"title": t, "points": p} for t, p in lines]})
    return {"budget_ballots": out}


def erase(session: Session, user_id: int) -> None:
    """Account deletion: ballots of a closed phase stay counted, detached from the person;
    a draft, or any ballot of a phase still open, is deleted."""
    open_phases = select(Phase.id).where(Phase.status != "closed")
    drop = select(BudgetBallot.id).where(
        BudgetBallot.user_id == user_id,
        sa.or_(BudgetBallot.status != BallotStatus.SUBMITTED.value,
               BudgetBallot.phase_id.in_(open_phases)))
    doomed = list(session.exec(drop))
    if doomed:
        session.execute(sa.delete(BudgetBallotLine).where(
            BudgetBallotLine.ballot_id.in_(doomed)))
        session.execute(sa.delete(BudgetBallot).where(BudgetBallot.id.in_(doomed)))
    session.execute(sa.update(BudgetBallot).where(BudgetBallot.user_id == user_id)
                    .values(user_id=None))


def stats(session: Session, phase_ids: Any) -> list[Figure]:
    """Ballots counted and drafts not submitted (counts only)."""
    counted = dict(session.exec(select(BudgetBallot.status, sa.func.count())
                                .where(BudgetBallot.phase_id.in_(phase_ids))
                                .group_by(BudgetBallot.status)).all())
    if not counted:
        return []
    return [Figure("budget_ballots", N_("Budget ballots"), breakdown=(
        (N_("Submitted (counted)"), counted.get(BallotStatus.SUBMITTED.value, 0)),
        (N_("Drafts (not counted)"), counted.get(BallotStatus.DRAFT.value, 0))))]


def export(session: Session, phase_id: int) -> ExportTable:
    """The counted ballots, anonymous: a random ballot number, never a person."""
    ballots = list(session.exec(select(BudgetBallot.id).where(
        BudgetBallot.phase_id == phase_id,
        BudgetBallot.status == BallotStatus.SUBMITTED.value)))
    order = secrets.SystemRandom()
    order.shuffle(ballots)
    number = {b: i + 1 for i, b in enumerate(ballots)}
    rows: list[tuple[Any, ...]] = []
    if ballots:
        lines = session.exec(select(BudgetBallotLine.ballot_id, BudgetBallotLine.project_id,
                                    BudgetBallotLine.points)
                             .where(BudgetBallotLine.ballot_id.in_(ballots))).all()
        rows = sorted((number[b], p, pts) for b, p, pts in lines)
    return ExportTable(name="budget_ballots", columns=("ballot", "project_id", "points"),
                       rows=rows)


def _published(session: Session, phase_id: int) -> BudgetOutcome | None:
    row = session.get(BudgetOutcome, phase_id)
    return row if row is not None and row.published_at is not None else None


def results_data(session: Session, phase: Phase) -> dict[str, Any]:
    """The published outcome: winners with cost and votes, the rule, the budget spent."""
    from civo.modules.budget.rules import BallotRule

    row = _published(session, phase.id)
    if row is None:
        return {"published": False}
    scores = {str(k): int(v) for k, v in (row.scores or {}).items()}
    chosen = [int(i) for i in row.selected or []]
    projects = {p.id: p for p in session.exec(select(BudgetProject).where(
        BudgetProject.phase_id == phase.id))}
    winners = [{"id": i, "title": projects[i].title, "cost": projects[i].cost,
                "votes": scores.get(str(i), 0), "idea_id": projects[i].idea_item_id or 0}
               for i in chosen if i in projects]
    others = sorted(({"id": p.id, "title": p.title, "cost": p.cost,
                      "votes": scores.get(str(p.id), 0)}
                     for p in projects.values() if p.id not in set(chosen)),
                    key=lambda d: (-d["votes"], d["id"]))
    return {"published": True, "rule": row.rule, "completion": row.completion,
            "budget": row.budget or BallotRule.from_settings(phase.settings or {}).budget,
            "spent": row.spent, "ballots": row.ballot_count, "winners": winners,
            "others": others}


def results(session: Session, actor: policy.Actor, phase: Phase) -> dict[str, Any]:
    """The results section of a closed phase (the panel formats it per reader)."""
    data = results_data(session, phase)
    return {"published": data["published"], "winners": len(data.get("winners", []))}


def open_data(session: Session, phase_id: int) -> dict[str, Any]:
    """Public data of a budget phase: its projects and, once published, the outcome and
    the anonymous counted ballots."""
    phase = session.get(Phase, phase_id)
    projects = [{"id": p.id, "title": p.title, "description": p.description,
                 "cost": p.cost, "category": p.category or ""}
                for p in session.exec(select(BudgetProject).where(
                    BudgetProject.phase_id == phase_id).order_by(BudgetProject.position,
                                                                 BudgetProject.id))]
    data: dict[str, Any] = {"projects": projects}
    outcome = results_data(session, phase)
    if outcome["published"]:
        data["outcome"] = {k: outcome[k] for k in ("rule", "completion", "budget", "spent",
                                                   "ballots")}
        data["outcome"]["selected"] = [w["id"] for w in outcome["winners"]]
        table = export(session, phase_id)
        data["ballots"] = [dict(zip(table.columns, r, strict=True)) for r in table.rows]
    return data


# ---- demo data ---------------------------------------------------------------------------

DEMO_PROJECT = "Participatory budget 2026"
# (title, cost, description, category)
DEMO_BUDGET_PROJECTS = (
    ("Shade trees on Place de la République", 45000,
     "Forty trees and benches in their shade on the square's south side.", "Greenery"),
    ("Safe bike parking at Gare du Nord", 30000,
     "A covered, guarded parking for 200 bikes next to the station.", "Mobility"),
    ("Drinking fountains in the 11th", 12000,
     "Six new fountains along the main walking routes.", "Health"),
    ("Repair café in Belleville", 18000,
     "A workshop where volunteers help residents fix what they own.", "Solidarity"),
    ("Street library boxes", 6000,
     "Ten weatherproof book boxes in parks and squares.", "Culture"),
    ("Public toilets on the canal", 25000,
     "Accessible toilets along the Canal Saint-Martin, open day and night.", "Health"),
    ("Schoolyard vegetable gardens", 15000,
     "Raised beds and tools for five primary schools.", "Greenery"),
    ("Night lighting on Rue de Ménilmontant", 22000,
     "Low-glare lights for a safer walk home.", "Safety"),
)


def seed(session: Session) -> None:
    """A Paris budget in its voting phase with demo projects (created once)."""
    paris = session.exec(select(Community).where(Community.slug == "paris")).first()
    if paris is None or session.exec(select(Project.id).where(
            Project.community_id == paris.id, Project.title == DEMO_PROJECT)).first():
        return
    project = Project(community_id=paris.id, title=DEMO_PROJECT,
                      summary="€150,000 for projects Parisians choose themselves.",
                      status="open", published_at=utcnow(),
                      purpose="Parisians decide how part of the city's budget is spent.",
                      expected_outcome="The projects with the most votes that fit the budget "
                                       "are funded and built next year.")
    session.add(project)
    session.flush()
    from datetime import timedelta

    today = utcnow().date()
    phase = Phase(project_id=project.id, position=0, title="Vote", module_key="budget",
                  status="open", starts_on=today, ends_on=today + timedelta(days=21),
                  description="Choose the projects you want the city to fund.",
                  settings={"total_budget": 150000, "ballot_rule": "knapsack",
                            "min_spend_percent": 70, "outcome_rule": "greedy"})
    session.add(phase)
    session.flush()
    for position, (title, cost, description, category) in enumerate(DEMO_BUDGET_PROJECTS):
        session.add(BudgetProject(phase_id=phase.id, title=title, cost=cost,
                                  description=description, category=category,
                                  position=position))
    session.commit()
