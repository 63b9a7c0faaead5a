"""Running communities: create and edit (branding, languages, time zone), archive or
delete, access codes of private communities, and who administers them.

Every function asks :mod:`civo.policy` first; nothing here returns a citizen's email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from civo import policy
from civo.i18n import LOCALES
from civo.models import (
    AccessCode,
    Community,
    CommunityKind,
    CommunityRole,
    Follow,
    Membership,
    Place,
    Project,
    User,
)
from civo.models._common import utcnow
from civo.models.accounts import PUBLIC_NAME
from civo.models.participation import Item
from civo.services import accounts, rich_text, uploads, validate
from civo.services import communities as community_service
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from civo.text import search_key, slugify

NAME_MAX = 120
DESCRIPTION_MAX = 4000
PAGE_SIZE = 20
KINDS = tuple(k.value for k in CommunityKind)


def get(session: Session, actor: policy.Actor, community_id: Any, rule: str) -> Community:
    """The community, if it exists, the actor may see it and ``rule`` allows them."""
    community = session.get(Community, validate.record_id(community_id))
    if community is None or not policy.can(actor, "community.view", community):
        raise NotFound("This community does not exist or is not visible to you.")
    policy.require(actor, rule, community)
    return community


def by_slug(session: Session, actor: policy.Actor, slug: Any, rule: str) -> Community:
    community = session.exec(select(Community).where(
        Community.slug == str(slug or "")[:140])).first()
    if community is None:
        raise NotFound("This community does not exist or is not visible to you.")
    return get(session, actor, community.id, rule)


# ---- the dashboard's list ------------------------------------------------------------


@dataclass(frozen=True)
class ManagedCommunity:
    id: int
    slug: str
    name: str
    kind: str
    is_private: bool
    is_archived: bool
    follower_count: int
    unread: int  # contributions no admin has opened yet (capped at 100)


def managed(*, session: Session, actor: policy.Actor, cursor: str | None = None,
            query: str = "") -> tuple[list[ManagedCommunity], str | None]:
    """The communities the actor administers (all of them for platform admins), by name."""
    policy.require(actor, "admin.dashboard")
    stmt = select(Community)
    if not actor.is_platform_admin:
        if not actor.admin_of:
            return [], None
        stmt = stmt.where(Community.id.in_(actor.admin_of))
    key = search_key(str(query or ""))[:100]
    if key:
        from civo.text import word_prefix_match

        stmt = stmt.where(word_prefix_match(Community.search_name, key))
    if cursor:
        name, _, raw_id = str(cursor).rpartition("\x1f")
        if not validate.is_number(raw_id):
            raise ValidationError("This page link is no longer valid.")
        stmt = stmt.where(sa.tuple_(Community.search_name, Community.id) > (name, int(raw_id)))
    rows = list(session.exec(stmt.order_by(Community.search_name, Community.id)
                             .limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    unread = _unread_counts(session, [c.id for c in rows])
    return ([ManagedCommunity(c.id, c.slug, c.name, c.kind, c.is_private, c.is_archived,
                              c.follower_count, unread.get(c.id, 0)) for c in rows],
            f"{rows[-1].search_name}\x1f{rows[-1].id}" if more else None)


def _unread_counts(session: Session, ids: list[int]) -> dict[int, int]:
    """Contributions per community that no admin opened yet (each capped at 100)."""
    from civo.modules import MODULES

    counts = {}
    for community_id in ids:  # one small, capped count each (a page has at most 20)
        inner = select(Item.id).where(
            Item.community_id == community_id, Item.admin_read_at.is_(None),
            Item.deleted_at.is_(None), Item.module_key.in_(MODULES.item_keys())).limit(100)
        counts[community_id] = session.exec(select(sa.func.count()).select_from(
            inner.subquery())).one()
    return counts


# ---- create and edit -------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityForm:
    """The editable fields of a community, as its admins see them."""

    id: int
    slug: str
    name: str
    kind: str
    place_id: int
    place_name: str
    parent_id: int | None
    parent_name: str
    description: str
    logo: str
    cover: str
    brand_color: str
    languages: tuple[str, ...]
    timezone: str
    currency: str
    is_private: bool
    is_archived: bool
    member_count: int
    follower_count: int
    can_delete: bool


def form(*, session: Session, actor: policy.Actor, community_id: Any) -> CommunityForm:
    community = get(session, actor, community_id, "community.edit")
    place = session.get(Place, community.place_id)
    parent = session.get(Community, community.parent_id) if community.parent_id else None
    members = session.exec(select(sa.func.count()).select_from(Membership).where(
        Membership.community_id == community.id)).one()
    return CommunityForm(
        id=community.id, slug=community.slug, name=community.name, kind=community.kind,
        place_id=community.place_id, place_name=place.name if place else "",
        parent_id=community.parent_id, parent_name=parent.name if parent else "",
        description=community.description, logo=community.logo, cover=community.cover,
        brand_color=community.brand_color,
        languages=tuple(x for x in community.languages.split(",") if x),
        timezone=community.timezone, currency=community.currency,
        is_private=community.is_private,
        is_archived=community.is_archived, member_count=members,
        follower_count=community.follower_count,
        can_delete=policy.can(actor, "community.delete", community)
        and not _has_content(session, community.id),
    )


@dataclass(frozen=True)
class CommunityInput:
    """What the form sends (validated by :func:`_clean`)."""

    name: Any = ""
    kind: Any = ""
    place_id: Any = None
    parent_id: Any = None
    description: Any = ""
    brand_color: Any = ""
    languages: Any = ()
    timezone: Any = "Europe/Paris"
    currency: Any = "EUR"
    is_private: Any = False

    @classmethod
    def from_form(cls, data: dict[str, Any], languages: Any = ()) -> CommunityInput:
        def as_int(value: Any) -> Any:
            text = str(value or "").strip()
            return int(text) if validate.is_number(text) else (None if not text else text)

        return cls(name=data.get("name", ""), kind=data.get("kind", ""),
                   place_id=as_int(data.get("place_id")),
                   parent_id=as_int(data.get("parent_id")),
                   description=data.get("description", ""),
                   brand_color=data.get("brand_color", ""), languages=languages,
                   timezone=data.get("timezone", "Europe/Paris"),
                   currency=data.get("currency") or "EUR",
                   is_private=data.get("is_private") in (True, "on", "true"))


def _clean(session: Session, data: CommunityInput) -> dict[str, Any]:
    name = " ".join(str(data.name or "").split())
    if not name:
        raise ValidationError("{label} cannot be empty.", field="name", label="Name")
    if len(name) > NAME_MAX:
        raise ValidationError("{label} is too long (at most {n} characters).", field="name",
                              label="Name", n=NAME_MAX)
    kind = validate.choice(data.kind, KINDS, field="kind", message="Choose a kind.")
    if not isinstance(data.place_id, int) or session.get(Place, data.place_id) is None:
        raise ValidationError("Choose the place from the list.", field="place_id")
    languages = tuple(dict.fromkeys(x for x in (data.languages or ()) if x in LOCALES))
    validate.timezone(data.timezone)
    return {
        "name": name, "search_name": search_key(name), "kind": kind, "place_id": data.place_id,
        "description": rich_text.clean(data.description, label="Description",
                                       max_len=DESCRIPTION_MAX, required=False,
                                       field="description"),
        "brand_color": validate.colour(data.brand_color), "languages": ",".join(languages),
        "timezone": str(data.timezone), "currency": validate.currency(data.currency),
        "is_private": bool(data.is_private),
    }


def _parent(session: Session, actor: policy.Actor, parent_id: Any) -> Community | None:
    if parent_id in (None, ""):
        return None
    if not isinstance(parent_id, int):
        raise ValidationError("Choose the parent community from the list.", field="parent_id")
    parent = session.get(Community, parent_id)
    if parent is None or not policy.can(actor, "community.view", parent):
        raise ValidationError("Choose the parent community from the list.", field="parent_id")
    return parent


def _name_taken(session: Session, values: dict[str, Any], parent_id: int | None,
                own_id: int | None = None) -> bool:
    stmt = select(Community.id).where(
        Community.search_name == values["search_name"],
        Community.parent_id.is_(None) if parent_id is None else Community.parent_id == parent_id)
    if own_id is not None:
        stmt = stmt.where(Community.id != own_id)
    return session.exec(stmt).first() is not None


def _unique_slug(session: Session, name: str, own_id: int | None = None) -> str:
    base = slugify(name)[:120]
    slug, n = base, 1
    while True:
        found = session.exec(select(Community.id).where(Community.slug == slug)).first()
        if found is None or found == own_id:
            return slug
        n += 1
        slug = f"{base}-{n}"


def create(*, session: Session, actor: policy.Actor, data: CommunityInput,
           logo: str = "", cover: str = "") -> Community:
    """Create a community; its creator administers it (unless a platform admin)."""
    parent = _parent(session, actor, data.parent_id)
    if not policy.can(actor, "community.create", parent):
        if not actor.signed_in:
            raise PermissionDenied("Please sign in to continue.")
        if parent is None:
            raise PermissionDenied("Only platform admins can create a top-level community.",
                                   field="parent_id")
        raise PermissionDenied("Only platform admins and the admins of {name} can create a "
                               "community under it.", field="parent_id", name=parent.name)
    values = _clean(session, data)
    if _name_taken(session, values, parent.id if parent else None):
        raise ValidationError("A community with this name already exists here.", field="name")
    community = Community(**values, slug=_unique_slug(session, values["name"]),
                          parent_id=parent.id if parent else None)
    try:
        session.add(community)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationError("A community with this name already exists here.",
                              field="name") from None
    _set_images(session, actor, community, logo=logo, cover=cover)
    if not actor.is_platform_admin and community.id not in actor.admin_of:
        session.add(CommunityRole(user_id=actor.user_id, community_id=community.id))
    session.commit()
    return community


def update(*, session: Session, actor: policy.Actor, community_id: Any,
           data: CommunityInput, logo: str | None = None, cover: str | None = None) -> Community:
    """Save the edit form (``logo``/``cover``: a new upload, "" to remove, None to keep)."""
    community = get(session, actor, community_id, "community.edit")
    was_private = community.is_private
    values = _clean(session, data)
    if data.parent_id == community.parent_id or (data.parent_id in (None, "")
                                                 and community.parent_id is None):
        parent_id = community.parent_id  # unchanged: no need to see the parent again
    else:
        parent = _parent(session, actor, data.parent_id)
        if parent is not None and (parent.id == community.id or parent.id in
                                   accounts._descendants(session, {community.id})):
            raise ValidationError("A community cannot be placed under itself.",
                                  field="parent_id")
        parent_id = parent.id if parent else None
        # Moving a community: the admins of where it leaves and of where it goes agree.
        old_parent = session.get(Community, community.parent_id) if community.parent_id \
            else None
        for side in (old_parent, parent):
            if not policy.can(actor, "community.create", side):
                raise _move_refusal(side)
    if _name_taken(session, values, parent_id, own_id=community.id):
        raise ValidationError("A community with this name already exists here.", field="name")
    if values["name"] != community.name:
        values["slug"] = _unique_slug(session, values["name"], own_id=community.id)
    for key, value in {**values, "parent_id": parent_id}.items():
        setattr(community, key, value)
    try:
        session.add(community)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationError("A community with this name already exists here.",
                              field="name") from None
    _set_images(session, actor, community, logo=logo, cover=cover)
    if community.is_private and not was_private:
        _drop_outside_followers(session, community)
    session.commit()
    return community


def _move_refusal(side: Community | None) -> PermissionDenied:
    """Why a move is refused: the actor does not run one of its two ends."""
    if side is None:
        return PermissionDenied("Only platform admins can move a community to or from the "
                                "top level.", field="parent_id")
    return PermissionDenied("Only platform admins and the admins of {name} can move a "
                            "community under it or out of it.", field="parent_id",
                            name=side.name)


def _drop_outside_followers(session: Session, community: Community) -> None:
    """A community made private keeps only the followers who may still see it (members
    and its admins): the others no longer hear of it, nor see it in their feed."""
    from civo.services.audiences import community_admins

    gone = session.execute(sa.delete(Follow).where(
        Follow.community_id == community.id,
        Follow.user_id.not_in(select(Membership.user_id).where(
            Membership.community_id == community.id)),
        Follow.user_id.not_in(community_admins(session, community.id)),
        Follow.user_id.not_in(select(User.id).where(User.is_platform_admin.is_(True))))
        ).rowcount or 0
    if gone:
        session.execute(sa.update(Community).where(Community.id == community.id).values(
            follower_count=Community.follower_count - gone))


def _set_images(session: Session, actor: policy.Actor, community: Community, *,
                logo: str | None, cover: str | None) -> None:
    uploads.replace_images(session, community, owner_id=actor.user_id,
                           images_by_field={"logo": logo, "cover": cover})
    session.add(community)


def _has_content(session: Session, community_id: int) -> bool:
    return any(session.exec(select(model.id).where(model.community_id == community_id)
                            .limit(1)).first() is not None for model in (Project, Item)) or \
        session.exec(select(Community.id).where(Community.parent_id == community_id)
                     .limit(1)).first() is not None


def set_archived(*, session: Session, actor: policy.Actor, community_id: Any,
                 archived: Any) -> None:
    """Archive (hidden from everyone but its admins, read-only) or restore."""
    community = get(session, actor, community_id, "community.archive")
    if not isinstance(archived, bool):
        raise ValidationError("Invalid request.")
    community.is_archived = archived
    session.add(community)
    session.commit()


def delete(*, session: Session, actor: policy.Actor, community_id: Any) -> None:
    """Delete an empty community; one with projects, posts or sub-communities is archived
    instead (its history stays)."""
    community = get(session, actor, community_id, "community.delete")
    if _has_content(session, community.id):
        raise ValidationError("This community has content: archive it instead of deleting it.")
    from civo.models import AdminInvitation

    for model in (Follow, Membership, CommunityRole, AccessCode, AdminInvitation):
        session.execute(sa.delete(model).where(model.community_id == community.id))
    for name in (community.logo, community.cover):
        uploads.discard(session, name)
    session.delete(community)
    session.commit()


# ---- access codes ------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeRow:
    id: int
    created_at: datetime
    expires_at: datetime | None
    max_uses: int | None
    uses: int
    state: str  # active | expired | used_up | revoked


def codes(*, session: Session, actor: policy.Actor, community_id: Any) -> list[CodeRow]:
    """The community's codes, newest first (the codes themselves were shown once)."""
    community = get(session, actor, community_id, "community.manage_codes")
    now = utcnow()
    rows = session.exec(select(AccessCode).where(AccessCode.community_id == community.id)
                        .order_by(AccessCode.id.desc()).limit(50)).all()

    def state(code: AccessCode) -> str:
        if code.revoked_at is not None:
            return "revoked"
        if code.expires_at is not None and code.expires_at <= now:
            return "expired"
        if code.max_uses is not None and code.uses >= code.max_uses:
            return "used_up"
        return "active"

    return [CodeRow(c.id, c.created_at, c.expires_at, c.max_uses, c.uses, state(c))
            for c in rows]


def new_code(*, session: Session, actor: policy.Actor, community_id: Any, valid_days: Any = "",
             max_uses: Any = "") -> str:
    """Generate a code (optional validity in days and maximum uses); returned once."""
    community = get(session, actor, community_id, "community.manage_codes")
    days = validate.whole_number(valid_days, label="Valid for (days)", field="valid_days",
                                 maximum=3650)
    uses = validate.whole_number(max_uses, label="Maximum uses", field="max_uses")
    return community_service.create_access_code(
        session=session, actor=actor, community_id=community.id,
        expires_at=utcnow() + timedelta(days=days) if days else None, max_uses=uses)


def revoke_code(*, session: Session, actor: policy.Actor, community_id: Any,
                code_id: Any) -> None:
    community = get(session, actor, community_id, "community.manage_codes")
    done = session.execute(sa.update(AccessCode).where(
        AccessCode.id == validate.record_id(code_id), AccessCode.community_id == community.id,
        AccessCode.revoked_at.is_(None)).values(revoked_at=utcnow())).rowcount
    if not done:
        raise NotFound("This code does not exist or was already revoked.")
    session.commit()


# ---- admins ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminRow:
    role_id: int
    name: str
    include_descendants: bool
    is_me: bool


def admins(*, session: Session, actor: policy.Actor, community_id: Any) -> list[AdminRow]:
    """Who administers this community (names only: admins see no one's email)."""
    community = get(session, actor, community_id, "community.grant_admin")
    rows = session.exec(select(CommunityRole, PUBLIC_NAME)
                        .join(User, User.id == CommunityRole.user_id)
                        .where(CommunityRole.community_id == community.id,
                               CommunityRole.role == "admin")
                        .order_by(PUBLIC_NAME).limit(100)).all()
    return [AdminRow(r.id, name, r.include_descendants, r.user_id == actor.user_id)
            for r, name in rows]


def _active_account(session: Session, email: Any) -> User:
    """The active account an admin names by email (to grant it a role)."""
    try:
        address = accounts.normalize_email(str(email or ""))
    except ValidationError:
        raise ValidationError("Enter a valid email address.", field="email") from None
    user = session.exec(select(User).where(User.email == address)).first()
    if user is None or user.suspended_at is not None:
        raise ValidationError("No active account uses this email address. Ask the person to "
                              "register first.", field="email")
    return user


def covers_descendants(session: Session, actor: policy.Actor, community: Community) -> bool:
    """The actor runs this community *and everything below it*: a platform admin, or an
    admin of it or of one of its ancestors whose grant includes sub-communities."""
    if actor.is_platform_admin:
        return True
    chain, parent_id = [community.id], community.parent_id
    while parent_id is not None and len(chain) < 16:
        chain.append(parent_id)
        parent_id = session.exec(select(Community.parent_id).where(
            Community.id == parent_id)).first()
    return session.exec(select(CommunityRole.id).where(
        CommunityRole.user_id == actor.user_id, CommunityRole.role == "admin",
        CommunityRole.community_id.in_(chain),
        CommunityRole.include_descendants.is_(True))).first() is not None


def revoke_admin(*, session: Session, actor: policy.Actor, community_id: Any,
                 role_id: Any) -> None:
    community = get(session, actor, community_id, "community.grant_admin")
    role = session.get(CommunityRole, validate.record_id(role_id))
    if role is None or role.community_id != community.id:
        raise NotFound("This admin does not exist.")
    if role.user_id == actor.user_id:
        raise ValidationError("You cannot remove your own admin rights: ask another admin.")
    if role.include_descendants and not covers_descendants(session, actor, community):
        raise PermissionDenied("Only an admin who also runs its sub-communities can grant "
                               "or change that.")
    done = session.execute(sa.delete(CommunityRole).where(
        CommunityRole.id == role.id, CommunityRole.community_id == community.id)).rowcount
    if not done:
        raise NotFound("This admin does not exist.")
    session.commit()


# ---- platform: moderators ----------------------------------------------------------------


def moderators(*, session: Session, actor: policy.Actor) -> list[tuple[int, str]]:
    policy.require(actor, "platform.manage")
    return [(uid, name) for uid, name in session.exec(
        select(User.id, PUBLIC_NAME).where(User.is_moderator.is_(True))
        .order_by(PUBLIC_NAME).limit(100)).all()]


def set_moderator(*, session: Session, actor: policy.Actor, email: Any = "",
                  user_id: Any = None, on: Any = True) -> None:
    """Platform admins name moderators (by email) and remove them (by id)."""
    policy.require(actor, "platform.manage")
    if on is True:
        user = _active_account(session, email)
        session.execute(sa.update(User).where(User.id == user.id).values(is_moderator=True))
    elif on is False:
        session.execute(sa.update(User).where(User.id == validate.record_id(user_id))
                        .values(is_moderator=False))
    else:
        raise ValidationError("Invalid request.")
    session.commit()


# ---- for the dashboard pages -----------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    id: int
    slug: str
    name: str
    is_private: bool
    is_archived: bool


def header(*, session: Session, actor: policy.Actor, slug: Any, rule: str = "community.edit"
           ) -> Header:
    """The community a dashboard page manages (policy-checked with ``rule``)."""
    c = by_slug(session, actor, slug, rule)
    return Header(c.id, c.slug, c.name, c.is_private, c.is_archived)


def parent_options(*, session: Session, actor: policy.Actor) -> list[tuple[int, str]]:
    """Communities the actor may create a sub-community under (by name, at most 200)."""
    policy.require(actor, "admin.dashboard")
    stmt = select(Community.id, Community.name).where(Community.is_archived.is_(False))
    if not actor.is_platform_admin:
        stmt = stmt.where(Community.id.in_(actor.admin_of))
    return [(i, n) for i, n in session.exec(stmt.order_by(Community.search_name).limit(200))]


@dataclass(frozen=True)
class ParentChoices:
    """The "Part of" picker of one form: the communities it offers, and whether the
    top level ("none") is one of them."""

    options: list[tuple[int, str]]
    top_level: bool


def parent_choices(*, session: Session, actor: policy.Actor, community_id: Any = None
                   ) -> ParentChoices:
    """What the "Part of" picker offers: where the actor may create (or move) a community,
    never the community itself or one below it, and always the current parent — even one
    the actor does not run, so that saving the form as loaded keeps it."""
    options = parent_options(session=session, actor=actor)
    top_level = policy.can(actor, "community.create", None)
    if community_id in (None, 0, ""):
        return ParentChoices(options, top_level)
    community = get(session, actor, community_id, "community.edit")
    below = accounts._descendants(session, {community.id}) | {community.id}
    options = [(i, n) for i, n in options if i not in below]
    if community.parent_id is None:
        top_level = True
    else:
        parent = session.get(Community, community.parent_id)
        if parent is not None and all(i != parent.id for i, _ in options):
            options = sorted([*options, (parent.id, parent.name)],
                             key=lambda o: search_key(o[1]))
    return ParentChoices(options, top_level)


def accept_image(*, session: Session, actor: policy.Actor, community_id: Any,
                 data: bytes) -> str:
    """Store a logo or cover for a community the actor edits (or, with no id, creates)."""
    if community_id in (None, 0):
        if not (actor.is_platform_admin or actor.admin_of):
            policy.require(actor, "community.create", None)
    else:
        get(session, actor, community_id, "community.edit")
    return uploads.accept_image(session=session, actor=actor, data=data, purpose="communities")
