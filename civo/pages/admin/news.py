"""/admin/c/[slug]/news: post updates and events to followers; the ones posted so far."""

from __future__ import annotations

import reflex as rx

from civo.components.admin import admin_page, confirm_action, section, text_area, text_input
from civo.components.i18n import t
from civo.components.participation import load_more_button
from civo.components.uploads import image_upload
from civo.i18n import N_
from civo.pages.admin.community import community_nav
from civo.state.admin.news import CommunityNewsState as S


def update_form() -> rx.Component:
    return rx.form(rx.vstack(
        text_input(S, "title", N_("Title"), max_length=120, required=True, prefix="update-"),
        text_area(S, "body", N_("Text"), max_length=4000, rows=5, required=True, prefix="update-"),
        rx.hstack(
            image_upload("update-image", N_("Add an image (optional)"), S.attach_image),
            rx.cond(S.image_attached, rx.hstack(
                rx.text(t("Image attached."), size="2"),
                rx.button(t("Remove image"), type="button", size="1", variant="soft",
                          on_click=S.remove_image), spacing="2", align="center")),
            spacing="3", align="center", wrap="wrap"),
        rx.cond(S.image_attached, text_input(
            S, "image_alt", N_("Describe the image for people who cannot see it"), max_length=200,
            prefix="update-")),
        text_input(S, "link_url", N_("Link (optional, https://…)"), type_="url", max_length=500,
                   prefix="update-"),
        text_input(S, "video_url", N_("Video link (optional, https://…)"), type_="url",
                   max_length=500, prefix="update-",
                   hint=N_("Shown as a link: no video player from another site is loaded.")),
        rx.button(t("Publish the update"), type="submit", id="update-submit"),
        spacing="3", align="stretch"), on_submit=S.post_update, reset_on_submit=False,
        key="update-" + S.form_version.to_string())


def event_form() -> rx.Component:
    return rx.form(rx.vstack(
        text_input(S, "title", N_("Title"), max_length=120, required=True, prefix="event-"),
        rx.hstack(
            text_input(S, "starts_at", N_("Starts"), type_="datetime-local", required=True,
                       prefix="event-"),
            text_input(S, "ends_at", N_("Ends (optional)"), type_="datetime-local",
                       prefix="event-"),
            spacing="3", width="100%", wrap="wrap"),
        rx.text(t("Times are in the community's time zone."), size="2"),
        text_input(S, "location", N_("Place"), max_length=300, prefix="event-"),
        text_input(S, "online_url", N_("Online link (optional, https://…)"), type_="url",
                   max_length=500, prefix="event-"),
        text_area(S, "description", N_("Description"), max_length=4000, rows=4, required=True,
                  prefix="event-"),
        rx.button(t("Publish the event"), type="submit", id="event-submit"),
        spacing="3", align="stretch"), on_submit=S.post_event, reset_on_submit=False,
        key="event-" + S.form_version.to_string())


def community_news_page() -> rx.Component:
    return admin_page(
        S,
        section(N_("Post an update"), update_form(), id_="update-section"),
        section(N_("Announce an event"), event_form(), id_="event-section"),
        section(N_("Published"), rx.el.ul(rx.foreach(S.posts, lambda p: rx.el.li(rx.hstack(
            rx.badge(rx.cond(p["kind"] == "event", t("Event"), t("Update")), variant="soft"),
            rx.link(p["title"], href="/i/" + p["id"].to(str), weight="bold"),
            rx.text(p["when"], " · ", p["counts"], size="2"),
            confirm_action(N_("Remove"), title=N_("Remove this post?"),
                           lost=p["title"].to(str) + " — " + t(
                               "The post, its comments and reactions disappear for everyone."),
                           confirm_label=N_("Remove the post"),
                           on_confirm=S.delete(p["id"].to(int)), size="1",
                           id_="remove-post-" + p["id"].to(str)),
            spacing="3", align="center", wrap="wrap"))), class_name="plain-list stack",
            id="news-list"),
            load_more_button(S.has_more, S.load_more, "news-more"), id_="news-section"),
        heading=S.community["name"].to(str), nav=community_nav(S),
    )
