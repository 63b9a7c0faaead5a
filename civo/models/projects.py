"""Projects run by a community. The participation issue extends this table."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field, timestamp_field


class ProjectStatus(StrEnum):
    """Where a project stands for citizens."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    RESULTS = "results"


class Project(SQLModel, table=True):
    """A consultation a community runs; only published projects are public."""

    __tablename__ = "project"

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    title: str = Field(max_length=160)
    summary: str = Field(default="", max_length=600)
    status: str = Field(default=ProjectStatus.UPCOMING.value, max_length=20)
    published_at: datetime | None = timestamp_field(index=True)
    created_at: datetime = created_at_field()
