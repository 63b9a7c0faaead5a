"""Participation pages: the project, one item with its comments, and my favourites.

The project and item pages know no module by name: they render each registered module's
panel / item part through the registry.
"""

from __future__ import annotations

import reflex as rx

from civo.components.backend import backend_link
from civo.components.cards import status_badge
from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.components.moderation import (
    appeal_dialog,
    author_notice,
    flag_dialog,
    hidden_placeholder,
    report_button,
)
from civo.components.modules import module_part
from civo.components.participation import (
    error_callout,
    feed_card,
    load_more_button,
    reaction_bar,
    reaction_buttons,
    rich_text,
    textarea_field,
)
from civo.i18n import N_
from civo.modules import MODULES
from civo.state.favourites import FavouritesState
from civo.state.item import COMMENT_SLOTS, ItemState, slot_name
from civo.state.live import live_count
from civo.state.project import ProjectState


def not_found() -> rx.Component:
    return rx.vstack(
        rx.text(t("This page does not exist, or you do not have access to it.")),
        rx.link(t("Back to the feed"), href="/"),
        id="not-found", spacing="2",
    )


# ---- project ---------------------------------------------------------------------------


def phase_nav() -> rx.Component:
    """The phase timeline: every phase with its dates and status; the open one is marked
    "Now", the one shown is the current step (aria-current)."""
    return rx.el.nav(
        rx.el.ol(
            rx.foreach(ProjectState.phases, lambda p: rx.el.li(
                rx.el.span(p["number"], class_name="timeline-dot", aria_hidden="true"),
                rx.vstack(
                    rx.link(p["title"], href=p["href"].to(str),
                            aria_current=rx.cond(p["id"] == ProjectState.phase["id"], "step",
                                                 None),
                            weight=rx.cond(p["id"] == ProjectState.phase["id"], "bold",
                                           "regular"), high_contrast=True),
                    rx.hstack(status_badge(p["status"]),
                              rx.cond(p["now"].to(bool),
                                      rx.badge(t("Now"), color_scheme="green", variant="solid",
                                               high_contrast=True)),
                              spacing="2", wrap="wrap"),
                    rx.cond(p["dates"] != "", rx.text(p["dates"], size="1",
                                                      class_name="timeline-dates")),
                    rx.cond(p["opens"] != "", rx.text(p["opens"], size="1")),
                    spacing="1", align="start"),
                class_name=rx.cond(p["now"].to(bool), "timeline-step is-now", "timeline-step"),
            )),
            class_name="phase-list timeline",
        ),
        aria_label=t("Phases"),
    )


def module_panel() -> rx.Component:
    """The current phase's module, picked from the registry (no module named here)."""
    return rx.box(
        module_part(ProjectState.phase["module_key"], "panel",
                    rx.text(t("This participation module is not available."))),
        key=ProjectState.phase["id"].to(str),
        width="100%",
    )


def results_section() -> rx.Component:
    """A closed phase's results, drawn by its module (registry), above what it held."""
    return rx.cond(
        ProjectState.results.contains("module"),
        rx.el.section(
            rx.heading(t("Results"), as_="h3", size="5", id="phase-results-heading"),
            module_part(ProjectState.results["module"].to(str), "results_panel",
                        rx.fragment()),
            aria_labelledby="phase-results-heading", id="phase-results",
            class_name="stack"),
    )


def open_data_links() -> rx.Component:
    """The project's contributions as open data (public projects only)."""
    export = ProjectState.project["export"].to(str)
    return rx.hstack(
        rx.icon("download", size=16, aria_hidden="true"),
        backend_link(t("All contributions (CSV)"), export + ".csv", size="2",
                     id="project-export-csv"),
        backend_link(t("All contributions (JSON)"), export + ".json", size="2",
                     id="project-export-json"),
        rx.link(t("About open data"), href="/open-data", size="2", underline="always"),
        spacing="3", align="center", wrap="wrap",
    )


def project_page() -> rx.Component:
    return page_shell(
        rx.cond(
            ProjectState.not_found,
            not_found(),
            rx.vstack(
                rx.cond(ProjectState.project["cover"] != "",
                        rx.image(src=rx.get_upload_url(ProjectState.project["cover"].to(str)),
                                 alt="", width="100%", max_height="20rem", object_fit="cover",
                                 border_radius="var(--radius-3)", id="project-cover")),
                rx.text(ProjectState.project["summary"], size="4"),
                rx.cond(ProjectState.project["status"] == "results",
                        rx.callout(rx.link(t("Read the results"),
                                           href="/p/" + ProjectState.project["id"].to(str)
                                           + "/results", weight="bold"),
                                   icon="flag", color_scheme="blue", id="project-results")),
                # From 1024 px: the phase in the wide column, the project's facts beside it.
                rx.el.div(
                    rx.el.aside(
                        rx.card(rx.vstack(
                            rx.heading(t("About this project"), as_="h2", size="4"),
                            rx.link(ProjectState.project["community"],
                                    href=ProjectState.project["community_href"].to(str)),
                            rx.hstack(status_badge(ProjectState.project["status"]),
                                      rx.cond(ProjectState.project["opens"] != "",
                                              rx.text(ProjectState.project["opens"], size="2",
                                                      id="project-opens")),
                                      rx.cond(ProjectState.project["dates"] != "",
                                              rx.text(ProjectState.project["dates"],
                                                      size="2")),
                                      spacing="2", align="center", wrap="wrap"),
                            rx.hstack(rx.icon("users", size=16, aria_hidden="true"),
                                      rx.text(ProjectState.project["participants"], size="2",
                                              id="project-participants"),
                                      spacing="1", align="center"),
                            spacing="2", align="start"), id="project-facts"),
                        rx.card(rx.heading(t("Purpose"), as_="h2", size="4"),
                                rx.text(ProjectState.project["purpose"],
                                        white_space="pre-wrap")),
                        rx.card(rx.heading(t("What happens with your input"), as_="h2",
                                           size="4"),
                                rx.text(ProjectState.project["expected_outcome"],
                                        white_space="pre-wrap")),
                        rx.cond(ProjectState.project["export"] != "", open_data_links()),
                        class_name="side-column", aria_label=t("About this project"),
                    ),
                    rx.el.div(
                        phase_nav(),
                        rx.cond(
                            ProjectState.phase.contains("id"),
                            rx.vstack(
                                rx.heading(ProjectState.phase["title"], as_="h2", size="6"),
                                rx.cond(ProjectState.phase["description"] != "",
                                        rx.text(ProjectState.phase["description"])),
                                rx.cond(ProjectState.phase["opens"] != "",
                                        rx.callout(ProjectState.phase["opens"], icon="calendar",
                                                   id="phase-opens")),
                                results_section(),
                                module_panel(),
                                spacing="3", align="stretch", width="100%",
                            ),
                            rx.text(t("No phase has started yet.")),
                        ),
                        class_name="main-column",
                    ),
                    class_name="two-columns",
                ),
                spacing="4", align="stretch", width="100%",
            ),
        ),
        heading=rx.cond(ProjectState.not_found, t("Not found"),
                        ProjectState.project["title"].to(str)),
    )


# ---- item --------------------------------------------------------------------------------


def comment_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(ItemState.reply_to != 0,
                    rx.hstack(rx.text(t("Replying to a comment"), size="2"),
                              rx.button(t("Cancel reply"), type="button", size="1",
                                        variant="soft", high_contrast=True,
                                        on_click=ItemState.cancel_reply),
                              spacing="2", align="center")),
            textarea_field("body", N_("Your comment"), "comment-body", max_length=2000, rows=3),
            rx.el.label(rx.el.input(type="checkbox", name="anonymous", id="comment-anonymous"),
                        " ", t("Comment anonymously"), class_name="checkbox-label"),
            error_callout(ItemState.comment_error, "comment-error"),
            rx.button(t("Publish comment"), type="submit", id="comment-submit"),
            spacing="2", align="stretch",
        ),
        on_submit=ItemState.post_comment, reset_on_submit=False, id="comment-form",
    )


def comment_view(c: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.box(
            rx.hstack(rx.cond(c["author_href"].to(str) != "",
                              rx.link(c["author"], href=c["author_href"].to(str),
                                      weight="bold", size="2"),
                              rx.text(c["author"], weight="bold", size="2")),
                      rx.text(c["when"], size="2"),
                      rx.cond(c["edited"], rx.text(t("(edited)"), size="2")),
                      spacing="2", wrap="wrap"),
            rx.cond(c["deleted"], rx.text(t("This comment was deleted."), size="2",
                                          font_style="italic"),
                    rx.cond(~c["content_shown"].to(bool),
                            hidden_placeholder(c["moderation"],
                                               "comment-hidden-" + c["id"].to(str)),
                    rx.cond(ItemState.editing_comment == c["id"].to(int), rx.form(
                        rx.el.label(t("Edit your comment"), html_for="comment-edit-body",
                                    class_name="visually-hidden"),
                        rx.text_area(name="body", id="comment-edit-body", max_length=2000,
                                     rows="3", default_value=c["body"].to(str), width="100%"),
                        rx.hstack(rx.button(t("Save"), type="submit", size="1"),
                                  rx.button(t("Cancel"), type="button", size="1",
                                            variant="soft", high_contrast=True,
                                            on_click=ItemState.cancel_comment_edit),
                                  spacing="2"),
                        on_submit=ItemState.save_comment_edit,
                    ), rich_text(c["segments"], size="3", class_name="comment-text")))),
            rx.cond(c["content_shown"].to(bool) & (c["moderation"] != "visible")
                    & ~c["deleted"].to(bool),
                    author_notice(c["moderation"], c["flag_reasons"], c["decision"],
                                  c["can_appeal"].to(bool), c["appealed"].to(bool), "comment",
                                  c["id"].to(int), "comment-moderation-" + c["id"].to(str))),
            rx.cond(
                ~c["deleted"].to(bool),
                rx.hstack(
                    reaction_buttons(c["rc"], c["mine"],
                                     lambda emoji: ItemState.react("comment", c["id"], emoji),
                                     enabled=ItemState.item["can_react"].to(bool),
                                     id_prefix="react-comment-" + c["id"].to(str),
                                     live=ItemState.live, key="c" + c["id"].to(str)),
                    rx.cond(c["can_reply"],
                            rx.button(t("Reply"), size="1", variant="soft", high_contrast=True,
                                      on_click=[ItemState.start_reply(c["id"]),
                                                rx.set_focus("comment-body")])),
                    rx.cond(c["can_edit"],
                            rx.button(t("Edit"), size="1", variant="soft", high_contrast=True,
                                      on_click=ItemState.start_comment_edit(c["id"]))),
                    rx.cond(c["can_delete"],
                            rx.button(t("Delete"), size="1", variant="soft", color_scheme="red",
                                      on_click=ItemState.delete_comment(c["id"]))),
                    rx.cond(c["can_flag"], report_button(
                        "comment", c["id"].to(int), "report-comment-" + c["id"].to(str))),
                    rx.cond(c["flagged"], rx.text(t("Reported"), size="1")),
                    spacing="3", wrap="wrap", align="center",
                ),
            ),
            class_name="comment", padding_left=(c["depth"].to(int) - 1).to_string() + "em",
            border_left=rx.cond(c["depth"].to(int) > 1, "2px solid var(--gray-6)", "none"),
            padding_y="0.5em",
        ),
        rx.cond(c["more_after"].to(int) > 0, rx.button(
            t("Show more replies"), " (", c["more_after"], ")",
            on_click=ItemState.load_more_replies(c["root_id"]), size="1", variant="ghost",
            high_contrast=True, margin_left="1em",
            id="more-replies-" + c["root_id"].to(str))),
        id="comment-" + c["id"].to(str),
    )


def edit_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(ItemState.item["title"] != "",
                    rx.vstack(rx.el.label(t("Title"), html_for="edit-title",
                                          class_name="field-label"),
                              rx.input(name="title", id="edit-title", max_length=120,
                                       default_value=ItemState.item["title"].to(str),
                                       width="100%"), spacing="1", align="stretch")),
            rx.el.label(t("Text"), html_for="edit-body", class_name="field-label"),
            rx.text_area(name="body", id="edit-body", max_length=2000, rows="5",
                         default_value=ItemState.item["body"].to(str), width="100%"),
            rx.hstack(rx.button(t("Save"), type="submit"),
                      rx.button(t("Cancel"), type="button", variant="soft", high_contrast=True,
                                on_click=ItemState.cancel_edit), spacing="2"),
            spacing="2", align="stretch",
        ),
        on_submit=ItemState.save_edit,
    )


def item_body() -> rx.Component:
    item = ItemState.item
    item_key = "i" + item["id"].to(str)
    return rx.vstack(
        rx.hstack(
            rx.link(item["community"], href=item["community_href"].to(str)),
            rx.cond(item["project_href"] != "", rx.hstack(
                rx.text("·"), rx.link(item["project"], href=item["project_href"].to(str)),
                spacing="2")),
            spacing="2", wrap="wrap", size="2",
        ),
        rx.hstack(rx.cond(item["author_href"] != "",
                          rx.link(item["author"], href=item["author_href"].to(str),
                                  weight="bold", id="item-author"),
                          rx.text(item["author"], weight="bold")),
                  rx.text(item["when"]),
                  rx.cond(item["edited"], rx.text(t("(edited)"))), spacing="2", wrap="wrap"),
        rx.cond(item["phase_status"] == "closed",
                rx.callout(t("This phase is closed: it takes no new contributions, comments "
                             "or reactions."), icon="lock", color_scheme="gray",
                           id="item-phase-closed")),
        rx.cond(item["read_label"] != "",
                rx.callout(item["read_label"], icon="eye", color_scheme="green",
                           id="read-receipt")),
        rx.cond(item["shaped"].to(bool),
                rx.callout(t("Your input shaped this decision."), icon="sparkles",
                           color_scheme="green", id="shaped")),
        rx.cond(item["content_shown"].to(bool) & (item["moderation"] != "visible"),
                author_notice(ItemState.mod["state"], ItemState.mod["reasons"],
                              ItemState.mod["decision"], ItemState.mod["can_appeal"].to(bool),
                              ItemState.mod["appealed"].to(bool), "item",
                              item["id"].to(int), "item-moderation")),
        rx.cond(item["deleted"].to(bool),
                rx.text(t("This contribution was deleted."), font_style="italic"),
                rx.cond(~item["content_shown"].to(bool),
                        hidden_placeholder(item["moderation"], "item-hidden"),
                        rx.cond(ItemState.editing, edit_form(),
                                rich_text(item["segments"], size="4", id="item-text")))),
        rx.cond(item["content_shown"].to(bool) & ~item["deleted"].to(bool), rx.match(
            item["module_key"],
            ("event", event_details()), ("update", update_details()),
            *[(spec.key, spec.component("item_extra")()) for spec in MODULES
              if spec.component("item_extra") is not None],
            rx.fragment())),
        rx.box(rx.cond(ItemState.notice != "", rx.callout(ItemState.notice, icon="check",
                                                          color_scheme="green",
                                                          id="item-notice")),
               role="status", aria_live="polite"),
        error_callout(ItemState.error, "item-error"),
        rx.cond(~item["deleted"].to(bool), rx.hstack(
            reaction_bar(ItemState.reactions, lambda emoji: ItemState.react("item", item["id"],
                                                                            emoji),
                         enabled=item["can_react"].to(bool), id_prefix="react-item",
                         live=ItemState.live, key=item_key),
            spacing="3", wrap="wrap")),
        rx.hstack(
            rx.cond(ItemState.signed_in, rx.button(
                rx.icon(rx.cond(item["is_favourite"].to(bool), "bookmark-check", "bookmark"),
                        aria_hidden="true"),
                rx.cond(item["is_favourite"].to(bool), t("Saved"), t("Save")),
                aria_pressed=rx.cond(item["is_favourite"].to(bool), "true", "false"),
                on_click=ItemState.toggle_favourite, variant="soft", high_contrast=True,
                id="favourite")),
            rx.cond(item["can_edit"].to(bool) & ~ItemState.editing,
                    rx.button(t("Edit"), variant="soft", high_contrast=True,
                              on_click=ItemState.start_edit, id="edit-item")),
            rx.cond(item["can_delete"].to(bool),
                    rx.button(t("Delete"), variant="soft", color_scheme="red",
                              on_click=ItemState.delete_item, id="delete-item")),
            rx.cond(ItemState.mod["can_flag"].to(bool),
                    report_button("item", item["id"].to(int), "report-item")),
            rx.cond(ItemState.mod["flagged"].to(bool), rx.text(t("Reported"), size="2")),
            spacing="3", wrap="wrap", align="center",
        ),
        rx.heading(t("Comments"), " (",
                   live_count(ItemState.live, item_key, "comments", item["comment_count"]), ")",
                   as_="h2", size="5", id="comments-heading"),
        rx.cond(item["can_comment"].to(bool), comment_form(),
                rx.cond(ItemState.signed_in,
                        # A comment typed before the phase closed comes back here (civo.js).
                        rx.el.div(id="draft-rescue", role="status", custom_attrs={
                            "data-draft-rescue": "comment",
                            "data-notice": t("Comments are closed now, so your comment was "
                                             "not sent. Here is what you typed, so nothing "
                                             "is lost:"),
                            "data-label": t("Your unsent comment"),
                            "data-dismiss": t("Discard it")}),
                        rx.text(rx.link(t("Sign in"), href="/login", underline="always"), " ",
                                t("to comment and react.")))),
        # One list; each page of comments is its own slot (see civo/state/item.py).
        rx.el.ul(*[rx.foreach(getattr(ItemState, slot_name(i)), comment_view)
                   for i in range(COMMENT_SLOTS)], class_name="plain-list", id="comments"),
        load_more_button(ItemState.comments_more, ItemState.load_more_comments, "comments-more"),
        flag_dialog(), appeal_dialog(),
        spacing="4", align="stretch", width="100%",
    )


def event_details() -> rx.Component:
    """An event's when and where (times in its community's time zone)."""
    e = ItemState.extra
    return rx.el.dl(
        rx.el.dt(t("When"), class_name="stat-label"),
        rx.el.dd(e["start_text"], rx.cond(e["end_text"] != "", " – " + e["end_text"], ""),
                 " (", e["zone_text"], ")", id="event-when"),
        rx.cond(e["location"] != "", rx.fragment(
            rx.el.dt(t("Where"), class_name="stat-label"),
            rx.el.dd(e["location"], id="event-where"))),
        rx.cond(e["online_url"] != "", rx.fragment(
            rx.el.dt(t("Online"), class_name="stat-label"),
            rx.el.dd(rx.link(e["online_url"], href=e["online_url"].to(str),
                             rel="nofollow ugc noopener", is_external=True,
                             underline="always", id="event-online")))),
        class_name="event-details",
    )


def update_details() -> rx.Component:
    """An update's image and links (a video is a link: nothing is loaded from elsewhere)."""
    e = ItemState.extra
    return rx.vstack(
        rx.cond(e["image"] != "", rx.image(src=rx.get_upload_url(e["image"].to(str)),
                                           alt=e["image_alt"].to(str), max_width="100%",
                                           max_height="28rem", object_fit="contain",
                                           id="update-image-view")),
        rx.cond(e["link_url"] != "", rx.link(
            rx.icon("external-link", size=16, aria_hidden="true"), " ", t("Read more"),
            href=e["link_url"].to(str), rel="nofollow ugc noopener", is_external=True,
            underline="always", id="update-link")),
        rx.cond(e["video_url"] != "", rx.link(
            rx.icon("video", size=16, aria_hidden="true"), " ", t("Watch the video"),
            href=e["video_url"].to(str), rel="nofollow ugc noopener", is_external=True,
            underline="always", id="update-video")),
        spacing="2", align="start",
    )


def item_page() -> rx.Component:
    return page_shell(
        rx.cond(ItemState.not_found, not_found(), item_body()),
        heading=rx.cond(ItemState.not_found, t("Not found"),
                        rx.cond(ItemState.item["title"] != "", ItemState.item["title"].to(str),
                                t("Contribution"))),
    )


# ---- favourites --------------------------------------------------------------------------


def favourites_page() -> rx.Component:
    return page_shell(
        rx.cond(
            FavouritesState.signed_in,
            rx.vstack(
                rx.cond(FavouritesState.loaded & (FavouritesState.items.length() == 0),
                        rx.text(t("Nothing saved yet. Use “Save” on an idea or a contribution "
                                  "to find it here."), id="favourites-empty")),
                rx.el.ul(rx.foreach(FavouritesState.items, feed_card),
                         class_name="plain-list stack", id="favourites-list"),
                load_more_button(FavouritesState.has_more, FavouritesState.load_more,
                                 "favourites-more"),
                spacing="3", align="stretch",
            ),
            rx.text(rx.link(t("Sign in"), href="/login", underline="always"), " ", t("to see your favourites.")),
        ),
        heading=t("My favourites"),
    )
