"""/invitation/[token]: accept an invitation to administer a community."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.state.invitation import InvitationState as S


def invitation_page() -> rx.Component:
    return page_shell(
        rx.match(
            S.outcome,
            ("open", rx.vstack(
                rx.text(t("You are invited to become an admin of"), " ",
                        rx.text.strong(S.community),
                        rx.cond(S.below, rx.text.span(" ", t("and its sub-communities"))),
                        "."),
                rx.text(t("Accept while signed in with the email address the invitation was "
                          "sent to."), size="2"),
                rx.cond(S.message != "", rx.text(S.message, role="alert",
                                                 id="invitation-error")),
                rx.button(t("Accept the invitation"), on_click=S.accept,
                          id="invitation-accept"),
                spacing="3", align="start")),
            ("accepted", rx.vstack(
                rx.text(t("You are now an admin of"), " ", rx.text.strong(S.community), ".",
                        id="invitation-ok", role="status"),
                rx.link(t("Go to the dashboard"), href="/admin"), spacing="2")),
            ("invalid", rx.text(S.message, id="invitation-invalid", role="alert")),
            rx.text(t("Checking the link…")),
        ),
        heading=t("Admin invitation"),
    )
