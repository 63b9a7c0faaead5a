"""Idea box UI: the phase panel (propose, shuffled list, support) and the item-page part
(official status, answer, support, and the admins' status form)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.components.i18n import t
from civo.components.participation import (
    anonymous_checkbox,
    card_count,
    error_callout,
    live_card,
    load_more_button,
    textarea_field,
)
from civo.components.uploads import image_upload
from civo.i18n import N_
from civo.state.base import AppState
from civo.state.item import ItemState
from civo.state.live import live_count
from civo.state.modules.ideas import IdeasState
from civo.state.project import ProjectState

STATUS_LABELS = {"under_consideration": N_("Under consideration"), "accepted": N_("Accepted"),
                 "rejected": N_("Rejected"), "implemented": N_("Implemented")}


def status_badge(status: rx.Var) -> rx.Component:
    return rx.cond(status != "", rx.badge(
        rx.match(status, *[(k, t(v)) for k, v in STATUS_LABELS.items()], ""),
        color_scheme=rx.match(status, ("accepted", "green"), ("implemented", "green"),
                              ("rejected", "red"), "amber"),
        high_contrast=True, class_name="idea-status"))


def support_button(item_id: rx.Var, supported: rx.Var, count: rx.Var, enabled: rx.Var,
                   id_: rx.Var | str) -> rx.Component:
    return rx.button(
        rx.icon("thumbs-up", size=16, aria_hidden="true"),
        rx.cond(supported, t("Supported"), t("Support")), " · ", count,
        on_click=IdeasState.support(item_id, rx.cond(supported, False, True)),
        aria_pressed=rx.cond(supported, "true", "false"), disabled=~enabled,
        variant=rx.cond(supported, "solid", "soft"), high_contrast=True, id=id_,
    )


def image_picker() -> rx.Component:
    """Optional image: uploaded on choice, checked and re-encoded on the server."""
    return rx.vstack(
        rx.text(t("Image (optional, JPEG, PNG, WebP or GIF, up to 5 MB)"),
                class_name="field-label", id="idea-image-label"),
        image_upload("idea-image", N_("Choose an image"), IdeasState.attach_image,
                     describedby="idea-image-label"),
        rx.cond(IdeasState.image_attached, rx.hstack(
            rx.text(t("Image attached."), size="2", id="image-attached"),
            rx.button(t("Remove image"), type="button", size="1", variant="soft",
                      high_contrast=True, on_click=IdeasState.remove_image),
            spacing="2", align="center")),
        rx.cond(IdeasState.image_attached, rx.vstack(
            rx.el.label(t("Describe the image for people who cannot see it"),
                        html_for="idea-image-alt", class_name="field-label"),
            rx.input(name="image_alt", id="idea-image-alt", max_length=200, width="100%"),
            spacing="1", align="stretch")),
        rx.cond(IdeasState.image_error, rx.text(IdeasState.image_error, role="alert",
                                                class_name="field-error", size="2",
                                                id="image-error")),
        spacing="2", align="stretch",
    )


def similar_ideas() -> rx.Component:
    """"Is your idea already here?": close ideas of this phase, while the title is typed
    (a polite live region: it never takes focus or blocks the form)."""
    return rx.box(
        rx.cond(IdeasState.similar.length() > 0, rx.vstack(
            rx.text(t("Is your idea already here? You can support it instead."),
                    weight="bold", size="2"),
            rx.el.ul(rx.foreach(IdeasState.similar, lambda idea: rx.el.li(
                rx.link(idea["title"].to(str), href="/i/" + idea["id"].to(str),
                        is_external=False, target="_blank", rel="noopener"))),
                class_name="stack", id="similar-ideas-list"),
            spacing="1", align="stretch", class_name="similar-ideas")),
        aria_live="polite", id="similar-ideas",
    )


def propose_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(t("Propose an idea"), as_="h3", size="4"),
            rx.vstack(
                rx.el.label(t("Title"), html_for="idea-title", class_name="field-label"),
                rx.input(name="title", id="idea-title", max_length=120, required=True,
                         width="100%", size="3",
                         on_change=IdeasState.find_similar.debounce(500)),
                spacing="1", width="100%", align="stretch",
            ),
            similar_ideas(),
            textarea_field("body", N_("Describe your idea"), "idea-body", max_length=2000),
            image_picker(),
            anonymous_checkbox("idea-anonymous"),
            error_callout(IdeasState.form_error, "idea-error"),
            rx.button(t("Publish idea"), type="submit", size="3", id="idea-submit"),
            spacing="3", align="stretch",
        ),
        on_submit=IdeasState.propose, reset_on_submit=False,
    )


def ideas_panel() -> rx.Component:
    can_take_part = ProjectState.phase["open"].to(bool) & AppState.signed_in
    return rx.vstack(
        rx.cond(
            ProjectState.phase["open"].to(bool),
            rx.cond(AppState.signed_in, propose_form(),
                    rx.text(rx.link(t("Sign in"), href="/login", underline="always"), " ",
                            t("to propose and support ideas."))),
            rx.cond(ProjectState.phase["status"] == "closed",
                    rx.callout(t("This idea box is closed: ideas are listed by support."),
                               icon="info", color_scheme="gray")),
        ),
        error_callout(IdeasState.error, "ideas-error"),
        rx.heading(t("Ideas"), as_="h3", size="4"),
        rx.el.ul(
            rx.foreach(IdeasState.ideas, lambda card: live_card(
                card, IdeasState.live,
                rx.hstack(status_badge(card["status"]),
                          support_button(card["id"], card["supported"],
                                         card_count(card, "supports", IdeasState.live),
                                         can_take_part, "support-" + card["id"].to(str)),
                          spacing="3", align="center"),
            )),
            class_name="plain-list stack", id="ideas-list",
        ),
        load_more_button(IdeasState.has_more, IdeasState.load_more, "ideas-more"),
        spacing="4", align="stretch", width="100%",
        on_mount=IdeasState.load,
    )


def status_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(t("Official answer"), as_="h3", size="3"),
            rx.el.label(t("Status"), html_for="idea-status-select", class_name="field-label"),
            rx.el.select(
                *[rx.el.option(t(label), value=value) for value, label in STATUS_LABELS.items()],
                name="status", id="idea-status-select",
                default_value=rx.cond(ItemState.extra["status"] != "",
                                      ItemState.extra["status"], "under_consideration"),
                class_name="select",
            ),
            textarea_field("answer", N_("Answer to the author and everyone (optional)"),
                           "idea-answer", max_length=2000, required=False, rows=3),
            rx.button(t("Save the official status"), type="submit", id="idea-status-save"),
            spacing="2", align="stretch",
        ),
        on_submit=IdeasState.set_status, reset_on_submit=False,
    )


def ideas_item_extra() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            status_badge(ItemState.extra["status"]),
            support_button(ItemState.item["id"], ItemState.extra["supported"] == "1",
                           live_count(ItemState.live, "i" + ItemState.item["id"].to(str),
                                      "supports", ItemState.item["support_count"]),
                           ItemState.item["can_react"].to(bool), "support-item"),
            spacing="3", align="center", wrap="wrap",
        ),
        rx.cond(ItemState.extra["image"] != "",
                rx.image(src=rx.get_upload_url(ItemState.extra["image"].to(str)),
                         alt=ItemState.extra["image_alt"].to(str), max_width="100%",
                         max_height="28rem", object_fit="contain", id="idea-image-view")),
        rx.cond(ItemState.extra["answer"] != "",
                rx.callout(ItemState.extra["answer"], icon="landmark", color_scheme="indigo",
                           id="official-answer")),
        rx.cond(ItemState.extra["can_set_status"] == "1", status_form()),
        spacing="3", align="stretch",
    )


def ideas_inbox_extra(entry: rx.Var) -> rx.Component:
    """In the admin inbox: the idea's status, and a form to set it with an answer."""
    prefix = "inbox-" + entry["id"].to(str) + "-"
    return rx.el.details(
        rx.el.summary(t("Official status and answer"), " ", status_badge(entry["status"])),
        rx.form(rx.vstack(
            rx.el.label(t("Status"), html_for=prefix + "status", class_name="field-label"),
            rx.el.select(*[rx.el.option(t(label), value=value)
                           for value, label in STATUS_LABELS.items()],
                         name="status", id=prefix + "status", class_name="select",
                         default_value=rx.cond(entry["status"] != "", entry["status"],
                                               "under_consideration")),
            rx.el.label(t("Answer to the author and everyone (optional)"),
                        html_for=prefix + "answer", class_name="field-label"),
            rx.text_area(name="answer", id=prefix + "answer", max_length=2000, rows="3",
                         width="100%"),
            rx.el.input(type="hidden", name="item_id", value=entry["id"].to(str)),
            rx.button(t("Save the official status"), type="submit", size="2",
                      id=prefix + "save"),
            spacing="2", align="stretch"),
            on_submit=IdeasState.answer_from_inbox,
            reset_on_submit=False),
        class_name="inbox-extra",
    )


def ideas_results(r: rx.Var | None = None) -> rx.Component:
    """A closed idea box's results: the ideas the community retained, with its answers
    (``r``: the results hook's section; the phase page's by default)."""
    r = ProjectState.results if r is None else r
    return rx.vstack(
        rx.text(t("Ideas retained by the community (accepted or implemented):"), size="3"),
        rx.cond(
            r["retained"].to(list).length() > 0,
            rx.el.ul(rx.foreach(r["retained"].to(list[dict[str, Any]]), lambda idea: rx.el.li(
                rx.card(rx.vstack(
                    rx.hstack(rx.link(idea["title"].to(str), href="/i/" + idea["id"].to(str),
                                      weight="bold", high_contrast=True),
                              status_badge(idea["status"].to(str)), spacing="2",
                              wrap="wrap", align="center"),
                    rx.cond(idea["answer"].to(str) != "",
                            rx.text(idea["answer"].to(str), white_space="pre-wrap",
                                    size="2")),
                    spacing="2", align="stretch")))),
                class_name="plain-list stack ideas-retained"),
            rx.vstack(
                rx.text(t("No idea has been accepted yet. The most supported ideas:"),
                        size="2", class_name="ideas-retained-none"),
                rx.el.ul(rx.foreach(r["top"].to(list[dict[str, Any]]), lambda idea: rx.el.li(
                    rx.link(idea["title"].to(str), href="/i/" + idea["id"].to(str),
                            high_contrast=True), " · ",
                    rx.text.span(idea["supports"].to(str), " ", t("supports"), size="2"))),
                    class_name="stack"),
                spacing="2", align="stretch")),
        spacing="3", align="stretch", width="100%",
    )
