"""The app shell: skip link, header with navigation, ``<main>``, footer.

Mobile first: from 360 px the navigation shows icons with accessible names; labels
appear from the ``sm`` breakpoint up.
"""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.i18n import LOCALE_NAMES, N_
from civo.state.base import AppState

NAV_ITEMS = (
    ("/", N_("Feed"), "newspaper"),
    ("/communities", N_("Communities"), "landmark"),
    ("/map", N_("Map"), "map"),
)


def link_button(label: rx.Var | str, href: str, *, id_: str | None = None,
                **props) -> rx.Component:
    """A link styled as a button: one focusable element, announced as a link."""
    return rx.button(rx.el.a(label, href=href, id=id_), as_child=True, **props)


def skip_link() -> rx.Component:
    # The router would swallow a plain "#main" jump: move focus ourselves, in the browser.
    return rx.el.a(
        t("Skip to main content"), href="#main", class_name="skip-link",
        on_click=[rx.prevent_default,
                  rx.call_script("document.getElementById('main').focus()")],
    )


def unread_badge() -> rx.Component:
    return rx.cond(
        AppState.unread_count > 0,
        rx.badge(rx.cond(AppState.unread_count > 99, "99+", AppState.unread_count.to_string()),
                 variant="solid", color_scheme="indigo", id="unread-count"),
    )


def nav_link(href: str, label: str, icon: str) -> rx.Component:
    unread_label = rx.cond(AppState.unread_count > 0,
                           t(label) + " (" + AppState.unread_count.to_string() + " "
                           + t("unread") + ")", t(label))
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=20, aria_hidden="true"),
            rx.text(t(label), display=["none", "none", "inline"]),
            *([unread_badge()] if href == "/" else []),
            align="center", spacing="2",
        ),
        href=href,
        aria_label=unread_label if href == "/" else t(label),
        class_name="nav-link",
        underline="none",
        high_contrast=True,
    )


def color_mode_button() -> rx.Component:
    return rx.icon_button(
        rx.color_mode_cond(light=rx.icon("moon", aria_hidden="true"),
                           dark=rx.icon("sun", aria_hidden="true")),
        on_click=rx.toggle_color_mode,
        variant="ghost",
        aria_label=t("Switch light or dark mode"),
        title=t("Switch light or dark mode"),
        high_contrast=True,
    )


def language_picker(id_: str = "language-picker") -> rx.Component:
    return rx.el.label(
        rx.el.span(t("Language"), class_name="visually-hidden"),
        rx.el.select(
            *[rx.el.option(name, value=code, lang=code) for code, name in LOCALE_NAMES.items()],
            value=AppState.lang,
            on_change=AppState.set_language,
            id=id_,
            class_name="language-picker",
        ),
    )


def account_menu() -> rx.Component:
    return rx.cond(
        AppState.signed_in,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("circle-user", aria_hidden="true"),
                    rx.text(AppState.user_name, display=["none", "none", "inline"]),
                    variant="soft", high_contrast=True, aria_label=t("Account menu"),
                    id="account-menu",
                ),
            ),
            rx.menu.content(
                rx.cond(AppState.has_role,
                        rx.menu.item(t("Dashboard"), on_click=rx.redirect("/admin"))),
                rx.menu.item(t("My account"), on_click=rx.redirect("/account")),
                rx.menu.item(t("Your profile"), on_click=rx.redirect("/profile")),
                rx.menu.item(t("Communities you follow"), on_click=rx.redirect("/following")),
                rx.menu.item(t("My favourites"), on_click=rx.redirect("/favourites")),
                rx.menu.item(t("Join with a code"), on_click=rx.redirect("/join")),
                rx.menu.separator(),
                rx.menu.item(t("Log out"), on_click=AppState.log_out, id="logout"),
            ),
        ),
        rx.hstack(
            rx.link(t("Sign in"), href="/login", high_contrast=True, id="nav-login"),
            link_button(t("Register"), "/register", id_="nav-register", high_contrast=True),
            spacing="3", align="center",
        ),
    )


def header() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("vote", aria_hidden="true"), rx.text("Civo", weight="bold"),
                          align="center", spacing="2"),
                href="/", underline="none", high_contrast=True, aria_label="Civo",
            ),
            rx.el.nav(
                rx.hstack(*[nav_link(*item) for item in NAV_ITEMS], spacing="4", align="center"),
                aria_label=t("Main"),
            ),
            rx.spacer(),
            rx.hstack(
                rx.cond(AppState.has_role, rx.link(
                    rx.hstack(rx.icon("layout-dashboard", size=20, aria_hidden="true"),
                              rx.text(t("Dashboard"), display=["none", "none", "inline"]),
                              align="center", spacing="2"),
                    href="/admin", aria_label=t("Dashboard"), high_contrast=True,
                    underline="none", class_name="nav-link", id="nav-dashboard")),
                rx.link(
                    rx.hstack(
                        rx.icon("bell", aria_hidden="true"),
                        rx.cond(AppState.notification_count > 0, rx.badge(
                            rx.cond(AppState.notification_count > 99, "99+",
                                    AppState.notification_count.to_string()),
                            variant="solid", color_scheme="indigo", id="bell-count")),
                        spacing="1", align="center"),
                    href="/notifications", high_contrast=True, class_name="nav-link",
                    underline="none", id="nav-bell",
                    aria_label=rx.cond(AppState.notification_count > 0,
                                       t("Notifications") + " ("
                                       + AppState.notification_count.to_string() + " "
                                       + t("unread") + ")", t("Notifications"))),
                color_mode_button(),
                account_menu(),
                spacing="3", align="center",
            ),
            align="center", spacing="4", wrap="wrap", padding_y="0.75em",
            max_width="72rem", margin_x="auto", padding_x="1em",
        ),
        class_name="site-header",
    )


COOKIES = (
    ("civo_session", N_("keeps you signed in"), N_("1 day")),
    ("locale", N_("remembers your language"), N_("6 months")),
    ("civo_follow_quiet", N_("remembers “Not now” when a community asks you to follow it"),
     N_("3 days")),
    ("civo_consent", N_("remembers that you read this notice"), N_("6 months")),
    ("civo_sso", N_("only while you sign in with another service: protects that sign-in"),
     N_("10 minutes")),
    ("civo_idea_order", N_("(browser storage) keeps the order of an idea box the same for "
                           "you"), N_("until you clear it")),
)


def cookie_notice() -> rx.Component:
    """Only functional cookies: the notice informs (nothing is tracked, nothing to refuse)."""
    # First in the page (and in tab order), shown at the bottom of the screen; short enough
    # for a quarter of a phone's screen, the list of cookies one click away.
    return rx.cond(AppState.cookie_notice_seen == "", rx.el.section(
        rx.hstack(
            rx.text(t("Civo uses only functional cookies, no trackers, and loads nothing from "
                      "other sites:"), weight="bold", size="2"),
            rx.button(t("OK"), on_click=AppState.acknowledge_cookies, size="2",
                      id="cookie-ok", width="fit-content"),
            spacing="3", align="center", justify="between", wrap="wrap", width="100%"),
        rx.el.details(
            rx.el.summary(t("Which cookies?"), class_name="cookie-summary"),
            rx.el.ul(*[rx.el.li(rx.text(rx.code(name), " — ", t(purpose), " (", t(lasts), ")",
                                        size="2"))
                       for name, purpose, lasts in COOKIES], class_name="plain-list"),
        ),
        aria_label=t("Cookies"), class_name="cookie-notice", id="cookie-notice"))


def footer() -> rx.Component:
    return rx.el.footer(
        rx.hstack(
            rx.text(t("Civo — open civic participation. Free software (AGPL-3.0-or-later)."),
                    size="2"),
            rx.link(t("Code of conduct"), href="/code-of-conduct", size="2",
                    underline="always", id="footer-conduct"),
            rx.link(t("Open data"), href="/open-data", size="2", underline="always",
                    id="footer-open-data"),
            rx.spacer(),
            language_picker(),
            wrap="wrap", align="center", spacing="3",
            max_width="72rem", margin_x="auto", padding="1em",
        ),
        class_name="site-footer",
    )


def session_notice() -> rx.Component:
    return rx.cond(
        AppState.session_notice,
        rx.callout.root(
            rx.callout.text(AppState.session_notice),
            rx.hstack(
                rx.link(t("Sign in"), href="/login", underline="always"),
                rx.button(t("Dismiss"), variant="soft", size="1", high_contrast=True,
                          on_click=AppState.dismiss_session_notice),
                spacing="3", align="center",
            ),
            color_scheme="amber", role="status", id="session-notice",
        ),
    )


def confirm_banner() -> rx.Component:
    """Signed in but not confirmed: reading and following work; taking part waits."""
    return rx.cond(
        AppState.signed_in & ~AppState.email_confirmed,
        rx.callout.root(
            rx.callout.text(t("Confirm your email address to post, comment, react and "
                              "support: open the link we sent you.")),
            rx.hstack(
                rx.button(t("Send the link again"), size="1", variant="soft",
                          high_contrast=True, on_click=AppState.resend_confirmation,
                          id="resend-confirmation"),
                rx.text(AppState.confirm_notice, size="2", role="status",
                        id="confirm-notice"),
                spacing="3", align="center", wrap="wrap"),
            color_scheme="amber", id="confirm-banner",
        ),
    )


def page_shell(*children: rx.Component, heading: rx.Var | str) -> rx.Component:
    """Wrap page content in the shell; ``heading`` becomes the page's ``<h1>``."""
    return rx.fragment(
        skip_link(),
        cookie_notice(),
        header(),
        rx.el.main(
            rx.vstack(
                session_notice(),
                confirm_banner(),
                rx.heading(heading, as_="h1", size="7"),
                *children,
                spacing="5", width="100%", align="stretch",
            ),
            id="main", tab_index=-1,
            max_width="72rem", margin_x="auto", padding="1em", width="100%",
        ),
        footer(),
        # Translated texts for assets/civo.js (character counters).
        rx.el.div(id="civo-strings", hidden=True,
                  custom_attrs={"data-count": t("{n} / {max} characters"),
                                "data-over": t("{n} characters too many (at most {max}): "
                                               "shorten it to send.")}),
    )
