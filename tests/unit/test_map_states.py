"""Map handlers called directly, as a crafted websocket client would: every refusal is a
message, nothing is stored, the frames stay small."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from civo.models.participation import Item
from civo.modules.map import services as maps
from civo.modules.map.models import MapCategory, MapPin
from civo.services import sessions
from civo.state.modules.map import MapAdminState, MapPageState, MapState, parse_message
from civo.state.project import ProjectState
from tests.unit.conftest import community, with_session
from tests.unit.test_map import make_nice
from tests.unit.test_states import _call, _count, _state


@pytest.fixture()
def nice(session):
    return make_nice(session)


async def _panel(session, n, user_id=None):
    state = await _state(MapState)
    if user_id is not None:
        with_session(state, sessions.start(session=session, user_id=user_id))
    project = await state.get_state(ProjectState)
    project.phase = {"id": n["phase"], "open": True}
    project._community_id = community(session, "Métropole Nice Côte d'Azur").id
    await _call(state, "load")
    return state


def _msg(**data) -> str:
    return "civo-map:" + json.dumps(data)


async def test_the_panel_sends_the_map_once_without_pins_and_a_small_frame(session, nice):
    for k in range(30):
        maps.place_pin(session=session, actor=nice["a"], phase_id=nice["phase"],
                       lat=43.70 + k / 1000, lon=7.26, category_id=nice["cat"],
                       title=f"Pin {k}", body="Loud.")
    state = await _panel(session, nice, nice["b"].user_id)
    assert state.can_place and "/map-lib/leaflet.js" in state.html
    assert "cdn" not in state.html.lower() and "Pin 3" not in state.html
    assert "pins.geojson?key=" in state.html
    assert len(state.pins) == 20 and state.has_more
    size = len(json.dumps(state.dict()[state.get_full_name()], default=str))
    assert size < 20_000, size


@pytest.mark.parametrize("raw", [
    _msg(t="click", lat="NaN", lng=7.26), _msg(t="click", lat=1e309, lng=7.26),
    _msg(t="click", lat=[1], lng=7.26), _msg(t="click", lat=95, lng=7.26),
    _msg(t="click", lat=48.85, lng=2.35)])
async def test_crafted_clicks_are_refused_with_a_message(session, nice, raw):
    state = await _panel(session, nice, nice["a"].user_id)
    await _call(state, "on_map_message", raw)
    assert state.draft == {} and state.draft_error
    await _call(state, "place", {"title": "T", "body": "B", "category": str(nice["cat"])})
    assert state.form_error and _count(session, Item) == 0


async def test_outside_the_area_says_so(session, nice):
    state = await _panel(session, nice, nice["a"].user_id)
    await _call(state, "on_map_message", _msg(t="click", lat=48.85, lng=2.35))
    assert state.draft_error == ("This place is outside the area of this map: place the pin "
                                 "inside it.")


@pytest.mark.parametrize("raw", [None, 12, "", "hello", "civo-map:{", "civo-map:[1]",
                                 "civo-map:" + "x" * 500, _msg(t="open", id="1 or 1"),
                                 _msg(t="view", b="x", c=[1, 2])])
async def test_garbage_messages_change_nothing(session, nice, raw):
    state = await _panel(session, nice, nice["a"].user_id)
    await _call(state, "on_map_message", raw)
    assert state.draft == {} and state.card == {}


async def test_a_click_then_the_form_places_a_pin_and_the_iframe_refetches(session, nice):
    state = await _panel(session, nice, nice["a"].user_id)
    await _call(state, "on_map_message", _msg(t="click", lat=43.7001, lng=7.2601))
    assert state.draft == {"lat": 43.7001, "lon": 7.2601}
    out = await _call(state, "place", {"title": "Horns", "body": "All night.",
                                       "category": str(nice["cat"])})
    assert state.posted and state.form_error == ""
    pin = session.exec(select(MapPin)).one()
    assert (pin.lat, pin.lon) == (43.7001, 7.2601)
    assert "reload" in str(out) and state.card["title"] == "Horns"


async def test_keyboard_places_at_the_centre_and_opens_from_the_list(session, nice):
    first = maps.place_pin(session=session, actor=nice["a"], phase_id=nice["phase"],
                           lat=43.70, lon=7.26, category_id=nice["cat"], title="A's pin",
                           body="x")
    state = await _panel(session, nice, nice["b"].user_id)
    await _call(state, "place_at_centre")
    assert state.draft == {"lat": 43.7034, "lon": 7.2663}
    out = await _call(state, "choose_pin", first.id)
    assert state.card["title"] == "A's pin" and 'focus' in str(out)
    await _call(state, "choose_pin", "1; DROP")
    assert state.chosen == first.id


async def test_visitors_cannot_place_even_with_crafted_calls(session, nice):
    state = await _panel(session, nice)
    assert not state.can_place
    await _call(state, "on_map_message", _msg(t="click", lat=43.7, lng=7.26))
    await _call(state, "place_at_centre")
    assert state.draft == {}
    state.draft = {"lat": 43.7, "lon": 7.26}  # forged by a client: the server still refuses
    await _call(state, "place", {"title": "T", "body": "B", "category": str(nice["cat"])})
    assert state.form_error == "Please sign in to continue." and _count(session, Item) == 0


async def test_only_admins_change_the_area_and_categories(session, nice):
    citizen = await _state(MapAdminState)
    with_session(citizen, sessions.start(session=session, user_id=nice["a"].user_id))
    await _call(citizen, "add_category", {"phase_id": str(nice["phase"]), "name": "X",
                                          "colour": "#000000", "icon": "pin"})
    await _call(citizen, "save_area", {"phase_id": str(nice["phase"]), "lat": "0",
                                       "lon": "0", "zoom": "3"})
    await _call(citizen, "remove_category", nice["phase"], nice["cat"])
    assert citizen.errors[str(nice["phase"])] == "You are not allowed to do that."
    assert _count(session, MapCategory) == 3
    admin = await _state(MapAdminState)
    with_session(admin, sessions.start(session=session, user_id=nice["admin"].user_id))
    await _call(admin, "load", nice["phase"])
    assert len(admin.cats[str(nice["phase"])]) == 3
    await _call(admin, "save_area", {"phase_id": str(nice["phase"]), "lat": "abc",
                                     "lon": "7", "zoom": "3"})
    assert admin.errors[str(nice["phase"])].startswith("Centre latitude") or \
        "number" in admin.errors[str(nice["phase"])]
    await _call(admin, "add_category", {"phase_id": str(nice["phase"]), "name": "Music",
                                        "colour": "#112233", "icon": "music"})
    assert len(admin.cats[str(nice["phase"])]) == 4


async def test_map_page_shows_followed_open_maps(session, nice):
    state = await _state(MapPageState)
    with_session(state, sessions.start(session=session, user_id=nice["a"].user_id))
    await _call(state, "load")
    assert [p["phase_id"] for p in state.phases] == [nice["phase"]]
    assert "pins.geojson?phases=" in state.html
    await _call(state, "filter_community", "999")
    assert state.community == ""


def test_parse_message_bounds():
    assert parse_message(_msg(t="view")) == {"t": "view"}
    assert parse_message("civo-map:" + json.dumps({"t": 1})) is None
