"""/admin: my communities, the inbox and moderation queue, platform tools."""

from __future__ import annotations

import reflex as rx

from civo.components.admin import admin_page, confirm_action, section, text_input
from civo.components.cards import kind_badge
from civo.components.i18n import t
from civo.components.layout import link_button
from civo.components.participation import load_more_button
from civo.i18n import N_
from civo.state.admin.dashboard import DashboardState as S


def counter(label: str, value, href: str, id_: str) -> rx.Component:
    return rx.link(
        rx.card(rx.vstack(rx.text(value, size="7", weight="bold"), rx.text(t(label)),
                          spacing="1")),
        href=href, id=id_, underline="none", high_contrast=True,
    )


def community_row(c) -> rx.Component:
    return rx.el.li(rx.card(rx.hstack(
        rx.link(c["name"], href="/admin/c/" + c["slug"].to(str), weight="bold",
                high_contrast=True),
        kind_badge(c["kind"]),
        rx.cond(c["private"], rx.badge(t("Private"), color_scheme="amber", high_contrast=True)),
        rx.cond(c["archived"], rx.badge(t("Archived"), color_scheme="gray",
                                        high_contrast=True)),
        rx.text(c["followers"], size="2"),
        rx.cond(c["unread"].to(int) > 0,
                rx.badge(c["unread"], " ", t("unread by us"), color_scheme="indigo",
                         high_contrast=True)),
        wrap="wrap", spacing="3", align="center")))


def moderators_section() -> rx.Component:
    return section(
        N_("Moderators"),
        rx.text(t("Moderators review flagged content on the whole platform; they change no "
                  "settings."), size="2"),
        rx.el.ul(rx.foreach(S.moderators, lambda m: rx.el.li(rx.hstack(
            rx.text(m["name"]),
            confirm_action(N_("Remove"), title=N_("Remove this moderator?"),
                           lost=m["name"].to(str) + " — " + t(
                               "No longer reviews flagged content; their past decisions stay "
                               "in the audit log."),
                           confirm_label=N_("Remove the moderator"),
                           on_confirm=S.remove_moderator(m["id"].to(int)), size="1",
                           id_="remove-moderator-" + m["id"].to(str)),
            spacing="3", align="center"))), class_name="plain-list stack", id="moderators"),
        rx.form(rx.hstack(
            text_input(S, "email", N_("Email of an existing account"), type_="email",
                       required=True, prefix="moderator-"),
            rx.button(t("Make moderator"), type="submit"), align="end", spacing="3",
            width="100%"), on_submit=S.add_moderator, reset_on_submit=True),
        id_="moderators-section",
    )


def dashboard_page() -> rx.Component:
    o = S.overview
    return admin_page(
        S,
        rx.hstack(
            rx.cond(o["community_admin"].to(bool),
                    counter(N_("Contributions unread by us"), o["inbox"], "/admin/inbox",
                            "inbox-count")),
            counter(N_("Flagged content to review"), o["cases"], "/admin/moderation",
                    "cases-count"),
            rx.cond(o["platform_admin"].to(bool),
                    counter(N_("Suspension proposals"), o["proposals"], "/admin/moderation",
                            "proposals-count")),
            spacing="4", wrap="wrap",
        ),
        rx.cond(o["platform_admin"].to(bool), rx.hstack(
            link_button(t("Create a community"), "/admin/new-community", id_="new-community"),
            link_button(t("Audit log"), "/admin/audit", variant="soft", high_contrast=True),
            spacing="3", wrap="wrap")),
        rx.cond(o["platform_admin"].to(bool) | o["community_admin"].to(bool), section(
            N_("Communities you run"),
            rx.el.div(
                rx.el.label(t("Search by name"), html_for="admin-community-search",
                            class_name="field-label"),
                rx.input(id="admin-community-search", type="search",
                         on_change=S.search.debounce(300), width="100%", max_width="28rem"),
                role="search"),
            rx.el.ul(rx.foreach(S.communities, community_row), class_name="plain-list stack",
                     id="admin-communities"),
            load_more_button(S.has_more, S.load_more, "admin-communities-more"),
            id_="communities-section")),
        rx.cond(o["platform_admin"].to(bool), moderators_section()),
        heading=t("Dashboard"),
    )
