"""A person's data is theirs: download everything (a zip, its link valid 7 days) and
delete the account.

Deleting erases the person: their account row and everything personal (profile, pictures,
follows, memberships, roles, sessions, notifications, settings, emails, identities,
exports, reading history, favourites). What they wrote stays, signed "Deleted
participant"; their supports and reactions stay as counts, detached from anyone. The
email address can register again as a new account.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
import functools
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.models import (
    Comment,
    Community,
    CommunityRole,
    DataExport,
    DigestState,
    ExternalIdentity,
    Favourite,
    AdminInvitation,
    Flag,
    Follow,
    ImpactEvent,
    Item,
    ItemRead,
    LoginAttempt,
    Membership,
    ModerationCase,
    ModerationLog,
    ModerationNotice,
    Notification,
    NotificationSetting,
    OutboundEmail,
    Reaction,
    StoredFile,
    SuspensionProposal,
    User,
    UserSession,
)
from civo.models._common import utcnow
from civo.services import accounts, images, sessions, tokens
from civo.services.errors import NotFound, PermissionDenied, ValidationError

EXPORT_DAYS = 7
REAUTH_WINDOW = timedelta(minutes=10)
EXPORTS_PER_DAY = 3


def export_dir() -> Path:
    """Private archives: never under the public upload folder."""
    import os

    return Path(os.environ.get("CIVO_EXPORT_DIR", "data/exports"))


# ---- deleting the account -------------------------------------------------------------------


def recently_signed_in(session: Session, session_token: str | None) -> bool:
    """*This* browser's session started in the last 10 minutes (re-authentication for
    accounts without a password: another, older session does not qualify)."""
    if not session_token:
        return False
    return session.exec(select(UserSession.id).where(
        UserSession.token_hash == sessions.digest(session_token),
        UserSession.revoked_at.is_(None),
        UserSession.created_at > utcnow() - REAUTH_WINDOW)).first() is not None


def delete_account(*, session: Session, actor: policy.Actor, password: Any = "",
                   session_token: str | None = None) -> None:
    """Delete the actor's account, confirmed by their password (counted like sign-in
    attempts, so a stolen session cannot guess it) or, for an account without one, by
    this browser's sign-in within the last 10 minutes."""
    policy.require(actor, "account.manage_own")
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    if user.password_hash:
        try:
            accounts.authenticate(session=session, email=user.email,
                                  password=password if isinstance(password, str) else "")
        except ValidationError:
            raise ValidationError("This is not your password: nothing was deleted.",
                                  field="password") from None
        user = session.get(User, actor.user_id)
    elif not recently_signed_in(session, session_token):
        raise PermissionDenied("Sign in again (less than 10 minutes ago), then delete the "
                               "account: nothing was deleted.")
    files = erase(session, user)
    session.commit()
    # Files go once the rows are gone for good (a failed commit keeps both).
    for remove in files:
        remove()


def erase(session: Session, user: User) -> list[Callable[[], None]]:
    """Erase ``user`` inside the caller's transaction; returns the removal of their files
    (pictures, unused uploads, archives), to run once that transaction committed."""
    uid, email = user.id, user.email
    pictures = {name for name in (user.avatar, user.cover) if name}
    pictures |= set(session.exec(select(StoredFile.name).where(
        StoredFile.owner_id == uid, StoredFile.attached_at.is_(None))).all())
    # What they wrote and counted stays, detached from them.
    detach = [(Item, Item.author_id), (Comment, Comment.author_id),
              (Reaction, Reaction.user_id), (Flag, Flag.user_id),
              (ImpactEvent, ImpactEvent.recipient_id), (ModerationCase, ModerationCase.author_id),
              (ModerationCase, ModerationCase.decided_by), (ModerationLog, ModerationLog.actor_id),
              (ModerationLog, ModerationLog.subject_id),
              (SuspensionProposal, SuspensionProposal.decided_by),
              (AdminInvitation, AdminInvitation.invited_by)]
    for model, column in detach:
        session.execute(sa.update(model).where(column == uid).values({column.key: None}))
    # Invitations sent to their address name it: they go.
    session.execute(sa.delete(AdminInvitation).where(AdminInvitation.email == email))
    # Each participation module detaches or deletes its own records (supports, ballots…).
    from civo.modules import MODULES

    for _spec, erase_records in MODULES.with_hook("erase"):
        erase_records(session, uid)
    events.publish(session, "account.deleted", user_id=uid)
    # Their pictures and unused uploads go; images of what they wrote stay with it (no
    # owner any more).
    if pictures:
        session.execute(sa.delete(StoredFile).where(StoredFile.name.in_(pictures)))
    session.execute(sa.update(StoredFile).where(StoredFile.owner_id == uid)
                    .values(owner_id=None))
    # Followers counts follow the rows.
    session.execute(sa.update(Community).where(Community.id.in_(
        select(Follow.community_id).where(Follow.user_id == uid)))
        .values(follower_count=Community.follower_count - 1))
    archives = list(session.exec(select(DataExport.file_name).where(DataExport.user_id == uid)))
    for model, column in [(ItemRead, ItemRead.user_id), (Favourite, Favourite.user_id),
                          (Follow, Follow.user_id), (Membership, Membership.user_id),
                          (CommunityRole, CommunityRole.user_id),
                          (UserSession, UserSession.user_id),
                          (Notification, Notification.user_id),
                          (NotificationSetting, NotificationSetting.user_id),
                          (DigestState, DigestState.user_id),
                          (ExternalIdentity, ExternalIdentity.user_id),
                          (DataExport, DataExport.user_id),
                          (ModerationNotice, ModerationNotice.user_id),
                          (SuspensionProposal, SuspensionProposal.user_id)]:
        session.execute(sa.delete(model).where(column == uid))
    session.execute(sa.delete(OutboundEmail).where(sa.or_(OutboundEmail.user_id == uid,
                                                          OutboundEmail.to_address == email)))
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == email))
    session.execute(sa.delete(User).where(User.id == uid))
    return ([functools.partial(images.remove, name) for name in pictures]
            + [functools.partial((export_dir() / name).unlink, missing_ok=True)
               for name in archives])


# ---- downloading one's data -----------------------------------------------------------------


def _rows(session: Session, stmt) -> list[dict[str, Any]]:
    out = []
    for row in session.exec(stmt):
        data = row.model_dump() if hasattr(row, "model_dump") else dict(row._mapping)
        out.append({k: (v.isoformat() if isinstance(v, datetime) else v)
                    for k, v in data.items()})
    return out


def collect(session: Session, user: User) -> dict[str, Any]:
    """Everything personal about ``user`` and everything they wrote (no password hash, no
    session token: those are secrets, not data)."""
    from civo.modules import MODULES

    uid = user.id
    account = user.model_dump(exclude={"password_hash"})
    account = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in account.items()}
    data = {
        "about": "Everything Civo holds about you and everything you wrote.",
        "exported_at": utcnow().isoformat(),
        "account": account,
        "sign_in_with": _rows(session, select(ExternalIdentity.provider,
                                              ExternalIdentity.created_at)
                              .where(ExternalIdentity.user_id == uid)),
        "sessions": _rows(session, select(UserSession.created_at, UserSession.expires_at,
                                          UserSession.revoked_at)
                          .where(UserSession.user_id == uid)),
        "follows": _rows(session, select(Community.name, Follow.created_at)
                         .join(Follow, Follow.community_id == Community.id)
                         .where(Follow.user_id == uid)),
        "memberships": _rows(session, select(Community.name, Membership.created_at)
                             .join(Membership, Membership.community_id == Community.id)
                             .where(Membership.user_id == uid)),
        "roles": _rows(session, select(Community.name, CommunityRole.role,
                                       CommunityRole.include_descendants)
                       .join(CommunityRole, CommunityRole.community_id == Community.id)
                       .where(CommunityRole.user_id == uid)),
        "contributions": _rows(session, select(
            Item.id, Item.community_id, Item.project_id, Item.module_key, Item.kind,
            Item.is_anonymous, Item.title, Item.body, Item.extra, Item.created_at,
            Item.edited_at, Item.deleted_at, Item.moderation).where(Item.author_id == uid)),
        "comments": _rows(session, select(
            Comment.id, Comment.item_id, Comment.parent_id, Comment.is_anonymous, Comment.body,
            Comment.created_at, Comment.edited_at, Comment.deleted_at, Comment.moderation)
            .where(Comment.author_id == uid)),
        "reactions": _rows(session, select(Reaction.target_kind, Reaction.target_id,
                                           Reaction.emoji, Reaction.created_at)
                           .where(Reaction.user_id == uid)),
        "favourites": _rows(session, select(Favourite.item_id, Favourite.created_at)
                            .where(Favourite.user_id == uid)),
        "reports_you_made": _rows(session, select(Flag.target_kind, Flag.target_id,
                                                  Flag.reason, Flag.details, Flag.created_at)
                                  .where(Flag.user_id == uid)),
        "moderation_notices": _rows(session, select(
            ModerationNotice.kind, ModerationNotice.reason, ModerationNotice.created_at)
            .where(ModerationNotice.user_id == uid)),
        "your_appeals": _rows(session, select(
            ModerationCase.target_kind, ModerationCase.target_id, ModerationCase.state,
            ModerationCase.appeal_text, ModerationCase.appealed_at)
            .where(ModerationCase.author_id == uid, ModerationCase.appealed_at.is_not(None))),
        "reading_history": _rows(session, select(ItemRead.item_id, ItemRead.read_at)
                                 .where(ItemRead.user_id == uid)),
        "notifications": _rows(session, select(
            Notification.category, Notification.kind, Notification.item_id,
            Notification.created_at, Notification.read_at)
            .where(Notification.user_id == uid)),
        "notification_settings": _rows(session, select(
            NotificationSetting.category, NotificationSetting.in_app,
            NotificationSetting.email).where(NotificationSetting.user_id == uid)),
        # (A delivered email keeps no text: which kind, and when.)
        "emails_sent_to_you": _rows(session, select(
            OutboundEmail.kind, OutboundEmail.subject, OutboundEmail.created_at,
            OutboundEmail.sent_at)
            .where(OutboundEmail.user_id == uid)),
    }
    # What each participation module holds about them (supports, ballots, answers…).
    for spec, sections in MODULES.with_hook("personal_data"):
        for name, rows in sections(session, uid).items():
            key = name if name not in data else f"{spec.key}_{name}"
            data[key] = rows
    return data


@dataclass(frozen=True)
class Export:
    token: str
    expires_at: datetime


def export(*, session: Session, actor: policy.Actor) -> Export:
    """Write the actor's archive (JSON and their pictures, zipped) and return its link's
    token; the link works for 7 days (3 archives a day at most)."""
    from civo.services.images import upload_dir

    policy.require(actor, "account.manage_own")
    # The account row is locked while counting (PostgreSQL): parallel clicks cannot all
    # pass the daily limit.
    user = session.exec(select(User).where(User.id == actor.user_id).with_for_update()
                        ).first()
    if user is None:
        raise NotFound("This account no longer exists.")
    recent = session.exec(select(sa.func.count()).select_from(DataExport).where(
        DataExport.user_id == user.id,
        DataExport.created_at > utcnow() - timedelta(days=1))).one()
    if recent >= EXPORTS_PER_DAY:
        from civo.services.errors import Throttled

        raise Throttled("You already prepared several archives today: use the last link, or "
                        "try again tomorrow.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("civo-data.json", json.dumps(collect(session, user), indent=2,
                                                      ensure_ascii=False, default=str))
        for label, name in (("profile-picture", user.avatar), ("cover", user.cover)):
            path = upload_dir() / name if name else None
            if path is not None and path.is_file():
                archive.write(path, f"{label}.webp")
    file_name = f"{secrets.token_urlsafe(24)}.zip"
    export_dir().mkdir(parents=True, exist_ok=True)
    (export_dir() / file_name).write_bytes(buffer.getvalue())
    expires = utcnow() + timedelta(days=EXPORT_DAYS)
    row = DataExport(user_id=user.id, file_name=file_name, expires_at=expires)
    session.add(row)
    try:
        session.commit()
    except Exception:  # e.g. the account was deleted meanwhile: no orphan archive
        session.rollback()
        (export_dir() / file_name).unlink(missing_ok=True)
        raise
    return Export(tokens.make("export", {"x": row.id, "f": file_name}), expires)


def archive_path(*, session: Session, token: str) -> Path:
    """The archive a download link points to, while it is valid (7 days)."""
    data = tokens.read("export", token, max_age=EXPORT_DAYS * 86400)
    row = session.get(DataExport, data.get("x")) if isinstance(data, dict) else None
    if row is None or row.file_name != data.get("f") or row.expires_at <= utcnow():
        raise tokens.InvalidLink("This link has expired.")
    path = export_dir() / row.file_name
    if not path.is_file():
        raise tokens.InvalidLink("This link has expired.")
    return path


def drop_archives(session: Session, user_id: int) -> None:
    """End every download link of ``user_id`` now (in the caller's transaction); the
    housekeeping purge deletes the files."""
    session.execute(sa.update(DataExport).where(DataExport.user_id == user_id,
                                                DataExport.expires_at > utcnow())
                    .values(expires_at=utcnow()))


def purge_exports(*, session: Session) -> int:
    """Delete archives whose 7 days are over."""
    rows = list(session.exec(select(DataExport).where(DataExport.expires_at <= utcnow())
                             .limit(500)))
    for row in rows:
        (export_dir() / row.file_name).unlink(missing_ok=True)
        session.delete(row)
    session.commit()
    return len(rows)


def on_password_reset(session: Session, *, user_id: int) -> None:
    """Whoever held the account before the reset keeps no "download my data" link."""
    drop_archives(session, user_id)
