"""/confirm/[token], /forgot and /reset/[token]: what email links lead to."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.state.recovery import ConfirmState, ForgotState, ResetState


def confirm_page() -> rx.Component:
    return page_shell(
        rx.match(
            ConfirmState.outcome,
            ("confirmed", rx.text(t("Thank you: your email address is confirmed. You can now "
                                    "take part."), id="confirm-ok")),
            ("already", rx.text(t("Your email address was already confirmed."),
                                id="confirm-ok")),
            ("invalid", rx.vstack(
                rx.text(ConfirmState.message, id="confirm-invalid", role="alert"),
                rx.text(t("Nothing was changed. Sign in and ask for a new link from the "
                          "banner at the top of any page.")), spacing="2")),
            rx.text(t("Checking the link…")),
        ),
        rx.link(t("Go to your feed"), href="/"),
        heading=t("Confirm your email address"),
    )


def forgot_page() -> rx.Component:
    return page_shell(
        rx.cond(
            ForgotState.sent,
            rx.text(t("If an account uses this address, we sent it a link to choose a new "
                      "password. It works once, for one hour."), id="forgot-sent",
                    role="status"),
            rx.form(rx.vstack(
                rx.el.label(t("Email"), html_for="forgot-email", class_name="field-label"),
                rx.input(name="email", id="forgot-email", type="email", required=True,
                         auto_complete="email", size="3", width="100%", max_width="28rem"),
                rx.cond(ForgotState.error != "", rx.text(ForgotState.error, role="alert",
                                                         class_name="field-error")),
                rx.button(t("Send me a link"), type="submit", size="3", id="forgot-submit"),
                spacing="2", align="start"), on_submit=ForgotState.request),
        ),
        heading=t("Forgot your password?"),
    )


def reset_page() -> rx.Component:
    return page_shell(
        rx.cond(ResetState.link_error != "", rx.vstack(
            rx.text(ResetState.link_error, role="alert", id="reset-link-error"),
            rx.link(t("Ask for a new link"), href="/forgot", underline="always"),
            spacing="2"),
        rx.form(rx.vstack(
            rx.el.label(t("New password"), html_for="reset-password",
                        class_name="field-label"),
            rx.text(t("At least 10 characters; a few words you will remember work well."),
                    size="2", id="reset-hint", class_name="field-hint"),
            rx.input(name="password", id="reset-password", type="password", required=True,
                     auto_complete="new-password", size="3", width="100%", max_width="28rem",
                     aria_describedby="reset-hint reset-error"),
            rx.cond(ResetState.error != "", rx.text(ResetState.error, role="alert",
                                                    class_name="field-error",
                                                    id="reset-error")),
            rx.button(t("Save the new password"), type="submit", size="3", id="reset-submit"),
            spacing="2", align="start"), on_submit=ResetState.save_password)),
        heading=t("Choose a new password"),
    )
