"""Debate UI: the question, a contribution form with an optional stance, and the list."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.components.i18n import t
from civo.components.participation import (
    anonymous_checkbox,
    error_callout,
    live_card,
    load_more_button,
    textarea_field,
)
from civo.i18n import N_
from civo.state.base import AppState
from civo.state.item import ItemState
from civo.state.modules.debate import DebateState
from civo.state.project import ProjectState

STANCES = {"for": N_("For"), "against": N_("Against"), "neutral": N_("Neutral")}


def stance_badge(stance: rx.Var) -> rx.Component:
    return rx.cond(stance != "", rx.badge(
        rx.match(stance, *[(k, t(v)) for k, v in STANCES.items()], ""),
        color_scheme=rx.match(stance, ("for", "green"), ("against", "red"), "gray"),
        high_contrast=True))


def contribute_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            textarea_field("body", N_("Your contribution"), "debate-body", max_length=2000),
            rx.el.fieldset(
                rx.el.legend(t("Your stance (optional)"), class_name="field-label"),
                rx.hstack(
                    *[rx.el.label(rx.el.input(type="radio", name="stance", value=value,
                                              id=f"stance-{value}"), " ", t(label),
                                  class_name="checkbox-label")
                      for value, label in STANCES.items()],
                    spacing="4", wrap="wrap",
                ),
                class_name="plain-fieldset",
            ),
            anonymous_checkbox("debate-anonymous"),
            error_callout(DebateState.form_error, "debate-error"),
            rx.button(t("Publish"), type="submit", size="3", id="debate-submit"),
            spacing="3", align="stretch",
        ),
        on_submit=DebateState.contribute, reset_on_submit=True,
    )


def debate_panel() -> rx.Component:
    return rx.vstack(
        rx.cond(ProjectState.phase["settings"].to(dict)["question"] != "",
                rx.card(rx.heading(ProjectState.phase["settings"].to(dict)["question"], as_="h3",
                                   size="5"))),
        rx.cond(
            ProjectState.phase["open"].to(bool),
            rx.cond(AppState.signed_in, contribute_form(),
                    rx.text(rx.link(t("Sign in"), href="/login", underline="always"), " ",
                            t("to take part in the debate."))),
            rx.cond(ProjectState.phase["status"] == "closed",
                    rx.callout(t("This debate is closed."), icon="info",
                               color_scheme="gray")),
        ),
        error_callout(DebateState.error, "debate-list-error"),
        rx.heading(t("Contributions"), as_="h3", size="4"),
        rx.el.ul(rx.foreach(DebateState.posts,
                            lambda card: live_card(card, DebateState.live,
                                                  stance_badge(card["stance"]))),
                 class_name="plain-list stack", id="debate-list"),
        load_more_button(DebateState.has_more, DebateState.load_more, "debate-more"),
        spacing="4", align="stretch", width="100%",
        on_mount=DebateState.load,
    )


def debate_item_extra() -> rx.Component:
    return stance_badge(ItemState.extra["stance"])


def debate_results(r: rx.Var | None = None) -> rx.Component:
    """A closed debate's results: how many took a stance for, against or neither, and its
    most discussed contributions (``r``: the results hook's section; the phase page's by
    default)."""
    r = ProjectState.results if r is None else r
    return rx.vstack(
        rx.el.table(
            rx.el.caption(t("Contributions by stance")),
            rx.el.tbody(rx.foreach(r["tally"].to(list[dict[str, Any]]), lambda row: rx.el.tr(
                rx.el.th(row["label"].to(str), scope="row"),
                rx.el.td(row["count"].to(str))))),
            class_name="data-table debate-tally"),
        rx.cond(
            r["listed"].to(list).length() > 0,
            rx.el.ul(rx.foreach(r["listed"].to(list[dict[str, Any]]), lambda c: rx.el.li(
                rx.card(rx.vstack(
                    rx.cond(c["stance"].to(str) != "", stance_badge(c["stance"].to(str))),
                    rx.link(c["excerpt"].to(str), href="/i/" + c["id"].to(str),
                            high_contrast=True),
                    spacing="1", align="start")))),
                class_name="plain-list stack debate-listed"),
            rx.text(t("Nobody contributed to this debate."), size="2")),
        spacing="2", align="stretch", width="100%",
    )
