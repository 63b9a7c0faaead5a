"""Accounts, server-side sessions and login attempts."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import UTCDateTime, created_at_field, timestamp_field


def new_handle() -> str:
    """A profile's public address (``/u/<handle>``): 12 random base-32 characters (60 bits),
    unrelated to the account's id, name or creation order, so profiles cannot be walked."""
    import secrets

    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/o/0/1: read aloud, copied by hand
    return "".join(secrets.choice(alphabet) for _ in range(HANDLE_LENGTH))


HANDLE_LENGTH = 12


class User(SQLModel, table=True):
    """A person with one account. Never put this row in a frontend var."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    # Private: given at registration, shown to nobody but its owner.
    full_name: str = Field(max_length=120)
    # Public: the name (or pseudonym) that signs contributions (the full name by default).
    display_name: str = Field(default="", max_length=80)
    # Stored lower-cased: the unique index makes the email unique case-insensitively.
    email: str = Field(max_length=254, unique=True)
    # "" for accounts that only ever signed in with an identity provider (SSO).
    password_hash: str = Field(max_length=255)
    home_place_id: int | None = Field(default=None, foreign_key="place.id", index=True)
    locale: str | None = Field(default=None, max_length=8)
    is_platform_admin: bool = Field(default=False)
    is_moderator: bool = Field(default=False)
    # "Mark all read" in the feed: items created up to here count as read.
    feed_read_before: datetime | None = timestamp_field()
    # Set once the person opened the confirmation link sent to their address.
    email_confirmed_at: datetime | None = timestamp_field()
    # Optional demographics, used only in aggregated, small-group-suppressed statistics.
    birth_year: int | None = Field(default=None)
    gender: str | None = Field(default=None, max_length=20)
    # A platform admin suspended the account (repeated removals): no sign-in, no sessions.
    suspended_at: datetime | None = timestamp_field()
    # Profile (all optional): pictures are stored upload names.
    avatar: str = Field(default="", max_length=80)
    cover: str = Field(default="", max_length=80)
    bio: str = Field(default="", max_length=1000)
    interests: str = Field(default="", max_length=300)
    # The public profile's address; never the sequential id (see :func:`new_handle`).
    handle: str = Field(default_factory=new_handle, max_length=16, unique=True)
    created_at: datetime = created_at_field()


class UserSession(SQLModel, table=True):
    """A signed-in browser. The browser holds the token; we keep only its SHA-256."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    revoked_at: datetime | None = timestamp_field()


class ThrottleEvent(SQLModel, table=True):
    """One counted act for a rate limit (:mod:`civo.services.throttle`): a registration
    from a client or address block, a reaction or support by an account, an admin
    invitation. ``key`` is a keyed digest (no address or id is stored in clear)."""

    __tablename__ = "throttle_event"
    __table_args__ = (sa.Index("ix_throttle_kind_key_time", "kind", "key", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    key: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in, kept to throttle guessing on one account."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    created_at: datetime = created_at_field()


class ExternalIdentity(SQLModel, table=True):
    """An account's identity at an OpenID Connect provider (sign in with …)."""

    __tablename__ = "external_identity"
    __table_args__ = (sa.UniqueConstraint("provider", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    provider: str = Field(max_length=40)
    subject: str = Field(max_length=255)
    created_at: datetime = created_at_field()


class DataExport(SQLModel, table=True):
    """A "download my data" archive, kept out of the public upload folder; its link works
    for 7 days, then the file is purged."""

    __tablename__ = "data_export"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    file_name: str = Field(max_length=80, unique=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


# What others see of a person: their display name (or, for accounts made before display
# names existed, their name). An SQL expression, for queries that show names.
PUBLIC_NAME = sa.func.coalesce(sa.func.nullif(User.display_name, ""), User.full_name)
