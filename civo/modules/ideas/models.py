"""Tables of the idea box: supports and official statuses."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field


class IdeaState(StrEnum):
    UNDER_CONSIDERATION = "under_consideration"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"


class IdeaSupport(SQLModel, table=True):
    """One citizen supports one idea (the primary key makes it one)."""

    __tablename__ = "idea_support"

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    created_at: datetime = created_at_field()


class IdeaStatus(SQLModel, table=True):
    """The community's official position on an idea, with an optional answer."""

    __tablename__ = "idea_status"

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    status: str = Field(max_length=30)
    answer: str = Field(default="", max_length=2000)
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime = created_at_field()
