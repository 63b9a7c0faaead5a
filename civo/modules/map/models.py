"""Tables of the map module: a phase's area, its pin categories, and each pin's place.

A pin is an item (``item``): its title, text, author, comments, reactions, moderation and
open data are the core's. This module only adds where it is and in which category.
"""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class MapArea(SQLModel, table=True):
    """The part of the world a map phase is about (one row per map phase; a phase
    without a row uses its community's place, see :mod:`civo.modules.map.geo`)."""

    __tablename__ = "map_area"

    phase_id: int = Field(foreign_key="phase.id", primary_key=True)
    centre_lat: float
    centre_lon: float
    zoom: int = Field(default=13)
    # Optional bounds; without them the area is what the centre and zoom show.
    south: float | None = Field(default=None)
    west: float | None = Field(default=None)
    north: float | None = Field(default=None)
    east: float | None = Field(default=None)
    # Pins outside the area are refused.
    pins_inside: bool = Field(default=True)


class MapCategory(SQLModel, table=True):
    """A category of pins in one map phase ("Traffic noise"), with its colour and icon."""

    __tablename__ = "map_category"
    __table_args__ = (sa.UniqueConstraint("phase_id", "name", name="uq_map_category_name"),)

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    name: str = Field(max_length=60)
    colour: str = Field(max_length=7)     # "#rrggbb"
    icon: str = Field(max_length=20)      # one of geo.ICONS
    position: int = Field(default=0)


class MapPin(SQLModel, table=True):
    """Where one pin (an item of a map phase) stands, and its category."""

    __tablename__ = "map_pin"
    __table_args__ = (sa.Index("ix_map_pin_phase_lat_lon", "phase_id", "lat", "lon"),)

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    phase_id: int = Field(foreign_key="phase.id")
    lat: float
    lon: float
    category_id: int | None = Field(default=None, foreign_key="map_category.id", index=True)
