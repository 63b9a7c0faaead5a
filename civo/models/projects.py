"""Projects run by a community, and their phases (each hosts one participation module)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field, timestamp_field


class ProjectStatus(StrEnum):
    """Where a project stands for citizens."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    RESULTS = "results"


class PhaseStatus(StrEnum):
    """Whether a phase's module takes contributions."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class Project(SQLModel, table=True):
    """A consultation a community runs; only published projects are public."""

    __tablename__ = "project"

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    title: str = Field(max_length=160)
    summary: str = Field(default="", max_length=600)
    # Expectation management: what the community will do with what citizens say.
    purpose: str = Field(default="", max_length=2000)
    expected_outcome: str = Field(default="", max_length=2000)
    status: str = Field(default=ProjectStatus.UPCOMING.value, max_length=20)
    starts_on: date | None = Field(default=None)
    ends_on: date | None = Field(default=None)
    cover_url: str = Field(default="", max_length=300)
    published_at: datetime | None = timestamp_field(index=True)
    created_at: datetime = created_at_field()


class Phase(SQLModel, table=True):
    """One step of a project, hosting one module from the registry (``module_key``)."""

    __tablename__ = "phase"
    __table_args__ = (sa.UniqueConstraint("project_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    position: int = Field(default=0)
    title: str = Field(max_length=160)
    description: str = Field(default="", max_length=2000)
    module_key: str = Field(max_length=40)
    status: str = Field(default=PhaseStatus.UPCOMING.value, max_length=20)
    starts_on: date | None = Field(default=None)
    ends_on: date | None = Field(default=None)
    # Module settings, validated by the module's own spec (e.g. the debate question).
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = created_at_field()
