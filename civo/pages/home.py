"""Home: the citizen's projects from followed communities, or an introduction for visitors."""

from __future__ import annotations

import reflex as rx

from civo.components.cards import project_card
from civo.components.i18n import t
from civo.components.layout import link_button, page_shell
from civo.state.home import HomeState


def intro() -> rx.Component:
    return rx.cond(
        HomeState.signed_in,
        rx.text(t("The latest projects of the communities you follow.")),
        rx.vstack(
            rx.text(t("Take part in the decisions of your city, region, country and "
                      "organisations, all in one place. See when decision makers read you, and "
                      "when your input shapes a decision.")),
            rx.hstack(
                link_button(t("Create an account"), "/register", size="3"),
                link_button(t("Browse communities"), "/communities", size="3", variant="soft",
                            high_contrast=True),
                spacing="3", wrap="wrap",
            ),
            spacing="3",
        ),
    )


def home_page() -> rx.Component:
    return page_shell(
        intro(),
        rx.heading(t("Latest projects"), as_="h2", size="5"),
        rx.cond(
            HomeState.loaded & (HomeState.items.length() == 0),
            rx.text(t("Nothing here yet. Follow communities to see their projects."),
                    id="home-empty"),
            rx.el.ul(rx.foreach(HomeState.items, project_card), class_name="plain-list stack"),
        ),
        rx.cond(HomeState.has_more,
                rx.button(t("Load more"), on_click=HomeState.load_more, variant="soft",
                          high_contrast=True)),
        heading=rx.cond(HomeState.signed_in, t("Your feed"), t("Welcome to Civo")),
    )
