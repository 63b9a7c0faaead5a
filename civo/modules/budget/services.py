"""Participatory budgeting services: the ballot's projects (admins), the citizen's ballot
(a server draft saved at every change, submitted in one click, a receipt code), turnout,
reminders, computing and publishing the outcome.

Every function builds on the server's :class:`civo.policy.Actor` and the phase id; ids
from the browser are checked here. One ballot per citizen and phase is a unique key; a
ballot's changes are serialised by writing its row first (a row lock on PostgreSQL, the
write lock on SQLite), so concurrent saves and submits lose nothing and count nothing twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, i18n, policy
from civo.i18n import N_
from civo.db import insert_ignore
from civo.models import Phase, User
from civo.models._common import utcnow
from civo.models.participation import ImpactEvent, ImpactKind, Item
from civo.modules.budget.models import (
    BallotStatus,
    BudgetBallot,
    BudgetBallotLine,
    BudgetOutcome,
    BudgetProject,
    OutcomeStatus,
)
from civo.modules.budget.rules import BallotRule, money
from civo.services import items, rich_text
from civo.services.errors import NotFound, PermissionDenied, ValidationError

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
MAX_PROJECTS = 500
REMIND_BEFORE = timedelta(days=3)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


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


# ---- eligibility -----------------------------------------------------------------------


def eligibility_problem(session: Session, actor: policy.Actor, where: items.Where
                        ) -> str | None:
    """Why ``actor`` may not vote here (a msgid), or None."""
    from civo.services import places

    if not actor.signed_in:
        return N_("Please sign in to vote.")
    if not actor.confirmed:
        return N_("Confirm your email address to vote.")
    if not policy.phase_is_open(actor, where):
        return N_("Voting is closed.")
    if not policy.can(actor, "budget.vote", where):
        return N_("You are not allowed to do that.")
    from civo.modules.budget import SPEC

    if SPEC.setting("residents_only").stored(where.phase.settings or {}):
        home = session.exec(select(User.home_place_id).where(User.id == actor.user_id)).first()
        inside = home is not None and where.community.place_id in {
            p.id for p in places.ancestors(session, home)}
        if not inside:
            return N_("Only residents of this community's place may vote in this budget.")
    return None


def _require_voter(session: Session, actor: policy.Actor, where: items.Where) -> None:
    problem = eligibility_problem(session, actor, where)
    if problem is not None:
        raise PermissionDenied(problem)


# ---- the ballot ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotView:
    status: str                 # "" (none yet) | draft | submitted
    lines: dict[int, int]       # project id -> points
    submitted_at: datetime | None
    receipt_code: str
    ready: bool                 # the rule is met: one click submits


def _costs(session: Session, phase_id: int) -> dict[int, int]:
    return dict(session.exec(select(BudgetProject.id, BudgetProject.cost).where(
        BudgetProject.phase_id == phase_id)).all())


def _lines(session: Session, ballot_id: int) -> dict[int, int]:
    return dict(session.exec(select(BudgetBallotLine.project_id, BudgetBallotLine.points)
                             .where(BudgetBallotLine.ballot_id == ballot_id)
                             .order_by(BudgetBallotLine.project_id)).all())


def my_ballot(*, session: Session, actor: policy.Actor, phase_id: Any) -> BallotView:
    """The actor's own ballot (nobody else's: the user id comes from the session)."""
    where = _viewable(session, actor, phase_id)
    if not actor.signed_in:
        return BallotView("", {}, None, "", False)
    ballot = session.exec(select(BudgetBallot).where(
        BudgetBallot.phase_id == where.phase.id,
        BudgetBallot.user_id == actor.user_id)).first()
    if ballot is None:
        return BallotView("", {}, None, "", False)
    lines = _lines(session, ballot.id)
    return BallotView(ballot.status, lines, ballot.submitted_at, ballot.receipt_code or "",
                      rule_of(where.phase).ready(lines, _costs(session, where.phase.id)))


def _lock_ballot(session: Session, phase_id: int, user_id: int) -> BudgetBallot:
    """The actor's ballot row, created if missing, written first so this transaction holds
    it until commit (concurrent saves of one ballot queue here)."""
    now = utcnow()
    insert_ignore(session, BudgetBallot, {
        "phase_id": phase_id, "user_id": user_id, "status": BallotStatus.DRAFT.value,
        "source": "online", "version": 0, "created_at": now, "updated_at": now})
    session.execute(sa.update(BudgetBallot).where(
        BudgetBallot.phase_id == phase_id, BudgetBallot.user_id == user_id)
        .values(version=BudgetBallot.version + 1, updated_at=now))
    stmt = select(BudgetBallot).where(BudgetBallot.phase_id == phase_id,
                                      BudgetBallot.user_id == user_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.exec(stmt.execution_options(populate_existing=True)).one()


def set_points(*, session: Session, actor: policy.Actor, phase_id: Any, project_id: Any,
               points: Any, locale: str = "en") -> BallotView:
    """Add (1), remove (0) or give points to one project; saved at once as a draft.

    A change that breaks a hard limit is refused with the reason and nothing changes. A
    counted ballot that still meets the rule stays counted (resubmitted as a whole); one
    that no longer does goes back to draft (not counted) and says so.
    """
    if (not isinstance(project_id, int) or isinstance(project_id, bool)
            or not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= 1000):
        raise ValidationError("Invalid request.")
    where = _viewable(session, actor, phase_id)
    _require_voter(session, actor, where)
    costs = _costs(session, where.phase.id)
    if project_id not in costs:
        raise NotFound("This project does not exist.")
    rule = rule_of(where.phase)
    if not rule.uses_points and points > 1:
        raise ValidationError("Invalid request.")
    try:
        ballot = _lock_ballot(session, where.phase.id, actor.user_id)
        lines = _lines(session, ballot.id)
        lines.pop(project_id, None)
        if points:
            lines[project_id] = points
        title = session.exec(select(BudgetProject.title).where(
            BudgetProject.id == project_id)).one()
        rule.check_draft(lines, costs, locale=locale, currency=currency_of(where),
                         title=title)
        session.execute(sa.delete(BudgetBallotLine).where(
            BudgetBallotLine.ballot_id == ballot.id,
            BudgetBallotLine.project_id == project_id))
        if points:
            session.add(BudgetBallotLine(ballot_id=ballot.id, project_id=project_id,
                                         points=points))
        if ballot.status == BallotStatus.SUBMITTED.value:
            if rule.ready(lines, costs):
                ballot.submitted_at = utcnow()
            else:
                ballot.status = BallotStatus.DRAFT.value
                ballot.submitted_at = None
            session.add(ballot)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return my_ballot(session=session, actor=actor, phase_id=where.phase.id)


def _new_code(session: Session) -> str:
    while True:
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        if session.exec(select(BudgetBallot.id).where(
                BudgetBallot.receipt_code == code)).first() is None:
            return code


def submit(*, session: Session, actor: policy.Actor, phase_id: Any,
           locale: str = "en") -> BallotView:
    """Count the actor's ballot (one click once the rule is met); the receipt (a
    verification code) is shown and emailed. Submitting again changes nothing."""
    where = _viewable(session, actor, phase_id)
    _require_voter(session, actor, where)
    rule = rule_of(where.phase)
    costs = _costs(session, where.phase.id)
    try:
        ballot = _lock_ballot(session, where.phase.id, actor.user_id)
        lines = _lines(session, ballot.id)
        rule.check_submit(lines, costs, locale=locale, currency=currency_of(where))
        first = ballot.status != BallotStatus.SUBMITTED.value
        if first:
            ballot.status = BallotStatus.SUBMITTED.value
            ballot.submitted_at = utcnow()
            ballot.receipt_code = ballot.receipt_code or _new_code(session)
            session.add(ballot)
            _receipt_email(session, actor.user_id, where, ballot)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return my_ballot(session=session, actor=actor, phase_id=where.phase.id)


def _receipt_email(session: Session, user_id: int, where: items.Where,
                   ballot: BudgetBallot) -> None:
    from civo.services import mail

    user = session.get(User, user_id)
    if user is None:
        return
    locale = i18n.normalize_locale(user.locale) or i18n.DEFAULT_LOCALE
    when = i18n.format_datetime(ballot.submitted_at, locale, fmt="medium",
                                zone=where.community.timezone or None)
    body = "\n\n".join([
        i18n.gettext(locale, "Hello {name},", name=user.display_name or user.full_name),
        i18n.gettext(locale, "Your ballot in “{phase}” ({project}) is counted since {when}.",
                     phase=where.phase.title, project=where.project.title, when=when),
        i18n.gettext(locale, "Your verification code: {code}", code=ballot.receipt_code),
        i18n.gettext(locale, "With this code you can check at any time that your ballot is "
                             "counted: {link}", link=mail.public_url(
                                 f"/p/{where.project.id}?phase={where.phase.id}")),
        i18n.gettext(locale, "You can change your ballot until voting closes."),
    ]) + "\n\n— " + i18n.gettext(locale, "Civo, open civic participation")
    mail.queue(session, to=user.email, user_id=user.id, kind="budget_receipt",
               subject=i18n.gettext(locale, "Your ballot is counted"), body=body)


@dataclass(frozen=True)
class Verification:
    counted: bool
    phase_title: str
    submitted_at: datetime | None


def verify(*, session: Session, code: Any) -> Verification:
    """"Is my ballot counted?" by its verification code: says only whether, where and
    since when (nothing about who or what)."""
    if not isinstance(code, str):
        raise ValidationError("Enter the verification code of your receipt.")
    clean = code.strip().upper().replace(" ", "")
    if len(clean) == 12 and "-" not in clean:
        clean = f"{clean[:4]}-{clean[4:8]}-{clean[8:]}"
    if len(clean) != 14:
        raise ValidationError("Enter the verification code of your receipt.")
    row = session.exec(select(BudgetBallot.status, BudgetBallot.submitted_at, Phase.title)
                       .join(Phase, Phase.id == BudgetBallot.phase_id)
                       .where(BudgetBallot.receipt_code == clean)).first()
    if row is None:
        raise NotFound("No ballot has this verification code.")
    status, when, title = row
    counted = status == BallotStatus.SUBMITTED.value
    return Verification(counted=counted, phase_title=title,
                        submitted_at=when if counted else None)


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


# ---- reminders (the housekeeping round) -----------------------------------------------------


def send_reminders(*, session: Session, now: datetime | None = None) -> int:
    """Tell people whose draft is not submitted, 3 days before an open budget phase ends
    (once per draft; their notification settings apply). Returns how many drafts."""
    now = now or utcnow()
    last_day = (now + REMIND_BEFORE).date()
    phases = session.exec(select(Phase).where(
        Phase.module_key == "budget", Phase.status == "open", Phase.ends_on.is_not(None),
        Phase.ends_on <= last_day, Phase.ends_on >= now.date())).all()
    told = 0
    for phase in phases:
        where = items.where_for_phase(session, phase.id)
        if not policy.phase_is_open(policy.ANONYMOUS, where):
            continue
        ids = list(session.execute(sa.update(BudgetBallot).where(
            BudgetBallot.phase_id == phase.id,
            BudgetBallot.status == BallotStatus.DRAFT.value,
            BudgetBallot.user_id.is_not(None), BudgetBallot.reminded_at.is_(None))
            .values(reminded_at=now).returning(BudgetBallot.user_id)).scalars())
        if ids:
            events.publish(session, "budget.reminder", recipients=ids,
                           community_id=where.community.id, project_id=where.project.id,
                           params={"phase_id": phase.id})
            told += len(ids)
        session.commit()
    return told


def describe_rule(phase: Phase, where: items.Where, locale: str) -> str:
    return rule_of(phase).describe(locale, currency_of(where))


def money_text(amount: int, where: items.Where, locale: str) -> str:
    return money(amount, currency_of(where), locale)
