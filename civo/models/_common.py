"""Small helpers shared by the table modules: UTC timestamps on every database."""

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlmodel import Field


def utcnow() -> datetime:
    """Return an aware UTC timestamp (sqlmodel rejects naive datetimes)."""
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware timestamp stored in UTC, read back aware, on SQLite as on PostgreSQL.

    SQLite keeps no offset: ``13:30+02:00`` would come back as a naive ``13:30``. Converting
    to UTC on the way in and tagging UTC on the way out makes every backend agree.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use an aware one (civo.models._common.utcnow)")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def created_at_field() -> datetime:
    """A non-null, timezone-aware creation timestamp column."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def timestamp_field(*, index: bool = False) -> datetime | None:
    """An optional timezone-aware timestamp column."""
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)
