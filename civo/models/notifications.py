"""Notifications (in-app and by email), each person's settings per category, and the
outgoing email queue (nothing is lost when the mail server is down: it is retried)."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import UTCDateTime, created_at_field, timestamp_field, utcnow


class Category(StrEnum):
    """The four categories a person sets channels and frequency for."""

    ACCOUNT = "account"            # always on: moderation notices and the like
    FOLLOWED = "followed"          # news of followed spaces: projects, phases, updates, events
    CONTRIBUTIONS = "contributions"  # replies, reactions, "read by", status, shaped
    ADMIN = "admin"                # new contributions, reports, appeals (those with a role)


class Frequency(StrEnum):
    OFF = "off"
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


class Notification(SQLModel, table=True):
    """Something that happened for one person. Texts are rendered when read (in the
    reader's language, from live data): no name or title is copied here."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user", "user_id", "id"),
        sa.Index("ix_notification_unread", "user_id", "in_app", "read_at"),
        sa.Index("ix_notification_email", "email_state", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    category: str = Field(max_length=20)
    kind: str = Field(max_length=30)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    community_id: int | None = Field(default=None, foreign_key="community.id")
    project_id: int | None = Field(default=None, foreign_key="project.id")
    # Small ids and counters only (e.g. {"comment_id": 12} or {"count": 3}).
    params: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    in_app: bool = Field(default=True)
    # none (no email wanted) | pending (waiting for its email or digest) | sent
    email_state: str = Field(default="none", max_length=10)
    email_frequency: str = Field(default=Frequency.OFF.value, max_length=10)
    created_at: datetime = created_at_field()
    read_at: datetime | None = timestamp_field()


class NotificationSetting(SQLModel, table=True):
    """One person's choice for one category (no row: the defaults)."""

    __tablename__ = "notification_setting"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    category: str = Field(max_length=20, primary_key=True)
    in_app: bool = Field(default=True)
    email: str = Field(default=Frequency.DAILY.value, max_length=10)


class DigestState(SQLModel, table=True):
    """When a person's last daily / weekly digest went out."""

    __tablename__ = "digest_state"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    frequency: str = Field(max_length=10, primary_key=True)
    sent_at: datetime = created_at_field()


class OutboundEmail(SQLModel, table=True):
    """A message waiting for (or past) delivery; retried with backoff until sent."""

    __tablename__ = "outbound_email"
    __table_args__ = (sa.Index("ix_outbound_due", "sent_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # Whose it is (their data export lists it; their deletion erases it).
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    to_address: str = Field(max_length=254)
    # What it is (confirm, reset, notification, digest): resends are counted by kind.
    kind: str = Field(default="", max_length=20)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_type=sa.Text)
    headers: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    # A notification email or digest is written when it is sent, from these notifications
    # (live data: a name deleted meanwhile reads "Deleted participant"); until then its
    # subject and body stay empty.
    notification_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON,
                                        sa_column_kwargs={"server_default": "[]"})
    created_at: datetime = created_at_field()
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime, nullable=False,
                                      default_factory=utcnow)
    # A worker claims a message before sending it, so two workers never send it twice.
    claimed_until: datetime | None = timestamp_field()
    sent_at: datetime | None = timestamp_field()
    last_error: str = Field(default="", max_length=500)
