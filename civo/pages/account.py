"""Account page, plus the honest empty states of the map and notifications."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import language_picker, page_shell
from civo.i18n import N_
from civo.state.account import AccountState

NOTICE_KINDS = {"hidden": N_("Your content was hidden pending review"),
                "removed": N_("Your content was removed"),
                "restored": N_("Your content was restored"),
                "warned": N_("You received a warning")}


def account_page() -> rx.Component:
    return page_shell(
        rx.el.dl(
            rx.el.dt(t("Full name")), rx.el.dd(AccountState.full_name, id="account-name"),
            rx.el.dt(t("Email")), rx.el.dd(AccountState.email, id="account-email"),
            rx.el.dt(t("Home place")), rx.el.dd(AccountState.home_place),
            class_name="details",
        ),
        rx.el.nav(rx.hstack(
            rx.link(t("Your profile"), href="/profile", id="link-profile"),
            rx.link(t("Notification settings"), href="/settings/notifications",
                    id="link-notification-settings"),
            rx.link(t("Your data: download or delete"), href="/settings/privacy",
                    id="link-privacy"),
            spacing="4", wrap="wrap"), aria_label=t("Settings")),
        rx.heading(t("Language"), as_="h2", size="5"),
        rx.text(t("Choose the language of Civo. We remember it in a cookie for six months.")),
        language_picker("account-language"),
        rx.cond(AccountState.notices.length() > 0, rx.vstack(
            rx.heading(t("From the moderators"), as_="h2", size="5"),
            rx.el.ul(rx.foreach(AccountState.notices, lambda n: rx.el.li(rx.card(rx.vstack(
                rx.text(rx.match(n["kind"], *[(k, t(v)) for k, v in NOTICE_KINDS.items()],
                                 n["kind"]), " · ", n["when"], weight="bold", size="2"),
                rx.cond(n["reason"] != "", rx.text(n["reason"], size="2")),
                rx.cond(n["href"] != "", rx.link(t("See the content"), href=n["href"].to(str),
                                                 size="2")),
                spacing="1")))), class_name="plain-list stack", id="moderation-notices"),
            rx.link(t("Read the code of conduct"), href="/code-of-conduct", size="2"),
            spacing="3", align="stretch")),
        rx.heading(t("Sessions"), as_="h2", size="5"),
        rx.text(t("Signed in on a shared or lost device? End every session of this account.")),
        rx.button(t("Log out everywhere"), color_scheme="red", variant="soft", high_contrast=True,
                  on_click=AccountState.log_out_everywhere,
                  id="logout-everywhere", width="fit-content"),
        heading=t("My account"),
    )


def map_page() -> rx.Component:
    """The modules' overviews across communities (the map module's pins of every followed
    map consultation), or an honest empty page when no module offers one."""
    from civo.modules import MODULES

    parts = [build() for spec in MODULES if (build := spec.component("overview"))]
    return page_shell(
        *(parts or [rx.text(t("Map consultations of the communities you follow will appear "
                              "here. None is open yet.")),
                    rx.link(t("Browse communities"), href="/communities")]),
        heading=t("Map"),
    )
