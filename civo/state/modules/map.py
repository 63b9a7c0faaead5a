"""The map's states: the phase panel (map, synced list, pin card, the pin form), the
dashboard's area and categories, and the /map page over every followed map phase.

The map itself lives in an iframe (folium HTML, sent once per page); it talks to this
state through ``postMessage`` (:class:`MapMessages` below): views, clicks, opened pins.
Every message is untrusted — anything can post to the window — and is parsed, bounded and
validated here, then again by the services.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex_base.event import EventHandler
from reflex_base.vars.base import Var
from reflex_components_core.core.window_events import WindowEventListener

from civo.db import run_service
from civo.i18n import N_
from civo.modules.map import geo, render
from civo.modules.map import services as maps
from civo.services.errors import CivoError
from civo.state import live
from civo.state.participation import ParticipationViews
from civo.state.project import ProjectState

FRAME_ID = "map-frame"
MESSAGE_MAX = 400


def _message_spec(e: Var) -> tuple[Var[str]]:
    return (Var(f"(typeof {e}.data === 'string' ? {e}.data.slice(0, {MESSAGE_MAX}) : '')"
                ).to(str),)


class MapMessages(WindowEventListener):
    """Listens to ``message`` events on the window (the map iframe's postMessage); the
    handler keeps only Civo's own ("civo-map:…", at most 400 characters)."""

    on_message: EventHandler[_message_spec]


def _to_frame(message: dict[str, Any]) -> rx.event.EventSpec:
    """Post a message to the map iframe (it re-fetches, highlights, shows a draft)."""
    text = json.dumps("civo-map:" + json.dumps(message))
    return rx.call_script(f"(function(){{var f=document.getElementById('{FRAME_ID}');"
                          f"if(f&&f.contentWindow)f.contentWindow.postMessage({text},'*');}})()")


def parse_message(raw: Any) -> dict[str, Any] | None:
    """A message from the iframe as a dict, or None (not ours, too long, not JSON)."""
    if not isinstance(raw, str) or not raw.startswith("civo-map:") or len(raw) > MESSAGE_MAX:
        return None
    try:
        data = json.loads(raw[9:])
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("t"), str) else None


class MapBase(rx.State, mixin=True):
    """What the phase panel and the /map page share: the list beside the map, the card.

    A mixin, so each page's state has its own copy of these vars and handlers (a handler
    inherited from a parent state would run on the parent's instance)."""

    html: str = ""
    categories: list[dict[str, Any]] = []
    pins: list[dict[str, Any]] = []
    has_more: bool = False
    page: int = 1
    category: str = ""
    card: dict[str, Any] = {}
    chosen: int = 0
    tab: str = "map"
    error: str = ""
    _phase_ids: list[int] = []
    _box: list[float] = []
    _centre: list[float] = []
    _pages: list[int] = []
    _next: int | None = None

    def _labels(self) -> dict[str, str]:
        return {"map": self._t("Map of the pins. Arrow keys move the map, plus and minus "
                               "zoom; every pin is also in the list.")}

    def _config(self, area: geo.Area, cats: list[dict[str, Any]], *, placing: bool,
                pins: str) -> dict[str, Any]:
        return {"area": area.as_dict(), "categories": cats, "placing": placing,
                "pins": pins, "labels": self._labels()}

    async def _list(self, *, after: int = 0) -> None:
        box = maps.Box.parse(self._box) if self._box else None
        cat = int(self.category) if self.category.isdigit() else None
        rows, nxt = await run_service(maps.listing, actor=await self._actor(),
                                      phase_ids=self._phase_ids, box=box, category_id=cat,
                                      after=after, community_id=self._community_filter())
        names = {c["id"]: c for c in self.categories}
        self.pins = [{**r, "category_name": names.get(r["category"], {}).get("name", ""),
                      "colour": names.get(r["category"], {}).get("colour", "#495057")}
                     for r in rows]
        self._next, self.has_more = nxt, nxt is not None

    def _community_filter(self) -> int | None:
        return None

    async def _first_page(self) -> None:
        self._pages, self.page = [], 1
        await self._list()

    @rx.event
    async def next_page(self):
        if self._next is not None:
            self._pages = [*self._pages, self._next]
            self.page = len(self._pages) + 1
            await self._list(after=self._next)

    @rx.event
    async def previous_page(self):
        if self._pages:
            self._pages = self._pages[:-1]
            self.page = len(self._pages) + 1
            await self._list(after=self._pages[-1] if self._pages else 0)

    @rx.event
    async def filter_category(self, value: Any):
        value = str(value) if isinstance(value, (str, int)) else ""
        known = {str(c["id"]) for c in self.categories}
        self.category = value if value in known else ""
        await self._first_page()

    @rx.event
    def show_tab(self, tab: Any):
        self.tab = "list" if tab == "list" else "map"

    async def _open(self, item_id: Any) -> None:
        try:
            found = await run_service(maps.card, actor=await self._actor(), item_id=item_id)
        except CivoError as error:
            self.card, self.chosen = {}, 0
            self.error = self._error_text(error)
            return
        self.card, self.chosen, self.error = found, found["id"], ""

    @rx.event
    async def choose_pin(self, item_id: Any):
        """From the list (keyboard or pointer): highlight the pin on the map, open its
        card, and show the map tab on a phone."""
        if type(item_id) is not int:
            return
        await self._open(item_id)
        if self.chosen:
            return _to_frame({"t": "focus", "id": self.chosen})

    @rx.event
    def close_card(self):
        self.card, self.chosen = {}, 0

    async def _on_view(self, data: dict[str, Any]) -> None:
        box = maps.Box.parse(data.get("b"))
        centre = data.get("c")
        if box is None or not isinstance(centre, list) or len(centre) != 2:
            return
        try:
            self._centre = list(geo.coordinates(*centre))
        except CivoError:
            return
        self._box = [box.south, box.west, box.north, box.east]
        await self._first_page()

    async def _on_message(self, data: dict[str, Any]):
        kind = data["t"]
        if kind == "view":
            await self._on_view(data)
        elif kind == "open" and type(data.get("id")) is int:
            await self._open(data["id"])
        elif kind == "error":
            self.error = self._t("The pins could not be loaded. Reload the page to try again.")
        return None

    @rx.event
    async def on_map_message(self, raw: Any):
        data = parse_message(raw)
        if data is not None and self._phase_ids:
            return await self._on_message(data)


class MapState(MapBase, ParticipationViews):
    """One map phase's panel."""

    can_place: bool = False
    is_open: bool = False
    draft: dict[str, float] = {}
    draft_error: str = ""
    form_error: str = ""
    posted: str = ""
    image_attached: bool = False
    image_error: str = ""
    _pending_image: str = ""
    _phase_id: int = 0
    _community_id: int = 0
    _live_mark: str = ""

    @rx.event
    async def load(self):
        project = await self.get_state(ProjectState)
        self._phase_id = int(project.phase.get("id", 0) or 0)
        self._community_id = project._community_id
        self.error = self.form_error = self.draft_error = self.posted = ""
        self.draft, self.card, self.chosen, self.category, self.tab = {}, {}, 0, "", "map"
        self._box, self._centre = [], []
        actor = await self._actor()
        channel = live.space_channel(self._community_id)
        self._live_mark = live.HUB.mark(channel)
        try:
            found = await run_service(maps.setup, actor=actor, phase_id=self._phase_id)
        except CivoError as error:
            self.error, self.html, self._phase_ids = self._error_text(error), "", []
            return
        self._phase_ids = [found.phase_id]
        self.categories, self.can_place, self.is_open = (found.categories, found.can_place,
                                                          found.open)
        key = maps.viewer_key(actor.user_id)
        pins = f"/api/v1/modules/map/phases/{found.phase_id}/pins.geojson" + (
            f"?key={key}" if key else "")
        self._centre = [found.area.centre_lat, found.area.centre_lon]
        self.html = render.html(config=self._config(found.area, found.categories,
                                                    placing=found.can_place, pins=pins),
                                lang=self.lang, title=self._t("Map of the pins"))
        await self._first_page()
        if self._community_id:
            await self._join(channel, MapState.refresh_live)

    @rx.event
    async def refresh_live(self):
        """A new or changed item in this community: the list re-reads its page and the
        iframe re-fetches the pins (the map is not sent again)."""
        if not self._phase_id or not self._community_id:
            return
        seen = live.HUB.since(live.space_channel(self._community_id), self._live_mark)
        self._live_mark = seen.mark
        if seen.everything or seen.item:
            await self._list(after=self._pages[-1] if self._pages else 0)
            return _to_frame({"t": "reload"})

    async def _set_draft(self, lat: Any, lon: Any) -> None:
        self.posted = ""
        try:
            point = await run_service(_check_point, actor=await self._actor(),
                                      phase_id=self._phase_id, lat=lat, lon=lon)
        except CivoError as error:
            self.draft, self.draft_error = {}, self._error_text(error)
            return
        self.draft, self.draft_error = {"lat": point[0], "lon": point[1]}, ""

    async def _on_message(self, data: dict[str, Any]):
        if data["t"] == "click":
            if not self.can_place:
                return None
            await self._set_draft(data.get("lat"), data.get("lng"))
            return None
        return await super()._on_message(data)

    @rx.event
    async def place_at_centre(self):
        """The keyboard's way to place a pin: at the map's centre (move the map with the
        arrow keys first)."""
        if not self.can_place or len(self._centre) != 2:
            return
        await self._set_draft(*self._centre)
        if self.draft:
            return _to_frame({"t": "draft", "lat": self.draft["lat"],
                              "lng": self.draft["lon"]})

    @rx.event
    def use_my_location(self):
        """Asks the browser for the position only now (this click); nothing is kept but
        the pin the citizen may then post."""
        if not self.can_place:
            return
        return rx.call_script(
            "new Promise(function(ok){if(!navigator.geolocation){ok(null);return;}"
            "navigator.geolocation.getCurrentPosition(function(p){ok([p.coords.latitude,"
            "p.coords.longitude]);},function(){ok(null);},{timeout:15000,maximumAge:0});})",
            callback=MapState.located)

    @rx.event
    async def located(self, position: Any):
        if not isinstance(position, list) or len(position) != 2:
            self.draft_error = self._t("Your browser did not give a position. Click or tap "
                                       "the map instead.")
            return
        await self._set_draft(position[0], position[1])
        if self.draft:
            return _to_frame({"t": "draft", "lat": self.draft["lat"],
                              "lng": self.draft["lon"]})

    @rx.event
    def cancel_draft(self):
        self.draft, self.draft_error, self.form_error = {}, "", ""
        return _to_frame({"t": "clear"})

    @rx.event
    async def attach_image(self, files: list[rx.UploadFile]):
        from civo.services import images

        actor = await self._actor()
        if not files:
            return
        try:
            data = await files[0].read(images.MAX_BYTES + 1)
            name = await run_service(maps.accept_image, actor=actor, phase_id=self._phase_id,
                                     data=data)
        except CivoError as error:
            self.image_error, self.image_attached = self._error_text(error), False
            return
        previous, self._pending_image = self._pending_image, name
        self.image_attached, self.image_error = True, ""
        if previous:
            await run_service(_drop_image, actor=actor, name=previous)

    @rx.event
    async def remove_image(self):
        name, self._pending_image, self.image_attached = self._pending_image, "", False
        if name:
            await run_service(_drop_image, actor=await self._actor(), name=name)

    @rx.event
    async def place(self, form: dict[str, Any]):
        """Post the pin at the draft's place (coordinates checked again by the service)."""
        if not self.draft:
            self.form_error = self._t("Click or tap the map, or use a button above, to "
                                      "choose the place first.")
            return
        actor = await self._actor()
        try:
            item = await run_service(
                maps.place_pin, actor=actor, phase_id=self._phase_id,
                lat=self.draft["lat"], lon=self.draft["lon"],
                category_id=form.get("category", ""), title=form.get("title", ""),
                body=form.get("body", ""),
                anonymous=form.get("anonymous") in ("on", True, "true"),
                image=self._pending_image or None, image_alt=form.get("image_alt", ""))
        except CivoError as error:
            self.form_error = self._error_text(error)
            return
        self.form_error, self.draft, self._pending_image, self.image_attached = "", {}, "", False
        self.posted = self._t("Your pin is on the map.")
        await self._announce(self._community_id, new_item=True)
        await self._list(after=self._pages[-1] if self._pages else 0)
        await self._open(item.id)
        return [_to_frame({"t": "clear"}), _to_frame({"t": "reload"}),
                rx.set_value("pin-title", ""), rx.set_value("pin-body", "")]


def _check_point(*, session, actor, phase_id, lat, lon):
    where = maps._map_phase(session, actor, phase_id)
    return maps.check_point(session, where, lat, lon)


def _drop_image(*, session, actor, name):
    from civo.models.uploads import StoredFile
    from civo.services import uploads
    from sqlmodel import select

    if not isinstance(name, str) or not actor.signed_in:
        return
    mine = session.exec(select(StoredFile.id).where(
        StoredFile.name == name, StoredFile.owner_id == actor.user_id,
        StoredFile.attached_at.is_(None))).first()
    if mine is not None:
        uploads.discard(session, name)
        session.commit()


class MapAdminState(ParticipationViews):
    """The dashboard phase editor's map part: area and categories (admins only; the
    services check the policy on every call)."""

    areas: dict[str, dict[str, str]] = {}
    cats: dict[str, list[dict[str, Any]]] = {}
    errors: dict[str, str] = {}
    saved: dict[str, str] = {}

    async def _reload(self, phase_id: int) -> None:
        found = await run_service(maps.setup, actor=await self._actor(), phase_id=phase_id)
        if not found.can_configure:
            return
        a = found.area
        key = str(phase_id)
        self.areas = {**self.areas, key: {
            "lat": f"{a.centre_lat:.5f}", "lon": f"{a.centre_lon:.5f}", "zoom": str(a.zoom),
            "south": f"{a.south:.5f}" if a.explicit_bounds else "",
            "west": f"{a.west:.5f}" if a.explicit_bounds else "",
            "north": f"{a.north:.5f}" if a.explicit_bounds else "",
            "east": f"{a.east:.5f}" if a.explicit_bounds else "",
            "inside": "on" if a.pins_inside else ""}}
        # Each row names its phase: the remove button's event needs no outer loop variable.
        self.cats = {**self.cats, key: [{**c, "phase_id": phase_id}
                                        for c in found.categories]}

    def _fail(self, phase_id: int, error: CivoError) -> None:
        self.errors = {**self.errors, str(phase_id): self._error_text(error)}
        self.saved = {**self.saved, str(phase_id): ""}

    def _ok(self, phase_id: int, message: str) -> None:
        self.errors = {**self.errors, str(phase_id): ""}
        self.saved = {**self.saved, str(phase_id): self._t(message)}

    @rx.event
    async def load(self, phase_id: Any):
        if type(phase_id) is not int:
            return
        try:
            await self._reload(phase_id)
        except CivoError as error:
            self._fail(phase_id, error)

    @staticmethod
    def _phase(form: dict[str, Any]) -> int | None:
        raw = form.get("phase_id")
        return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else None

    @rx.event
    async def save_area(self, form: dict[str, Any]):
        phase_id = self._phase(form)
        if phase_id is None:
            return
        try:
            await run_service(maps.configure_area, actor=await self._actor(),
                              phase_id=phase_id, data=form)
            await self._reload(phase_id)
        except CivoError as error:
            self._fail(phase_id, error)
            return
        self._ok(phase_id, N_("The map's area was saved."))

    @rx.event
    async def add_category(self, form: dict[str, Any]):
        phase_id = self._phase(form)
        if phase_id is None:
            return
        try:
            await run_service(maps.add_category, actor=await self._actor(), phase_id=phase_id,
                              name=form.get("name", ""), colour=form.get("colour", ""),
                              icon=form.get("icon", ""))
            await self._reload(phase_id)
        except CivoError as error:
            self._fail(phase_id, error)
            return
        self._ok(phase_id, N_("The category was added."))
        return rx.set_value(f"map-{phase_id}-cat-name", "")

    @rx.event
    async def remove_category(self, phase_id: Any, category_id: Any):
        if type(phase_id) is not int:
            return
        try:
            await run_service(maps.remove_category, actor=await self._actor(),
                              phase_id=phase_id, category_id=category_id)
            await self._reload(phase_id)
        except CivoError as error:
            self._fail(phase_id, error)
            return
        self._ok(phase_id, N_("The category was removed."))


class MapPageState(MapBase, ParticipationViews):
    """/map: the pins of every open map phase in the communities the citizen follows (a
    visitor: the public ones), filterable by community and category."""

    communities: list[dict[str, Any]] = []
    phases: list[dict[str, Any]] = []
    community: str = ""
    _all_phase_ids: list[int] = []
    _phase_community: dict[int, int] = {}

    def _community_filter(self) -> int | None:
        return int(self.community) if self.community.isdigit() else None

    async def _build(self) -> None:
        actor = await self._actor()
        chosen = self._community_filter()
        ids = [p for p in self._all_phase_ids
               if chosen is None or self._phase_community.get(p) == chosen]
        self._phase_ids = ids
        self.card, self.chosen = {}, 0
        if not ids:
            self.html, self.pins, self.has_more = "", [], False
            return
        found = await run_service(_page_setup, actor=actor, phase_ids=ids)
        self.categories = found["categories"]
        key = maps.viewer_key(actor.user_id)
        pins = "/api/v1/modules/map/pins.geojson?phases=" + ",".join(map(str, ids)) + (
            f"&key={key}" if key else "")
        self.html = render.html(config=self._config(found["area"], found["categories"],
                                                    placing=False, pins=pins),
                                lang=self.lang, title=self._t("Map of the pins"))
        self._box = []
        await self._first_page()

    @rx.event
    async def load(self):
        self.error, self.category, self.community, self.tab = "", "", "", "map"
        found = await run_service(maps.open_phases, actor=await self._actor())
        self.phases = found
        self._all_phase_ids = [p["phase_id"] for p in found]
        self._phase_community = {p["phase_id"]: p["community_id"] for p in found}
        self.communities = list({p["community_id"]: {"id": p["community_id"],
                                                     "name": p["community"]}
                                 for p in found}.values())
        await self._build()

    @rx.event
    async def filter_community(self, value: Any):
        value = str(value) if isinstance(value, (str, int)) else ""
        self.community = value if value in {str(c["id"]) for c in self.communities} else ""
        self.category = ""
        await self._build()


def _page_setup(*, session, actor, phase_ids: list[int]) -> dict[str, Any]:
    """The categories of the shown phases and an area around the first one."""
    from civo.models import Phase

    cats: list[dict[str, Any]] = []
    area = None
    for phase_id in phase_ids:
        where = maps._map_phase(session, actor, phase_id)
        cats += maps.categories(session, phase_id)
        if area is None:
            area = maps.area_for(session, where.phase)
    if len(phase_ids) > 1 or area is None:
        first = session.get(Phase, phase_ids[0])
        base = maps.area_for(session, first)
        area = geo.area(centre_lat=base.centre_lat, centre_lon=base.centre_lon,
                        zoom_level=max(base.zoom - 3, 3), bounds=None, pins_inside=False)
    return {"area": area, "categories": cats}
