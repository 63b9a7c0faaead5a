"""Keyset cursors of the form ``<iso timestamp>|<id>`` shared by the "load more" lists."""

from __future__ import annotations

from datetime import datetime

from civo.services.errors import ValidationError


def encode(stamp: datetime, row_id: int) -> str:
    return f"{stamp.isoformat()}|{row_id}"


def decode(cursor: str) -> tuple[datetime, int]:
    """The (timestamp, id) a cursor points after; a clear error for anything else."""
    stamp, _, raw_id = str(cursor).rpartition("|")
    try:
        return datetime.fromisoformat(stamp), int(raw_id)
    except ValueError:
        raise ValidationError("This page link is no longer valid.") from None
