"""Communities (the spaces of cities, regions, countries, unions and organisations),
their followers, members, admins and access codes."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import UTCDateTime, created_at_field, timestamp_field


class CommunityKind(StrEnum):
    """What kind of body runs a community."""

    CITY = "city"
    METROPOLE = "metropole"
    REGION = "region"
    COUNTRY = "country"
    UNION = "union"
    ORGANISATION = "organisation"


# Kinds that govern the place they belong to (citizens of that place auto-follow them).
GOVERNING_KINDS = frozenset(k.value for k in CommunityKind if k is not CommunityKind.ORGANISATION)


class Community(SQLModel, table=True):
    """A space where a decision maker consults citizens."""

    __tablename__ = "community"
    __table_args__ = (sa.UniqueConstraint("parent_id", "name", name="uq_community_parent_name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, index=True)
    search_name: str = Field(max_length=120, index=True)
    slug: str = Field(max_length=140, unique=True)
    kind: str = Field(max_length=20, index=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="community.id", index=True)
    description: str = Field(default="", max_length=4000)
    # Branding: uploaded images (stored names), an accent colour "#rrggbb" or "".
    logo: str = Field(default="", max_length=80)
    cover: str = Field(default="", max_length=80)
    brand_color: str = Field(default="", max_length=7)
    # The languages the community publishes in (comma-separated locale codes).
    languages: str = Field(default="", max_length=40)
    # Events are entered and shown in this time zone (IANA name).
    timezone: str = Field(default="Europe/Paris", max_length=40)
    # Money in its participation (a participatory budget) is in this currency (ISO 4217).
    currency: str = Field(default="EUR", max_length=3)
    is_private: bool = Field(default=False, index=True)
    is_archived: bool = Field(default=False)
    # Maintained on write by the follow service (never counted in Python).
    follower_count: int = Field(default=0)
    created_at: datetime = created_at_field()


class Follow(SQLModel, table=True):
    """A citizen follows a community: its news reach their feed."""

    __tablename__ = "follow"
    __table_args__ = (sa.UniqueConstraint("user_id", "community_id", name="uq_follow"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    created_at: datetime = created_at_field()


class Membership(SQLModel, table=True):
    """Access to a private community (granted by an access code or an admin)."""

    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "community_id", name="uq_membership"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    access_code_id: int | None = Field(default=None, foreign_key="access_code.id")
    created_at: datetime = created_at_field()


class AdminInvitation(SQLModel, table=True):
    """An invitation to administer a community, sent to an email address. Nothing about
    the address (whether it has an account, whose) is known to the inviting admin; the
    person accepts from the link, signed in with that address. Only the link's hash is
    stored."""

    __tablename__ = "admin_invitation"

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    invited_by: int | None = Field(default=None, foreign_key="user_account.id")
    email: str = Field(max_length=254)
    include_descendants: bool = Field(default=False)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    accepted_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()


class CommunityRole(SQLModel, table=True):
    """A role someone holds in one community (for now: ``admin``)."""

    __tablename__ = "community_role"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "community_id", "role", name="uq_community_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    role: str = Field(default="admin", max_length=20)
    # Also administer every community below this one (sub-communities, neighbourhoods).
    include_descendants: bool = Field(default=False)
    created_at: datetime = created_at_field()


class AccessCode(SQLModel, table=True):
    """A code that lets citizens join a private community.

    Only a hash of the code is stored; ``uses`` is incremented in the same
    transaction that creates the membership.
    """

    __tablename__ = "access_code"

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime | None = timestamp_field()
    max_uses: int | None = Field(default=None)
    uses: int = Field(default=0)
    revoked_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
