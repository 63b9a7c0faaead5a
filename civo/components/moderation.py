"""Reporting and its consequences on the item page: the report and appeal dialogs, what
readers see of hidden content, and what its author is told."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.i18n import N_
from civo.services.moderation import REASON_LABELS
from civo.state.item import ItemState

REASONS = REASON_LABELS


def reason_label(key) -> rx.Var:
    return rx.match(key, *[(k, t(v)) for k, v in REASONS.items()], key)


def reasons_line(reasons) -> rx.Component:
    return rx.hstack(rx.foreach(reasons.to(list[str]), lambda r: rx.badge(
        reason_label(r), high_contrast=True)), spacing="2", wrap="wrap")


def report_button(kind: str, target_id, id_) -> rx.Component:
    return rx.button(rx.icon("flag", size=14, aria_hidden="true"), t("Report"), size="1",
                     variant="ghost", high_contrast=True, type="button", id=id_,
                     on_click=ItemState.open_flag(kind, target_id))


def _dialog(title: str, description: rx.Component, fields: list[rx.Component], *,
            submit: str, submit_id: str, error_id: str, open_, on_open_change,
            on_submit) -> rx.Component:
    """A modal form: title, help, fields, the refusal message, Cancel and Send."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t(title)),
            description,
            rx.form(rx.vstack(
                *fields,
                rx.cond(ItemState.dialog_error != "",
                        rx.text(ItemState.dialog_error, role="alert", class_name="field-error",
                                id=error_id)),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft",
                                              high_contrast=True)),
                    rx.button(t(submit), type="submit", id=submit_id),
                    spacing="3", justify="end"),
                spacing="3", align="stretch"), on_submit=on_submit, reset_on_submit=False),
        ),
        open=open_, on_open_change=on_open_change,
    )


def flag_dialog() -> rx.Component:
    return _dialog(
        N_("Report to the moderators"),
        rx.dialog.description(
            t("Tell us what breaks the "),
            rx.link(t("code of conduct"), href="/code-of-conduct", underline="always",
                    is_external=True),
            t(". Moderators never see who reported it."), size="2"),
        [rx.el.fieldset(
            rx.el.legend(t("Reason"), class_name="field-label"),
            rx.vstack(*[rx.el.label(
                rx.el.input(type="radio", name="reason", value=key, required=True,
                            id=f"flag-{key}"), " ", t(label),
                class_name="checkbox-label") for key, label in REASONS.items()],
                spacing="1"),
            class_name="plain-fieldset"),
         rx.el.label(t("Details (required for “Other”)"), html_for="flag-details",
                     class_name="field-label"),
         rx.text_area(name="details", id="flag-details", max_length=500, rows="3",
                      width="100%")],
        submit=N_("Send the report"), submit_id="flag-submit", error_id="flag-error",
        open_=ItemState.flag_target.length() > 0,
        on_open_change=ItemState.flag_dialog_changed, on_submit=ItemState.submit_flag,
    )


def appeal_dialog() -> rx.Component:
    return _dialog(
        N_("Ask the moderators to look again"),
        rx.dialog.description(t("You can appeal once. Say briefly why your text respects "
                                "the code of conduct."), size="2"),
        [rx.el.label(t("Your appeal"), html_for="appeal-text", class_name="field-label"),
         rx.text_area(name="text", id="appeal-text", max_length=500, rows="4", required=True,
                      width="100%")],
        submit=N_("Send the appeal"), submit_id="appeal-submit", error_id="appeal-error",
        open_=ItemState.appeal_target.length() > 0,
        on_open_change=ItemState.appeal_dialog_changed, on_submit=ItemState.submit_appeal,
    )


def author_notice(state, reasons, decision, can_appeal, appealed, kind: str, target_id,
                  id_: str) -> rx.Component:
    """What the author (and moderators) read about hidden or removed content."""
    return rx.callout.root(
        rx.callout.text(rx.cond(
            state == "removed",
            t("Removed by the moderators. Reason:") + " " + decision.to(str),
            t("Hidden pending review: others do not see it until a moderator looks at it."))),
        rx.cond(reasons.to(list[str]).length() > 0, rx.hstack(
            rx.text(t("Reported as:"), size="2"), reasons_line(reasons), spacing="2",
            align="center", wrap="wrap")),
        rx.cond(can_appeal, rx.button(t("Appeal"), size="1", type="button",
                                      on_click=ItemState.open_appeal(kind, target_id),
                                      id=id_ + "-appeal")),
        rx.cond(appealed, rx.text(t("Your appeal was sent to the moderators."), size="2")),
        color_scheme="amber", id=id_,
    )


def hidden_placeholder(state, id_: str) -> rx.Component:
    return rx.text(rx.cond(state == "removed", t("Removed by the moderators."),
                           t("Hidden pending review.")), font_style="italic", id=id_)
