"""/admin/c/[slug] (settings) and /admin/new-community: a community's form, archive, delete."""

from __future__ import annotations

import reflex as rx

from civo.components.admin import (
    admin_page,
    checkbox,
    confirm_action,
    field_error,
    section,
    subnav,
    text_area,
    text_input,
)
from civo.components.cards import KIND_LABELS
from civo.components.i18n import t
from civo.components.places import place_chooser
from civo.components.uploads import image_upload
from civo.i18n import LOCALE_NAMES, N_
from civo.state.admin.community import CURRENCIES, TIMEZONES, CommunityScoped
from civo.state.admin.community import CommunitySettingsState as S


def community_nav(state: type[CommunityScoped]) -> rx.Component:
    base = "/admin/c/" + state.community["slug"].to(str)
    return rx.vstack(
        rx.link("← ", t("Dashboard"), href="/admin", size="2"),
        subnav([
            (t("Settings"), base, "tab-settings"),
            (t("Projects"), base + "/projects", "tab-projects"),
            (t("Updates and events"), base + "/news", "tab-news"),
            (t("People and access"), base + "/people", "tab-people"),
            (t("Analytics"), base + "/analytics", "tab-analytics"),
            (t("Public page"), "/c/" + state.community["slug"].to(str), "tab-public"),
        ], N_("Community administration")),
        spacing="2", align="stretch",
    )


def image_field(label: str, id_: str, handler, attached, current, on_remove) -> rx.Component:
    return rx.vstack(
        rx.text(t(label), class_name="field-label", id=f"{id_}-label"),
        rx.hstack(
            rx.cond(current != "", rx.image(src=rx.get_upload_url(current.to(str)), alt="",
                                            height="3rem", border_radius="var(--radius-2)")),
            image_upload(id_, N_("Choose an image"), handler, describedby=f"{id_}-label",
                         name=label),
            rx.cond(attached, rx.text(t("New image attached: saved with the form."), size="2")),
            rx.cond((current != "") | attached,
                    rx.button(t("Remove"), type="button", size="1", variant="soft",
                              color_scheme="red", on_click=on_remove)),
            spacing="3", align="center", wrap="wrap",
        ),
        field_error(S, id_.removeprefix("community-")),
        spacing="1", align="stretch",
    )


def community_form() -> rx.Component:
    f = S.form
    return rx.form(
        rx.vstack(
            text_input(S, "name", N_("Name"), value=f["name"], max_length=120, required=True),
            rx.vstack(
                rx.el.label(t("Kind"), html_for="kind", class_name="field-label"),
                rx.el.select(*[rx.el.option(t(label), value=key)
                               for key, label in KIND_LABELS.items()],
                             name="kind", id="kind", class_name="select",
                             default_value=f["kind"].to(str)),
                field_error(S, "kind"), spacing="1", align="stretch"),
            place_chooser(S, label=N_("Place"), error_key="place_id", dom_id="community-place",
                          hint=N_("The city, region or country the community belongs to."),
                          change_label=N_("Change the place")),
            rx.vstack(
                rx.el.label(t("Part of"), html_for="parent_id", class_name="field-label"),
                rx.el.select(
                    rx.cond(S.top_level_allowed,
                            rx.el.option(t("(none: a top-level community)"), value="")),
                    rx.foreach(S.parents, lambda p: rx.el.option(p["name"], value=p["id"])),
                    name="parent_id", id="parent_id", class_name="select",
                    default_value=f["parent_id"].to(str)),
                field_error(S, "parent_id"), spacing="1", align="stretch"),
            text_area(S, "description", N_("Description"), value=f["description"],
                      max_length=4000, rows=5),
            rx.el.fieldset(
                rx.el.legend(t("Languages the community publishes in"),
                             class_name="field-label"),
                rx.hstack(*[checkbox(f"lang_{code}", name, id_=f"lang-{code}",
                                     checked=S.languages.contains(code))
                            for code, name in LOCALE_NAMES.items()], spacing="4", wrap="wrap"),
                class_name="plain-fieldset"),
            rx.vstack(
                rx.el.label(t("Time zone (events are entered and shown in it)"),
                            html_for="timezone", class_name="field-label"),
                rx.el.select(*[rx.el.option(tz, value=tz) for tz in TIMEZONES], name="timezone",
                             id="timezone", class_name="select",
                             default_value=f["timezone"].to(str)),
                field_error(S, "timezone"), spacing="1", align="stretch"),
            rx.vstack(
                rx.el.label(t("Currency (of participatory budgets)"),
                            html_for="currency", class_name="field-label"),
                rx.el.select(*[rx.el.option(code, value=code) for code in CURRENCIES],
                             name="currency", id="currency", class_name="select",
                             default_value=f["currency"].to(str)),
                field_error(S, "currency"), spacing="1", align="stretch"),
            text_input(S, "brand_color", N_("Brand colour (e.g. #1a5fb4, optional)"),
                       value=f["brand_color"], max_length=7),
            image_field(N_("Logo"), "community-logo", S.attach_logo, S.logo_attached, f["logo"],
                        S.remove_logo),
            image_field(N_("Cover image"), "community-cover", S.attach_cover, S.cover_attached,
                        f["cover"], S.remove_cover),
            checkbox("is_private", N_("Private: only members who joined with an access code "
                     "(and admins) see it"), checked=f["private"].to(bool), id_="is-private"),
            rx.button(rx.cond(S.creating, t("Create the community"), t("Save")), type="submit",
                      size="3", id="community-save"),
            spacing="4", align="stretch",
        ),
        on_submit=S.save, reset_on_submit=False, key=S.form_version.to_string(),
    )


def danger_zone() -> rx.Component:
    return section(
        N_("Archive or delete"),
        rx.text(t("An archived community is read-only and visible to its admins only; its "
                  "history stays. Only an empty community can be deleted."), size="2"),
        rx.hstack(
            rx.cond(S.form["archived"].to(bool),
                    rx.button(t("Restore the community"), on_click=S.set_archived(False),
                              variant="soft", high_contrast=True, id="restore-community"),
                    confirm_action(
                        N_("Archive the community"), title=N_("Archive this community?"),
                        lost=N_("Its pages, projects and posts disappear for everyone but its "
                                "admins, and nobody can take part any more. Nothing is "
                                "deleted: you can restore it later."),
                        confirm_label=N_("Archive"), on_confirm=S.set_archived(True),
                        color_scheme="amber", id_="archive-community")),
            rx.cond(S.form["can_delete"].to(bool),
                    confirm_action(
                        N_("Delete the community"), title=N_("Delete this community?"),
                        lost=N_("Its settings, logo, cover, access codes, admins, members and "
                                "followers are deleted for good. This cannot be undone."),
                        confirm_label=N_("Delete for good"), on_confirm=S.delete,
                        id_="delete-community")),
            spacing="3", wrap="wrap"),
        id_="danger-zone",
    )


def community_settings_page() -> rx.Component:
    return admin_page(
        S,
        rx.hstack(
            rx.text(S.form["followers"], " · ", S.form["members"], size="2",
                    id="community-counts"),
            rx.link(t("Create a sub-community"),
                    href="/admin/new-community?parent=" + S.community["slug"].to(str),
                    size="2", id="new-sub-community"),
            spacing="4", wrap="wrap", align="center"),
        section(N_("Settings"), community_form(), id_="settings-section"),
        danger_zone(),
        heading=S.community["name"].to(str), nav=community_nav(S),
    )


def new_community_page() -> rx.Component:
    return admin_page(
        S,
        rx.link("← ", t("Dashboard"), href="/admin", size="2"),
        community_form(),
        heading=t("Create a community"),
    )
