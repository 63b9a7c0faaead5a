"""/notifications (the centre), /n/[id] (following one), /settings/notifications and
/unsubscribe/[token]."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.components.participation import load_more_button
from civo.i18n import N_
from civo.state.notifications import (
    NotificationOpenState,
    NotificationSettingsState,
    NotificationsState,
    UnsubscribeState,
)

CATEGORY_LABELS = {
    "account": (N_("Your account"), N_("Moderation notices. Always on.")),
    "followed": (N_("Communities you follow"),
                 N_("New projects, newly open phases, updates and events.")),
    "contributions": (N_("Your contributions"),
                      N_("Replies, reactions, “read by”, official answers, and when your "
                         "input shaped a decision.")),
    "admin": (N_("Administration"), N_("New contributions, reports and appeals in the "
                                       "communities you run or moderate.")),
}
FREQUENCY_LABELS = (("off", N_("Off")), ("immediate", N_("At once")),
                    ("daily", N_("Daily digest")), ("weekly", N_("Weekly digest")))


def entry(n) -> rx.Component:
    return rx.el.li(rx.card(rx.hstack(
        rx.cond(~n["read"].to(bool), rx.badge(t("New"), color_scheme="indigo",
                                              variant="solid", class_name="unread")),
        rx.vstack(
            rx.link(n["text"], href=n["href"].to(str), high_contrast=True,
                    weight=rx.cond(n["read"].to(bool), "regular", "bold")),
            rx.text(n["when"], size="1"),
            spacing="1", align="start"),
        rx.spacer(),
        rx.cond(~n["read"].to(bool), rx.button(
            t("Mark as read"), size="1", variant="soft", high_contrast=True,
            on_click=NotificationsState.mark_read(n["id"].to(int)),
            aria_label=t("Mark as read") + ": " + n["text"].to(str))),
        spacing="3", align="center")), data_notification_id=n["id"].to(str))


def notifications_page() -> rx.Component:
    S = NotificationsState
    return page_shell(
        rx.cond(
            S.signed_in,
            rx.vstack(
                rx.hstack(
                    rx.button(t("Mark all as read"), on_click=S.mark_all_read, variant="soft",
                              high_contrast=True, id="notifications-all-read"),
                    rx.link(t("Settings"), href="/settings/notifications",
                            id="notification-settings-link"),
                    spacing="4", align="center", wrap="wrap"),
                rx.cond(S.loaded & (S.entries.length() == 0),
                        rx.text(t("You have no notifications yet."), id="notifications-empty")),
                rx.el.ul(rx.foreach(S.entries, entry), class_name="plain-list stack",
                         id="notifications-list"),
                load_more_button(S.has_more, S.load_more, "notifications-more"),
                spacing="4", align="stretch"),
            rx.text(rx.link(t("Sign in"), href="/login", underline="always"), " ",
                    t("to see your notifications.")),
        ),
        heading=t("Notifications"),
    )


def notification_open_page() -> rx.Component:
    return page_shell(
        rx.cond(NotificationOpenState.gone, rx.vstack(
            rx.text(t("What this notification was about is no longer available: it was "
                      "deleted, or hidden by the moderators."), id="notification-gone"),
            rx.link(t("Back to your notifications"), href="/notifications"),
            spacing="2"), rx.text(t("Opening…"))),
        heading=t("Notification"),
    )


def settings_row(row) -> rx.Component:
    category = row["category"].to(str)
    label = rx.match(category, *[(k, t(v[0])) for k, v in CATEGORY_LABELS.items()],
                     category).to(str)
    help_text = rx.match(category, *[(k, t(v[1])) for k, v in CATEGORY_LABELS.items()], "")
    return rx.el.tr(
        rx.el.th(rx.text(label, weight="bold"), rx.text(help_text, size="1"), scope="row"),
        rx.el.td(rx.el.input(type="checkbox", name="in_app_" + category,
                             default_checked=row["in_app"].to(bool),
                             disabled=row["locked"].to(bool), id="in-app-" + category,
                             aria_label=t("In the app") + ": " + label)),
        rx.el.td(rx.el.select(*[rx.el.option(t(text), value=value)
                                for value, text in FREQUENCY_LABELS],
                              name="email_" + category, default_value=row["email"].to(str),
                              disabled=row["locked"].to(bool), id="email-" + category,
                              class_name="select",
                              aria_label=t("By email") + ": " + label)),
    )


def notification_settings_page() -> rx.Component:
    S = NotificationSettingsState
    return page_shell(
        rx.text(t("Choose how you hear about what happens. Digests group everything by "
                  "contribution, once a day or once a week.")),
        rx.form(rx.vstack(
            rx.el.table(
                rx.el.thead(rx.el.tr(rx.el.th(t("Category"), scope="col"),
                                     rx.el.th(t("In the app"), scope="col"),
                                     rx.el.th(t("By email"), scope="col"))),
                rx.el.tbody(rx.foreach(S.rows, settings_row)),
                class_name="data-table", id="notification-settings"),
            rx.button(t("Save"), type="submit", id="notification-settings-save"),
            rx.box(rx.cond(S.notice != "", rx.callout(S.notice, icon="check",
                                                      color_scheme="green")),
                   role="status", aria_live="polite"),
            rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert",
                                              color_scheme="red", role="alert")),
            spacing="3", align="start"), on_submit=S.save, reset_on_submit=False,
            key=S.form_version.to_string()),
        heading=t("Notification settings"),
    )


def unsubscribe_page() -> rx.Component:
    S = UnsubscribeState
    return page_shell(
        rx.cond(S.error != "",
                rx.text(S.error, " ", t("Nothing was changed."), role="alert",
                        id="unsubscribe-error"),
                rx.cond(S.stopped.length() > 0, rx.vstack(
                    rx.text(t("Done: we will not email you about these any more:"),
                            id="unsubscribe-ok", role="status"),
                    rx.el.ul(rx.foreach(S.stopped, lambda c: rx.el.li(rx.match(
                        c, *[(k, t(v[0])) for k, v in CATEGORY_LABELS.items()], c)))),
                    spacing="2"),
                    rx.cond(S.pending.length() > 0, rx.vstack(
                        rx.text(t("Stop emails about these? Nothing changes until you "
                                  "confirm."), id="unsubscribe-ask"),
                        rx.el.ul(rx.foreach(S.pending, lambda c: rx.el.li(rx.match(
                            c, *[(k, t(v[0])) for k, v in CATEGORY_LABELS.items()], c)))),
                        rx.button(t("Unsubscribe"), on_click=S.confirm, id="unsubscribe-confirm",
                                  width="fit-content"),
                        spacing="2")))),
        rx.link(t("Notification settings"), href="/settings/notifications"),
        heading=t("Unsubscribe"),
    )
