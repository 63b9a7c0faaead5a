"""Map UI: the phase panel (the map in an iframe, the synced list beside it — two tabs on a
phone —, the pin card, the pin form), the item page's part, the dashboard's area and
categories, the closed map's results, and the /map overview."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.components.i18n import t
from civo.components.participation import anonymous_checkbox, error_callout, text_field, \
    textarea_field
from civo.components.backend import backend_url
from civo.components.uploads import image_upload
from civo.i18n import N_
from civo.modules.map.geo import ICONS
from civo.state.base import AppState
from civo.state.item import ItemState
from civo.state.modules.map import (
    FRAME_ID,
    MapAdminState,
    MapBase,
    MapMessages,
    MapPageState,
    MapState,
)
from civo.state.project import ProjectState

ICON_LABELS = {"pin": N_("Dot"), "car": N_("Car"), "moon": N_("Moon"), "hammer": N_("Hammer"),
               "music": N_("Music"), "tree": N_("Tree"), "bike": N_("Bicycle"),
               "bus": N_("Bus"), "alert": N_("Warning"), "star": N_("Star")}

STYLE = """
.map-layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(16rem,2fr);gap:1rem}
.map-frame{width:100%;height:min(70vh,560px);border:1px solid var(--gray-8);border-radius:6px}
.map-tabs{display:none}
.map-list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.25rem}
.map-entry{display:flex;gap:.5rem;align-items:center;width:100%;text-align:left;
  padding:.5rem;border:1px solid var(--gray-7);border-radius:6px;background:var(--color-panel);
  color:var(--gray-12);font:inherit;cursor:pointer;min-height:44px}
.map-entry[aria-pressed=true]{outline:3px solid var(--accent-9);outline-offset:1px}
.map-entry:focus-visible{outline:3px solid var(--accent-9)}
.map-dot{display:inline-block;width:.9rem;height:.9rem;border-radius:50%;flex:none;
  border:1px solid #1c1c1c}
@media (max-width: 767px){
  .map-layout{display:block}
  .map-tabs{display:flex;gap:.5rem;margin-bottom:.5rem}
  .map-pane{display:none}
  .map-pane.is-active{display:block}
  .map-frame{height:60vh}
}
"""


def _dot(colour: rx.Var) -> rx.Component:
    return rx.el.span(class_name="map-dot", style={"background": colour}, aria_hidden="true")


def _tabs(state: type[MapBase]) -> rx.Component:
    def tab(key: str, label: str) -> rx.Component:
        return rx.button(t(label), type="button", role="tab", id=f"map-tab-{key}",
                         aria_selected=rx.cond(state.tab == key, "true", "false"),
                         aria_controls=f"map-pane-{key}",
                         variant=rx.cond(state.tab == key, "solid", "soft"),
                         high_contrast=True, on_click=state.show_tab(key))

    return rx.el.div(tab("map", N_("Map")), tab("list", N_("List")), role="tablist",
                     aria_label=t("Show the map or the list"), class_name="map-tabs")


def _pane(state: type[MapBase], key: str, *children: rx.Component) -> rx.Component:
    return rx.el.div(*children, id=f"map-pane-{key}",
                     class_name=rx.cond(state.tab == key, "map-pane is-active", "map-pane"))


def _frame(state: type[MapBase]) -> rx.Component:
    return rx.el.iframe(src_doc=state.html, id=FRAME_ID, class_name="map-frame",
                        title=t("Map of the pins"), custom_attrs={"data-backend": backend_url("")})


def _card(state: type[MapBase]) -> rx.Component:
    c = state.card
    return rx.cond(state.chosen != 0, rx.card(rx.vstack(
        rx.hstack(_dot(c["colour"].to(str)),
                  rx.heading(c["title"].to(str), as_="h3", size="4"),
                  rx.spacer(),
                  rx.button(t("Close"), type="button", size="1", variant="soft",
                            high_contrast=True, on_click=state.close_card,
                            id="pin-card-close"),
                  spacing="2", align="center", width="100%"),
        rx.text(c["category"].to(str), " · ", c["community"].to(str), size="2"),
        rx.text(t("Comments"), ": ", c["comments"].to(str), " · ", t("Reactions"), ": ",
                c["reactions"].to(str), size="2"),
        rx.link(t("Open the pin: read, comment, react"), href=c["href"].to(str),
                underline="always", id="pin-card-link"),
        spacing="2", align="stretch"), id="pin-card", role="region",
        aria_label=t("Chosen pin")))


def _list(state: type[MapBase]) -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Category"), html_for="map-filter", class_name="field-label"),
        rx.el.select(rx.el.option(t("Every category"), value=""),
                     rx.foreach(state.categories, lambda c: rx.el.option(
                         c["name"].to(str), value=c["id"].to(str))),
                     id="map-filter", class_name="select", value=state.category,
                     on_change=state.filter_category),
        rx.heading(t("Pins in the visible area"), as_="h3", size="3"),
        rx.cond(state.pins.length() == 0,
                rx.text(t("No pin in the visible area yet."), size="2", id="map-list-empty")),
        rx.el.ul(rx.foreach(state.pins, lambda p: rx.el.li(rx.el.button(
            _dot(p["colour"].to(str)),
            rx.el.span(p["title"].to(str), rx.el.br(),
                       rx.el.small(p["category_name"].to(str), " · ", p["comments"].to(str),
                                   " ", t("comments"))),
            type="button", class_name="map-entry", id="pin-entry-" + p["id"].to(str),
            aria_pressed=rx.cond(state.chosen == p["id"].to(int), "true", "false"),
            on_click=state.choose_pin(p["id"].to(int))))),
            class_name="map-list", id="map-list", aria_label=t("Pins in the visible area")),
        rx.hstack(
            rx.button(t("Previous"), type="button", size="1", variant="soft",
                      high_contrast=True, disabled=state.page <= 1,
                      on_click=state.previous_page, id="map-prev"),
            rx.text(t("Page"), " ", state.page.to_string(), size="2"),
            rx.button(t("Next"), type="button", size="1", variant="soft", high_contrast=True,
                      disabled=~state.has_more, on_click=state.next_page, id="map-next"),
            spacing="2", align="center"),
        spacing="2", align="stretch")


def _image_picker() -> rx.Component:
    return rx.vstack(
        rx.text(t("Photo (optional, JPEG, PNG, WebP or GIF, up to 5 MB)"),
                class_name="field-label", id="pin-image-label"),
        image_upload("pin-image", N_("Choose a photo"), MapState.attach_image,
                     describedby="pin-image-label"),
        rx.cond(MapState.image_attached, rx.hstack(
            rx.text(t("Photo attached."), size="2"),
            rx.button(t("Remove the photo"), type="button", size="1", variant="soft",
                      high_contrast=True, on_click=MapState.remove_image),
            spacing="2", align="center")),
        rx.cond(MapState.image_attached, rx.vstack(
            rx.el.label(t("Describe the photo for people who cannot see it"),
                        html_for="pin-image-alt", class_name="field-label"),
            rx.input(name="image_alt", id="pin-image-alt", max_length=200, width="100%"),
            spacing="1", align="stretch")),
        rx.cond(MapState.image_error, rx.text(MapState.image_error, role="alert",
                                              class_name="field-error", size="2")),
        spacing="2", align="stretch")


def _pin_form() -> rx.Component:
    return rx.form(rx.vstack(
        rx.heading(t("Your pin"), as_="h3", size="4", id="pin-form-heading"),
        rx.callout(t("A pin is public: everyone sees where it is. Do not mark a private "
                     "home, yours or anyone else's."), icon="eye", color_scheme="amber",
                   id="pin-public-notice"),
        rx.text(t("Place chosen"), ": ", MapState.draft["lat"].to_string(), ", ",
                MapState.draft["lon"].to_string(), size="2", id="pin-place"),
        text_field("title", N_("Title"), "pin-title", max_length=120),
        textarea_field("body", N_("What happens here?"), "pin-body", max_length=2000, rows=3),
        rx.el.label(t("Category"), html_for="pin-category", class_name="field-label"),
        rx.el.select(rx.foreach(MapState.categories, lambda c: rx.el.option(
            c["name"].to(str), value=c["id"].to(str))),
            name="category", id="pin-category", class_name="select"),
        _image_picker(),
        anonymous_checkbox("pin-anonymous"),
        error_callout(MapState.form_error, "pin-error"),
        rx.hstack(rx.button(t("Publish the pin"), type="submit", size="3", id="pin-submit"),
                  rx.button(t("Cancel"), type="button", size="3", variant="soft",
                            high_contrast=True, on_click=MapState.cancel_draft),
                  spacing="3"),
        spacing="3", align="stretch"), on_submit=MapState.place, reset_on_submit=False,
        aria_labelledby="pin-form-heading")


def _placing() -> rx.Component:
    return rx.cond(
        MapState.can_place,
        rx.vstack(
            rx.text(t("Click or tap the map where something happens, or move the map with "
                      "the arrow keys and place the pin at its centre."), size="2"),
            rx.hstack(
                rx.button(rx.icon("crosshair", aria_hidden="true"),
                          t("Place a pin at the map's centre"), type="button",
                          on_click=MapState.place_at_centre, id="pin-at-centre"),
                rx.button(rx.icon("locate-fixed", aria_hidden="true"), t("Use my location"),
                          type="button", variant="soft", high_contrast=True,
                          on_click=MapState.use_my_location, id="pin-my-location"),
                spacing="2", wrap="wrap"),
            spacing="2", align="stretch"),
        rx.cond(ProjectState.phase["open"].to(bool) & ~AppState.signed_in,
                rx.text(rx.link(t("Sign in"), href="/login", underline="always"), " ",
                        t("to place a pin on the map.")),
                rx.cond(~ProjectState.phase["open"].to(bool),
                        rx.callout(t("This map is closed: its pins stay readable."),
                                   icon="info", color_scheme="gray"))))


def map_panel() -> rx.Component:
    return rx.vstack(
        MapMessages.create(on_message=MapState.on_map_message),
        rx.el.style(STYLE),
        error_callout(MapState.error, "map-error"),
        _placing(),
        rx.cond(MapState.draft_error, rx.callout(MapState.draft_error, icon="triangle_alert",
                                                 color_scheme="red", role="alert",
                                                 id="pin-place-error")),
        rx.cond(MapState.posted, rx.callout(MapState.posted, icon="check", role="status",
                                            color_scheme="green", id="pin-posted")),
        _tabs(MapState),
        rx.el.div(_pane(MapState, "map", rx.cond(MapState.html != "", _frame(MapState))),
                  _pane(MapState, "list", _list(MapState)), class_name="map-layout"),
        _card(MapState),
        rx.cond(MapState.draft.length() > 0, _pin_form()),
        spacing="4", align="stretch", width="100%", on_mount=MapState.load,
    )


def map_item_extra() -> rx.Component:
    e = ItemState.extra
    return rx.vstack(
        rx.cond(e["category"] != "", rx.badge(e["category"].to(str), high_contrast=True,
                                              id="pin-category-badge")),
        rx.cond(e["lat"] != "", rx.text(t("Place"), ": ", e["lat"].to(str), ", ",
                                        e["lon"].to(str), size="2", id="pin-coordinates")),
        rx.cond(e["image"] != "", rx.image(src=rx.get_upload_url(e["image"].to(str)),
                                           alt=e["image_alt"].to(str), max_width="100%",
                                           max_height="28rem", object_fit="contain")),
        spacing="2", align="stretch")


def map_admin_panel(phase: rx.Var) -> rx.Component:
    pid = phase["id"].to(str)
    prefix = "map-" + pid + "-"
    area = MapAdminState.areas[pid].to(dict[str, str])
    cats = MapAdminState.cats[pid].to(list[dict[str, Any]])

    def number(name: str, label: str) -> rx.Component:
        return rx.vstack(
            rx.el.label(t(label), html_for=prefix + name, class_name="field-label"),
            rx.input(name=name, id=prefix + name, default_value=area[name].to(str),
                     input_mode="decimal", width="9rem"),
            spacing="1")

    editor = rx.vstack(
        rx.heading(t("Map area"), as_="h4", size="3"),
        rx.form(rx.vstack(
            rx.hstack(number("lat", N_("Centre latitude")),
                      number("lon", N_("Centre longitude")), number("zoom", N_("Zoom")),
                      spacing="3", wrap="wrap"),
            rx.text(t("Bounds (optional; without them the area is what the centre and zoom "
                      "show)"), size="2"),
            rx.hstack(number("south", N_("South")), number("west", N_("West")),
                      number("north", N_("North")), number("east", N_("East")),
                      spacing="3", wrap="wrap"),
            rx.el.label(rx.el.input(type="checkbox", name="pins_inside", id=prefix + "inside",
                                    default_checked=area["inside"].to(str) == "on"),
                        " ", t("Pins must fall inside the area"), class_name="checkbox-label"),
            rx.el.input(type="hidden", name="phase_id", value=pid),
            rx.button(t("Save the map's area"), type="submit", size="2", id=prefix + "area-save"),
            spacing="2", align="stretch"),
            on_submit=MapAdminState.save_area, reset_on_submit=False,
            key=pid + "-" + area["lat"].to(str) + area["zoom"].to(str)),
        rx.heading(t("Categories"), as_="h4", size="3"),
        rx.el.ul(rx.foreach(cats, lambda c: rx.el.li(rx.hstack(
            _dot(c["colour"].to(str)), rx.text(c["glyph"].to(str), " ", c["name"].to(str)),
            rx.button(t("Remove"), type="button", size="1", variant="soft", color_scheme="red",
                      on_click=MapAdminState.remove_category(c["phase_id"].to(int),
                                                             c["id"].to(int)),
                      aria_label=t("Remove") + ": " + c["name"].to(str)),
            spacing="2", align="center"))), class_name="plain-list stack",
            id=prefix + "categories"),
        rx.form(rx.hstack(
            rx.vstack(rx.el.label(t("Name"), html_for=prefix + "cat-name",
                                  class_name="field-label"),
                      rx.input(name="name", id=prefix + "cat-name", max_length=60),
                      spacing="1"),
            rx.vstack(rx.el.label(t("Colour"), html_for=prefix + "cat-colour",
                                  class_name="field-label"),
                      rx.el.input(type="color", name="colour", id=prefix + "cat-colour",
                                  default_value="#1c7ed6"),
                      spacing="1"),
            rx.vstack(rx.el.label(t("Icon"), html_for=prefix + "cat-icon",
                                  class_name="field-label"),
                      rx.el.select(*[rx.el.option(ICONS[k] + " " + t(v), value=k)
                                     for k, v in ICON_LABELS.items()],
                                   name="icon", id=prefix + "cat-icon", class_name="select"),
                      spacing="1"),
            rx.el.input(type="hidden", name="phase_id", value=pid),
            rx.button(t("Add the category"), type="submit", size="2", id=prefix + "cat-add"),
            spacing="3", align="end", wrap="wrap"),
            on_submit=MapAdminState.add_category, reset_on_submit=False),
        rx.cond(MapAdminState.errors[pid].to(str) != "",
                rx.text(MapAdminState.errors[pid].to(str), role="alert",
                        class_name="field-error", id=prefix + "error")),
        rx.cond(MapAdminState.saved[pid].to(str) != "",
                rx.text(MapAdminState.saved[pid].to(str), role="status", size="2",
                        id=prefix + "saved")),
        spacing="3", align="stretch", class_name="map-admin")
    # Loaded on demand (an on_mount inside the phases' loop would lose its phase).
    return rx.cond(
        MapAdminState.areas.contains(pid), editor,
        rx.button(rx.icon("map", aria_hidden="true"), t("Edit the map's area and categories"),
                  type="button", variant="soft", high_contrast=True, id=prefix + "edit",
                  on_click=MapAdminState.load(phase["id"].to(int))))


def map_results(section: rx.Var | None = None) -> rx.Component:
    """Pins by category: this phase's (the phase page), or ``section``'s (the project's
    results page, one section per phase)."""
    r = ProjectState.results if section is None else section
    return rx.el.table(
        rx.el.caption(t("Pins by category")),
        rx.el.tbody(rx.foreach(r["tally"].to(list[dict[str, Any]]), lambda row: rx.el.tr(
            rx.el.th(row["label"].to(str), scope="row"), rx.el.td(row["count"].to(str))))),
        class_name="data-table", id="map-tally")


def map_overview() -> rx.Component:
    """/map: every open map phase of the followed communities (a visitor: public ones)."""
    s = MapPageState
    return rx.vstack(
        MapMessages.create(on_message=s.on_map_message),
        rx.el.style(STYLE),
        error_callout(s.error, "map-error"),
        rx.cond(
            s.phases.length() == 0,
            rx.vstack(rx.text(t("No map consultation is open in the communities you follow."),
                              id="map-none"),
                      rx.link(t("Browse communities"), href="/communities"), spacing="2"),
            rx.vstack(
                rx.el.label(t("Community"), html_for="map-community", class_name="field-label"),
                rx.el.select(rx.el.option(t("Every community"), value=""),
                             rx.foreach(s.communities, lambda c: rx.el.option(
                                 c["name"].to(str), value=c["id"].to(str))),
                             id="map-community", class_name="select", value=s.community,
                             on_change=s.filter_community),
                rx.text(t("Open maps"), ": ", rx.foreach(s.phases, lambda p: rx.fragment(
                    rx.text.span(p["community"].to(str), " — ", p["project"].to(str), "; "))),
                    size="2"),
                _tabs(s),
                rx.el.div(_pane(s, "map", rx.cond(s.html != "", _frame(s))),
                          _pane(s, "list", _list(s)), class_name="map-layout"),
                _card(s),
                spacing="3", align="stretch", width="100%")),
        spacing="4", align="stretch", width="100%", on_mount=s.load)
