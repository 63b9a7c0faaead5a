"""Cards for lists: communities and projects."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t
from civo.i18n import N_

STATUS_LABELS = {"upcoming": N_("Upcoming"), "open": N_("Open"), "closed": N_("Closed"),
                 "results": N_("Results")}
KIND_LABELS = {"city": N_("City"), "metropole": N_("Métropole"), "region": N_("Region"),
               "country": N_("Country"), "union": N_("Union"),
               "organisation": N_("Organisation")}


def kind_badge(kind: rx.Var) -> rx.Component:
    return rx.badge(rx.match(kind, *[(k, t(v)) for k, v in KIND_LABELS.items()], kind),
                    variant="surface", high_contrast=True)


def status_badge(status: rx.Var) -> rx.Component:
    return rx.badge(rx.match(status, *[(k, t(v)) for k, v in STATUS_LABELS.items()], status),
                    color_scheme=rx.match(status, ("open", "green"), ("results", "blue"), "gray"),
                    high_contrast=True)


def community_card(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.link(item["name"], href="/c/" + item["slug"].to(str), weight="bold",
                            size="4", high_contrast=True),
                    kind_badge(item["kind"]),
                    rx.cond(item["is_private"], rx.badge(t("Private"), color_scheme="amber",
                                                         high_contrast=True)),
                    align="center", wrap="wrap", spacing="2",
                ),
                rx.text(item["place"], " · ", item["followers_label"], size="2"),
                spacing="1",
            ),
        ),
    )


def project_card(item: rx.Var, *, show_community: bool = True) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(rx.link(item["title"], href="/p/" + item["id"].to(str),
                                       high_contrast=True), as_="h3", size="4"),
                    status_badge(item["status"]),
                    rx.cond(item["opens"], rx.text(item["opens"], size="2")),
                    align="center", wrap="wrap", spacing="2",
                ),
                rx.cond(show_community,
                        rx.link(item["community_name"], href="/c/" + item["community_slug"].to(str),
                                size="2")),
                rx.text(item["summary"], size="3"),
                spacing="2",
            ),
        ),
    )
