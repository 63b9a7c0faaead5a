"""What the core asks of the map module (see :class:`civo.modules.registry.Hooks`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.i18n import N_
from civo.models import Phase, Project, User
from civo.models.participation import Item, Moderation
from civo.modules.map import geo
from civo.modules.map.models import MapArea, MapCategory, MapPin
from civo.modules.registry import Figure


def personal_data(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Where the citizen's pins stand (their texts are in the core's contributions)."""
    rows = session.execute(select(MapPin.item_id, MapPin.lat, MapPin.lon, MapCategory.name)
                           .join(Item, Item.id == MapPin.item_id)
                           .outerjoin(MapCategory, MapCategory.id == MapPin.category_id)
                           .where(Item.author_id == user_id).order_by(MapPin.item_id)).all()
    if not rows:
        return {}
    return {"map_pins": [{"item_id": i, "lat": la, "lon": lo, "category": c or ""}
                         for i, la, lo, c in rows]}


def stats(session: Session, phase_ids: Any) -> list[Figure]:
    counted = session.execute(
        select(sa.func.coalesce(MapCategory.name, ""), sa.func.count())
        .select_from(MapPin).join(Item, Item.id == MapPin.item_id)
        .outerjoin(MapCategory, MapCategory.id == MapPin.category_id)
        .where(MapPin.phase_id.in_(phase_ids), Item.deleted_at.is_(None))
        .group_by(MapCategory.name)).all()
    if not counted:
        return []
    return [Figure("pins_by_category", N_("Pins by category"),
                   breakdown=tuple((name or N_("No category"), n) for name, n in counted))]


def public_fields(session: Session, item_ids: list[int]) -> dict[int, dict[str, str]]:
    """A pin's coordinates and category: part of what its author published."""
    if not item_ids:
        return {}
    rows = session.execute(select(MapPin.item_id, MapPin.lat, MapPin.lon, MapCategory.name)
                           .outerjoin(MapCategory, MapCategory.id == MapPin.category_id)
                           .where(MapPin.item_id.in_(item_ids))).all()
    return {i: {"lat": f"{la:.6f}", "lon": f"{lo:.6f}", "category": c or ""}
            for i, la, lo, c in rows}


def results(session: Session, actor: Any, phase: Phase) -> dict[str, Any]:
    """A closed map: its pins per category (the map itself stays readable)."""
    counted = dict(session.execute(
        select(MapPin.category_id, sa.func.count()).join(Item, Item.id == MapPin.item_id)
        .where(MapPin.phase_id == phase.id, Item.deleted_at.is_(None),
               Item.moderation == Moderation.VISIBLE.value)
        .group_by(MapPin.category_id)).all())
    cats = session.exec(select(MapCategory).where(MapCategory.phase_id == phase.id)
                        .order_by(MapCategory.position)).all()
    return {"pins": sum(counted.values()),
            "tally": [{"label": c.name, "count": counted.get(c.id, 0)} for c in cats]}


# ---- demo data ---------------------------------------------------------------------------------

DEMO_PROJECT = "Noise in the Métropole"
DEMO_PHASE = "Noise map"
DEMO_CATEGORIES = (("Traffic noise", "#c92a2a", "car"), ("Night-time noise", "#5f3dc4", "moon"),
                   ("Building works", "#e67700", "hammer"))
# (author, category index, lat, lon, title)
DEMO_PINS = (
    ("moderator@demo.civo.example", 0, 43.6955, 7.2650, "Lorries on the Promenade at dawn"),
    ("moderator@demo.civo.example", 1, 43.6968, 7.2760, "Bars in the old town until 3 am"),
    ("moderator@demo.civo.example", 2, 43.7080, 7.2620, "Tram works on Avenue Jean Médecin"),
    ("citizen@demo.civo.example", 0, 43.7010, 7.2800, "Scooters racing near the port"),
    ("citizen@demo.civo.example", 1, 43.6990, 7.2705, "Delivery vans at 5 am"),
    ("moderator@demo.civo.example", 2, 43.7150, 7.2540, "Jackhammers at the station"),
    ("citizen@demo.civo.example", 0, 43.6890, 7.2300, "Airport road traffic"),
    ("moderator@demo.civo.example", 1, 43.7005, 7.2790, "Bin lorries at midnight"),
)


def seed(session: Session) -> None:
    """The Nice noise map: a map phase of "Noise in the Métropole" with three categories
    and demo pins (added only where missing)."""
    from civo.services import accounts, items
    from civo.modules.map import services

    project = session.exec(select(Project).where(Project.title == DEMO_PROJECT)).first()
    if project is None:
        return
    phase = session.exec(select(Phase).where(Phase.project_id == project.id,
                                             Phase.module_key == "map")).first()
    if phase is None:
        last = session.exec(select(sa.func.max(Phase.position)).where(
            Phase.project_id == project.id)).one()
        phase = Phase(project_id=project.id, position=(last + 1) if last is not None else 0,
                      title=DEMO_PHASE, module_key="map", status="open", settings={},
                      description="Place a pin where a noise bothers you.")
        session.add(phase)
        session.flush()
    if session.get(MapArea, phase.id) is None:
        lat, lon, z = geo.PLACE_CENTRES["nice"]
        session.add(MapArea(phase_id=phase.id, centre_lat=lat, centre_lon=lon, zoom=z,
                            south=43.64, west=7.18, north=43.76, east=7.33, pins_inside=True))
    known = {c.name: c.id for c in session.exec(select(MapCategory).where(
        MapCategory.phase_id == phase.id))}
    for position, (name, colour, icon) in enumerate(DEMO_CATEGORIES):
        if name not in known:
            row = MapCategory(phase_id=phase.id, name=name, colour=colour, icon=icon,
                              position=position)
            session.add(row)
            session.flush()
            known[name] = row.id
    session.commit()
    if session.exec(select(Item.id).where(Item.phase_id == phase.id)).first() is not None:
        return
    for email, index, lat, lon, title in DEMO_PINS:
        user_id = session.exec(select(User.id).where(User.email == email)).first()
        if user_id is None:
            continue
        actor = accounts.actor_for(session=session, user_id=user_id)
        where = items.where_for_phase(session, phase.id)
        if not policy.can(actor, "item.contribute", where):
            continue
        services.place_pin(session=session, actor=actor, phase_id=phase.id, lat=lat, lon=lon,
                           category_id=known[DEMO_CATEGORIES[index][0]], title=title,
                           body="Heard here several times a week (demo pin).")



