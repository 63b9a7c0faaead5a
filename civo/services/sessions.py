"""Server-side sessions: the browser holds an opaque token, we keep its hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import UserSession
from civo.models._common import utcnow

SESSION_LIFETIME = timedelta(hours=24)
PRUNE_AFTER = timedelta(days=30)


def digest(token: str) -> str:
    """How a session token is stored (its SHA-256): the server never keeps the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(*, session: Session, user_id: int, now: datetime | None = None) -> str:
    """Open a 24-hour session for ``user_id`` and return its token (shown once)."""
    now = now or utcnow()
    # Forget sessions that ended long ago, anyone's (indexed on expires_at): the table
    # must not grow forever.
    session.exec(sa.delete(UserSession).where(UserSession.expires_at < now - PRUNE_AFTER))
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=digest(token), user_id=user_id, created_at=now,
                            expires_at=now + SESSION_LIFETIME))
    session.commit()
    return token


def resolve(*, session: Session, token: str | None, now: datetime | None = None) -> int | None:
    """The user id of a live session, or None for a missing, forged, expired or revoked one."""
    if not token or len(token) > 128:
        return None
    now = now or utcnow()
    row = session.exec(
        select(UserSession.user_id).where(
            UserSession.token_hash == digest(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
    ).first()
    return row


def end(*, session: Session, token: str | None) -> None:
    """Revoke one session (log out)."""
    if not token:
        return
    session.exec(
        sa.update(UserSession)
        .where(UserSession.token_hash == digest(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()


def end_all(*, session: Session, user_id: int) -> int:
    """Revoke every live session of ``user_id`` (log out everywhere); returns how many."""
    result = session.exec(
        sa.update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()
    return result.rowcount or 0


def end_all_for(*, session: Session, actor: policy.Actor) -> int:
    """"Log out everywhere" for the signed-in actor (policy-checked)."""
    policy.require(actor, "account.manage_own")
    return end_all(session=session, user_id=actor.user_id)
