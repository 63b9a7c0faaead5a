"""Small helpers shared by the table modules."""

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlmodel import Field


def utcnow() -> datetime:
    """Return an aware UTC timestamp (sqlmodel rejects naive datetimes)."""
    return datetime.now(timezone.utc)


def created_at_field() -> datetime:
    """A non-null, timezone-aware creation timestamp column."""
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


def timestamp_field(*, index: bool = False) -> datetime | None:
    """An optional timezone-aware timestamp column."""
    return Field(default=None, sa_type=sa.DateTime(timezone=True), nullable=True, index=index)
