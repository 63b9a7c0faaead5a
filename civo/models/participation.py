"""What citizens write and do, shared by every participation module.

An :class:`Item` is anything the feed lists and citizens open, react to, comment on and
save: an idea, a debate contribution, later a questionnaire or an update. Modules keep
their own extra tables (supports, official statuses) next to their code; counters that
lists sort by live here and are maintained on write, in the same transaction as the row
they count.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field, timestamp_field


class Emoji(StrEnum):
    """The five citizen reactions (a constructive palette: no 'dislike')."""

    AGREE = "agree"
    INSPIRING = "inspiring"
    LOVE = "love"
    THINK = "think"
    CONCERNED = "concerned"


EMOJI_GLYPHS: dict[str, str] = {
    Emoji.AGREE: "👍", Emoji.INSPIRING: "💡", Emoji.LOVE: "❤️",
    Emoji.THINK: "🤔", Emoji.CONCERNED: "😟",
}


def _counter() -> int:
    return Field(default=0, nullable=False)


class Moderation(StrEnum):
    """Where a contribution or comment stands with moderation."""

    VISIBLE = "visible"
    HIDDEN = "hidden"      # flagged: hidden pending review (the author sees why)
    REMOVED = "removed"    # a moderator removed it (the author is told the reason)


class Item(SQLModel, table=True):
    """A feed entry of a community: a contribution in a phase of a project, or one of the
    community's own announcements (an update, an event, a newly published project), which
    have no phase (and updates and events no project)."""

    __tablename__ = "item"
    __table_args__ = (
        sa.Index("ix_item_feed_activity", "community_id", "last_activity_at", "id"),
        # The admin inbox's two segments. Partial, so that only queries saying
        # "admin_read_at IS [NOT] NULL" can use them: the feed keeps its own index.
        sa.Index("ix_item_inbox_unread", "community_id", "created_at", "id",
                 sqlite_where=sa.text("admin_read_at IS NULL"),
                 postgresql_where=sa.text("admin_read_at IS NULL")),
        sa.Index("ix_item_inbox_read", "community_id", "created_at", "id",
                 sqlite_where=sa.text("admin_read_at IS NOT NULL"),
                 postgresql_where=sa.text("admin_read_at IS NOT NULL")),
        sa.Index("ix_item_activity", "last_activity_at", "id"),
        sa.Index("ix_item_created", "created_at", "id"),
        sa.Index("ix_item_comments", "comment_count", "id"),
        sa.Index("ix_item_engagement", "engagement_count", "id"),
        sa.Index("ix_item_phase", "phase_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    phase_id: int | None = Field(default=None, foreign_key="phase.id")
    # The participation module (registry key) or an announcement kind (update, event, project).
    module_key: str = Field(max_length=40)
    kind: str = Field(max_length=40)
    # Null once the author deleted their account; the content stays, anonymised.
    author_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    is_anonymous: bool = Field(default=False)
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=4000)
    # Small module-specific attributes (e.g. a debate stance), read by the module only.
    extra: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = created_at_field()
    edited_at: datetime | None = timestamp_field()
    deleted_at: datetime | None = timestamp_field()
    moderation: str = Field(default=Moderation.VISIBLE.value, max_length=10)
    # When an admin of the community first opened it ("unread by us" in the admin inbox).
    admin_read_at: datetime | None = timestamp_field()
    last_activity_at: datetime = created_at_field()
    comment_count: int = _counter()
    reaction_count: int = _counter()
    support_count: int = _counter()
    # comments + reactions + supports, kept in step by every writer (the visitor mix sorts by it).
    engagement_count: int = _counter()
    r_agree: int = _counter()
    r_inspiring: int = _counter()
    r_love: int = _counter()
    r_think: int = _counter()
    r_concerned: int = _counter()


class Comment(SQLModel, table=True):
    """A reply on an item, threaded to depth 3 (depth 1 answers the item itself)."""

    __tablename__ = "comment"
    __table_args__ = (
        sa.Index("ix_comment_roots", "item_id", "depth", "created_at", "id"),
        sa.Index("ix_comment_root", "root_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    parent_id: int | None = Field(default=None, foreign_key="comment.id")
    root_id: int | None = Field(default=None, foreign_key="comment.id")
    depth: int = Field(default=1)
    author_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    is_anonymous: bool = Field(default=False)
    body: str = Field(default="", max_length=4000)
    created_at: datetime = created_at_field()
    edited_at: datetime | None = timestamp_field()
    deleted_at: datetime | None = timestamp_field()
    moderation: str = Field(default=Moderation.VISIBLE.value, max_length=10)
    reaction_count: int = _counter()
    r_agree: int = _counter()
    r_inspiring: int = _counter()
    r_love: int = _counter()
    r_think: int = _counter()
    r_concerned: int = _counter()


class Reaction(SQLModel, table=True):
    """One citizen's reaction on one item or comment; who reacted is never listed."""

    __tablename__ = "reaction"
    __table_args__ = (sa.UniqueConstraint("target_kind", "target_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    target_kind: str = Field(max_length=10)  # "item" | "comment"
    target_id: int
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    emoji: str = Field(max_length=12)
    created_at: datetime = created_at_field()


class ItemRead(SQLModel, table=True):
    """A citizen opened an item (feed read marks)."""

    __tablename__ = "item_read"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    item_id: int = Field(foreign_key="item.id", primary_key=True)
    read_at: datetime = created_at_field()


class Favourite(SQLModel, table=True):
    """An item a citizen saved for later."""

    __tablename__ = "favourite"
    __table_args__ = (sa.UniqueConstraint("user_id", "item_id"),
                      sa.Index("ix_favourite_user", "user_id", "created_at", "id"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    item_id: int = Field(foreign_key="item.id", index=True)
    created_at: datetime = created_at_field()


class ImpactKind(StrEnum):
    READ = "read"          # an admin of the community opened the contribution
    SHAPED = "shaped"      # the contribution was accepted or implemented


class ImpactEvent(SQLModel, table=True):
    """Feedback owed to an author; the notification issue delivers it."""

    __tablename__ = "impact_event"
    __table_args__ = (sa.UniqueConstraint("item_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    kind: str = Field(max_length=20)
    community_id: int = Field(foreign_key="community.id")
    # The author to tell (null once their account is deleted).
    recipient_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    created_at: datetime = created_at_field()
    delivered_at: datetime | None = timestamp_field()
