"""A community talks to its followers: updates, events, and the entry a newly published
project gets in their feeds. All three are feed items of the community (no phase); the
item page shows them through :func:`describe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.models import Community, Project
from civo.models._common import utcnow
from civo.models.announcements import CommunityEvent
from civo.models.participation import Item
from civo.services import items, rich_text, uploads, validate
from civo.services.errors import NotFound, ValidationError

TITLE_MAX = 120
BODY_MAX = 4000
LOCATION_MAX = 300
PAGE_SIZE = 20


def _community(session: Session, actor: policy.Actor, community_id: Any) -> Community:
    community = session.get(Community, validate.record_id(community_id))
    if community is None or not policy.can(actor, "community.view", community):
        raise NotFound("This community does not exist or is not visible to you.")
    policy.require(actor, "community.announce", community)
    if community.is_archived:
        raise ValidationError("This community is archived: restore it to publish again.")
    return community


def _post(session: Session, actor: policy.Actor, community: Community, *, kind: str,
          title: str, body: str, extra: dict[str, Any], files: tuple[str, ...] = (),
          project_id: int | None = None) -> Item:
    now = utcnow()
    for name in files:
        if not uploads.attach(session, name=name, owner_id=actor.user_id):
            session.rollback()
            raise ValidationError("The image could not be found; please add it again.",
                                  field="image")
    item = Item(community_id=community.id, project_id=project_id, phase_id=None, module_key=kind,
                kind=kind, author_id=actor.user_id, title=title, body=body, extra=extra,
                created_at=now, last_activity_at=now)
    session.add(item)
    session.flush()
    items.mark_read(session, actor.user_id, item.id)
    events.publish(session, "announcement.posted", actor=actor, item=item)
    return item


def post_update(*, session: Session, actor: policy.Actor, community_id: Any, title: Any,
                body: Any, image: str = "", image_alt: Any = "", link_url: Any = "",
                video_url: Any = "") -> Item:
    """Publish an update to the community's followers (text, optional image and links)."""
    community = _community(session, actor, community_id)
    clean_title = rich_text.clean(title, label="Title", max_len=TITLE_MAX, field="title")
    clean_body = rich_text.clean(body, label="Text", max_len=BODY_MAX)
    extra = {"link_url": validate.url(link_url, label="Link", field="link_url"),
             "video_url": validate.url(video_url, label="Video link", field="video_url")}
    if image:
        extra["image"] = image
        extra["image_alt"] = rich_text.clean(image_alt, label="Image description", max_len=200,
                                             required=False, field="image_alt")
    item = _post(session, actor, community, kind="update", title=clean_title, body=clean_body,
                 extra=extra, files=(image,) if image else ())
    session.commit()
    return item


def post_event(*, session: Session, actor: policy.Actor, community_id: Any, title: Any,
               description: Any, starts_at: Any, ends_at: Any = "", location: Any = "",
               online_url: Any = "") -> Item:
    """Announce an event: when (read in the community's time zone), where or online link."""
    community = _community(session, actor, community_id)
    zone = validate.timezone(community.timezone)
    clean_title = rich_text.clean(title, label="Title", max_len=TITLE_MAX, field="title")
    clean_body = rich_text.clean(description, label="Description", max_len=BODY_MAX)
    start = validate.local_datetime(starts_at, zone=zone, label="Start", field="starts_at")
    end = validate.local_datetime(ends_at, zone=zone, label="End", field="ends_at",
                                  required=False)
    if start <= utcnow():
        raise ValidationError("{label} is in the past: an event is announced before it "
                              "happens.", field="starts_at", label="Start")
    if end is not None and end <= start:
        raise ValidationError("The event must end after it starts.", field="ends_at")
    place = rich_text.clean(location, label="Place", max_len=LOCATION_MAX, required=False,
                            field="location")
    link = validate.url(online_url, label="Online link", field="online_url")
    if not place and not link:
        raise ValidationError("Give a place or an online link (or both).", field="location")
    item = _post(session, actor, community, kind="event", title=clean_title, body=clean_body,
                 extra={})
    session.add(CommunityEvent(item_id=item.id, starts_at=start, ends_at=end, location=place,
                               online_url=link))
    session.commit()
    return item


def announce_project(session: Session, actor: policy.Actor, project: Project) -> Item:
    """The feed entry of a newly published project (inside the caller's transaction)."""
    community = session.get(Community, project.community_id)
    return _post(session, actor, community, kind="project", title=project.title,
                 body=project.summary, extra={}, project_id=project.id)


def sync_project(session: Session, project: Project) -> None:
    """Keep a published project's feed entry in step with its title and summary."""
    session.execute(sa.update(Item).where(Item.module_key == "project",
                                          Item.project_id == project.id)
                    .values(title=project.title, body=project.summary))


def describe(*, session: Session, actor: policy.Actor, item: Item) -> dict[str, str]:
    """What the item page shows of an announcement, as text (the UI layer formats times)."""
    extra = item.extra or {}
    if item.module_key == "event":
        event = session.get(CommunityEvent, item.id)
        community = session.get(Community, item.community_id)
        if event is None or community is None:
            return {}
        return {"starts_at": event.starts_at.isoformat(),
                "ends_at": event.ends_at.isoformat() if event.ends_at else "",
                "timezone": community.timezone, "location": event.location,
                "online_url": event.online_url}
    if item.module_key == "update":
        return {"image": extra.get("image", ""),
                "image_alt": extra.get("image_alt", "") or item.title,
                "link_url": extra.get("link_url", ""), "video_url": extra.get("video_url", "")}
    return {}


@dataclass(frozen=True)
class AnnouncementRow:
    id: int
    kind: str
    title: str
    created_at: datetime
    comment_count: int
    reaction_count: int


def recent(*, session: Session, actor: policy.Actor, community_id: Any,
           cursor: int | None = None) -> tuple[list[AnnouncementRow], int | None]:
    """The community's updates and events for its admins, newest first (keyset on id)."""
    community = _community(session, actor, community_id)
    stmt = select(Item).where(Item.community_id == community.id,
                              Item.module_key.in_(("update", "event")),
                              Item.deleted_at.is_(None))
    if cursor is not None:
        stmt = stmt.where(Item.id < validate.record_id(cursor))
    rows = list(session.exec(stmt.order_by(Item.id.desc()).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return ([AnnouncementRow(r.id, r.kind, r.title, r.created_at, r.comment_count,
                             r.reaction_count) for r in rows],
            rows[-1].id if more else None)


def _ics_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newlines escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _ics_fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a leading space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 73:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def ics(*, session: Session, actor: policy.Actor, item_id: Any) -> str:
    """An event as an iCalendar file (``/api/events/<id>.ics``), if the actor may see it."""
    from civo.services import items as item_service
    from civo.services import mail
    from civo.services.errors import NotFound

    item, _where = item_service.load(session, actor, item_id)
    event = session.get(CommunityEvent, item.id) if item.module_key == "event" else None
    if event is None:
        raise NotFound("This event does not exist.")
    stamp = "%Y%m%dT%H%M%SZ"
    end = event.ends_at or event.starts_at
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Civo//Events//EN", "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT", f"UID:civo-event-{item.id}@civo",
        f"DTSTAMP:{utcnow().strftime(stamp)}",
        f"DTSTART:{event.starts_at.astimezone(utcnow().tzinfo).strftime(stamp)}",
        f"DTEND:{end.astimezone(utcnow().tzinfo).strftime(stamp)}",
        f"SUMMARY:{_ics_text(item.title)}",
        f"DESCRIPTION:{_ics_text(item.body)}",
        *([f"LOCATION:{_ics_text(event.location)}"] if event.location else []),
        f"URL:{mail.public_url(f'/i/{item.id}')}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
