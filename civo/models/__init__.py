"""All tables, imported here so Alembic (``reflex db``) sees every one of them."""

from civo.models.accounts import (
    DataExport,
    ExternalIdentity,
    LoginAttempt,
    ThrottleEvent,
    User,
    UserSession,
)
from civo.models.analytics import AnalyticsRelease
from civo.models.announcements import CommunityEvent
from civo.models.communities import (
    GOVERNING_KINDS,
    AccessCode,
    AdminInvitation,
    Community,
    CommunityKind,
    CommunityRole,
    Follow,
    Membership,
)
from civo.models.moderation import (
    CaseState,
    Flag,
    FlagReason,
    ModerationCase,
    ModerationLog,
    ModerationNotice,
    SuspensionProposal,
)
from civo.models.notifications import (
    Category,
    DigestState,
    Frequency,
    Notification,
    NotificationSetting,
    OutboundEmail,
)
from civo.models.participation import (
    Comment,
    Emoji,
    Favourite,
    ImpactEvent,
    ImpactKind,
    Item,
    ItemRead,
    Moderation,
    Reaction,
)
from civo.models.places import Place, PlaceKind
from civo.models.projects import Phase, PhaseStatus, Project, ProjectStatus
from civo.models.uploads import StoredFile

__all__ = [
    "Category",
    "DataExport",
    "DigestState",
    "ExternalIdentity",
    "Frequency",
    "Notification",
    "NotificationSetting",
    "OutboundEmail",
    "CaseState",
    "CommunityEvent",
    "Flag",
    "FlagReason",
    "Moderation",
    "ModerationCase",
    "ModerationLog",
    "ModerationNotice",
    "SuspensionProposal",
    "Comment",
    "Emoji",
    "Favourite",
    "ImpactEvent",
    "ImpactKind",
    "Item",
    "ItemRead",
    "Phase",
    "PhaseStatus",
    "Reaction",
    "StoredFile",
    "GOVERNING_KINDS",
    "AccessCode",
    "AdminInvitation",
    "AnalyticsRelease",
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
    "ThrottleEvent",
    "User",
    "UserSession",
]

# Participation modules keep their tables beside their code; importing the registry
# registers them with SQLModel's metadata (so Alembic sees them too).
import civo.modules  # noqa: E402,F401
