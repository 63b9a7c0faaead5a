"""Map consultations: a phase's area and categories (its admins), pins (citizens), and the
pins as the map, the list and the open data read them.

A pin is an item posted through :func:`civo.services.items.create` (so the policy's
``item.contribute``, moderation, the feed and notifications apply); its coordinates and
category travel in the item's ``extra`` and are copied, in the same transaction, into
``map_pin`` (indexed for the visible-area list) by the ``item.created`` subscriber below.
Coordinates are untrusted: :mod:`civo.modules.map.geo` refuses anything but finite numbers
in range, and inside the area when the phase requires it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.i18n import N_
from civo.models import Community, Phase, Place, Project
from civo.models.participation import Item, Moderation
from civo.modules.map import geo
from civo.modules.map.models import MapArea, MapCategory, MapPin
from civo.services import items, rich_text
from civo.services.errors import NotFound, ValidationError

KEY = "map"
MAX_CATEGORIES = 12
LIST_PAGE = 20
NAME_MAX = 60


# ---- where ------------------------------------------------------------------------------


def _map_phase(session: Session, actor: policy.Actor, phase_id: Any) -> items.Where:
    where = items.where_for_phase(session, phase_id)
    if where.phase.module_key != KEY or not policy.can(actor, "item.view", where):
        raise NotFound("This page does not exist.")
    return where


def area_for(session: Session, phase: Phase) -> geo.Area:
    """The phase's area, or one around its community's place while none is set."""
    row = session.get(MapArea, phase.id)
    if row is not None:
        has_bounds = None not in (row.south, row.west, row.north, row.east)
        return geo.area(centre_lat=row.centre_lat, centre_lon=row.centre_lon,
                        zoom_level=row.zoom, pins_inside=row.pins_inside,
                        bounds=(row.south, row.west, row.north, row.east) if has_bounds
                        else None)
    slug = session.exec(select(Place.slug).join(Community, Community.place_id == Place.id)
                        .join(Project, Project.community_id == Community.id)
                        .where(Project.id == phase.project_id)).first()
    lat, lon, z = geo.PLACE_CENTRES.get(slug or "", geo.DEFAULT_CENTRE)
    return geo.area(centre_lat=lat, centre_lon=lon, zoom_level=z, bounds=None,
                    pins_inside=True)


def categories(session: Session, phase_id: int) -> list[dict[str, Any]]:
    return [{"id": c.id, "name": c.name, "colour": c.colour, "icon": c.icon,
             "glyph": geo.ICONS.get(c.icon, "●")}
            for c in session.exec(select(MapCategory).where(MapCategory.phase_id == phase_id)
                                  .order_by(MapCategory.position, MapCategory.id))]


@dataclass(frozen=True)
class MapSetup:
    """What the phase panel needs to draw the map (no pins: they come as GeoJSON)."""

    phase_id: int
    area: geo.Area
    categories: list[dict[str, Any]]
    open: bool
    can_place: bool
    can_configure: bool


def setup(*, session: Session, actor: policy.Actor, phase_id: Any) -> MapSetup:
    where = _map_phase(session, actor, phase_id)
    return MapSetup(
        phase_id=where.phase.id, area=area_for(session, where.phase),
        categories=categories(session, where.phase.id),
        open=policy.phase_is_open(actor, where),
        can_place=policy.can(actor, "item.contribute", where),
        can_configure=policy.can(actor, "map.configure", where))


# ---- administrators: area and categories -------------------------------------------------


def _configurable(session: Session, actor: policy.Actor, phase_id: Any) -> items.Where:
    where = _map_phase(session, actor, phase_id)
    policy.require(actor, "map.configure", where)
    return where


def configure_area(*, session: Session, actor: policy.Actor, phase_id: Any,
                   data: dict[str, Any]) -> geo.Area:
    """Save the phase's area: centre, zoom, optional bounds, whether pins must be inside."""
    where = _configurable(session, actor, phase_id)
    lat, lon = geo.coordinates(data.get("lat"), data.get("lon"))
    z = geo.zoom(data.get("zoom"))
    box = geo.bounds(data)
    if box and not (box[0] <= lat <= box[2] and box[1] <= lon <= box[3]):
        raise ValidationError("The centre must lie inside the bounds.", field="bounds")
    inside = data.get("pins_inside") in (True, "on", "true", "1")
    values = {"centre_lat": lat, "centre_lon": lon, "zoom": z, "pins_inside": inside,
              "south": box[0] if box else None, "west": box[1] if box else None,
              "north": box[2] if box else None, "east": box[3] if box else None}
    row = session.get(MapArea, where.phase.id)
    if row is None:
        row = MapArea(phase_id=where.phase.id, **values)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.add(row)
    session.commit()
    return area_for(session, where.phase)


def add_category(*, session: Session, actor: policy.Actor, phase_id: Any, name: Any,
                 colour: Any, icon: Any) -> int:
    where = _configurable(session, actor, phase_id)
    clean = rich_text.clean(name, label=N_("Name"), max_len=NAME_MAX, field="name")
    values = {"colour": geo.colour(colour), "icon": geo.icon(icon)}
    count, last = session.exec(select(sa.func.count(), sa.func.max(MapCategory.position))
                               .where(MapCategory.phase_id == where.phase.id)).one()
    if count >= MAX_CATEGORIES:
        raise ValidationError("A map has at most {n} categories.", n=MAX_CATEGORIES)
    row = MapCategory(phase_id=where.phase.id, name=clean, position=(last or 0) + 1, **values)
    session.add(row)
    try:
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise ValidationError("This map already has a category with that name.",
                              field="name") from None
    return row.id


def remove_category(*, session: Session, actor: policy.Actor, phase_id: Any,
                    category_id: Any) -> None:
    where = _configurable(session, actor, phase_id)
    if not isinstance(category_id, int) or isinstance(category_id, bool):
        raise NotFound("This category does not exist.")
    row = session.get(MapCategory, category_id)
    if row is None or row.phase_id != where.phase.id:
        raise NotFound("This category does not exist.")
    used = session.exec(select(sa.func.count()).select_from(MapPin).where(
        MapPin.category_id == row.id)).one()
    if used:
        raise ValidationError("{n} pins use this category: it cannot be removed.", n=used)
    session.delete(row)
    session.commit()


# ---- citizens: placing a pin ----------------------------------------------------------------


def check_point(session: Session, where: items.Where, lat: Any, lon: Any
                ) -> tuple[float, float]:
    """Untrusted coordinates made safe, or a clear refusal."""
    la, lo = geo.coordinates(lat, lon)
    area = area_for(session, where.phase)
    if area.pins_inside and not area.contains(la, lo):
        raise ValidationError("This place is outside the area of this map: place the pin "
                              "inside it.", field="lat")
    return la, lo


def place_pin(*, session: Session, actor: policy.Actor, phase_id: Any, lat: Any, lon: Any,
              category_id: Any, title: Any, body: Any, anonymous: bool = False,
              image: str | None = None, image_alt: Any = "") -> Item:
    """Post a pin: an item with its place and category (nothing saved on any refusal)."""
    from civo.services import images

    where = _map_phase(session, actor, phase_id)
    items.require_open(actor, "item.contribute", where)
    la, lo = check_point(session, where, lat, lon)
    known = {c["id"] for c in categories(session, where.phase.id)}
    if isinstance(category_id, str) and category_id.isdigit():
        category_id = int(category_id)
    if known and (type(category_id) is not int or category_id not in known):
        raise ValidationError("Choose a category.", field="category")
    extra: dict[str, Any] = {"lat": la, "lon": lo,
                             "category": category_id if known else None}
    if image:
        if not images.is_stored_name(image):
            raise ValidationError("The image could not be found; please add it again.",
                                  field="image")
        extra |= {"image": image, "image_alt": rich_text.clean(
            image_alt, label="Image description", max_len=200, required=False,
            field="image_alt")}
    return items.create(session=session, actor=actor, phase_id=where.phase.id, kind="pin",
                        title=title if isinstance(title, str) else "",
                        body=body if isinstance(body, str) else "",
                        anonymous=bool(anonymous), title_required=True, extra=extra,
                        files=(image,) if image else ())


def _write_pin(session: Session, *, item: Item, **_payload: Any) -> None:
    """item.created: a map item's place goes into map_pin in the same transaction."""
    extra = item.extra or {}
    if item.module_key != KEY or "lat" not in extra:
        return
    session.add(MapPin(item_id=item.id, phase_id=item.phase_id, lat=float(extra["lat"]),
                       lon=float(extra["lon"]), category_id=extra.get("category")))
    session.flush()


events.subscribe("item.created", _write_pin)


def accept_image(*, session: Session, actor: policy.Actor, phase_id: Any, data: bytes) -> str:
    from civo.services import uploads

    where = _map_phase(session, actor, phase_id)
    items.require_open(actor, "item.contribute", where)
    return uploads.accept_image(session=session, actor=actor, data=data, purpose="map")


# ---- reading: GeoJSON, the visible-area list, a pin's card ------------------------------------


def _shown(phase_ids: Any) -> sa.Select:
    """Pins shown to everyone: visible, not deleted (like every other item list)."""
    return (select(MapPin.item_id, MapPin.lat, MapPin.lon, MapPin.category_id)
            .join(Item, Item.id == MapPin.item_id)
            .where(MapPin.phase_id.in_(phase_ids), Item.deleted_at.is_(None),
                   Item.moderation == Moderation.VISIBLE.value))


def geojson(*, session: Session, actor: policy.Actor, phase_id: Any) -> dict[str, Any]:
    """The phase's pins as a GeoJSON FeatureCollection: id, coordinates, category only."""
    where = _map_phase(session, actor, phase_id)
    rows = session.execute(_shown([where.phase.id]).order_by(MapPin.item_id)).all()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": i, "geometry": {"type": "Point", "coordinates": [lo, la]},
         "properties": {"c": c}} for i, la, lo, c in rows]}


def geojson_many(*, session: Session, actor: policy.Actor, phase_ids: list[Any]
                 ) -> dict[str, Any]:
    """Pins of several map phases (the /map page): each phase checked like one."""
    ids = [_map_phase(session, actor, p).phase.id for p in dict.fromkeys(phase_ids)]
    rows = session.execute(_shown(ids).order_by(MapPin.item_id)).all() if ids else []
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": i, "geometry": {"type": "Point", "coordinates": [lo, la]},
         "properties": {"c": c}} for i, la, lo, c in rows]}


# ---- who reads the pins: a signed viewer key for the map's own fetch -------------------------

VIEWER_MAX_AGE = 6 * 3600


def viewer_key(user_id: int | None) -> str:
    """A key the map's page hands its iframe so the GeoJSON fetch reads what this
    citizen may read (private communities they belong to); "" for a visitor."""
    if user_id is None:
        return ""
    from itsdangerous import URLSafeTimedSerializer

    from civo.services.secrets import secret_key

    return URLSafeTimedSerializer(secret_key(), salt="civo/map-viewer").dumps(int(user_id))


def viewer(*, session: Session, key: str | None) -> policy.Actor:
    """The actor a viewer key names (a visitor without one; an invalid one is refused)."""
    if not key:
        return policy.ANONYMOUS
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    from civo.services import accounts
    from civo.services.secrets import secret_key

    try:
        user_id = URLSafeTimedSerializer(secret_key(), salt="civo/map-viewer").loads(
            key, max_age=VIEWER_MAX_AGE)
    except BadSignature:
        raise ValidationError("This map link has expired: reload the page.") from None
    if type(user_id) is not int:
        raise ValidationError("This map link has expired: reload the page.")
    return accounts.actor_for(session=session, user_id=user_id)


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def parse(cls, raw: Any) -> Box | None:
        if not isinstance(raw, (list, tuple)) or len(raw) != 4:
            return None
        try:
            s, w = geo.coordinates(raw[0], raw[1])
            n, e = geo.coordinates(raw[2], raw[3])
        except ValidationError:
            return None
        return cls(min(s, n), min(w, e), max(s, n), max(w, e))


def listing(*, session: Session, actor: policy.Actor, phase_ids: list[int],
            box: Box | None, category_id: int | None, after: int = 0,
            community_id: int | None = None) -> tuple[list[dict[str, Any]], int | None]:
    """One page of pins (20) inside ``box``, by id (keyset ``after``), for the list."""
    if not phase_ids:
        return [], None
    stmt = (select(Item.id, Item.title, Item.comment_count, Item.reaction_count,
                   MapPin.lat, MapPin.lon, MapPin.category_id)
            .join(MapPin, MapPin.item_id == Item.id)
            .where(MapPin.phase_id.in_(phase_ids), Item.deleted_at.is_(None),
                   Item.moderation == Moderation.VISIBLE.value, Item.id > after))
    if box is not None:
        stmt = stmt.where(MapPin.lat.between(box.south, box.north),
                          MapPin.lon.between(box.west, box.east))
    if category_id is not None:
        stmt = stmt.where(MapPin.category_id == category_id)
    if community_id is not None:
        stmt = stmt.where(Item.community_id == community_id)
    rows = session.execute(stmt.order_by(Item.id).limit(LIST_PAGE + 1)).all()
    more = len(rows) > LIST_PAGE
    rows = rows[:LIST_PAGE]
    return ([{"id": r[0], "title": r[1], "comments": r[2], "reactions": r[3],
              "lat": r[4], "lon": r[5], "category": r[6] or 0} for r in rows],
            rows[-1][0] if more and rows else None)


def card(*, session: Session, actor: policy.Actor, item_id: Any) -> dict[str, Any]:
    """A pin's card, loaded when it is opened: title, category, counts, link."""
    item, where = items.load(session, actor, item_id)
    if item.module_key != KEY or item.deleted_at is not None or \
            item.moderation != Moderation.VISIBLE.value:
        raise NotFound("This contribution does not exist.")
    pin = session.get(MapPin, item.id)
    category = session.get(MapCategory, pin.category_id) if pin and pin.category_id else None
    return {"id": item.id, "title": item.title, "href": f"/i/{item.id}",
            "category": category.name if category else "",
            "colour": category.colour if category else "#555555",
            "comments": item.comment_count, "reactions": item.reaction_count,
            "lat": pin.lat if pin else 0.0, "lon": pin.lon if pin else 0.0,
            "community": where.community.name}


def describe(*, session: Session, actor: policy.Actor, item: Item) -> dict[str, str]:
    """The item page's part: the pin's category and place, and its photo."""
    extra = item.extra or {}
    pin = session.get(MapPin, item.id)
    category = session.get(MapCategory, pin.category_id) if pin and pin.category_id else None
    return {"category": category.name if category else "",
            "lat": f"{pin.lat:.5f}" if pin else "", "lon": f"{pin.lon:.5f}" if pin else "",
            "image": str(extra.get("image", "")), "image_alt": str(extra.get("image_alt", ""))}


# ---- /map: every open map phase the reader follows ---------------------------------------------


def open_phases(*, session: Session, actor: policy.Actor) -> list[dict[str, Any]]:
    """Open map phases of published, open projects in the communities the citizen follows
    (a visitor: the public communities), each with its community."""
    from civo.models import Follow

    stmt = (select(Phase.id, Phase.title, Project.title, Community.id, Community.name)
            .join(Project, Project.id == Phase.project_id)
            .join(Community, Community.id == Project.community_id)
            .where(Phase.module_key == KEY, Phase.status == "open", Project.status == "open",
                   Project.published_at.is_not(None),
                   policy.visible_communities(actor, Community)))
    if actor.signed_in:
        stmt = stmt.where(Community.id.in_(select(Follow.community_id).where(
            Follow.user_id == actor.user_id)))
    else:
        stmt = stmt.where(Community.is_private.is_(False))
    return [{"phase_id": p, "phase": t, "project": pt, "community_id": c, "community": cn}
            for p, t, pt, c, cn in session.execute(stmt.order_by(Community.name, Phase.id)
                                                   .limit(50))]
