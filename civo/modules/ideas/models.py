"""Tables of the idea box: supports and official statuses."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field


class IdeaState(StrEnum):
    UNDER_CONSIDERATION = "under_consideration"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"


class IdeaSupport(SQLModel, table=True):
    """One citizen supports one idea (a unique key makes it one). When the citizen deletes
    their account the support stays, detached from anyone (``user_id`` null): it counts."""

    __tablename__ = "idea_support"
    __table_args__ = (sa.UniqueConstraint("item_id", "user_id", name="uq_idea_support"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    created_at: datetime = created_at_field()


class IdeaStatus(SQLModel, table=True):
    """The community's official position on an idea, with an optional answer."""

    __tablename__ = "idea_status"

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    status: str = Field(max_length=30)
    answer: str = Field(default="", max_length=2000)
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime = created_at_field()
