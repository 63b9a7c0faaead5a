"""Profiles: the public face a person chooses (display name or pseudonym, pictures, a few
words, interests), their home place and language, and optional demographics that only
ever feed anonymised statistics.

The full name given at registration is the public name until the person picks another
(a name or a pseudonym); then it stays private. Contributions are signed with the
display name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import i18n, policy
from civo.models import Community, Place, User
from civo.models._common import utcnow
from civo.models.participation import Item, Moderation
from civo.services import communities, places, rich_text, uploads, validate
from civo.services.errors import NotFound, ValidationError

NAME_MIN, NAME_MAX = 2, 80
BIO_MAX = 1000
INTERESTS_MAX, INTEREST_MAX, INTERESTS_COUNT = 300, 40, 10
GENDERS = ("woman", "man", "non_binary", "other")
PAGE_SIZE = 20


@dataclass(frozen=True)
class ProfileForm:
    display_name: str
    avatar: str
    cover: str
    bio: str
    interests: str
    home_place_id: int | None
    home_place: str
    locale: str
    birth_year: int | None
    gender: str
    handle: str = ""


def own(*, session: Session, actor: policy.Actor) -> ProfileForm:
    policy.require(actor, "account.manage_own")
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    place = places.option_for(session, user.home_place_id) if user.home_place_id else None
    return ProfileForm(
        display_name=user.display_name or user.full_name, avatar=user.avatar, cover=user.cover,
        bio=user.bio, interests=user.interests, home_place_id=user.home_place_id,
        home_place=(f"{place.name} ({place.context})" if place and place.context
                    else place.name if place else ""),
        locale=user.locale or "", birth_year=user.birth_year, gender=user.gender or "",
        handle=user.handle)


def _interests(value: Any) -> str:
    """"cycling, Schools ,  , trees" → "cycling, Schools, trees" (at most 10, each ≤ 40)."""
    tags = [" ".join(t.split()) for t in str(value or "").split(",")]
    tags = list(dict.fromkeys(t for t in tags if t))
    if len(tags) > INTERESTS_COUNT or any(len(t) > INTEREST_MAX for t in tags):
        raise ValidationError("List at most {n} interests, separated by commas, each short.",
                              field="interests", n=INTERESTS_COUNT)
    text = ", ".join(tags)
    if len(text) > INTERESTS_MAX:
        raise ValidationError("{label} is too long (at most {n} characters).",
                              field="interests", label="Interests", n=INTERESTS_MAX)
    return text


def _birth_year(value: Any) -> int | None:
    year = validate.whole_number(value, label="Year of birth", field="birth_year",
                                 minimum=1900, maximum=utcnow().year - 13)
    return year


@dataclass(frozen=True)
class Saved:
    """What saving changed that the page should offer: communities of a new home place."""

    to_follow: tuple[communities.CommunityCard, ...]


def save(*, session: Session, actor: policy.Actor, data: dict[str, Any],
         home_place_id: int | None, avatar: str | None = None,
         cover: str | None = None) -> Saved:
    """Save the profile (``avatar``/``cover``: a new upload, "" to remove, None to keep)."""
    policy.require(actor, "account.manage_own")
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    name = " ".join(str(data.get("display_name") or "").split())
    if len(name) < NAME_MIN:
        raise ValidationError("Choose a name or pseudonym of at least {n} characters.",
                              field="display_name", n=NAME_MIN)
    if len(name) > NAME_MAX:
        raise ValidationError("{label} is too long (at most {n} characters).",
                              field="display_name", label="Name shown to others", n=NAME_MAX)
    gender = str(data.get("gender") or "")
    if gender and gender not in GENDERS:
        raise ValidationError("Choose one of the options.", field="gender")
    locale = str(data.get("locale") or "")
    if locale and i18n.normalize_locale(locale) != locale:
        raise ValidationError("Choose one of the options.", field="locale")
    if home_place_id is not None and session.get(Place, home_place_id) is None:
        raise ValidationError("Choose your home place from the list.", field="home_place")
    moved = home_place_id is not None and home_place_id != user.home_place_id
    user.display_name = name
    user.bio = rich_text.clean(data.get("bio"), label="About you", max_len=BIO_MAX,
                               required=False, field="bio")
    user.interests = _interests(data.get("interests"))
    user.birth_year = _birth_year(data.get("birth_year"))
    user.gender = gender or None
    user.locale = locale or user.locale
    if moved:
        user.home_place_id = home_place_id
    uploads.replace_images(session, user, owner_id=user.id,
                           images_by_field={"avatar": avatar, "cover": cover})
    session.add(user)
    session.commit()
    return Saved(to_follow=tuple(governing_not_followed(session=session, actor=actor))
                 if moved else ())


def governing_not_followed(*, session: Session, actor: policy.Actor
                           ) -> list[communities.CommunityCard]:
    """Communities governing the home place that the actor does not follow (yet)."""
    return [card for card in communities.governing_cards(session=session, actor=actor)
            if not card.is_following]


def follow_all(*, session: Session, actor: policy.Actor, community_ids: Any) -> int:
    """Follow the offered communities (each checked like a single follow)."""
    if not isinstance(community_ids, list) or len(community_ids) > 20:
        raise ValidationError("Invalid request.")
    done = 0
    for community_id in community_ids:
        if isinstance(community_id, int) and not isinstance(community_id, bool):
            done += communities.follow(session=session, actor=actor, community_id=community_id)
    return done


def accept_image(*, session: Session, actor: policy.Actor, data: bytes) -> str:
    policy.require(actor, "account.manage_own")
    return uploads.accept_image(session=session, actor=actor, data=data, purpose="people")


# ---- the public profile ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicProfile:
    id: int
    handle: str
    display_name: str
    avatar: str
    cover: str
    bio: str
    interests: tuple[str, ...]
    member_since: datetime
    contributions: int


def _by_handle(session: Session, handle: Any) -> User | None:
    text = handle if isinstance(handle, str) else ""
    if not (0 < len(text) <= 16 and text.isalnum()):
        return None
    return session.exec(select(User).where(User.handle == text)).first()


def _published(session: Session, actor: policy.Actor, user_id: int) -> bool:
    """The person signed something with their public name that this actor may read: a
    contribution, or a comment under a contribution the actor may see. Until then their
    profile does not exist for others (not even their name)."""
    if session.exec(_named_items(actor, user_id).limit(1)).first() is not None:
        return True
    from civo.models.participation import Comment

    visible = select(Community.id).where(policy.visible_communities(actor, Community))
    return session.exec(select(Comment.id).join(Item, Item.id == Comment.item_id).where(
        Comment.author_id == user_id, Comment.is_anonymous.is_(False),
        Comment.deleted_at.is_(None), Comment.moderation == Moderation.VISIBLE.value,
        Item.deleted_at.is_(None), Item.moderation == Moderation.VISIBLE.value,
        Item.community_id.in_(visible)).limit(1)).first() is not None


def public(*, session: Session, actor: policy.Actor, handle: Any) -> PublicProfile:
    """What anyone sees of a person, at ``/u/<handle>``: their chosen face and their *named*
    contributions (anonymous ones are never counted or listed here).

    The address is the random handle, never the sequential id (no walking ``/u/1…N``),
    and a profile exists for others only once its owner published something under their
    name; its owner always sees it.
    """
    user = _by_handle(session, handle)
    if user is None or user.suspended_at is not None:
        raise NotFound("This profile does not exist.")
    if actor.user_id != user.id and not _published(session, actor, user.id):
        raise NotFound("This profile does not exist.")
    count = session.exec(select(sa.func.count()).select_from(
        _named_items(actor, user.id).subquery())).one()
    return PublicProfile(
        id=user.id, handle=user.handle, display_name=user.display_name or user.full_name,
        avatar=user.avatar, cover=user.cover, bio=user.bio,
        interests=tuple(t.strip() for t in user.interests.split(",") if t.strip()),
        member_since=user.created_at, contributions=count)


def _named_items(actor: policy.Actor, user_id: int) -> sa.Select:
    from civo.modules import MODULES
    from civo.services.feed import listed

    visible = select(Community.id).where(policy.visible_communities(actor, Community))
    return select(Item).where(Item.author_id == user_id, Item.is_anonymous.is_(False),
                              Item.module_key.in_(MODULES.item_keys()), listed(visible),
                              Item.moderation == Moderation.VISIBLE.value)


def contributions(*, session: Session, actor: policy.Actor, handle: Any,
                  cursor: str | None = None):
    """A person's named contributions the actor may see, newest first (keyset)."""
    from civo.services import keyset
    from civo.services.feed import FeedPage, card_rows

    profile = public(session=session, actor=actor, handle=handle)
    stmt = _named_items(actor, profile.id)
    if cursor:
        stmt = stmt.where(sa.tuple_(Item.created_at, Item.id) < keyset.decode(cursor))
    rows = list(session.exec(stmt.order_by(Item.created_at.desc(), Item.id.desc())
                             .limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return FeedPage(items=card_rows(session, actor, rows),
                    next_cursor=keyset.encode(rows[-1].created_at, rows[-1].id) if more
                    else None)

