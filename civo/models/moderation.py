"""Moderation under the code of conduct: flags, one case per flagged contribution or
comment, notices owed to authors, the audit log and suspension proposals."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field, timestamp_field


class FlagReason(StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    OTHER = "other"


class CaseState(StrEnum):
    OPEN = "open"          # waiting for a moderator
    RESTORED = "restored"  # a moderator found nothing wrong: the flags were false
    REMOVED = "removed"    # a moderator removed the content: the flags were upheld


class ModerationCase(SQLModel, table=True):
    """Everything moderators need about one flagged item or comment."""

    __tablename__ = "moderation_case"
    __table_args__ = (
        sa.UniqueConstraint("target_kind", "target_id"),
        sa.Index("ix_case_queue", "state", "weight", "opened_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    target_kind: str = Field(max_length=10)  # "item" | "comment"
    target_id: int
    community_id: int = Field(foreign_key="community.id", index=True)
    # The author (never shown to moderators when the content is anonymous).
    author_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    state: str = Field(default=CaseState.OPEN.value, max_length=10)
    hidden: bool = Field(default=False)
    flag_count: int = Field(default=0)
    # Flags from established accounts weigh more; the queue sorts by weight, then age.
    weight: int = Field(default=0)
    opened_at: datetime = created_at_field()
    appeal_text: str = Field(default="", max_length=500)
    appealed_at: datetime | None = timestamp_field()
    decided_at: datetime | None = timestamp_field()
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    decision_reason: str = Field(default="", max_length=500)


class Flag(SQLModel, table=True):
    """One citizen's report on one contribution or comment (one per citizen and target)."""

    __tablename__ = "flag"
    __table_args__ = (
        sa.UniqueConstraint("target_kind", "target_id", "user_id"),
        sa.Index("ix_flag_user_time", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="moderation_case.id", index=True)
    target_kind: str = Field(max_length=10)
    target_id: int
    # Null once the flagger's account is deleted.
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    reason: str = Field(max_length=20)
    details: str = Field(default="", max_length=500)
    established: bool = Field(default=False)
    # pending → upheld (content removed) or rejected (content restored: a false flag).
    outcome: str = Field(default="pending", max_length=10)
    created_at: datetime = created_at_field()


class ModerationNotice(SQLModel, table=True):
    """What an author is told: hidden (and why), removed (and why), restored, warned."""

    __tablename__ = "moderation_notice"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="moderation_case.id")
    kind: str = Field(max_length=10)  # hidden | removed | restored | warned
    reason: str = Field(default="", max_length=500)
    created_at: datetime = created_at_field()


class ModerationLog(SQLModel, table=True):
    """The audit log: who did what, when and why (visible to platform admins)."""

    __tablename__ = "moderation_log"
    __table_args__ = (sa.Index("ix_moderation_log_time", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    # Null for the automatic hide (the system acted on flags).
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    action: str = Field(max_length=20)
    case_id: int | None = Field(default=None, foreign_key="moderation_case.id")
    subject_id: int | None = Field(default=None, foreign_key="user_account.id")
    reason: str = Field(default="", max_length=500)
    created_at: datetime = created_at_field()


class SuspensionProposal(SQLModel, table=True):
    """Three removals within 90 days: platform admins decide whether to suspend."""

    __tablename__ = "suspension_proposal"
    __table_args__ = (
        # At most one proposal waiting per person.
        sa.Index("uq_suspension_pending", "user_id", unique=True,
                 sqlite_where=sa.text("outcome = ''"), postgresql_where=sa.text("outcome = ''")),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    removals: int = Field(default=3)
    created_at: datetime = created_at_field()
    decided_at: datetime | None = timestamp_field()
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    outcome: str = Field(default="", max_length=10)  # "" pending | suspended | dismissed
