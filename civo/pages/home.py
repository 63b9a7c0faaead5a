"""Home: the feed. Signed in: unread first across followed communities; visitors: a mix."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import link_button, page_shell
from civo.components.participation import error_callout, feed_card, load_more_button
from civo.i18n import N_
from civo.modules import MODULES
from civo.state.feed import FeedState

SORT_LABELS = (("unread", N_("Unread first")), ("newest", N_("Newest")),
               ("comments", N_("Most commented")), ("reactions", N_("Most reacted")))


def intro() -> rx.Component:
    return rx.cond(
        FeedState.signed_in,
        rx.text(t("New contributions from the communities you follow, unread first.")),
        rx.vstack(
            rx.text(t("Take part in the decisions of your city, region, country and "
                      "organisations, all in one place. See when decision makers read you, and "
                      "when your input shapes a decision.")),
            rx.hstack(
                link_button(t("Create an account"), "/register", size="3"),
                link_button(t("Browse communities"), "/communities", size="3", variant="soft",
                            high_contrast=True),
                spacing="3", wrap="wrap",
            ),
            spacing="3",
        ),
    )


def open_card(c) -> rx.Component:
    """One open consultation: its cover (or a band in its community's colour), community,
    title, phase, days left and participants."""
    return rx.el.li(rx.card(rx.vstack(
        rx.cond(c["cover"] != "",
                rx.image(src=rx.get_upload_url(c["cover"].to(str)), alt="", width="100%",
                         height="7rem", object_fit="cover", border_radius="var(--radius-2)"),
                rx.box(class_name="brand-band", height="7rem", width="100%",
                       style={"--brand": rx.cond(c["band"] != "", c["band"].to(str),
                                                 "var(--accent-9)")})),
        rx.link(c["community"], href=c["community_href"].to(str), size="2",
                high_contrast=True),
        rx.link(rx.heading(c["title"], as_="h3", size="4", class_name="clamp-2"),
                href=c["href"].to(str), high_contrast=True, underline="hover"),
        rx.hstack(rx.badge(rx.match(c["module"], *[(spec.key, t(spec.label)) for spec in MODULES],
                                   ""), variant="soft"),
                  rx.text(c["phase"], size="2", class_name="clamp-1"),
                  spacing="2", align="center", wrap="wrap"),
        rx.hstack(
            rx.hstack(rx.icon("clock", size=16, aria_hidden="true"),
                      rx.text(c["days_left"], size="2"), spacing="1", align="center"),
            rx.hstack(rx.icon("users", size=16, aria_hidden="true"),
                      rx.text(c["participants"], size="2"), spacing="1", align="center"),
            spacing="4", wrap="wrap"),
        spacing="2", align="stretch"), height="100%"), class_name="open-card")


def open_now() -> rx.Component:
    return rx.cond(FeedState.open_now.length() > 0, rx.el.section(
        rx.heading(t("Open now"), as_="h2", size="6", id="open-now-heading"),
        rx.el.ul(rx.foreach(FeedState.open_now, open_card), class_name="plain-list grid",
                 id="open-now-list"),
        aria_labelledby="open-now-heading", id="open-now"))


def select(label: str, id_: str, value, on_change, options) -> rx.Component:
    return rx.el.label(
        rx.el.span(t(label), class_name="field-label"),
        rx.el.select(*options, value=value, on_change=on_change, id=id_, class_name="select"),
        class_name="select-field",
    )


def controls() -> rx.Component:
    """Filters for everyone; sorting, community filter and "mark all read" when signed in."""
    signed_in_only = [
        select(N_("Sort"), "feed-sort", FeedState.sort, FeedState.set_sort,
               [rx.el.option(t(label), value=value) for value, label in SORT_LABELS]),
        select(N_("Community"), "feed-community", FeedState.community_filter,
               FeedState.set_community_filter,
               [rx.el.option(t("All"), value=""),
                rx.foreach(FeedState.community_options,
                           lambda c: rx.el.option(c["name"], value=c["id"]))]),
    ]
    return rx.hstack(
        *[rx.cond(FeedState.signed_in, control) for control in signed_in_only],
        select(N_("Type"), "feed-module", FeedState.module_filter, FeedState.set_module_filter,
               [rx.el.option(t("All"), value="")]
               + [rx.el.option(t(spec.label), value=spec.key) for spec in MODULES
                  if spec.holds_items]),
        select(N_("Status"), "feed-status", FeedState.status_filter, FeedState.set_status_filter,
               [rx.el.option(t("All"), value=""), rx.el.option(t("Open"), value="open"),
                rx.el.option(t("Closed"), value="closed")]),
        rx.cond(FeedState.signed_in,
                rx.button(t("Mark all as read"), on_click=FeedState.mark_all_read,
                          variant="soft", high_contrast=True, id="mark-all-read")),
        spacing="3", wrap="wrap", align="end", role="group", aria_label=t("Feed options"),
    )


def home_page() -> rx.Component:
    return page_shell(
        intro(),
        open_now(),
        rx.cond(~FeedState.signed_in & (FeedState.open_now.length() > 0),
                rx.heading(t("Latest activity"), as_="h2", size="6")),
        rx.el.div(
            rx.el.aside(controls(), class_name="side-column", aria_label=t("Filters")),
            rx.el.div(
                rx.box(
                    rx.cond(FeedState.new_count > 0, rx.button(
                        rx.icon("arrow-up", aria_hidden="true"),
                        rx.cond(FeedState.new_count == 1, t("Show 1 new item"),
                                t("Show new items") + " (" + FeedState.new_count.to_string() + ")"),
                        on_click=FeedState.show_new, id="new-items")),
                    role="status", aria_live="polite",
                ),
                error_callout(FeedState.error, "feed-error"),
                rx.cond(
                    FeedState.loaded & (FeedState.items.length() == 0),
                    rx.text(rx.cond(
                        (FeedState.community_filter != "") | (FeedState.module_filter != "")
                        | (FeedState.status_filter != ""),
                        t("Nothing matches these filters. Change or clear them to see more."),
                        rx.cond(FeedState.signed_in,
                                t("Nothing here yet. Follow communities to see their projects."),
                                t("Nothing has been posted yet."))), id="home-empty"),
                    rx.el.ul(rx.foreach(FeedState.items, feed_card), class_name="plain-list stack",
                             id="feed-list"),
                ),
                load_more_button(FeedState.has_more, FeedState.load_more, "feed-more"),
                class_name="main-column",
            ),
            class_name="two-columns",
        ),
        heading=rx.cond(FeedState.signed_in, t("Your feed"), t("Welcome to Civo")),
    )
