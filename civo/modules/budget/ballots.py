"""A citizen's ballot: who may vote, the server draft saved at every change, submitting in
one click with a receipt (a verification code, in app and by email), "is my ballot
counted?", and the reminder before a vote ends.

The user id always comes from the server's actor; one ballot per citizen and phase is a
unique key, and a ballot's changes are serialised by writing its row first (a row lock on
PostgreSQL, the write lock on SQLite): concurrent saves and submits lose nothing and count
nothing twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, i18n, policy
from civo.db import insert_ignore
from civo.i18n import N_
from civo.models import Phase, User
from civo.models._common import utcnow
from civo.modules.budget.models import BallotStatus, BudgetBallot, BudgetBallotLine, BudgetProject
from civo.modules.budget.services import (
    REMIND_BEFORE,
    _viewable,
    currency_of,
    rule_of,
)
from civo.services import items
from civo.services.errors import NotFound, PermissionDenied, ValidationError

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


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
