"""/admin/inbox: new contributions in my communities, unread by us first."""

from __future__ import annotations

import reflex as rx

from civo.components.admin import admin_page
from civo.components.i18n import t
from civo.components.modules import module_part
from civo.components.participation import feed_card, load_more_button
from civo.state.admin.inbox import InboxState as S


def entry_view(entry) -> rx.Component:
    return feed_card(
        entry,
        rx.hstack(
            rx.cond(entry["unread_by_us"],
                    rx.badge(t("Unread by us"), color_scheme="indigo", variant="solid",
                             class_name="unread-by-us"),
                    rx.badge(t("Read by an admin"), variant="soft")),
            rx.cond(entry["moderation"] == "hidden",
                    rx.badge(t("Hidden pending review"), color_scheme="amber",
                             high_contrast=True)),
            rx.cond(entry["moderation"] == "removed",
                    rx.badge(t("Removed by moderators"), color_scheme="red",
                             high_contrast=True)),
            spacing="2", wrap="wrap"),
        module_part(entry["module_key"], "inbox_extra", rx.fragment(), entry),
    )


def inbox_page() -> rx.Component:
    return admin_page(
        S,
        rx.link("← ", t("Dashboard"), href="/admin", size="2"),
        rx.text(t("Opening a contribution tells its author that you read it."), size="2"),
        rx.hstack(
            rx.el.label(
                rx.el.span(t("Community"), class_name="field-label"),
                rx.el.select(rx.el.option(t("All my communities"), value=""),
                             rx.foreach(S.communities,
                                        lambda c: rx.el.option(c["name"], value=c["id"])),
                             value=S.community_filter, on_change=S.set_community,
                             id="inbox-community", class_name="select"),
                class_name="select-field"),
            rx.text(S.unread_total, " ", t("unread by us"), id="inbox-unread", size="3",
                    weight="bold"),
            spacing="4", align="end", wrap="wrap"),
        rx.cond(S.loaded & (S.entries.length() == 0),
                rx.text(t("No contribution yet."), id="inbox-empty")),
        rx.el.ul(rx.foreach(S.entries, entry_view), class_name="plain-list stack",
                 id="inbox-list"),
        load_more_button(S.has_more, S.load_more, "inbox-more"),
        heading=t("Inbox"),
    )
