"""What the analytics last *released* for a scope (see :mod:`civo.services.analytics`):
its demographic breakdowns, kept until enough people joined or left to release new ones."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import UTCDateTime


class AnalyticsRelease(SQLModel, table=True):
    """Backend-only: raw group counts (before suppression) as last shown for one scope."""

    __tablename__ = "analytics_release"
    __table_args__ = (sa.UniqueConstraint("scope_kind", "scope_id",
                                          name="uq_analytics_release_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    scope_kind: str = Field(max_length=10)
    scope_id: int
    participants: int
    groups: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    released_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
