"""Items (contributions) shared by every module: where they live, who wrote them, posting,
editing, deleting, opening (read marks, read receipts) and the impact events owed to authors.

Modules call :func:`create` to post and :func:`view` to show; they add their own columns
in their own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.db import insert_ignore
from civo.models import Community, Phase, Project, User
from civo.models._common import utcnow
from civo.models.accounts import PUBLIC_NAME
from civo.models.announcements import ANNOUNCEMENT_KINDS
from civo.models.participation import (
    EMOJI_GLYPHS,
    Favourite,
    ImpactEvent,
    ImpactKind,
    Item,
    ItemRead,
    Moderation,
    Reaction,
)
from civo.services import rich_text
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from civo.services.links import profile_href
from civo.services.secrets import keyed_digest

EDIT_WINDOW = timedelta(minutes=10)
TITLE_MAX = 120
BODY_MAX = 2000


@dataclass(frozen=True)
class Where:
    """The policy target of a participation action.

    ``project`` and ``phase`` are None for a community's own announcements (updates and
    events have neither; a published project's announcement has no phase).
    """

    community: Community
    project: Project | None
    phase: Phase | None
    author_id: int | None = None
    moderation: str = Moderation.VISIBLE.value
    # What is acted on: "item" (with its module key) or "comment" ("" when not said); the
    # news-only rules need it (a comment under the news is not the news).
    target: str = ""
    module_key: str = ""


# ---- locating -----------------------------------------------------------------------


def where_for_phase(session: Session, phase_id: Any) -> Where:
    if not isinstance(phase_id, int) or isinstance(phase_id, bool):
        raise NotFound("This page does not exist.")
    row = session.exec(
        select(Phase, Project, Community)
        .join(Project, Project.id == Phase.project_id)
        .join(Community, Community.id == Project.community_id)
        .where(Phase.id == phase_id)
    ).first()
    if row is None:
        raise NotFound("This page does not exist.")
    phase, project, community = row
    return Where(community=community, project=project, phase=phase)


def load(session: Session, actor: policy.Actor, item_id: Any) -> tuple[Item, Where]:
    """The item and where it lives; NotFound when missing, deleted or not visible to actor."""
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        raise NotFound("This contribution does not exist.")
    row = session.exec(
        select(Item, Phase, Project, Community)
        .outerjoin(Phase, Phase.id == Item.phase_id)
        .outerjoin(Project, Project.id == Item.project_id)
        .join(Community, Community.id == Item.community_id)
        .where(Item.id == item_id)
    ).first()
    if row is None:
        raise NotFound("This contribution does not exist.")
    item, phase, project, community = row
    where = Where(community=community, project=project, phase=phase, author_id=item.author_id,
                  moderation=item.moderation, target="item", module_key=item.module_key)
    if not policy.can(actor, "item.view", where):
        raise NotFound("This contribution does not exist.")
    return item, where


# ---- authorship and pseudonyms ---------------------------------------------------------


def pseudonym(project_id: int, user_id: int) -> str:
    """A stable tag for one author inside one project; unlinkable across projects."""
    return keyed_digest("pseudonym", project_id, user_id)[:6].upper()


@dataclass(frozen=True)
class Author:
    label: str        # a name, or "" when anonymous / deleted (the UI says which)
    tag: str          # the per-project pseudonym tag for anonymous posts
    kind: str         # "named" | "anonymous" | "deleted"
    href: str = ""    # the public profile of a named author ("" otherwise: never anonymous)


def authors(session: Session, rows: list[tuple[int | None, bool, int]]) -> dict[tuple, Author]:
    """Author display for (author_id, is_anonymous, project_id) triples, one query for names."""
    named = {uid for uid, anonymous, _ in rows if uid is not None and not anonymous}
    names: dict[int, str] = {}
    handles: dict[int, str] = {}
    if named:
        # The public name people chose (the private full name only for older accounts), and
        # the random handle of their profile's address.
        for uid, name, handle in session.exec(select(User.id, PUBLIC_NAME, User.handle).where(
                User.id.in_(named))).all():
            names[uid], handles[uid] = name, handle
    result: dict[tuple, Author] = {}
    for key in rows:
        uid, anonymous, project_id = key
        if uid is None:
            result[key] = Author("", "", "deleted")
        elif anonymous:
            result[key] = Author("", pseudonym(project_id, uid), "anonymous")
        else:
            result[key] = Author(names.get(uid, ""), "", "named",
                                 profile_href(handles[uid]) if handles.get(uid) else "")
    return result


# ---- posting ----------------------------------------------------------------------------


def create(
    *, session: Session, actor: policy.Actor, phase_id: Any, kind: str, title: str, body: str,
    anonymous: bool = False, extra: dict[str, Any] | None = None, title_required: bool = False,
    files: tuple[str, ...] = (),
) -> Item:
    """Post an item in an open phase (the caller module validated its own fields).

    ``files`` are the actor's own uploads the item uses; they are attached in the same
    transaction (a file that is not theirs, or already used, refuses the whole post).
    """
    where = where_for_phase(session, phase_id)
    if not policy.can(actor, "item.view", where):
        raise NotFound("This page does not exist.")
    _require_open(actor, "item.contribute", where)
    clean_title = rich_text.clean(title, label="Title", max_len=TITLE_MAX,
                                  required=title_required, field="title")
    clean_body = rich_text.clean(body, label="Text", max_len=BODY_MAX)
    now = utcnow()
    item = Item(
        community_id=where.community.id, project_id=where.project.id, phase_id=where.phase.id,
        module_key=where.phase.module_key, kind=kind, author_id=actor.user_id,
        is_anonymous=bool(anonymous), title=clean_title, body=clean_body, extra=extra or {},
        created_at=now, last_activity_at=now,
    )
    from civo.services import uploads

    for name in files:
        if not uploads.attach(session, name=name, owner_id=actor.user_id):
            session.rollback()
            raise ValidationError("The image could not be found; please add it again.",
                                  field="image")
    session.add(item)
    session.flush()
    mark_read(session, actor.user_id, item.id)  # the author has read what they wrote
    events.publish(session, "item.created", actor=actor, item=item)
    session.commit()
    return item


def _require_open(actor: policy.Actor, rule: str, where: Where) -> None:
    """Say *why* first (moderated content, a closed phase), then check the rule itself."""
    if where.moderation == Moderation.HIDDEN:
        raise ValidationError("This content is hidden pending review: nothing was saved.")
    if where.moderation == Moderation.REMOVED:
        raise ValidationError("This content was removed by moderators: nothing was saved.")
    if actor.signed_in and not (policy.is_announcement(actor, where)
                                or policy.phase_is_open(actor, where)):
        raise ValidationError("This participation is closed: nothing was saved.")
    if actor.signed_in and not actor.confirmed:
        raise PermissionDenied("Confirm your email address first: use the link we sent you "
                               "(you can ask for a new one at the top of the page).")
    policy.require(actor, rule, where)


def require_open(actor: policy.Actor, rule: str, where: Where) -> None:
    _require_open(actor, rule, where)


def edit(*, session: Session, actor: policy.Actor, item_id: Any, title: str | None = None,
         body: str) -> Item:
    """The author edits their text within 10 minutes of posting."""
    item, where = load(session, actor, item_id)
    if item.deleted_at is not None:
        raise NotFound("This contribution does not exist.")
    policy.require(actor, "item.edit", where)
    if item.moderation != Moderation.VISIBLE:
        raise ValidationError("This content is hidden pending review: nothing was saved.")
    if utcnow() - item.created_at > EDIT_WINDOW:
        raise ValidationError("Contributions can only be edited within 10 minutes of posting.")
    values: dict[str, Any] = {"body": rich_text.clean(body, label="Text", max_len=BODY_MAX),
                              "edited_at": utcnow()}
    if title is not None:
        values["title"] = rich_text.clean(title, label="Title", max_len=TITLE_MAX,
                                          required=bool(item.title), field="title")
    # Conditional: an edit racing a delete (another tab) never writes text back.
    done = session.execute(sa.update(Item).where(Item.id == item.id, Item.deleted_at.is_(None))
                           .values(**values)).rowcount
    if done != 1:
        session.rollback()
        raise NotFound("This contribution does not exist.")
    session.commit()
    session.refresh(item)
    return item


def delete(*, session: Session, actor: policy.Actor, item_id: Any) -> bool:
    """The author (or a moderator) deletes an item: its text goes, replies stay.

    True when this call deleted it (False when it already was).
    """
    item, where = load(session, actor, item_id)
    if item.deleted_at is not None:
        return False
    policy.require(actor, "item.delete", where)
    image = (item.extra or {}).get("image", "")  # read before the UPDATE syncs the row
    done = session.execute(sa.update(Item).where(Item.id == item.id, Item.deleted_at.is_(None))
                           .values(deleted_at=utcnow(), title="", body="", extra={})).rowcount
    if done == 1:
        from civo.services import uploads

        uploads.discard(session, image)
    session.commit()
    return done == 1


# ---- opening: read marks, read receipts -------------------------------------------------


def mark_read(session: Session, user_id: int, item_id: int) -> None:
    """Record that ``user_id`` opened ``item_id`` (idempotent, race-free)."""
    insert_ignore(session, ItemRead, {"user_id": user_id, "item_id": item_id,
                                      "read_at": utcnow()})


def record_impact(session: Session, item: Item, kind: ImpactKind, *,
                  actor: policy.Actor | None = None) -> bool:
    """Owe the author a 'read by' or 'shaped this decision' (once per item and kind), and
    publish ``item.read`` / ``item.shaped`` the first time.

    True when this call recorded it (False when it was already owed, or no author).
    """
    if item.author_id is None:
        return False
    recorded = insert_ignore(session, ImpactEvent, {
        "item_id": item.id, "kind": kind.value, "community_id": item.community_id,
        "recipient_id": item.author_id, "created_at": utcnow()})
    if recorded:
        events.publish(session, f"item.{kind.value}", actor=actor, item=item)
    return recorded


def open_item(*, session: Session, actor: policy.Actor, item_id: Any) -> bool:
    """A person opens an item: read mark; an admin of its community leaves a read receipt.

    Returns True when this opening left a new read receipt (the author's page may show it).
    """
    item, where = load(session, actor, item_id)
    receipt = False
    if actor.signed_in:
        mark_read(session, actor.user_id, item.id)
        if (policy.can(actor, "community.edit", where.community)
                and item.author_id != actor.user_id
                and item.deleted_at is None and item.module_key not in ANNOUNCEMENT_KINDS):
            receipt = record_impact(session, item, ImpactKind.READ, actor=actor)
            # The admin inbox: no longer "unread by us" (first opening only).
            session.execute(sa.update(Item).where(Item.id == item.id,
                                                  Item.admin_read_at.is_(None))
                            .values(admin_read_at=utcnow()))
        session.commit()
    return receipt


# ---- the item as a page shows it ------------------------------------------------------


def reaction_counts(row: Any) -> dict[str, int]:
    return {emoji: getattr(row, f"r_{emoji}") for emoji in EMOJI_GLYPHS}


@dataclass(frozen=True)
class ItemView:
    id: int
    kind: str
    module_key: str
    title: str
    body: str
    segments: list[dict[str, str]]
    author_kind: str
    author_name: str
    author_tag: str
    is_mine: bool
    is_anonymous: bool
    created_at: datetime
    edited: bool
    deleted: bool
    can_edit: bool
    can_delete: bool
    can_comment: bool
    can_react: bool
    community_id: int
    community_name: str
    community_slug: str
    project_id: int
    project_title: str
    phase_id: int
    phase_open: bool
    comment_count: int
    support_count: int
    reactions: dict[str, int]
    my_reaction: str
    is_favourite: bool
    read_at: datetime | None          # when an admin of the community read it (author only)
    shaped_at: datetime | None        # when it shaped a decision (author only)
    moderation: str                   # visible | hidden | removed
    content_shown: bool               # False: others see only "hidden pending review"
    phase_status: str = ""  # its phase's stage (civo.models.projects.phase_stage)
    author_href: str = ""   # a named author's public profile


def view(*, session: Session, actor: policy.Actor, item_id: Any) -> ItemView:
    """Everything the item page shows, for this actor (nothing about who reacted)."""
    item, where = load(session, actor, item_id)
    deleted = item.deleted_at is not None
    if deleted:
        author = Author("", "", "deleted")
    elif item.module_key in ANNOUNCEMENT_KINDS:
        author = Author(where.community.name, "", "community")
    else:
        author = authors(session, [(item.author_id, item.is_anonymous, item.project_id)])[
            (item.author_id, item.is_anonymous, item.project_id)]
    mine = actor.signed_in and item.author_id == actor.user_id
    my_reaction, favourite = "", False
    read_at = shaped_at = None
    if actor.signed_in:
        my_reaction = session.exec(select(Reaction.emoji).where(
            Reaction.target_kind == "item", Reaction.target_id == item.id,
            Reaction.user_id == actor.user_id)).first() or ""
        favourite = session.exec(select(Favourite.id).where(
            Favourite.user_id == actor.user_id, Favourite.item_id == item.id)).first() is not None
    if mine:
        impacts = dict(session.exec(select(ImpactEvent.kind, ImpactEvent.created_at).where(
            ImpactEvent.item_id == item.id)).all())
        read_at, shaped_at = impacts.get("read"), impacts.get("shaped")
    from civo.models.projects import phase_stage

    is_open = policy.phase_is_open(actor, where)
    visible = item.moderation == Moderation.VISIBLE
    shown = visible or mine or policy.can(actor, "moderation.act", where.community)
    title, body = (item.title, item.body) if shown else ("", "")
    return ItemView(
        id=item.id, kind=item.kind, module_key=item.module_key, title=title,
        body=body, segments=rich_text.segments(body), author_kind=author.kind,
        author_name=author.label, author_tag=author.tag, is_mine=mine and not deleted,
        is_anonymous=item.is_anonymous, created_at=item.created_at,
        edited=item.edited_at is not None, deleted=deleted,
        can_edit=(not deleted and visible and policy.can(actor, "item.edit", where)
                  and utcnow() - item.created_at <= EDIT_WINDOW),
        can_delete=not deleted and policy.can(actor, "item.delete", where),
        can_comment=(not deleted and visible and policy.can(actor, "item.comment", where)),
        can_react=(not deleted and visible and policy.can(actor, "item.react", where)),
        community_id=where.community.id, community_name=where.community.name,
        community_slug=where.community.slug,
        project_id=where.project.id if where.project else 0,
        project_title=where.project.title if where.project else "",
        phase_id=where.phase.id if where.phase else 0, phase_open=is_open,
        comment_count=item.comment_count, support_count=item.support_count,
        reactions=reaction_counts(item), my_reaction=my_reaction, is_favourite=favourite,
        read_at=read_at, shaped_at=shaped_at, moderation=item.moderation,
        content_shown=shown,
        phase_status=phase_stage(where.phase, where.project)[0] if where.phase else "",
        author_href="" if deleted else author.href,
    )


def bump(session: Session, item_id: int, *, comments: int = 0, reactions: int = 0,
         supports: int = 0, touch: bool = False, emoji_delta: dict[str, int] | None = None
         ) -> None:
    """Adjust an item's counters in SQL (never read-modify-write in Python)."""
    values: dict[str, Any] = {}
    if comments:
        values["comment_count"] = Item.comment_count + comments
    if reactions:
        values["reaction_count"] = Item.reaction_count + reactions
    if supports:
        values["support_count"] = Item.support_count + supports
    if comments or reactions or supports:
        values["engagement_count"] = Item.engagement_count + comments + reactions + supports
    for emoji, delta in (emoji_delta or {}).items():
        column = getattr(Item, f"r_{emoji}")
        values[f"r_{emoji}"] = column + delta
    if touch:
        values["last_activity_at"] = utcnow()
    if values:
        session.execute(sa.update(Item).where(Item.id == item_id).values(**values))
