"""Moderation under the code of conduct.

- Any signed-in citizen flags a contribution or comment once, with a reason; flags per
  citizen are rate-limited.
- Each report weighs by its author's account (:func:`reporter_weight`): nothing for an
  unconfirmed address (throw-away accounts cannot hide anything), then more with the
  account's age, less with a history of false reports. Flagged content is hidden once
  its reports weigh :data:`HIDE_WEIGHT` — one *established* account (confirmed, older
  than 7 days, no false report), or several younger confirmed ones. Others then see
  "Hidden pending review"; the author sees why and may appeal once.
- Moderators (and a community's admins, in their communities) work a queue sorted by
  weight, then age: restore, remove (the reason goes to the author), warn the author.
  Three removals within 90 days propose a suspension to platform admins (removals of
  content signed with the author's name: anonymous content stays anonymous).
- Every decision is in the audit log (who, what, when, why), read by platform admins.

Moderators see what was written and why it was flagged, never who flagged it, nor who
wrote anonymous content.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from civo import events, policy
from civo.i18n import N_
from civo.models import User
from civo.models._common import utcnow
from civo.models.accounts import PUBLIC_NAME
from civo.models.moderation import (
    CaseState,
    Flag,
    FlagReason,
    ModerationCase,
    ModerationLog,
    ModerationNotice,
    SuspensionProposal,
)
from civo.models.participation import Comment, Item, Moderation
from civo.services import items, rich_text, sessions, validate
from civo.services.errors import NotFound, Throttled, ValidationError
from civo.services.validate import is_number

REASONS = tuple(r.value for r in FlagReason)
# What each reason is called (msgids: the UI translates them).
REASON_LABELS = {"spam": N_("Spam or advertising"), "offensive": N_("Offensive or hateful"),
                 "off_topic": N_("Off-topic"), "personal_data": N_("Personal data"),
                 "other": N_("Other")}
AUTO_HIDE_FLAGS = 3       # (kept for callers: three brand-new confirmed accounts)
ESTABLISHED_AGE = timedelta(days=7)
YOUNG_AGE = timedelta(days=1)
ESTABLISHED_WEIGHT = 3
HIDE_WEIGHT = 3
FLAGS_PER_HOUR = 10
REMOVALS_FOR_SUSPENSION = 3
REMOVAL_WINDOW = timedelta(days=90)
TEXT_MAX = 500
PAGE_SIZE = 20


# ---- locating what is flagged ----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    kind: str               # "item" | "comment"
    row: Item | Comment
    item: Item              # the item itself, or the comment's item
    where: items.Where


def _target(session: Session, actor: policy.Actor, kind: Any, target_id: Any) -> Target:
    if kind == "item":
        item, where = items.load(session, actor, target_id)
        if item.deleted_at is not None:
            raise NotFound("This contribution does not exist.")
        return Target("item", item, item, where)
    if kind == "comment":
        comment = session.get(Comment, validate.record_id(
            target_id, N_("This comment does not exist.")))
        if comment is None or comment.deleted_at is not None:
            raise NotFound("This comment does not exist.")
        item, where = items.load(session, actor, comment.item_id)
        return Target("comment", comment, item, items.Where(
            community=where.community, project=where.project, phase=where.phase,
            author_id=comment.author_id, moderation=comment.moderation, target="comment"))
    raise NotFound("This contribution does not exist.")


def _model(kind: str) -> type[Item] | type[Comment]:
    return Item if kind == "item" else Comment


def _set_visibility(session: Session, kind: str, target_id: int, state: Moderation) -> None:
    model = _model(kind)
    session.execute(sa.update(model).where(model.id == target_id).values(moderation=state.value))


# ---- flagging --------------------------------------------------------------------------------


def is_established(session: Session, user_id: int, now: datetime | None = None) -> bool:
    """Confirmed email, an account older than 7 days, and no flag ever rejected."""
    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None or user.email_confirmed_at is None:
        return False
    if now - user.created_at < ESTABLISHED_AGE:
        return False
    false_flags = session.exec(select(Flag.id).where(
        Flag.user_id == user_id, Flag.outcome == "rejected").limit(1)).first()
    return false_flags is None


def reporter_weight(session: Session, user_id: int, now: datetime | None = None) -> int:
    """How much one person's report counts toward hiding (:data:`HIDE_WEIGHT` hides).

    - 0: the email address is not confirmed (or the account is gone or suspended), or two
      or more of their reports were found false (content restored);
    - by age: 1 in the account's first day, 2 until it is 7 days old, then
      :data:`ESTABLISHED_WEIGHT` (one established account hides at once);
    - one false report caps it at 1.
    """
    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None or user.email_confirmed_at is None or user.suspended_at is not None:
        return 0
    false_reports = session.exec(select(sa.func.count()).select_from(Flag).where(
        Flag.user_id == user_id, Flag.outcome == "rejected")).one()
    if false_reports >= 2:
        return 0
    age = now - user.created_at
    weight = 1 if age < YOUNG_AGE else 2 if age < ESTABLISHED_AGE else ESTABLISHED_WEIGHT
    return min(weight, 1) if false_reports else weight


def flag(*, session: Session, actor: policy.Actor, target_kind: Any, target_id: Any,
         reason: Any, details: Any = "") -> bool:
    """Flag a contribution or comment; True when this flag hid it.

    One flag per citizen and target (a second one changes nothing); at most
    :data:`FLAGS_PER_HOUR` flags per citizen per hour.
    """
    target = _target(session, actor, target_kind, target_id)
    policy.require(actor, "item.flag", target.where)
    reason = reason if reason in REASONS else None
    if reason is None:
        raise ValidationError("Choose a reason.", field="reason")
    text = rich_text.clean(details, label="Details", max_len=TEXT_MAX,
                           required=reason == FlagReason.OTHER, field="details")
    if target.row.moderation == Moderation.REMOVED:
        return False
    now = utcnow()
    already = session.exec(select(Flag.id).where(
        Flag.target_kind == target.kind, Flag.target_id == target.row.id,
        Flag.user_id == actor.user_id)).first()
    if already is not None:
        return False
    recent = session.exec(select(sa.func.count()).select_from(Flag).where(
        Flag.user_id == actor.user_id, Flag.created_at > now - timedelta(hours=1))).one()
    if recent >= FLAGS_PER_HOUR:
        raise Throttled("You have sent many reports in the last hour. Please try again later.")
    weight = reporter_weight(session, actor.user_id, now)
    established = weight >= ESTABLISHED_WEIGHT
    case = _open_case(session, target)
    try:
        with session.begin_nested():
            session.add(Flag(case_id=case.id, target_kind=target.kind,
                             target_id=target.row.id, user_id=actor.user_id, reason=reason,
                             details=text, established=established, created_at=now))
            session.flush()
    except IntegrityError:  # the same citizen, twice at once: one flag
        session.rollback()
        return False
    session.execute(sa.update(ModerationCase).where(ModerationCase.id == case.id).values(
        flag_count=ModerationCase.flag_count + 1, weight=ModerationCase.weight + weight))
    session.refresh(case)
    if case.flag_count == 1:
        _tell_moderators(session, case, "new_flag", actor)
    hide = (case.state == CaseState.OPEN and not case.hidden
            and case.weight >= HIDE_WEIGHT)
    if hide:
        _hide(session, case, now)
    session.commit()
    return hide


def _open_case(session: Session, target: Target) -> ModerationCase:
    """The target's case (created on the first flag; a restored case reopens, unhidden)."""
    case = session.exec(select(ModerationCase).where(
        ModerationCase.target_kind == target.kind,
        ModerationCase.target_id == target.row.id)).first()
    if case is None:
        try:
            with session.begin_nested():
                case = ModerationCase(target_kind=target.kind, target_id=target.row.id,
                                      community_id=target.item.community_id,
                                      author_id=target.row.author_id)
                session.add(case)
                session.flush()
        except IntegrityError:
            case = session.exec(select(ModerationCase).where(
                ModerationCase.target_kind == target.kind,
                ModerationCase.target_id == target.row.id)).one()
    elif case.state == CaseState.RESTORED:
        # New flags after a restore: back in the queue, but it stays visible (a moderator
        # already looked) until someone decides again; a new hide may be appealed anew.
        case.state, case.hidden = CaseState.OPEN.value, False
        case.flag_count = case.weight = 0
        case.appealed_at, case.appeal_text = None, ""
        session.add(case)
        session.flush()
    return case


def _hide(session: Session, case: ModerationCase, now: datetime) -> None:
    case.hidden = True
    session.add(case)
    _set_visibility(session, case.target_kind, case.target_id, Moderation.HIDDEN)
    reasons = _reasons_text(session, case)
    session.add(ModerationLog(actor_id=None, action="auto_hide", case_id=case.id,
                              subject_id=case.author_id, reason=reasons, created_at=now))
    _notice(session, case, "hidden", reasons, now)


def _notice(session: Session, case: ModerationCase, kind: str, reason: str,
            now: datetime) -> None:
    """Tell the author (their account page keeps it; the bell and email carry it)."""
    if case.author_id is None:
        return
    session.add(ModerationNotice(user_id=case.author_id, case_id=case.id, kind=kind,
                                 reason=reason, created_at=now))
    events.publish(session, "moderation.notice", kind=kind, user_id=case.author_id,
                   item_id=_item_of(session, case), community_id=case.community_id,
                   comment_id=case.target_id if case.target_kind == "comment" else None,
                   reason=reason)


def _item_of(session: Session, case: ModerationCase) -> int | None:
    if case.target_kind == "item":
        return case.target_id
    comment = session.get(Comment, case.target_id)
    return comment.item_id if comment else None


def _tell_moderators(session: Session, case: ModerationCase, kind: str,
                     actor: policy.Actor) -> None:
    """A new report or an appeal: the moderators and the community's admins hear of it."""
    events.publish(session, "moderation.review_needed", kind=kind, actor=actor,
                   community_id=case.community_id, item_id=_item_of(session, case))


def _standing_flags(case: ModerationCase):
    """The flags that still speak for a case: a restore rejected the earlier ones."""
    return sa.and_(Flag.case_id == case.id, Flag.outcome != "rejected")


def _reasons(session: Session, case: ModerationCase) -> Counter:
    return Counter(session.exec(select(Flag.reason).where(_standing_flags(case))).all())


def _reasons_text(session: Session, case: ModerationCase) -> str:
    """The flag reasons as keys, most frequent first ("offensive,spam")."""
    return ",".join(reason for reason, _ in _reasons(session, case).most_common())


# ---- what authors and readers are told -------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """Moderation as one person sees it on one contribution or comment."""

    state: str             # visible | hidden | removed
    reasons: tuple[str, ...]   # flag reason keys (author and moderators only)
    decision_reason: str   # a removal's reason (author and moderators only)
    can_appeal: bool
    appealed: bool
    can_flag: bool
    flagged_by_me: bool


def status_for(*, session: Session, actor: policy.Actor, target_kind: Any,
               target_id: Any) -> Status:
    target = _target(session, actor, target_kind, target_id)
    return statuses(session, actor, target.kind, [target.row], target.where)[target.row.id]


def statuses(session: Session, actor: policy.Actor, kind: str, rows: list[Item | Comment],
             where: items.Where) -> dict[int, Status]:
    """Statuses for a page of targets of one item (two queries, whatever the page)."""
    ids = [r.id for r in rows]
    cases = {c.target_id: c for c in session.exec(select(ModerationCase).where(
        ModerationCase.target_kind == kind, ModerationCase.target_id.in_(ids)))} if ids else {}
    mine: set[int] = set()
    if actor.signed_in and ids:
        mine = set(session.exec(select(Flag.target_id).where(
            Flag.target_kind == kind, Flag.target_id.in_(ids), Flag.user_id == actor.user_id)))
    moderator = policy.can(actor, "moderation.act", where.community)
    result = {}
    for row in rows:
        case = cases.get(row.id)
        is_author = actor.signed_in and row.author_id == actor.user_id
        told = is_author or moderator
        reasons: tuple[str, ...] = ()
        if case is not None and told and row.moderation != Moderation.VISIBLE:
            reasons = tuple(r for r in (_reasons_text(session, case) or "").split(",") if r)
        result[row.id] = Status(
            state=row.moderation, reasons=reasons,
            decision_reason=case.decision_reason if case and told
            and row.moderation == Moderation.REMOVED else "",
            can_appeal=bool(is_author and case is not None and row.moderation
                            != Moderation.VISIBLE and case.appealed_at is None),
            appealed=bool(told and case is not None and case.appealed_at is not None),
            can_flag=(actor.signed_in and not is_author and row.id not in mine
                      and row.moderation == Moderation.VISIBLE
                      and row.deleted_at is None),
            flagged_by_me=row.id in mine,
        )
    return result


def appeal(*, session: Session, actor: policy.Actor, target_kind: Any, target_id: Any,
           text: Any) -> None:
    """The author asks moderators to look again, once, with a short text."""
    target = _target(session, actor, target_kind, target_id)
    policy.require(actor, "item.appeal", target.where)
    if target.row.moderation == Moderation.VISIBLE:
        raise ValidationError("This content is not hidden: there is nothing to appeal.")
    message = rich_text.clean(text, label="Your appeal", max_len=TEXT_MAX, field="appeal")
    done = session.execute(sa.update(ModerationCase).where(
        ModerationCase.target_kind == target.kind, ModerationCase.target_id == target.row.id,
        ModerationCase.appealed_at.is_(None)).values(
        appeal_text=message, appealed_at=utcnow(), state=CaseState.OPEN.value)).rowcount
    if done != 1:
        session.rollback()
        raise ValidationError("You have already appealed this decision.")
    case = session.exec(select(ModerationCase).where(
        ModerationCase.target_kind == target.kind,
        ModerationCase.target_id == target.row.id)).one()
    session.add(ModerationLog(actor_id=actor.user_id, action="appeal", case_id=case.id,
                              subject_id=actor.user_id, reason=message))
    _tell_moderators(session, case, "appeal", actor)
    session.commit()


# ---- the queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    id: int
    target_kind: str
    target_id: int
    item_id: int
    community_id: int
    community_name: str
    excerpt: str
    author: str            # a name, "Anonymous citizen <tag>" parts, or "" (deleted)
    author_kind: str
    author_tag: str
    state: str
    hidden: bool
    flag_count: int
    weight: int
    reasons: tuple[tuple[str, int], ...]   # (reason, count), most frequent first
    details: tuple[str, ...]               # what flaggers wrote (never who they are)
    opened_at: datetime
    appeal_text: str
    decision_reason: str
    author_removals: int   # removals of this author's content in the last 90 days


def _queue_scope(actor: policy.Actor):
    from civo.models import Community

    policy.require(actor, "moderation.review")
    if policy.is_moderator(actor):
        return None
    return select(Community.id).where(Community.id.in_(actor.admin_of))


def queue(*, session: Session, actor: policy.Actor, state: Any = "open",
          cursor: str | None = None) -> tuple[list[CaseRow], str | None]:
    """Cases to review: appeals and heavy cases first, then oldest first (keyset)."""
    scope = _queue_scope(actor)
    state = state if state in ("open", "restored", "removed") else "open"
    stmt = select(ModerationCase).where(ModerationCase.state == state)
    if scope is not None:
        stmt = stmt.where(ModerationCase.community_id.in_(scope))
    if cursor:
        parts = str(cursor).split("|")
        if len(parts) != 3 or not is_number(parts[0].lstrip("-")) or not is_number(parts[2]):
            raise ValidationError("This page link is no longer valid.")
        weight, stamp, case_id = int(parts[0]), datetime.fromisoformat(parts[1]), int(parts[2])
        stmt = stmt.where(sa.or_(
            ModerationCase.weight < weight,
            sa.and_(ModerationCase.weight == weight,
                    sa.tuple_(ModerationCase.opened_at, ModerationCase.id) > (stamp, case_id))))
    rows = list(session.exec(stmt.order_by(ModerationCase.weight.desc(),
                                           ModerationCase.opened_at, ModerationCase.id)
                             .limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    views = [_case_row(session, case) for case in rows]
    nxt = None
    if more:
        last = rows[-1]
        nxt = f"{last.weight}|{last.opened_at.isoformat()}|{last.id}"
    return [v for v in views if v is not None], nxt


def _case_row(session: Session, case: ModerationCase) -> CaseRow | None:
    from civo.models import Community

    model = _model(case.target_kind)
    row = session.get(model, case.target_id)
    if row is None:
        return None
    item = row if case.target_kind == "item" else session.get(Item, row.item_id)
    community = session.get(Community, case.community_id)
    author = items.authors(session, [(row.author_id, row.is_anonymous, item.project_id)])[
        (row.author_id, row.is_anonymous, item.project_id)]
    reasons = _reasons(session, case)
    details = tuple(d for d in session.exec(select(Flag.details).where(
        _standing_flags(case), Flag.details != "").order_by(Flag.id).limit(10)))
    text = (f"{row.title}\n{row.body}" if case.target_kind == "item" and row.title
            else row.body)
    return CaseRow(
        id=case.id, target_kind=case.target_kind, target_id=case.target_id, item_id=item.id,
        community_id=case.community_id, community_name=community.name if community else "",
        excerpt=text[:600],
        # Anonymous content: not even its per-project pseudonym (the queue spans projects
        # and cases; a tag would let a moderator gather one person's reports and appeals).
        author=author.label, author_kind=author.kind,
        author_tag="" if row.is_anonymous else author.tag, state=case.state,
        hidden=case.hidden, flag_count=case.flag_count, weight=case.weight,
        reasons=tuple(reasons.most_common()), details=details, opened_at=case.opened_at,
        appeal_text=case.appeal_text, decision_reason=case.decision_reason,
        # Not for anonymous content: a count would help tie it to its author.
        author_removals=0 if row.is_anonymous else _recent_removals(session, case.author_id),
    )


def open_cases(*, session: Session, actor: policy.Actor) -> int:
    """How many cases wait (capped at 100) — the dashboard's badge."""
    if not policy.can(actor, "moderation.review"):
        return 0
    scope = _queue_scope(actor)
    inner = select(ModerationCase.id).where(ModerationCase.state == CaseState.OPEN)
    if scope is not None:
        inner = inner.where(ModerationCase.community_id.in_(scope))
    return session.exec(select(sa.func.count()).select_from(inner.limit(100).subquery())).one()


# ---- decisions -------------------------------------------------------------------------------


def _case(session: Session, actor: policy.Actor, case_id: Any) -> ModerationCase:
    from civo.models import Community

    case = session.get(ModerationCase, validate.record_id(
        case_id, N_("This case does not exist.")))
    if case is None:
        raise NotFound("This case does not exist.")
    policy.require(actor, "moderation.act", session.get(Community, case.community_id))
    return case


def decide(*, session: Session, actor: policy.Actor, case_id: Any, action: Any,
           reason: Any = "") -> None:
    """``restore`` (the flags were false) or ``remove`` (the reason goes to the author)."""
    case = _case(session, actor, case_id)
    if action not in ("restore", "remove"):
        raise ValidationError("Invalid request.")
    text = rich_text.clean(reason, label="Reason", max_len=TEXT_MAX,
                           required=action == "remove", field="reason")
    now = utcnow()
    new_state = CaseState.RESTORED if action == "restore" else CaseState.REMOVED
    done = session.execute(sa.update(ModerationCase).where(
        ModerationCase.id == case.id, ModerationCase.state != new_state.value).values(
        state=new_state.value, hidden=action == "remove", decided_at=now,
        decided_by=actor.user_id, decision_reason=text)).rowcount
    if done != 1:  # decided the same way already (two moderators, one click each)
        session.rollback()
        return
    _set_visibility(session, case.target_kind, case.target_id,
                    Moderation.VISIBLE if action == "restore" else Moderation.REMOVED)
    session.execute(sa.update(Flag).where(Flag.case_id == case.id, Flag.outcome == "pending")
                    .values(outcome="rejected" if action == "restore" else "upheld"))
    session.add(ModerationLog(actor_id=actor.user_id, action=action, case_id=case.id,
                              subject_id=case.author_id, reason=text, created_at=now))
    _notice(session, case, "restored" if action == "restore" else "removed", text, now)
    if action == "remove" and case.author_id is not None:
        session.flush()
        _maybe_propose_suspension(session, case.author_id, now)
    session.commit()


def warn(*, session: Session, actor: policy.Actor, case_id: Any, reason: Any,
         close: Any = True) -> None:
    """Warn the author of a case (the message is theirs to read). The content stays (or
    becomes again) visible; the case is closed unless the moderator keeps it open
    (``close=False``). The audit log says which (``warn`` or ``warn_open``)."""
    case = _case(session, actor, case_id)
    if not isinstance(close, bool):
        raise ValidationError("Invalid request.")
    text = rich_text.clean(reason, label="Reason", max_len=TEXT_MAX, field="reason")
    if case.author_id is None:
        raise ValidationError("The author deleted their account: there is nobody to warn.")
    now = utcnow()
    if close:
        done = session.execute(sa.update(ModerationCase).where(
            ModerationCase.id == case.id, ModerationCase.state == CaseState.OPEN.value).values(
            state=CaseState.RESTORED.value, hidden=False, decided_at=now,
            decided_by=actor.user_id, decision_reason=text)).rowcount
        if done != 1:  # another moderator decided first
            session.rollback()
            raise ValidationError("Another moderator has just decided this case.")
        session.execute(sa.update(Flag).where(Flag.case_id == case.id,
                                              Flag.outcome == "pending")
                        .values(outcome="upheld"))
    else:
        session.execute(sa.update(ModerationCase).where(ModerationCase.id == case.id)
                        .values(hidden=False))
    _set_visibility(session, case.target_kind, case.target_id, Moderation.VISIBLE)
    _notice(session, case, "warned", text, now)
    session.add(ModerationLog(actor_id=actor.user_id, action="warn" if close else "warn_open",
                              case_id=case.id, subject_id=case.author_id, reason=text,
                              created_at=now))
    session.commit()


def _signed_content():
    """Cases about content signed with its author's name: only those count toward a
    suspension (a proposal names the person; made right after the removal of anonymous
    content, it would tie that content to them, in the proposals and the audit log)."""
    anonymous_item = select(Item.id).where(Item.id == ModerationCase.target_id,
                                           Item.is_anonymous.is_(True)).exists()
    anonymous_comment = select(Comment.id).where(Comment.id == ModerationCase.target_id,
                                                 Comment.is_anonymous.is_(True)).exists()
    return sa.not_(sa.or_(sa.and_(ModerationCase.target_kind == "item", anonymous_item),
                          sa.and_(ModerationCase.target_kind == "comment",
                                  anonymous_comment)))


def _recent_removals(session: Session, author_id: int | None, now: datetime | None = None
                     ) -> int:
    if author_id is None:
        return 0
    since = (now or utcnow()) - REMOVAL_WINDOW
    return session.exec(select(sa.func.count()).select_from(ModerationCase).where(
        ModerationCase.author_id == author_id, ModerationCase.state == CaseState.REMOVED,
        ModerationCase.decided_at > since, _signed_content())).one()


def _maybe_propose_suspension(session: Session, author_id: int, now: datetime) -> None:
    """Propose a suspension at 3 removals within 90 days — counting only removals since
    the last proposal a platform admin decided (a dismissal is not re-proposed at once)."""
    last_decided = session.exec(select(sa.func.max(SuspensionProposal.decided_at)).where(
        SuspensionProposal.user_id == author_id, SuspensionProposal.outcome != "")).one()
    since = max(now - REMOVAL_WINDOW, last_decided) if last_decided else now - REMOVAL_WINDOW
    removals = session.exec(select(sa.func.count()).select_from(ModerationCase).where(
        ModerationCase.author_id == author_id, ModerationCase.state == CaseState.REMOVED,
        ModerationCase.decided_at > since, _signed_content())).one()
    if removals < REMOVALS_FOR_SUSPENSION:
        return
    try:  # at most one pending proposal per person (a partial unique index)
        with session.begin_nested():
            session.add(SuspensionProposal(user_id=author_id, removals=removals,
                                           created_at=now))
            session.flush()
    except IntegrityError:
        return
    session.add(ModerationLog(actor_id=None, action="propose_suspension",
                              subject_id=author_id, created_at=now,
                              reason=f"{removals} removals in 90 days"))


# ---- platform admins: suspensions and the audit log ------------------------------------------


@dataclass(frozen=True)
class ProposalRow:
    id: int
    user_name: str
    removals: int
    created_at: datetime


def proposals(*, session: Session, actor: policy.Actor) -> list[ProposalRow]:
    policy.require(actor, "moderation.suspend")
    rows = session.exec(select(SuspensionProposal, PUBLIC_NAME)
                        .join(User, User.id == SuspensionProposal.user_id)
                        .where(SuspensionProposal.outcome == "")
                        .order_by(SuspensionProposal.created_at).limit(50)).all()
    return [ProposalRow(p.id, name, p.removals, p.created_at) for p, name in rows]


def pending_proposals(*, session: Session, actor: policy.Actor) -> int:
    """How many suspension proposals wait (the dashboard's badge; 0 for other roles)."""
    if not policy.can(actor, "moderation.suspend"):
        return 0
    return session.exec(select(sa.func.count()).select_from(SuspensionProposal).where(
        SuspensionProposal.outcome == "")).one()


def decide_proposal(*, session: Session, actor: policy.Actor, proposal_id: Any,
                    suspend: Any, reason: Any = "") -> None:
    """Suspend the account (sessions end, sign-in refused) or dismiss the proposal."""
    policy.require(actor, "moderation.suspend")
    if not isinstance(suspend, bool):
        raise ValidationError("Invalid request.")
    proposal_id = validate.record_id(proposal_id, N_("This proposal was already decided."))
    text = rich_text.clean(reason, label="Reason", max_len=TEXT_MAX, required=suspend,
                           field="reason")
    proposal = session.get(SuspensionProposal, proposal_id)
    if proposal is None or proposal.outcome:
        raise NotFound("This proposal was already decided.")
    now = utcnow()
    # Conditional: two platform admins deciding at once record one decision.
    done = session.execute(sa.update(SuspensionProposal).where(
        SuspensionProposal.id == proposal.id, SuspensionProposal.outcome == "").values(
        outcome="suspended" if suspend else "dismissed", decided_at=now,
        decided_by=actor.user_id)).rowcount
    if done != 1:
        session.rollback()
        raise NotFound("This proposal was already decided.")
    if suspend:
        session.execute(sa.update(User).where(User.id == proposal.user_id)
                        .values(suspended_at=now))
        sessions.end_all(session=session, user_id=proposal.user_id)
    session.add(ModerationLog(actor_id=actor.user_id,
                              action="suspend" if suspend else "dismiss_suspension",
                              subject_id=proposal.user_id, reason=text, created_at=now))
    session.commit()


@dataclass(frozen=True)
class LogRow:
    id: int
    created_at: datetime
    actor_name: str        # "" for the system (automatic hide, proposals) and for
    action: str            # the author of anonymous content acting on its case (appeal)
    case_id: int | None
    subject_name: str
    reason: str
    by_anonymous_author: bool = False   # the acting person is the case's anonymous author


def audit_log(*, session: Session, actor: policy.Actor,
              cursor: int | None = None) -> tuple[list[LogRow], int | None]:
    """Every moderation decision, newest first (platform admins)."""
    policy.require(actor, "moderation.audit")
    moderator, subject = sa.orm.aliased(User), sa.orm.aliased(User)
    stmt = (select(ModerationLog,
                   sa.func.coalesce(sa.func.nullif(moderator.display_name, ""),
                                    moderator.full_name),
                   sa.func.coalesce(sa.func.nullif(subject.display_name, ""),
                                    subject.full_name))
            .outerjoin(moderator, moderator.id == ModerationLog.actor_id)
            .outerjoin(subject, subject.id == ModerationLog.subject_id))
    if cursor is not None:
        if not isinstance(cursor, int):
            raise ValidationError("This page link is no longer valid.")
        stmt = stmt.where(ModerationLog.id < cursor)
    rows = session.exec(stmt.order_by(ModerationLog.id.desc()).limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    anonymous = _anonymous_cases(session, {log.case_id for log, _w, _s in rows if log.case_id})
    result = []
    for log, who, whom in rows:
        hidden = log.case_id in anonymous
        # On an anonymous case the author is never named: not as its subject, nor as the
        # one who appealed (the log's actor), however the row was written.
        by_author = hidden and log.actor_id is not None and log.actor_id == anonymous[
            log.case_id]
        result.append(LogRow(log.id, log.created_at, "" if by_author else (who or ""),
                             log.action, log.case_id, "" if hidden else (whom or ""),
                             log.reason, by_anonymous_author=by_author))
    return result, rows[-1][0].id if more else None


def _anonymous_cases(session: Session, case_ids: set[int]) -> dict[int, int | None]:
    """Cases about anonymous content → their author's id: the log names them nowhere."""
    if not case_ids:
        return {}
    found: dict[int, int | None] = {}
    for kind, model in (("item", Item), ("comment", Comment)):
        found.update(session.exec(select(ModerationCase.id, ModerationCase.author_id).join(
            model, model.id == ModerationCase.target_id).where(
            ModerationCase.id.in_(case_ids), ModerationCase.target_kind == kind,
            model.is_anonymous.is_(True))).all())
    return found


# ---- the author's own notices -------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRow:
    id: int
    kind: str
    reason: str
    created_at: datetime
    item_id: int | None


def my_notices(*, session: Session, actor: policy.Actor) -> list[NoticeRow]:
    """What moderation told me (hidden, removed, restored, warned), newest first."""
    policy.require(actor, "account.manage_own")
    rows = session.exec(select(ModerationNotice, ModerationCase)
                        .outerjoin(ModerationCase, ModerationCase.id == ModerationNotice.case_id)
                        .where(ModerationNotice.user_id == actor.user_id)
                        .order_by(ModerationNotice.id.desc()).limit(20)).all()
    result = []
    for notice, case in rows:
        item_id = None
        if case is not None:
            if case.target_kind == "item":
                item_id = case.target_id
            else:
                comment = session.get(Comment, case.target_id)
                item_id = comment.item_id if comment else None
        result.append(NoticeRow(notice.id, notice.kind, notice.reason, notice.created_at,
                                item_id))
    return result
