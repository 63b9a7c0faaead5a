"""What a community publishes to its followers besides projects: events.

Updates and events are feed items (:class:`civo.models.participation.Item`, kinds
``update`` and ``event``); an update keeps its image and links in the item's ``extra``,
an event its schedule and place here (so upcoming events can be listed in SQL).
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from civo.models._common import UTCDateTime


class CommunityEvent(SQLModel, table=True):
    __tablename__ = "community_event"

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    location: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=500)


# Feed entries a community posts itself (``Item.module_key``), beside the registry's modules.
ANNOUNCEMENT_KINDS = ("update", "event", "project")
