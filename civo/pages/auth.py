"""Register, sign in, and the welcome screen."""

from __future__ import annotations

import reflex as rx

from civo.components import places
from civo.components.forms import field, form_error
from civo.components.i18n import t
from civo.components.layout import link_button, page_shell
from civo.i18n import N_
from civo.state.auth import FollowListState, LoginState, RegisterState


def place_chooser() -> rx.Component:
    return places.place_chooser(
        RegisterState, label=N_("Home place"), error_key="home_place",
        hint=N_("Type the name of your city or town, then choose it in the list."),
        change_label=N_("Change home place"))


def register_page() -> rx.Component:
    return page_shell(
        rx.text(t("One account to take part in every city, region, country and organisation "
                  "that decides things for you.")),
        rx.form(
            rx.vstack(
                form_error(RegisterState.errors["form"]),
                field("full_name", "Full name", autocomplete="name",
                      error=RegisterState.errors["full_name"],
                      default_value=RegisterState.full_name,
                      hint=N_("Shown with your contributions until you choose another name "
                              "or a pseudonym in your profile. Your email is never shown.")),
                field("email", "Email", type_="email", autocomplete="email",
                      error=RegisterState.errors["email"], default_value=RegisterState.email),
                field("password", "Password", type_="password", autocomplete="new-password",
                      error=RegisterState.errors["password"],
                      hint=N_("At least 10 characters. Avoid common passwords.")),
                place_chooser(),
                rx.text(t("By creating an account you agree to take part under the "),
                        rx.link(t("code of conduct"), href="/code-of-conduct",
                                underline="always", is_external=True, high_contrast=True),
                        ".", size="2"),
                rx.button(t("Create my account"), type="submit", size="3", id="register-submit",
                          loading=RegisterState.submitting),
                rx.text(t("Already have an account?"), " ",
                        rx.link(t("Sign in"), href="/login", underline="always"), size="2"),
                spacing="4", width="100%", max_width="32rem", align="stretch",
            ),
            on_submit=RegisterState.register,
            reset_on_submit=False,
            aria_label=t("Create an account"),
        ),
        heading=t("Create an account"),
    )


def login_page() -> rx.Component:
    return page_shell(
        rx.form(
            rx.vstack(
                form_error(LoginState.error),
                field("email", "Email", type_="email", autocomplete="username",
                      default_value=LoginState.email),
                field("password", "Password", type_="password", autocomplete="current-password"),
                rx.button(t("Sign in"), type="submit", size="3", id="login-submit",
                          loading=LoginState.submitting),
                rx.link(t("Forgot your password?"), href="/forgot", size="2",
                        underline="always", id="forgot-link"),
                rx.cond(LoginState.providers.length() > 0, rx.vstack(
                    rx.text(t("Or"), size="2"),
                    rx.foreach(LoginState.providers, lambda p: rx.button(
                        rx.el.a(t("Sign in with") + " " + p["label"].to(str),
                                href=p["href"].to(str), id="sso-" + p["name"].to(str)),
                        as_child=True, variant="soft", high_contrast=True, size="3")),
                    spacing="2", align="start")),
                rx.text(t("New to Civo?"), " ", rx.link(t("Create an account"), href="/register",
                                                        underline="always"),
                        size="2"),
                spacing="4", width="100%", max_width="32rem", align="stretch",
            ),
            on_submit=LoginState.sign_in,
            reset_on_submit=False,
            aria_label=t("Sign in"),
        ),
        heading=t("Sign in"),
    )


def follow_row(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.hstack(
                rx.vstack(
                    rx.link(item["name"], href="/c/" + item["slug"].to(str), weight="bold",
                            size="4"),
                    rx.text(item["place"], " · ", item["followers_label"], size="2"),
                    spacing="1",
                ),
                rx.spacer(),
                rx.button(
                    rx.cond(item["is_following"], t("Unfollow"), t("Follow")),
                    variant=rx.cond(item["is_following"], "soft", "solid"),
                    on_click=FollowListState.toggle_follow(item["id"]),
                    aria_label=rx.cond(item["is_following"], t("Unfollow"), t("Follow"))
                    + " " + item["name"].to(str),
                ),
                align="center", wrap="wrap", spacing="3",
            ),
        ),
        class_name="follow-item",
    )


def follow_list() -> rx.Component:
    return rx.el.ul(rx.foreach(FollowListState.items, follow_row), class_name="plain-list stack",
                    id="follow-list")


def welcome_page() -> rx.Component:
    return page_shell(
        rx.text(t("You now follow the communities that make decisions for your home place. "
                  "Their new consultations will appear in your feed. You can unfollow any of "
                  "them.")),
        follow_list(),
        link_button(t("Go to my feed"), "/", size="3", width="fit-content"),
        heading=t("Welcome to Civo"),
    )


def following_page() -> rx.Component:
    return page_shell(
        rx.cond(
            FollowListState.loaded & (FollowListState.items.length() == 0),
            rx.text(t("You do not follow any community yet."), id="empty-following"),
            follow_list(),
        ),
        rx.cond(FollowListState.has_more,
                rx.button(t("Load more"), on_click=FollowListState.load_more, variant="soft",
                          high_contrast=True, width="fit-content")),
        rx.link(t("Browse all communities"), href="/communities"),
        heading=t("Communities you follow"),
    )
