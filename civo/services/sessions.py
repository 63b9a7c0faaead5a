"""Server-side sessions: the browser holds an opaque token, we keep its hash.

The token lives in the ``civo_session`` cookie, set and cleared only by the backend's HTTP
routes (``civo.api.auth``): ``HttpOnly`` (page scripts never see it), ``SameSite=Strict``,
``Secure`` behind HTTPS. A websocket event handler cannot set such a cookie, so signing in
from the app goes through a *claim code*: the handler opens a pending session bound to a
random code (:func:`begin`), sends the browser to ``/api/auth/claim?code=…``, and that route
swaps the code for the real token (:func:`claim`, once, within 60 seconds) in a
``Set-Cookie``. The app reads the cookie from its websocket handshake
(:func:`token_from_cookie_header`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import UserSession
from civo.models._common import utcnow

SESSION_LIFETIME = timedelta(hours=24)
PRUNE_AFTER = timedelta(days=30)
# How long a claim code can be exchanged for its session's cookie.
CLAIM_LIFETIME = timedelta(seconds=60)
COOKIE_NAME = "civo_session"
# What token_urlsafe makes (and nothing else: a claim code's key, below, has a ":").
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")


def digest(token: str) -> str:
    """How a session token is stored (its SHA-256): the server never keeps the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _open(session: Session, user_id: int, key, lifetime: timedelta,
          now: datetime | None) -> str:
    """Store a session row found by ``key(secret)``; return the secret (shown once)."""
    now = now or utcnow()
    # Forget sessions that ended long ago, anyone's (indexed on expires_at): the table
    # must not grow forever.
    session.exec(sa.delete(UserSession).where(UserSession.expires_at < now - PRUNE_AFTER))
    secret = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=key(secret), user_id=user_id, created_at=now,
                            expires_at=now + lifetime))
    session.commit()
    return secret


def start(*, session: Session, user_id: int, now: datetime | None = None) -> str:
    """Open a 24-hour session for ``user_id`` and return its token (shown once)."""
    return _open(session, user_id, digest, SESSION_LIFETIME, now)


def _claim_key(code: str) -> str:
    """How a pending session is found by its claim code until it is claimed."""
    return digest("claim:" + code)


def begin(*, session: Session, user_id: int, now: datetime | None = None) -> str:
    """Open a session for ``user_id`` that the browser still has to claim: returns the
    single-use claim code (valid 60 seconds) for ``/api/auth/claim``. Until claimed the
    session has no token at all; a code is never accepted as a session token."""
    return _open(session, user_id, _claim_key, CLAIM_LIFETIME, now)


def claim(*, session: Session, code: str | None, now: datetime | None = None) -> str | None:
    """Exchange a claim code for its session's token (shown once, for the cookie), or None
    for a missing, forged, expired, already used or revoked code. One UPDATE does it, so
    two requests racing with the same code cannot both win."""
    if not isinstance(code, str) or not _TOKEN.match(code):
        return None
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    result = session.exec(
        sa.update(UserSession)
        .where(UserSession.token_hash == _claim_key(code), UserSession.revoked_at.is_(None),
               UserSession.expires_at > now)
        .values(token_hash=digest(token), created_at=now, expires_at=now + SESSION_LIFETIME)
    )
    session.commit()
    return token if result.rowcount == 1 else None


def token_from_cookie_header(header: str | None) -> str:
    """The session token in a ``Cookie:`` request header ("" when there is none)."""
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip() == COOKIE_NAME:
            return value.strip().strip('"')
    return ""


def resolve(*, session: Session, token: str | None, now: datetime | None = None) -> int | None:
    """The user id of a live session, or None for a missing, forged, expired or revoked one."""
    if not token or not _TOKEN.match(token):
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


def safe_next(value: object, default: str = "/") -> str:
    """A path on this site to go back to after signing in or out: relative, starting with
    one "/", no scheme, host, backslash or control character (else ``default``). A crafted
    link can therefore never send someone to another site through Civo's sign-in."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > 500:
        return default
    if value.startswith(("//", "/\\")) or "\\" in value or value.startswith("/api/auth/"):
        return default
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in value):
        return default
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value
