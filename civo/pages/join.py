"""/join: a citizen types the access code of a private community."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.state.join import JoinState


def join_page() -> rx.Component:
    return page_shell(
        rx.text(t("Private communities (a neighbourhood council, an association…) give their "
                  "members an access code.")),
        rx.cond(
            JoinState.signed_in,
            rx.form(rx.vstack(
                rx.el.label(t("Access code"), html_for="join-code", class_name="field-label"),
                rx.input(name="code", id="join-code", required=True, max_length=64,
                         auto_complete="off", size="3", width="100%", max_width="20rem",
                         placeholder="ABCD-EFGH-JKLM",
                         aria_invalid=rx.cond(JoinState.error != "", "true", "false"),
                         aria_describedby="join-error"),
                rx.cond(JoinState.error != "", rx.text(JoinState.error, id="join-error",
                                                       role="alert", class_name="field-error")),
                rx.button(t("Join"), type="submit", size="3", id="join-submit"),
                spacing="2", align="start"), on_submit=JoinState.join, reset_on_submit=False),
            rx.text(rx.link(t("Sign in"), href="/login", underline="always"), " ",
                    t("to join a private community.")),
        ),
        heading=t("Join with a code"),
    )
