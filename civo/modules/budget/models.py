"""Tables of participatory budgeting.

- :class:`BudgetProject`: one project on a phase's ballot, with its cost in whole units of the
  community's currency. It may come from an accepted idea (``idea_item_id``) or from a pabulib
  file (``external_id`` = the file's own project id, unique within the phase).
- :class:`BudgetBallot`: one citizen's ballot for one phase (a unique key: one per citizen and
  phase; paper ballots and ballots detached at account deletion have ``user_id`` NULL, and
  NULLs never collide). ``status`` is ``draft`` (saved at every change, not counted) or
  ``submitted`` (counted). ``version`` is raised by every write, so a writer can refuse a stale
  update (``UPDATE … WHERE version = :seen``). ``receipt_code`` is the verification code a voter
  gets at submission (unique; kept when the ballot is resubmitted or replaced by a new one).
- :class:`BudgetBallotLine`: one project on a ballot, with its points (1 on approval ballots;
  the number of points given on cumulative ballots). Lines go with their ballot (cascade).
- :class:`BudgetOutcome`: the computed outcome of a phase (one row per phase): the job's
  ``status`` (running/done/failed) and ``progress`` (0-100), the rule used, the ``selected``
  project ids (a JSON list, in selection order), the budget ``spent``, the per-project
  ``scores`` (JSON ``{"<project id>": approvals or points}``, counted ballots only) and
  ``published_at`` once the results are public.

Only submitted ballots count (``status = 'submitted'``), whatever their source.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field, timestamp_field


class BallotStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class BallotSource(StrEnum):
    ONLINE = "online"
    PAPER = "paper"


class OutcomeStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OutcomeRule(StrEnum):
    GREEDY = "greedy"
    MES_ADD1 = "mes-add1"


class Completion(StrEnum):
    NONE = "none"
    GREEDY = "greedy"


class BudgetProject(SQLModel, table=True):
    """A project on the ballot of a budget phase."""

    __tablename__ = "budget_project"
    __table_args__ = (
        sa.UniqueConstraint("phase_id", "external_id", name="uq_budget_project_external"),
        sa.CheckConstraint("cost >= 0", name="ck_budget_project_cost"),
    )

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    cost: int = Field(sa_type=sa.BigInteger, nullable=False)
    # A stored upload name (civo.models.uploads.StoredFile.name), e.g. "budget/<random>.webp".
    image: str | None = Field(default=None, max_length=80)
    category: str | None = Field(default=None, max_length=100)
    # The accepted idea this project was promoted from.
    idea_item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    # The project id in an imported pabulib file.
    external_id: str | None = Field(default=None, max_length=100)
    position: int = Field(default=0)
    created_at: datetime = created_at_field()


class BudgetBallot(SQLModel, table=True):
    """One ballot of one phase: a citizen's (online) or an anonymous paper ballot."""

    __tablename__ = "budget_ballot"
    __table_args__ = (
        sa.UniqueConstraint("phase_id", "user_id", name="uq_budget_ballot_voter"),
        sa.Index("ix_budget_ballot_phase_status", "phase_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    status: str = Field(default=BallotStatus.DRAFT.value, max_length=10)
    source: str = Field(default=BallotSource.ONLINE.value, max_length=10)
    # Raised by every write (optimistic concurrency: UPDATE ... WHERE version = :seen).
    version: int = Field(default=1, nullable=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    submitted_at: datetime | None = timestamp_field()
    receipt_code: str | None = Field(default=None, max_length=32, unique=True)
    # When the phase-end reminder about this (unsubmitted) draft was sent.
    reminded_at: datetime | None = timestamp_field()


class BudgetBallotLine(SQLModel, table=True):
    """One project chosen on a ballot, with its points (1 on approval ballots)."""

    __tablename__ = "budget_ballot_line"
    __table_args__ = (
        sa.CheckConstraint("points >= 1", name="ck_budget_ballot_line_points"),
        sa.Index("ix_budget_ballot_line_project", "project_id"),
    )

    ballot_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("budget_ballot.id", ondelete="CASCADE"),
                            primary_key=True))
    project_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("budget_project.id", ondelete="CASCADE"),
                            primary_key=True))
    points: int = Field(default=1, nullable=False)


class BudgetOutcome(SQLModel, table=True):
    """The computed (and possibly published) outcome of a budget phase."""

    __tablename__ = "budget_outcome"

    phase_id: int = Field(foreign_key="phase.id", primary_key=True)
    status: str = Field(default=OutcomeStatus.RUNNING.value, max_length=10)
    progress: int = Field(default=0)
    rule: str = Field(default=OutcomeRule.GREEDY.value, max_length=20)
    completion: str = Field(default=Completion.NONE.value, max_length=10)
    # The real budget the outcome was computed for.
    budget: int = Field(default=0, sa_type=sa.BigInteger, nullable=False)
    # Selected budget_project ids, in selection order.
    selected: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    spent: int = Field(default=0, sa_type=sa.BigInteger, nullable=False)
    # {"<budget_project id>": approvals or points} over the counted ballots.
    scores: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    ballot_count: int = Field(default=0)
    error: str | None = Field(default=None, max_length=2000)
    # Identifies the run that owns the row (a newer run takes over; an older one stops writing).
    run_token: str = Field(default="", max_length=32)
    started_at: datetime = created_at_field()
    finished_at: datetime | None = timestamp_field()
    published_at: datetime | None = timestamp_field()
