"""The place tree: union › country › region › département/métropole › city."""

from enum import StrEnum

from sqlmodel import Field, SQLModel


class PlaceKind(StrEnum):
    """Levels of the civic hierarchy, from the widest to the narrowest."""

    UNION = "union"
    COUNTRY = "country"
    REGION = "region"
    DEPARTMENT = "department"
    METROPOLE = "metropole"
    CITY = "city"


class Place(SQLModel, table=True):
    """A territory. ``parent_id`` points to the enclosing territory (None for the root)."""

    __tablename__ = "place"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, index=True)
    # Lower-cased, accent-free name for search (filled by the service layer).
    search_name: str = Field(max_length=120, index=True)
    slug: str = Field(max_length=140, unique=True)
    kind: str = Field(max_length=20)
    parent_id: int | None = Field(default=None, foreign_key="place.id", index=True)
