"""/settings/privacy: download my data, delete my account."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.state.privacy import PrivacyState as S


def download_section() -> rx.Component:
    return rx.el.section(rx.card(rx.vstack(
        rx.heading(t("Download my data"), as_="h2", size="5"),
        rx.text(t("A zip with a JSON file of everything we hold about you and everything you "
                  "wrote (anonymous posts included), and your pictures.")),
        rx.button(t("Prepare my archive"), on_click=S.prepare_download, id="prepare-download",
                  width="fit-content"),
        rx.cond(S.download_link != "", rx.callout.root(
            rx.callout.text(t("Your archive is ready. This link works until"), " ",
                            S.download_until, ":"),
            rx.link(t("Download my data (zip)"), href=S.download_link, is_external=True,
                    underline="always", id="download-link"),
            color_scheme="green")),
        rx.cond(S.export_error != "", rx.callout(S.export_error, icon="triangle_alert",
                                                 color_scheme="red", role="alert")),
        spacing="3", align="stretch")), id="download-section")


def delete_section() -> rx.Component:
    return rx.el.section(rx.card(rx.form(rx.vstack(
        rx.heading(t("Delete my account"), as_="h2", size="5"),
        rx.text(t("Your profile, pictures, follows, notifications and settings are erased, and "
                  "you are signed out everywhere. What you wrote stays, signed “Deleted "
                  "participant”; your supports and reactions stay as counts, linked to no "
                  "one. You can register again later with the same email address.")),
        rx.cond(S.has_password, rx.vstack(
            rx.el.label(t("Your password"), html_for="delete-password",
                        class_name="field-label"),
            rx.input(name="password", id="delete-password", type="password", required=True,
                     auto_complete="current-password", size="3", max_width="24rem"),
            spacing="1", align="start"),
            rx.text(t("You sign in with another service: sign in again, then delete the "
                      "account within 10 minutes."), size="2")),
        rx.el.label(rx.el.input(type="checkbox", name="understood", id="delete-understood"),
                    " ", t("I understand that this cannot be undone."),
                    class_name="checkbox-label"),
        rx.cond(S.delete_error != "", rx.text(S.delete_error, role="alert",
                                              class_name="field-error", id="delete-error")),
        rx.button(t("Delete my account"), type="submit", color_scheme="red",
                  id="delete-account", width="fit-content"),
        spacing="3", align="stretch"), on_submit=S.delete_account, reset_on_submit=False)),
        id="delete-section")


def privacy_page() -> rx.Component:
    return page_shell(
        rx.cond(S.signed_in, rx.vstack(download_section(), delete_section(), spacing="5",
                                       align="stretch")),
        heading=t("Your data"),
    )
