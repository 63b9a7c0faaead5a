"""All tables, imported here so Alembic (``reflex db``) sees every one of them."""

from civo.models.accounts import LoginAttempt, User, UserSession
from civo.models.communities import (
    GOVERNING_KINDS,
    AccessCode,
    Community,
    CommunityKind,
    CommunityRole,
    Follow,
    Membership,
)
from civo.models.places import Place, PlaceKind
from civo.models.projects import Project, ProjectStatus

__all__ = [
    "GOVERNING_KINDS",
    "AccessCode",
    "Community",
    "CommunityKind",
    "CommunityRole",
    "Follow",
    "LoginAttempt",
    "Membership",
    "Place",
    "PlaceKind",
    "Project",
    "ProjectStatus",
    "User",
    "UserSession",
]
