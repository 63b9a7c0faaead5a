"""The map module: areas, categories, pins from untrusted coordinates, GeoJSON, the list."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo import policy
from civo.models import CommunityRole, Phase, Project
from civo.models.participation import Item, Moderation
from civo.modules.map import hooks, services
from civo.modules.map.models import MapArea, MapCategory, MapPin
from civo.services import items, opendata
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user


def _count(session, model) -> int:
    return session.exec(select(sa.func.count()).select_from(model)).one()


@pytest.fixture()
def nice(session):
    return make_nice(session)


def make_nice(session):
    """The Nice noise map (the module's seed: area and three categories), two Nice
    citizens, an unconfirmed one and an admin of the Métropole."""
    hooks.seed(session)
    phase = session.exec(select(Phase).where(Phase.module_key == "map")).one()
    a = make_user(session, email="a@example.org", home="Nice", name="Anna A")
    b = make_user(session, email="b@example.org", home="Nice", name="Ben B")
    new = make_user(session, email="new@example.org", home="Nice", confirmed=False)
    admin = make_user(session, email="admin@example.org", home="Nice", name="Nice Admin")
    session.add(CommunityRole(user_id=admin,
                              community_id=community(session, "Métropole Nice Côte d'Azur").id))
    session.commit()
    cats = services.categories(session, phase.id)
    return {"phase": phase.id, "a": actor(session, a), "b": actor(session, b),
            "new": actor(session, new), "admin": actor(session, admin),
            "cat": cats[0]["id"], "cats": cats}


def _pin(session, who, n, lat=43.70, lon=7.26, category=None, title="Loud scooters", **kw):
    return services.place_pin(session=session, actor=who, phase_id=n["phase"], lat=lat,
                              lon=lon, category_id=n["cat"] if category is None else category,
                              title=title, body=kw.pop("body", "At night."), **kw)


def test_seed_makes_the_noise_map_with_three_categories_once(session, nice):
    assert [c["name"] for c in nice["cats"]] == ["Traffic noise", "Night-time noise",
                                                 "Building works"]
    hooks.seed(session)
    assert _count(session, MapCategory) == 3 and _count(session, MapArea) == 1
    project = session.exec(select(Project).join(Phase, Phase.project_id == Project.id)
                           .where(Phase.id == nice["phase"])).one()
    assert project.title == "Noise in the Métropole"


def test_a_citizen_places_a_pin_that_is_an_item_with_its_place(session, nice):
    item = _pin(session, nice["a"], nice)
    assert item.module_key == "map" and item.kind == "pin"
    pin = session.get(MapPin, item.id)
    assert (pin.lat, pin.lon, pin.category_id) == (43.7, 7.26, nice["cat"])
    # The core sees an item: the author already read it, it is on the item page.
    view = items.view(session=session, actor=nice["b"], item_id=item.id)
    assert view.title == "Loud scooters" and view.can_react and view.can_comment


@pytest.mark.parametrize(("lat", "lon", "message"), [
    ("abc", 7.26, "{label}: enter a number."),
    (float("nan"), 7.26, "{label}: enter a number."),
    ("NaN", 7.26, "{label}: enter a number."),
    (43.7, float("inf"), "{label}: enter a number."),
    (43.7, "-Infinity", "{label}: enter a number."),
    (None, 7.26, "{label}: enter a number."),
    (True, 7.26, "{label}: enter a number."),
    ([43.7], 7.26, "{label}: enter a number."),
    ({"x": 1}, 7.26, "{label}: enter a number."),
    ("1" * 40, 7.26, "{label}: enter a number."),
    (91, 7.26, "The latitude must be between -90 and 90."),
    (-90.5, 7.26, "The latitude must be between -90 and 90."),
    (43.7, 181, "The longitude must be between -180 and 180."),
    (48.8566, 2.3522, "This place is outside the area of this map: place the pin inside it."),
])
def test_untrusted_coordinates_are_refused_with_a_message_and_nothing_saved(
        session, nice, lat, lon, message):
    with pytest.raises(ValidationError) as err:
        _pin(session, nice["a"], nice, lat=lat, lon=lon)
    assert err.value.message == message
    assert _count(session, Item) == 0 and _count(session, MapPin) == 0


def test_outside_is_allowed_when_the_area_does_not_require_inside(session, nice):
    services.configure_area(session=session, actor=nice["admin"], phase_id=nice["phase"],
                            data={"lat": "43.70", "lon": "7.26", "zoom": "12"})
    assert _pin(session, nice["a"], nice, lat=48.8566, lon=2.3522).id


def test_category_must_be_one_of_the_map(session, nice):
    other = session.exec(select(MapCategory.id)).all()
    for bad in (None, "", 999_999, "x", True, [nice["cat"]]):
        with pytest.raises(ValidationError, match="Choose a category"):
            services.place_pin(session=session, actor=nice["a"], phase_id=nice["phase"],
                               lat=43.7, lon=7.26, category_id=bad, title="T", body="B")
    assert len(other) == 3 and _count(session, Item) == 0
    assert _pin(session, nice["a"], nice, category=str(nice["cat"])).id  # a form's text


def test_bad_title_and_text_store_nothing(session, nice):
    for title, body in (("", "text"), ("x" * 121, "t"), ("T", ""), (None, "t")):
        with pytest.raises(ValidationError):
            _pin(session, nice["a"], nice, title=title, body=body)
    assert _count(session, Item) == 0 and _count(session, MapPin) == 0


def test_visitors_unconfirmed_and_closed_phase_are_refused(session, nice):
    with pytest.raises(PermissionDenied):
        _pin(session, policy.ANONYMOUS, nice)
    with pytest.raises(PermissionDenied, match="Confirm your email"):
        _pin(session, nice["new"], nice)
    phase = session.get(Phase, nice["phase"])
    phase.status = "closed"
    session.add(phase)
    session.commit()
    with pytest.raises(ValidationError, match="closed"):
        _pin(session, nice["a"], nice)
    with pytest.raises(NotFound):
        services.place_pin(session=session, actor=nice["a"], phase_id="1; DROP", lat=1,
                           lon=1, category_id=1, title="t", body="b")
    assert _count(session, Item) == 0


def test_pins_only_in_map_phases(session, nice):
    debate = session.exec(select(Phase).where(Phase.module_key == "debate")).first()
    with pytest.raises(NotFound):
        services.place_pin(session=session, actor=nice["a"], phase_id=debate.id, lat=43.7,
                           lon=7.26, category_id=nice["cat"], title="t", body="b")


def test_only_the_community_admins_configure_the_map(session, nice):
    data = {"lat": "43.7", "lon": "7.26", "zoom": "13", "south": "43.6", "west": "7.1",
            "north": "43.8", "east": "7.4", "pins_inside": "on"}
    for who in (policy.ANONYMOUS, nice["a"]):
        with pytest.raises(PermissionDenied):
            services.configure_area(session=session, actor=who, phase_id=nice["phase"],
                                    data=data)
        with pytest.raises(PermissionDenied):
            services.add_category(session=session, actor=who, phase_id=nice["phase"],
                                  name="Music", colour="#000000", icon="music")
        with pytest.raises(PermissionDenied):
            services.remove_category(session=session, actor=who, phase_id=nice["phase"],
                                     category_id=nice["cat"])
    area = services.configure_area(session=session, actor=nice["admin"],
                                   phase_id=nice["phase"], data=data)
    assert area.pins_inside and area.north == 43.8 and area.explicit_bounds
    new = services.add_category(session=session, actor=nice["admin"], phase_id=nice["phase"],
                                name="Music", colour="#AABBCC", icon="music")
    assert services.categories(session, nice["phase"])[-1] == {
        "id": new, "name": "Music", "colour": "#aabbcc", "icon": "music", "glyph": "♪"}


@pytest.mark.parametrize(("data", "message"), [
    ({"lat": "x", "lon": "7", "zoom": "3"}, "{label}: enter a number."),
    ({"lat": "43", "lon": "7", "zoom": "33"}, "The zoom must be a whole number from {a} to {b}."),
    ({"lat": "43", "lon": "7", "zoom": "2.5"}, "The zoom must be a whole number from {a} to {b}."),
    ({"lat": "43", "lon": "7", "zoom": "3", "south": "44", "west": "7", "north": "43",
      "east": "8"}, "The bounds must have south below north and west left of east."),
    ({"lat": "10", "lon": "7", "zoom": "3", "south": "43", "west": "6", "north": "44",
      "east": "8"}, "The centre must lie inside the bounds."),
    ({"lat": "43", "lon": "7", "zoom": "3", "south": "43"}, "{label}: enter a number."),
])
def test_bad_areas_are_refused_and_the_old_one_stays(session, nice, data, message):
    with pytest.raises(ValidationError) as err:
        services.configure_area(session=session, actor=nice["admin"], phase_id=nice["phase"],
                                data=data)
    assert err.value.message == message
    assert session.get(MapArea, nice["phase"]).north == 43.76


def test_categories_validated_unique_and_kept_while_used(session, nice):
    admin, phase = nice["admin"], nice["phase"]
    for name, colour, icon, match in (("", "#000000", "pin", "empty"),
                                      ("X", "red", "pin", "colour"),
                                      ("X", "#000000", "<script>", "icons"),
                                      ("Traffic noise", "#000000", "pin", "already")):
        with pytest.raises(ValidationError, match=match):
            services.add_category(session=session, actor=admin, phase_id=phase, name=name,
                                  colour=colour, icon=icon)
    assert _count(session, MapCategory) == 3
    _pin(session, nice["a"], nice)
    with pytest.raises(ValidationError, match="use this category"):
        services.remove_category(session=session, actor=admin, phase_id=phase,
                                 category_id=nice["cat"])
    services.remove_category(session=session, actor=admin, phase_id=phase,
                             category_id=nice["cats"][2]["id"])
    assert _count(session, MapCategory) == 2


def test_default_area_comes_from_the_community_place(session, nice):
    phase = session.get(Phase, nice["phase"])
    session.delete(session.get(MapArea, phase.id))
    session.commit()
    area = services.area_for(session, phase)
    assert (area.centre_lat, area.centre_lon) == (43.75, 7.2) and area.pins_inside
    assert area.contains(43.75, 7.2) and not area.contains(48.85, 2.35)


def test_geojson_has_ids_coordinates_categories_only_and_follows_moderation(session, nice):
    one = _pin(session, nice["a"], nice, lat=43.70, lon=7.26)
    two = _pin(session, nice["b"], nice, lat=43.71, lon=7.27, title="Bars")
    gone = _pin(session, nice["b"], nice, lat=43.72, lon=7.28, title="Deleted")
    items.delete(session=session, actor=nice["b"], item_id=gone.id)
    session.execute(sa.update(Item).where(Item.id == two.id)
                    .values(moderation=Moderation.HIDDEN.value))
    session.commit()
    data = services.geojson(session=session, actor=policy.ANONYMOUS, phase_id=nice["phase"])
    assert data == {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": one.id,
         "geometry": {"type": "Point", "coordinates": [7.26, 43.7]},
         "properties": {"c": nice["cat"]}}]}


def test_private_map_pins_need_a_member_and_a_valid_viewer_key(session, nice):
    from civo.models import Community, Membership

    _pin(session, nice["a"], nice)
    metro = community(session, "Métropole Nice Côte d'Azur")
    session.execute(sa.update(Community).where(Community.id == metro.id).values(is_private=True))
    session.add(Membership(user_id=nice["a"].user_id, community_id=metro.id))
    session.commit()
    with pytest.raises(NotFound):
        services.geojson(session=session, actor=policy.ANONYMOUS, phase_id=nice["phase"])
    with pytest.raises(NotFound):
        services.geojson(session=session, actor=actor(session, nice["b"].user_id),
                         phase_id=nice["phase"])
    key = services.viewer_key(nice["a"].user_id)
    member = services.viewer(session=session, key=key)
    assert len(services.geojson(session=session, actor=member,
                                phase_id=nice["phase"])["features"]) == 1
    with pytest.raises(ValidationError):
        services.viewer(session=session, key=key[:-2] + "xx")
    assert services.viewer(session=session, key="") == policy.ANONYMOUS


def test_list_shows_pins_inside_the_visible_box_by_category_20_a_page(session, nice):
    other = nice["cats"][1]["id"]
    for n in range(25):
        _pin(session, nice["a"], nice, lat=43.70 + n * 0.001, lon=7.26, title=f"P{n}")
    _pin(session, nice["b"], nice, lat=43.65, lon=7.20, category=other, title="Far")
    box = services.Box.parse([43.69, 7.25, 43.73, 7.27])
    rows, after = services.listing(session=session, actor=nice["b"],
                                   phase_ids=[nice["phase"]], box=box, category_id=None)
    assert len(rows) == 20 and after is not None
    more, end = services.listing(session=session, actor=nice["b"], phase_ids=[nice["phase"]],
                                 box=box, category_id=None, after=after)
    assert len(more) == 5 and end is None
    assert "Far" not in {r["title"] for r in rows + more}
    only, _ = services.listing(session=session, actor=nice["b"], phase_ids=[nice["phase"]],
                               box=None, category_id=other)
    assert [r["title"] for r in only] == ["Far"]
    for bad in ("x", [1, 2, 3], [math.nan, 1, 2, 3], [100, 0, 0, 0], None):
        assert services.Box.parse(bad) is None


def test_card_loads_title_category_counts_and_link(session, nice):
    item = _pin(session, nice["a"], nice)
    card = services.card(session=session, actor=policy.ANONYMOUS, item_id=item.id)
    assert card["title"] == "Loud scooters" and card["category"] == "Traffic noise"
    assert card["href"] == f"/i/{item.id}" and card["comments"] == 0
    with pytest.raises(NotFound):
        services.card(session=session, actor=policy.ANONYMOUS, item_id="1 or 1=1")


def test_open_data_and_download_include_the_place(session, nice):
    item = _pin(session, nice["a"], nice)
    row = opendata.contribution(session=session, contribution_id=item.id)
    assert row.details == {"lat": "43.700000", "lon": "7.260000", "category": "Traffic noise"}
    assert "lat" in opendata.csv_columns()
    mine = hooks.personal_data(session, nice["a"].user_id)
    assert mine["map_pins"][0]["item_id"] == item.id


def test_map_page_lists_open_map_phases_of_followed_communities(session, nice):
    assert [p["phase_id"] for p in services.open_phases(session=session, actor=nice["a"])] \
        == [nice["phase"]]
    assert services.open_phases(session=session, actor=policy.ANONYMOUS)
    paris = make_user(session, email="p@example.org", home="Paris")
    assert services.open_phases(session=session, actor=actor(session, paris)) == []
