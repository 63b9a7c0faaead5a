"""Who belongs to an audience, as SELECTs of user ids (so thousands cost one statement):
a community's followers, its admins (and those of ancestors whose grant covers it),
the platform's moderators."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from civo.models import Community, CommunityRole, Follow, User


def followers(community_id: int) -> sa.Select:
    return select(Follow.user_id).where(Follow.community_id == community_id)


def community_admins(session: Session, community_id: int) -> sa.Select:
    """Admins of the community, and of its ancestors when their grant covers it."""
    chain, parent = [], session.exec(select(Community.parent_id).where(
        Community.id == community_id)).first()
    while parent is not None and len(chain) < 16:
        chain.append(parent)
        parent = session.exec(select(Community.parent_id).where(
            Community.id == parent)).first()
    return select(CommunityRole.user_id).where(CommunityRole.role == "admin", sa.or_(
        CommunityRole.community_id == community_id,
        sa.and_(CommunityRole.community_id.in_(chain or [-1]),
                CommunityRole.include_descendants.is_(True))))


def moderators() -> sa.Select:
    return select(User.id).where(User.is_moderator.is_(True))
