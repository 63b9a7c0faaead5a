"""Notifications: who is told what, in app and by email, following each person's settings.

Four categories (:class:`civo.models.notifications.Category`):

- ``account`` (always on, emailed at once): moderation notices.
- ``followed``: a followed community's new project, newly open phase, update or event.
- ``contributions``: replies, reactions, "read by", an official answer, "your input shaped
  this decision".
- ``admin`` (people with a role): new contributions, reports, appeals.

Creating them is one set-based ``INSERT … SELECT`` per event, inside the transaction of
the action (thousands of followers cost one statement). Texts are rendered when read, in
the reader's language, from live data: no name or title is copied into a notification, so
deleting an account or an item leaves no trace of it here. The people to tell at once
(the live bell) are recorded in ``session.info`` for :func:`civo.db.run_service`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, i18n, policy
from civo.i18n import N_
from civo.models import Community, Membership, Phase, User
from civo.models._common import utcnow
from civo.models.notifications import (
    Category,
    DigestState,
    Frequency,
    Notification,
    NotificationSetting,
    OutboundEmail,
)
from civo.models.participation import Comment, Item
from civo.services import mail, tokens
from civo.services.audiences import community_admins, followers, moderators
from civo.services.errors import NotFound, ValidationError

# The core's kinds; each participation module declares its own (registry).
KINDS: dict[str, str] = {
    "hidden": Category.ACCOUNT, "removed": Category.ACCOUNT, "restored": Category.ACCOUNT,
    "warned": Category.ACCOUNT,
    "new_project": Category.FOLLOWED, "phase_open": Category.FOLLOWED,
    "results": Category.FOLLOWED,
    "update": Category.FOLLOWED, "event": Category.FOLLOWED,
    "reply": Category.CONTRIBUTIONS, "reaction": Category.CONTRIBUTIONS,
    "read": Category.CONTRIBUTIONS, "shaped": Category.CONTRIBUTIONS,
    "new_contribution": Category.ADMIN, "new_flag": Category.ADMIN, "appeal": Category.ADMIN,
}
CATEGORIES = tuple(c.value for c in Category)
FREQUENCIES = tuple(f.value for f in Frequency)
DEFAULT_EMAIL = Frequency.DAILY.value
PERIODS = {Frequency.DAILY.value: timedelta(days=1), Frequency.WEEKLY.value: timedelta(days=7)}
PAGE_SIZE = 20
# Committed after the action: the live layer moves exactly these people's bells.
NOTIFIED = "users.notified"


def category_of(kind: str) -> str:
    """The category of a core kind or of a module's declared kind."""
    if kind in KINDS:
        return KINDS[kind]
    from civo.modules import MODULES

    declared = MODULES.notification_kinds().get(kind)
    if declared is None:
        raise KeyError(f"unknown notification kind {kind!r}")
    return declared[1].category


def _template(kind: str) -> str:
    if kind in TEXTS:
        return TEXTS[kind]
    from civo.modules import MODULES

    declared = MODULES.notification_kinds().get(kind)
    return declared[1].text if declared else N_("You have a new notification.")


# ---- creating ----------------------------------------------------------------------------------


def notify(session: Session, *, recipients: Iterable[int] | sa.Select | sa.CompoundSelect,
           kind: str,
           actor: policy.Actor | None = None, item_id: int | None = None,
           community_id: int | None = None, project_id: int | None = None,
           params: dict[str, Any] | None = None, ping: bool = True) -> None:
    """Tell ``recipients`` (ids, or a SELECT of user ids) about an event, following their
    settings, in the caller's transaction. The acting person is never told of their own
    act; suspended accounts are not told anything.

    ``ping``: the bells of exactly those who got it in app move live (after commit, see
    :func:`civo.db.run_service`). A whole audience (a community's followers) passes False:
    the state handler that made the news publishes on the feed channel
    (``civo.state.live.FEED``), on which every signed-in tab recounts its own bell.
    """
    category = category_of(kind)
    if not isinstance(recipients, sa.Select | sa.CompoundSelect):
        recipients = sorted({int(r) for r in recipients if r is not None})
        if not recipients:
            return
    setting = sa.orm.aliased(NotificationSetting)
    always = category == Category.ACCOUNT
    in_app = sa.true() if always else sa.func.coalesce(setting.in_app, sa.true())
    email = (sa.literal(Frequency.IMMEDIATE.value) if always
             else sa.func.coalesce(setting.email, DEFAULT_EMAIL))
    chosen = (select(
        User.id, sa.literal(category), sa.literal(kind), sa.literal(item_id, sa.Integer),
        sa.literal(community_id, sa.Integer), sa.literal(project_id, sa.Integer),
        sa.literal(params or {}, sa.JSON), in_app,
        sa.case((email == Frequency.OFF.value, "none"), else_="pending"), email,
        sa.literal(utcnow(), Notification.__table__.c.created_at.type))
        .select_from(User)
        .outerjoin(setting, sa.and_(setting.user_id == User.id, setting.category == category))
        .where(User.id.in_(recipients), User.suspended_at.is_(None),
               sa.or_(in_app, email != Frequency.OFF.value)))
    if actor is not None and actor.user_id is not None:
        chosen = chosen.where(User.id != actor.user_id)
    chosen = _only_who_may_see(session, chosen, community_id, item_id)
    insert = sa.insert(Notification).from_select(
        ["user_id", "category", "kind", "item_id", "community_id", "project_id", "params",
         "in_app", "email_state", "email_frequency", "created_at"], chosen)
    if not ping:
        session.execute(insert)
        return
    told = session.execute(insert.returning(Notification.user_id, Notification.in_app)).all()
    shown = {uid for uid, in_app in told if in_app}
    if shown:
        events.after_commit(session, NOTIFIED, shown)


def _only_who_may_see(session: Session, chosen: sa.Select, community_id: int | None,
                      item_id: int | None) -> sa.Select:
    """Nobody hears of what happens in a private (or archived) community without access to
    it: a follow from before it became private, or a left membership, is not enough."""
    if community_id is None and item_id is not None:
        community_id = session.exec(select(Item.community_id).where(Item.id == item_id)).first()
    place = session.get(Community, community_id) if community_id is not None else None
    if place is None or not (place.is_private or place.is_archived):
        return chosen
    allowed = [User.is_platform_admin.is_(True),
               User.id.in_(community_admins(session, place.id))]
    if not place.is_archived:
        allowed.append(User.id.in_(select(Membership.user_id).where(
            Membership.community_id == place.id)))
    return chosen.where(sa.or_(*allowed))


def reaction_once(session: Session, *, recipient: int | None, actor: policy.Actor,
                  item_id: int, comment_id: int | None = None) -> None:
    """New reactions: one unread notification per contribution (not one per click)."""
    if recipient is None or recipient == actor.user_id:
        return
    waiting = session.exec(select(Notification.id).where(
        Notification.user_id == recipient, Notification.kind == "reaction",
        Notification.item_id == item_id, Notification.read_at.is_(None))).first()
    if waiting is None:
        notify(session, recipients=[recipient], kind="reaction", actor=actor,
               item_id=item_id, params={"comment_id": comment_id} if comment_id else {})


# ---- what each domain event tells whom (wired in civo.subscribers) ------------------------


def on_item_created(session: Session, *, actor: policy.Actor, item: Item) -> None:
    """A new contribution: the community's admins hear of it."""
    notify(session, recipients=community_admins(session, item.community_id),
           kind="new_contribution", actor=actor, item_id=item.id,
           community_id=item.community_id)


def on_item_impact(kind: str):
    """"Read by …" and "your input shaped this decision": the author is told."""

    def subscriber(session: Session, *, actor: policy.Actor, item: Item) -> None:
        notify(session, recipients=[item.author_id], kind=kind, actor=actor,
               item_id=item.id, community_id=item.community_id)

    return subscriber


def on_comment_created(session: Session, *, actor: policy.Actor, item: Item,
                       comment: Comment, replied_to: int | None) -> None:
    """The contribution's author and the author of the comment answered hear of it."""
    notify(session, recipients=[item.author_id, replied_to], kind="reply", actor=actor,
           item_id=item.id, community_id=item.community_id,
           params={"comment_id": comment.id})


def on_reaction_added(session: Session, *, actor: policy.Actor, recipient: int | None,
                      item_id: int, comment_id: int | None = None) -> None:
    reaction_once(session, recipient=recipient, actor=actor, item_id=item_id,
                  comment_id=comment_id)


def on_moderation_notice(session: Session, *, kind: str, user_id: int,
                         item_id: int | None, community_id: int,
                         comment_id: int | None = None, reason: str = "") -> None:
    """Hidden, removed, restored, warned: the author is told (account category), with the
    moderators' reason for a warning or a removal."""
    params: dict[str, Any] = {"comment_id": comment_id} if comment_id else {}
    if reason and kind in REASONED:
        params["reason"] = reason[:1000]
    notify(session, recipients=[user_id], kind=kind, item_id=item_id,
           community_id=community_id, params=params or None)


# Notices that carry the moderators' reason (in app and by email).
REASONED = ("warned", "removed")


def on_review_needed(session: Session, *, kind: str, actor: policy.Actor,
                     community_id: int, item_id: int | None) -> None:
    """A new report or an appeal: the moderators and the community's admins hear of it."""
    recipients = sa.union(community_admins(session, community_id), moderators())
    notify(session, recipients=recipients, kind=kind, actor=actor, item_id=item_id,
           community_id=community_id)


def on_announcement(session: Session, *, actor: policy.Actor, item: Item) -> None:
    """A new project, update or event: the community's followers (the handler that made
    the news moves the platform channel, on which their bells recount)."""
    notify(session, recipients=followers(item.community_id),
           kind="new_project" if item.kind == "project" else item.kind, actor=actor,
           item_id=item.id, community_id=item.community_id, project_id=item.project_id,
           ping=False)


def on_phase_opened(session: Session, *, actor: policy.Actor, project_id: int,
                    community_id: int, phase_id: int, entry_id: int | None) -> None:
    notify(session, recipients=followers(community_id), kind="phase_open", actor=actor,
           item_id=entry_id, community_id=community_id, project_id=project_id,
           params={"phase_id": phase_id}, ping=False)


def on_results_published(session: Session, *, actor: policy.Actor, project_id: int,
                         community_id: int, entry_id: int | None) -> None:
    """A project's results are published: its community's followers and everyone who took
    part in it are told (one notification each)."""
    from civo.models import Project
    from civo.services.analytics import project_participants

    project, community = session.get(Project, project_id), session.get(Community, community_id)
    if project is None or community is None:
        return
    took_part = project_participants(project, community).subquery()
    notify(session, recipients=sa.union(followers(community_id),
                                        select(took_part.c.uid).where(
                                            took_part.c.uid.is_not(None))),
           kind="results", actor=actor, item_id=entry_id, community_id=community_id,
           project_id=project_id, params={"results": True}, ping=False)


def on_module_event(session: Session, name: str, /, **payload: Any) -> None:
    """Modules' own notification kinds: each names the event that sends it; its payload
    says whom (``recipients``: ids or a SELECT) and about what."""
    from civo.modules import MODULES

    for kind, (_key, declared) in MODULES.notification_kinds().items():
        if declared.event == name:
            notify(session, recipients=payload["recipients"], kind=kind,
                   actor=payload.get("actor"), item_id=payload.get("item_id"),
                   community_id=payload.get("community_id"),
                   project_id=payload.get("project_id"), params=payload.get("params"),
                   ping=payload.get("ping", True))


# ---- settings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySetting:
    category: str
    in_app: bool
    email: str
    locked: bool   # the account category: always on


def settings(*, session: Session, actor: policy.Actor) -> list[CategorySetting]:
    """The actor's choices per category (the admin category only for those with a role)."""
    policy.require(actor, "account.manage_own")
    rows = {s.category: s for s in session.exec(select(NotificationSetting).where(
        NotificationSetting.user_id == actor.user_id))}
    shown = [c for c in CATEGORIES
             if c != Category.ADMIN or policy.can(actor, "admin.dashboard")]
    result = []
    for category in shown:
        if category == Category.ACCOUNT:
            result.append(CategorySetting(category, True, Frequency.IMMEDIATE.value, True))
            continue
        row = rows.get(category)
        result.append(CategorySetting(category, row.in_app if row else True,
                                      row.email if row else DEFAULT_EMAIL, False))
    return result


def save_settings(*, session: Session, actor: policy.Actor,
                  values: dict[str, tuple[Any, Any]]) -> None:
    """``values``: category → (in_app, email frequency). The account category stays on."""
    policy.require(actor, "account.manage_own")
    backlog: list[Notification] = []
    for category, (in_app, email) in values.items():
        if category not in CATEGORIES or category == Category.ACCOUNT:
            continue
        if not isinstance(in_app, bool) or email not in FREQUENCIES:
            raise ValidationError("Invalid request.")
        row = session.get(NotificationSetting, (actor.user_id, category))
        if row is None:
            row = NotificationSetting(user_id=actor.user_id, category=category)
        row.in_app, row.email = in_app, email
        session.add(row)
        # What waits for an email follows the new choice: nothing if off, else the new
        # frequency (a daily digest becomes weekly, or goes out at once).
        waiting = sa.update(Notification).where(
            Notification.user_id == actor.user_id, Notification.category == category,
            Notification.email_state == "pending")
        if email == Frequency.IMMEDIATE.value:
            backlog.extend(session.exec(select(Notification).where(
                Notification.user_id == actor.user_id, Notification.category == category,
                Notification.email_state == "pending",
                Notification.email_frequency != Frequency.IMMEDIATE.value)))
        session.execute(waiting.values(email_state="none") if email == Frequency.OFF.value
                        else waiting.values(email_frequency=email))
    # What a digest was keeping goes out now as one email, grouped by item (never a burst
    # of one email per waiting notification).
    user = session.get(User, actor.user_id) if backlog else None
    if user is not None:
        backlog.sort(key=lambda n: n.id)
        if not _send(session, user, backlog[:500], digest=None, kind="notification"):
            return save_settings(session=session, actor=actor, values=values)
    session.commit()


def _unsubscribe_link(session: Session, token: str) -> tuple[User, list[str]]:
    data = tokens.read("unsubscribe", token, max_age=None)
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    categories = [c for c in (data.get("c") or []) if c in CATEGORIES
                  and c != Category.ACCOUNT] if isinstance(data, dict) else []
    if user is None or not categories:
        raise tokens.InvalidLink("This link is not valid.")
    return user, categories


def unsubscribe_preview(*, session: Session, token: str) -> list[str]:
    """What an unsubscribe link would silence — changing nothing: the page a link opens
    asks first (mail scanners open every link of a message)."""
    return _unsubscribe_link(session, token)[1]


def unsubscribe(*, session: Session, token: str) -> list[str]:
    """Stop emails of the link's categories (never the account one): the confirmation
    page's button, or the RFC 8058 one-click POST. Returns the categories now silent."""
    user, categories = _unsubscribe_link(session, token)
    for category in categories:
        row = session.get(NotificationSetting, (user.id, category)) or NotificationSetting(
            user_id=user.id, category=category)
        row.email = Frequency.OFF.value
        session.add(row)
    # What was waiting for a digest of those categories is not sent either.
    session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.category.in_(categories),
        Notification.email_state == "pending").values(email_state="none"))
    session.commit()
    return categories


# ---- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    category: str
    text: str
    created_at: datetime
    read: bool
    item_id: int | None       # the contribution it is about (None: not one)
    group: str                # for digests: one section per item (or per community)
    group_title: str
    available: bool           # False: its item was deleted or hidden


def unread_count(*, session: Session, actor: policy.Actor) -> int:
    """In-app notifications not read yet (capped at 100)."""
    if not actor.signed_in:
        return 0
    inner = select(Notification.id).where(Notification.user_id == actor.user_id,
                                          Notification.in_app.is_(True),
                                          Notification.read_at.is_(None)).limit(100)
    return session.exec(select(sa.func.count()).select_from(inner.subquery())).one()


def page(*, session: Session, actor: policy.Actor, locale: str,
         before: int | None = None) -> tuple[list[NotificationView], int | None]:
    """The actor's in-app notifications, newest first (keyset on id)."""
    policy.require(actor, "account.manage_own")
    stmt = select(Notification).where(Notification.user_id == actor.user_id,
                                      Notification.in_app.is_(True))
    if before is not None:
        if not isinstance(before, int):
            raise ValidationError("This page link is no longer valid.")
        stmt = stmt.where(Notification.id < before)
    rows = list(session.exec(stmt.order_by(Notification.id.desc()).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return describe(session, rows, locale, viewer=actor), (rows[-1].id if more else None)


def mark_read(*, session: Session, actor: policy.Actor, notification_id: Any = None) -> None:
    """Mark one (or, with no id, every) notification of the actor read."""
    policy.require(actor, "account.manage_own")
    stmt = sa.update(Notification).where(Notification.user_id == actor.user_id,
                                         Notification.read_at.is_(None))
    if notification_id is not None:
        if not isinstance(notification_id, int) or isinstance(notification_id, bool):
            raise NotFound("This notification does not exist.")
        stmt = stmt.where(Notification.id == notification_id)
    session.execute(stmt.values(read_at=utcnow()))
    session.commit()


def open_one(*, session: Session, actor: policy.Actor, notification_id: Any) -> str | None:
    """Follow a notification: marks it read; returns where it leads, or None when that is
    no longer available (deleted, hidden, or out of the actor's reach)."""
    from civo.services import items

    policy.require(actor, "account.manage_own")
    if not isinstance(notification_id, int) or isinstance(notification_id, bool):
        raise NotFound("This notification does not exist.")
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound("This notification does not exist.")
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        session.commit()
    if row.item_id is None:
        if row.kind in ("new_flag", "appeal"):
            return "/admin/moderation"
        return None
    try:
        item, _where = items.load(session, actor, row.item_id)
    except NotFound:
        return None
    if item.deleted_at is not None:
        return None
    if item.module_key == "project" and item.project_id:
        if row.kind == "results":
            return f"/p/{item.project_id}/results"
        return f"/p/{item.project_id}"
    return f"/i/{item.id}"


TEXTS = {
    "hidden": N_("Your contribution “{title}” is hidden pending review."),
    "removed": N_("The moderators removed your contribution “{title}”."),
    "restored": N_("Your contribution “{title}” is visible again."),
    "warned": N_("You received a warning from the moderators."),
    "new_project": N_("{community} published a new project: “{title}”."),
    "phase_open": N_("A new phase is open in “{title}”: {phase}."),
    "results": N_("Results are published: “{title}”."),
    "update": N_("{community} posted an update: “{title}”."),
    "event": N_("{community} announced an event: “{title}”."),
    "reply": N_("{who} replied to “{title}”."),
    "reaction": N_("People reacted to “{title}”."),
    "read": N_("{community} read your contribution “{title}”."),
    "shaped": N_("Your input shaped this decision: “{title}”."),
    "new_contribution": N_("New contribution in {community}: “{title}”."),
    "new_flag": N_("Content was reported in {community}."),
    "appeal": N_("An author appealed a moderation decision in {community}."),
}


# A moderation notice about a comment names the contribution it was written on.
COMMENT_TEXTS = {
    "hidden": N_("Your comment on “{title}” is hidden pending review."),
    "removed": N_("The moderators removed your comment on “{title}”."),
    "restored": N_("Your comment on “{title}” is visible again."),
}


def describe(session: Session, rows: list[Notification], locale: str, *,
             viewer: policy.Actor | None = None) -> list[NotificationView]:
    """Texts for notifications of one person (``viewer``, read from the rows when not
    given), in ``locale``, from live data (a few batched queries).

    What that person can no longer see — a deleted or moderated item, a community that
    became private or archived, an administration notice after the role ended — says
    only that it is no longer available: no title, no community, no name.
    """
    from civo.services import accounts, items

    if rows and viewer is None:
        viewer = accounts.actor_for(session=session, user_id=rows[0].user_id)
    item_ids = {r.item_id for r in rows if r.item_id}
    found = {i.id: i for i in session.exec(select(Item).where(Item.id.in_(item_ids)))} \
        if item_ids else {}
    community_ids = {r.community_id for r in rows if r.community_id} | {
        i.community_id for i in found.values()}
    names = dict(session.exec(select(Community.id, Community.name).where(
        Community.id.in_(community_ids), policy.visible_communities(viewer, Community))
        ).all()) if community_ids and viewer is not None else {}
    comment_ids = {r.params.get("comment_id") for r in rows
                   if isinstance(r.params, dict) and r.params.get("comment_id")}
    notes = {c.id: c for c in session.exec(select(Comment).where(
        Comment.id.in_(comment_ids)))} if comment_ids else {}
    who = items.authors(session, [(c.author_id, c.is_anonymous, found[c.item_id].project_id)
                                  for c in notes.values() if c.item_id in found])
    phase_ids = {r.params.get("phase_id") for r in rows
                 if isinstance(r.params, dict) and r.params.get("phase_id")}
    phases = dict(session.exec(select(Phase.id, Phase.title).where(
        Phase.id.in_(phase_ids))).all()) if phase_ids else {}
    gone = i18n.gettext(locale, "a contribution that is no longer available")
    unavailable = i18n.gettext(locale, "This notification is about something that is no "
                                       "longer available to you.")
    views = []
    for row in rows:
        item = found.get(row.item_id) if row.item_id else None
        where = row.community_id or (item.community_id if item else None)
        available = (where is None or where in names) and (
            row.category != Category.ADMIN or _moderates(viewer, where)) and (
            row.item_id is None or (
                item is not None and item.deleted_at is None and (
                    item.moderation == "visible" or item.author_id == row.user_id
                    or (row.category == Category.ADMIN and _moderates(viewer, where)))))
        if not available:
            views.append(NotificationView(
                id=row.id, kind=row.kind, category=row.category, text=unavailable,
                created_at=row.created_at, read=row.read_at is not None,
                item_id=row.item_id, group=f"gone:{row.id}", group_title=gone,
                available=False))
            continue
        if item is None:
            title = gone if row.item_id else ""
        elif item.deleted_at is not None:
            title = gone
        else:
            text = item.title or item.body
            title = text if len(text) <= 80 else text[:79].rstrip() + "…"
        community = names.get(row.community_id or (item.community_id if item else None), "")
        who_label = i18n.gettext(locale, "Someone")
        comment = notes.get((row.params or {}).get("comment_id"))
        if (comment is not None and comment.deleted_at is None
                and comment.moderation == "visible" and comment.item_id in found):
            author = who[(comment.author_id, comment.is_anonymous,
                          found[comment.item_id].project_id)]
            who_label = {"anonymous": i18n.gettext(locale, "Anonymous citizen {tag}",
                                                   tag=author.tag),
                         "deleted": i18n.gettext(locale, "Deleted participant")}.get(
                author.kind, author.label)
        template = (COMMENT_TEXTS.get(row.kind, _template(row.kind))
                    if (row.params or {}).get("comment_id") else _template(row.kind))
        text = i18n.gettext(locale, template, title=title, community=community,
                            who=who_label,
                            phase=phases.get((row.params or {}).get("phase_id"), ""))
        reason = (row.params or {}).get("reason") if row.kind in REASONED else None
        if isinstance(reason, str) and reason:
            text += " " + i18n.gettext(locale, "The moderators' reason: {reason}",
                                       reason=reason)
        group = f"item:{row.item_id}" if row.item_id else f"community:{row.community_id}"
        views.append(NotificationView(
            id=row.id, kind=row.kind, category=row.category, text=text,
            created_at=row.created_at, read=row.read_at is not None, item_id=row.item_id,
            group=group, group_title=title or community, available=available))
    return views


def _moderates(viewer: policy.Actor, community_id: int | None) -> bool:
    return viewer.is_moderator or viewer.is_platform_admin or community_id in viewer.admin_of


# ---- email: at once, or as digests ------------------------------------------------------------


def _unsubscribe_headers(user_id: int, categories: list[str]) -> tuple[str, dict[str, str]]:
    token = tokens.make("unsubscribe", {"u": user_id, "c": sorted(categories)})
    page_link = mail.public_url(f"/unsubscribe/{token}")
    one_click = mail.api_url(f"/api/unsubscribe/{token}")
    return page_link, {"List-Unsubscribe": f"<{one_click}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _compose(session: Session, user: User, rows: list[Notification], *,
             digest: str | None) -> tuple[str, str, dict[str, str]]:
    """(subject, body, headers): one section per item, each event on its own line."""
    from civo.services import accounts

    locale = i18n.normalize_locale(user.locale) or i18n.DEFAULT_LOCALE
    views = describe(session, rows, locale,
                     viewer=accounts.actor_for(session=session, user_id=user.id, user=user))
    sections: dict[str, list[NotificationView]] = {}
    for view in views:
        sections.setdefault(view.group, []).append(view)
    parts = [i18n.gettext(locale, "Hello {name},", name=user.display_name or user.full_name)]
    if digest:
        parts.append(i18n.ngettext(locale, "Here is what happened ({n} notification):",
                                   "Here is what happened ({n} notifications):", len(views)))
    for group_views in sections.values():
        first = group_views[0]
        link = mail.public_url(f"/n/{first.id}")
        lines = "\n".join(f"- {v.text}" for v in group_views)
        header = f"## {first.group_title}\n" if digest and first.group_title else ""
        parts.append(f"{header}{lines}\n{link}")
    categories = sorted({r.category for r in rows})
    page_link, headers = _unsubscribe_headers(user.id, categories)
    settings_link = mail.public_url("/settings/notifications")
    footer = [i18n.gettext(locale, "Choose what we send you: {link}", link=settings_link)]
    if any(c != Category.ACCOUNT for c in categories):
        footer.append(i18n.gettext(locale, "Stop these emails in one click: {link}",
                                   link=page_link))
    body = "\n\n".join(parts) + "\n\n— \n" + "\n".join(footer)
    if digest == Frequency.WEEKLY.value:
        subject = i18n.gettext(locale, "Your weekly Civo digest")
    elif digest:
        subject = i18n.gettext(locale, "Your daily Civo digest")
    elif len(views) > 1:
        subject = i18n.ngettext(locale, "{n} new notification", "{n} new notifications",
                                len(views))
    else:
        subject = views[0].text if views else "Civo"
    return subject[:300], body, headers if any(c != Category.ACCOUNT for c in categories) \
        else {}


def _send(session: Session, user: User, rows: list[Notification], *, digest: str | None,
          kind: str) -> bool:
    """Queue one email for ``rows`` and mark them sent, atomically: True if it went."""
    ids = [r.id for r in rows]
    done = session.execute(sa.update(Notification).where(
        Notification.id.in_(ids), Notification.email_state == "pending")
        .values(email_state="sent")).rowcount
    if done != len(ids):  # another worker took some: none of this is sent by us
        session.rollback()
        return False
    # Written when sent (write_email), from live data: what changes meanwhile — an
    # author who deleted their account, an item moderated — is what the email says.
    mail.queue(session, to=user.email, user_id=user.id, subject="", body="", kind=kind,
               notification_ids=ids)
    return True


def write_email(session: Session, email: OutboundEmail) -> tuple[str, str, dict] | None:
    """(subject, body, headers) of a queued notification email or digest, or None when
    none of its notifications is left."""
    user = session.get(User, email.user_id) if email.user_id else None
    rows = list(session.exec(select(Notification).where(
        Notification.id.in_(email.notification_ids), Notification.user_id == email.user_id)
        .order_by(Notification.id))) if user else []
    if not rows:
        return None
    digest = rows[0].email_frequency if email.kind == "digest" else None
    return _compose(session, user, rows, digest=digest)


def send_immediate(*, session: Session, limit: int = 200) -> int:
    """Email the notifications whose recipients want them at once; returns how many."""
    rows = list(session.exec(select(Notification).where(
        Notification.email_state == "pending",
        Notification.email_frequency == Frequency.IMMEDIATE.value)
        .order_by(Notification.id).limit(limit)))
    sent = 0
    for row in rows:
        user = session.get(User, row.user_id)
        if user is not None and _send(session, user, [row], digest=None, kind="notification"):
            session.commit()
            sent += 1
    return sent


def send_digests(*, session: Session, now: datetime | None = None, batch: int = 200) -> int:
    """Send the daily and weekly digests that are due; returns how many emails.

    A person's digest is due once its period has passed since their last one (or since
    they registered). It holds every pending notification of the categories with that
    frequency, grouped by item; each is marked sent in the same transaction as the
    email is queued, so none is dropped or repeated.
    """
    now = now or utcnow()
    emails = 0
    for frequency, period in PERIODS.items():
        # Only people whose digest is due, longest-waiting first: a batch is never filled
        # by people who are not due yet (who would starve everyone after them).
        last = sa.func.coalesce(DigestState.sent_at, User.created_at)
        waiting = list(session.exec(
            select(Notification.user_id).join(User, User.id == Notification.user_id)
            .outerjoin(DigestState, sa.and_(DigestState.user_id == Notification.user_id,
                                            DigestState.frequency == frequency))
            .where(Notification.email_state == "pending",
                   Notification.email_frequency == frequency, last <= now - period)
            .group_by(Notification.user_id).order_by(sa.func.min(last), Notification.user_id)
            .limit(batch)))
        for user_id in waiting:
            user = session.get(User, user_id)
            if user is None:
                continue
            state = session.get(DigestState, (user_id, frequency))
            rows = list(session.exec(select(Notification).where(
                Notification.user_id == user_id, Notification.email_state == "pending",
                Notification.email_frequency == frequency).order_by(Notification.id)
                .limit(500)))
            if not rows or not _send(session, user, rows, digest=frequency, kind="digest"):
                continue
            state = state or DigestState(user_id=user_id, frequency=frequency)
            state.sent_at = now
            session.add(state)
            session.commit()
            emails += 1
    return emails
