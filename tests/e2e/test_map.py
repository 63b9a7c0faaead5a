"""The map consultation in the browser (issue 13's "Done means"): the Nice admin sets up a
map phase of "Noise in the Métropole" with three categories; citizen A places a pin by
clicking; citizen B, keyboard only, places one at the map's centre, opens A's pin from the
list and reacts; A's open map shows B's pin without a reload; a pin outside the area is
refused with its message; at 360 px the map and the list are two tabs; axe-core finds no
serious or critical violation. No tile server is configured: the plain background."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto, new_context
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_participation import _account, _project_id, sign_in

PROJECT = "Noise in the Métropole"
CATEGORIES = (("Traffic noise", "#c92a2a", "car"), ("Night-time noise", "#5f3dc4", "moon"),
              ("Building works", "#e67700", "hammer"))


def _nice_admin() -> str:
    from civo.db import make_engine
    from civo.models import Community, CommunityRole, User

    email = _account("Nice", "Nadia Niçoise")
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        user_id = session.exec(select(User.id).where(User.email == email)).one()
        metro = session.exec(select(Community.id).where(
            Community.name == "Métropole Nice Côte d'Azur")).one()
        session.add(CommunityRole(user_id=user_id, community_id=metro))
        session.commit()
    engine.dispose()
    return email


def _phase_id(title: str) -> int:
    from civo.db import make_engine
    from civo.models import Phase

    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        found = session.exec(select(Phase.id).where(Phase.title == title)).one()
    engine.dispose()
    return found


def _desktop(browser: Browser, **options) -> Page:
    context = new_context(browser, viewport=options.pop("viewport",
                                                        {"width": 1200, "height": 950}),
                          locale="en-GB", **options)
    return context.new_page()


def _map_ready(page: Page):
    frame = page.frame_locator("#map-frame")
    expect(frame.locator("body[data-ready='1']")).to_be_attached()
    return frame


def test_admin_sets_up_a_map_citizens_place_pins_by_click_and_keyboard(browser: Browser,
                                                                      base_url: str):
    admin_email = _nice_admin()
    a_email, b_email = _account("Nice", "Anna Arnaud"), _account("Nice", "Ben Blanc")
    admin, a, b = _desktop(browser), _desktop(browser), _desktop(browser)
    title = f"Noise map {uuid.uuid4().hex[:6]}"
    try:
        # The Nice admin adds a map phase, opens it, sets a small area and 3 categories.
        sign_in(admin, base_url, admin_email)
        goto(admin, base_url, f"/admin/p/{_project_id(PROJECT)}")
        admin.locator("#new-phase-title").fill(title)
        admin.locator("#new-phase-module").select_option("map")
        admin.locator("#phase-add").click()
        phase = admin.locator("#admin-phases > li").filter(has_text=title)
        expect(phase).to_be_visible()
        phase.locator("select[name=status]").select_option("open")
        phase.get_by_role("button", name="Save the phase").click()
        expect(admin.locator("#admin-notice")).to_contain_text("Phase saved")
        phase = admin.locator("#admin-phases > li").filter(has_text=title)
        phase.get_by_role("button", name="Edit the map's area and categories").click()
        for label, value in (("Centre latitude", "43.7034"), ("Centre longitude", "7.2663"),
                             ("Zoom", "13"), ("South", "43.690"), ("West", "7.245"),
                             ("North", "43.716"), ("East", "7.290")):
            phase.get_by_label(label, exact=True).fill(value)
        phase.get_by_role("button", name="Save the map's area").click()
        expect(phase.get_by_role("status")).to_contain_text("area was saved")
        for name, colour, icon in CATEGORIES:
            phase.get_by_label("Name", exact=True).fill(name)
            phase.get_by_label("Colour").fill(colour)
            phase.get_by_label("Icon").select_option(icon)
            phase.get_by_role("button", name="Add the category").click()
            expect(phase.locator("[id$=-categories]")).to_contain_text(name)
        path = f"/p/{_project_id(PROJECT)}/{_phase_id(title)}"

        # Citizen A clicks the map at its centre: the form, with the public notice.
        sign_in(a, base_url, a_email)
        goto(a, base_url, path)
        frame = _map_ready(a)
        box = a.locator("#map-frame").bounding_box()
        # Outside the area (a corner of the map): refused with its message, no form.
        a.mouse.click(box["x"] + box["width"] - 25, box["y"] + 80)
        expect(a.locator("#pin-place-error")).to_contain_text("outside the area")
        expect(a.locator("#pin-title")).to_have_count(0)
        box = a.locator("#map-frame").bounding_box()  # the message moved the map down
        a.mouse.click(box["x"] + box["width"] / 2 + 10, box["y"] + box["height"] / 2 + 10)
        expect(a.locator("#pin-public-notice")).to_contain_text("Do not mark a private home")
        a_title = f"Scooters at night {uuid.uuid4().hex[:4]}"
        a.locator("#pin-title").fill(a_title)
        a.locator("#pin-body").fill("Every night after midnight on this corner.")
        a.locator("#pin-category").select_option(label="Night-time noise")
        a.locator("#pin-submit").click()
        expect(a.locator("#pin-posted")).to_contain_text("Your pin is on the map")
        expect(frame.locator("body")).to_have_attribute("data-pins", "1")
        expect(a.locator("#map-list")).to_contain_text(a_title)

        # Citizen B, keyboard only: pans the map, places a pin at its centre.
        sign_in(b, base_url, b_email)
        goto(b, base_url, path)
        b_frame = _map_ready(b)
        b_frame.locator(".leaflet-container").focus()
        b.keyboard.press("ArrowUp")
        b.locator("#pin-at-centre").focus()
        b.keyboard.press("Enter")
        expect(b.locator("#pin-public-notice")).to_be_visible()
        b.locator("#pin-title").focus()
        b_title = f"Drilling from 7 am {uuid.uuid4().hex[:4]}"
        b.keyboard.type(b_title)
        b.keyboard.press("Tab")
        b.keyboard.type("Building works start too early.")
        b.locator("#pin-category").focus()
        b.keyboard.press("ArrowDown")
        b.locator("#pin-submit").focus()
        b.keyboard.press("Enter")
        expect(b.locator("#pin-posted")).to_be_visible()

        # A's open map shows B's pin without a reload (the iframe fetched the pins again).
        expect(frame.locator("body")).to_have_attribute("data-pins", "2")
        expect(a.locator("#map-list")).to_contain_text(b_title)

        # B opens A's pin from the list (keyboard), its card, then its page, and reacts.
        entry = b.locator("#map-list button").filter(has_text=a_title)
        entry.focus()
        b.keyboard.press("Enter")
        expect(entry).to_have_attribute("aria-pressed", "true")
        expect(b.locator("#pin-card")).to_contain_text("Night-time noise")
        expect(b_frame.locator(".civo-pin-on")).to_have_count(1)
        b.locator("#pin-card-link").focus()
        b.keyboard.press("Enter")
        expect(b).to_have_url(re.compile(r"/i/\d+/?$"))
        expect(b.locator("main h1")).to_contain_text(a_title)
        b.locator("#react-item-inspiring").focus()
        b.keyboard.press("Enter")
        expect(b.locator("#react-item-inspiring")).to_have_attribute("aria-pressed", "true")

        # No serious or critical accessibility violation on the map pages.
        for page, where in ((a, path), (a, "/map")):
            goto(page, base_url, where)
            _map_ready(page)
            assert not serious_violations(page), (where, serious_violations(page))
    finally:
        for page in (admin, a, b):
            page.context.close()


def test_phone_layout_shows_map_and_list_as_tabs_and_the_map_page(browser: Browser,
                                                                   base_url: str):
    phone = _desktop(browser, viewport={"width": 360, "height": 760})
    try:
        path = f"/p/{_project_id(PROJECT)}/{_phase_id('Noise map')}"
        goto(phone, base_url, path)
        _map_ready(phone)
        expect(phone.locator("#map-tab-map")).to_have_attribute("aria-selected", "true")
        expect(phone.locator("#map-frame")).to_be_visible()
        expect(phone.locator("#map-list")).to_be_hidden()
        phone.locator("#map-tab-list").click()
        expect(phone.locator("#map-list")).to_be_visible()
        expect(phone.locator("#map-frame")).to_be_hidden()
        expect(phone.locator("#map-list button").first).to_be_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, width
        # /map for a visitor: the public open maps, the demo pins among them.
        goto(phone, base_url, "/map")
        frame = _map_ready(phone)
        assert int(frame.locator("body").get_attribute("data-pins")) >= 8
        assert not serious_violations(phone)
    finally:
        phone.context.close()
