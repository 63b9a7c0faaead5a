"""Files people upload (images): who uploaded them and whether anything uses them yet."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field, timestamp_field


class StoredFile(SQLModel, table=True):
    """One stored upload. Unattached files are purged after a day (housekeeping)."""

    __tablename__ = "stored_file"
    __table_args__ = (sa.Index("ix_stored_file_owner", "owner_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # The path under the upload folder, e.g. "ideas/<random>.webp".
    name: str = Field(max_length=80, unique=True)
    # Null once the uploader's account is deleted (the file goes with its content).
    owner_id: int | None = Field(default=None, foreign_key="user_account.id")
    purpose: str = Field(max_length=20)
    created_at: datetime = created_at_field()
    attached_at: datetime | None = timestamp_field(index=True)
