"""The community directory and the community page."""

from __future__ import annotations

import reflex as rx

from civo.components.cards import KIND_LABELS, community_card, kind_badge, project_card
from civo.components.i18n import t
from civo.components.layout import link_button, page_shell
from civo.components.modules import every_module_part
from civo.components.participation import feed_card, load_more_button
from civo.i18n import N_
from civo.state.communities import CommunityState, DirectoryState


def level_tabs() -> rx.Component:
    options = [("", N_("All levels")), *KIND_LABELS.items()]
    return rx.el.nav(
        rx.hstack(
            *[
                rx.button(
                    t(label), type="button", size="2",
                    variant=rx.cond(DirectoryState.kind == value, "solid", "soft"),
                    aria_pressed=rx.cond(DirectoryState.kind == value, "true", "false"),
                    on_click=DirectoryState.set_kind(value), high_contrast=True,
                )
                for value, label in options
            ],
            wrap="wrap", spacing="2",
        ),
        aria_label=t("Filter by level"),
    )


def directory_page() -> rx.Component:
    return page_shell(
        rx.el.div(
            rx.el.label(t("Search communities by name"), html_for="community-search",
                        class_name="field-label"),
            rx.input(id="community-search", type="search", size="3",
                     on_change=DirectoryState.search.debounce(300),
                     placeholder=t("e.g. Lyon"), width="100%", max_width="32rem"),
            role="search",
        ),
        level_tabs(),
        rx.el.div(
            rx.cond(
                DirectoryState.loaded & (DirectoryState.items.length() == 0),
                rx.text(t("No community matches your search."), id="directory-empty"),
                rx.el.ul(rx.foreach(DirectoryState.items, community_card),
                         class_name="plain-list grid", id="directory-list"),
            ),
            aria_live="polite",
        ),
        rx.cond(DirectoryState.has_more,
                rx.button(t("Load more"), on_click=DirectoryState.load_more, variant="soft",
                          high_contrast=True)),
        heading=t("Communities"),
    )


def follow_prompt() -> rx.Component:
    return rx.cond(
        CommunityState.show_follow_prompt,
        rx.callout.root(
            rx.callout.text(t("Follow this community to see its consultations in your feed?")),
            rx.hstack(
                rx.button(t("Follow"), on_click=CommunityState.follow, id="prompt-follow"),
                rx.button(t("Not now"), variant="soft", on_click=CommunityState.not_now,
                          id="prompt-not-now"),
                spacing="2",
            ),
            role="region", aria_label=t("Follow?"), id="follow-prompt",
        ),
    )


def community_body() -> rx.Component:
    c = CommunityState.community
    return rx.vstack(
        # The header band: the uploaded cover, else one generated from the brand colour
        # (a CSS gradient: nothing from other sites), with the logo over its edge.
        rx.box(
            rx.cond(c["cover"] != "", rx.image(
                src=rx.get_upload_url(c["cover"].to(str)), alt="", width="100%",
                height="100%", object_fit="cover", id="community-cover"),
                rx.box(class_name="brand-band", width="100%", height="100%",
                       id="community-generated-cover",
                       style={"--brand": rx.cond(c["brand"] != "", c["brand"].to(str),
                                                 "var(--accent-9)")})),
            rx.cond(c["logo"] != "", rx.image(
                src=rx.get_upload_url(c["logo"].to(str)), alt=t("Logo"),
                class_name="community-logo", id="community-logo")),
            class_name="community-band", id="community-band"),
        rx.hstack(
            kind_badge(c["kind"]), rx.text(c["place"]), rx.text("·"),
            rx.text(c["followers_label"], id="follower-count"),
            rx.cond(c["can_manage"].to(bool), link_button(
                rx.hstack(rx.icon("settings", size=16, aria_hidden="true"), t("Manage"),
                          spacing="1", align="center"),
                "/admin/c/" + c["slug"].to(str), id_="manage-community", size="1",
                variant="soft", high_contrast=True)),
            align="center", wrap="wrap", spacing="2",
            # The brand colour is a decorative stripe: text keeps the theme's contrast.
            border_left=rx.cond(c["brand"] != "", "6px solid " + c["brand"].to(str), "none"),
            padding_left=rx.cond(c["brand"] != "", "0.75em", "0")),
        rx.cond(
            CommunityState.parents.length() > 0,
            rx.el.nav(
                rx.el.ol(
                    rx.foreach(CommunityState.parents,
                               lambda p: rx.el.li(rx.link(p["name"],
                                                          href="/c/" + p["slug"].to(str)))),
                    rx.el.li(rx.text.span(c["name"], aria_current="page")),
                    class_name="breadcrumb", id="community-trail",
                ),
                aria_label=t("Part of"),
            ),
        ),
        rx.text(CommunityState.description),
        rx.cond(
            CommunityState.signed_in,
            rx.cond(
                c["is_following"],
                rx.hstack(
                    rx.badge("✓ ", t("Following"), size="2", high_contrast=True),
                    rx.button(t("Unfollow"), variant="soft", on_click=CommunityState.unfollow,
                              id="unfollow-button"),
                    align="center", spacing="3",
                ),
                # One follow control: the prompt's own button while it is shown.
                rx.cond(CommunityState.can_follow & ~CommunityState.show_follow_prompt,
                        rx.button(t("Follow"), on_click=CommunityState.follow,
                                  id="follow-button")),
            ),
            rx.link(t("Sign in to follow this community"), href="/login"),
        ),
        follow_prompt(),
        every_module_part("invitation"),
        rx.heading(t("Projects"), as_="h2", size="5"),
        rx.cond(
            CommunityState.projects.length() == 0,
            rx.text(t("This community has no open project yet. Follow it to hear when one "
                      "opens."), id="projects-empty"),
            rx.el.ul(rx.foreach(CommunityState.projects,
                                lambda p: project_card(p, show_community=False)),
                     class_name="plain-list stack"),
        ),
        rx.cond(CommunityState.children.length() > 0, rx.el.section(
            rx.heading(t("Communities within"), " ", c["name"].to(str),
                       as_="h2", size="5", id="children-heading"),
            rx.el.ul(rx.foreach(CommunityState.children, community_card),
                     class_name="plain-list grid", id="community-children"),
            aria_labelledby="children-heading", class_name="stack")),
        rx.cond(CommunityState.events.length() > 0, rx.vstack(
            rx.heading(t("Upcoming events"), as_="h2", size="5"),
            rx.el.ul(rx.foreach(CommunityState.events, lambda e: rx.el.li(rx.card(rx.vstack(
                rx.link(e["title"], href=e["href"].to(str), weight="bold", high_contrast=True),
                rx.text(e["when"], rx.cond(e["where"] != "", " · " + e["where"].to(str), ""),
                        size="2"),
                spacing="1")))), class_name="plain-list stack", id="community-events"),
            spacing="3", align="stretch")),
        rx.heading(t("Latest contributions"), as_="h2", size="5"),
        rx.cond(
            CommunityState.activity.length() == 0,
            rx.text(t("Nobody has contributed yet."), id="activity-empty"),
            rx.el.ul(rx.foreach(CommunityState.activity, feed_card),
                     class_name="plain-list stack", id="community-activity"),
        ),
        load_more_button(CommunityState.activity_more, CommunityState.load_more_activity,
                         "activity-more"),
        spacing="4", align="stretch", width="100%",
    )


def community_page() -> rx.Component:
    return page_shell(
        rx.cond(
            CommunityState.not_found,
            rx.vstack(
                rx.text(t("This community does not exist or is not visible to you.")),
                rx.link(t("Browse all communities"), href="/communities"),
            ),
            community_body(),
        ),
        heading=rx.cond(CommunityState.not_found, t("Community not found"),
                        CommunityState.community["name"].to(str)),
    )
