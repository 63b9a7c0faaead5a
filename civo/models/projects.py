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
    # The admins' summary of the results (light formatting: paragraphs, "- " lists, links),
    # and when the results were first published (followers and participants were told).
    results_summary: str = Field(default="", max_length=6000)
    results_published_at: datetime | None = timestamp_field()


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


# ---- one truth for stages --------------------------------------------------------------------
# What citizens see (badges, "Opens on …", whether contributions are taken) comes from the
# admin's explicit choice (``status``) and the dates together, computed here and nowhere else.


def today_utc() -> date:
    from datetime import timezone

    return datetime.now(timezone.utc).date()


def _later(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def phase_stage(phase: Phase, project: Project | None = None,
                today: date | None = None) -> tuple[str, date | None]:
    """(stage, opens_on) of a phase: "upcoming" (with its opening date when one is known),
    "open" or "closed".

    A phase the admin closed, one whose end date has passed, or one of a project the admin
    closed (or moved to results) is closed. A phase whose start date (or its project's) is
    still ahead is upcoming. An "upcoming" phase opens by itself on its start date; an
    "open" one stays open until closed or its end date passes; an "upcoming" one without
    a start date waits for the admin.
    """
    today = today or today_utc()
    opens_on = _later(phase.starts_on, project.starts_on if project is not None else None)
    if phase.status == PhaseStatus.CLOSED.value or (phase.ends_on and phase.ends_on < today):
        return PhaseStatus.CLOSED.value, None
    if project is not None and project.status in (ProjectStatus.CLOSED.value,
                                                  ProjectStatus.RESULTS.value):
        return PhaseStatus.CLOSED.value, None
    if opens_on is not None and opens_on > today:
        return PhaseStatus.UPCOMING.value, opens_on
    if phase.status == PhaseStatus.OPEN.value or phase.starts_on is not None:
        return PhaseStatus.OPEN.value, None
    return PhaseStatus.UPCOMING.value, None


def project_stage(project: Project, phases: list[Phase],
                  today: date | None = None) -> tuple[str, date | None]:
    """(stage, opens_on) of a project, consistent with its phases' stages: the admin's
    "closed" or "results" wins; otherwise open while a phase is open, upcoming while one
    is still to come (with the earliest known opening), closed when all are over."""
    today = today or today_utc()
    if project.status in (ProjectStatus.CLOSED.value, ProjectStatus.RESULTS.value):
        return project.status, None
    stages = [phase_stage(p, project, today) for p in phases]
    if any(s == PhaseStatus.OPEN.value for s, _ in stages):
        return ProjectStatus.OPEN.value, None
    upcoming = [d for s, d in stages if s == PhaseStatus.UPCOMING.value]
    if upcoming or not stages:
        dates = [d for d in upcoming if d is not None]
        start = project.starts_on if project.starts_on and project.starts_on > today else None
        return ProjectStatus.UPCOMING.value, min(dates) if dates else start
    return ProjectStatus.CLOSED.value, None


def phase_open_sql(today: date | None = None):
    """The SQL twin of ``phase_stage(...) == "open"`` (for filters): needs Phase and
    Project joined."""
    import sqlalchemy as sa

    today = today or today_utc()
    started = sa.and_(sa.or_(Phase.starts_on.is_(None), Phase.starts_on <= today),
                      sa.or_(Project.starts_on.is_(None), Project.starts_on <= today))
    return sa.and_(
        Phase.status != PhaseStatus.CLOSED.value,
        sa.or_(Phase.ends_on.is_(None), Phase.ends_on >= today),
        Project.status.in_((ProjectStatus.OPEN.value, ProjectStatus.UPCOMING.value)),
        started,
        sa.or_(Phase.status == PhaseStatus.OPEN.value, Phase.starts_on.is_not(None)))
