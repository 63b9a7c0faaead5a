"""Participation pieces shared by every module: safe text, reactions, cards, comments."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.components.cards import status_badge
from civo.components.i18n import t
from civo.i18n import N_
from civo.models.participation import EMOJI_GLYPHS
from civo.modules import MODULES
from civo.state.live import live_count

EMOJI_LABELS = {"agree": N_("Agree"), "inspiring": N_("Inspiring"), "love": N_("Love it"),
                "think": N_("Needs thought"), "concerned": N_("Concerned")}


ANNOUNCEMENT_LABELS = {"update": N_("Update"), "event": N_("Event"),
                       "project": N_("New project")}


def module_label(key: rx.Var) -> rx.Var:
    return rx.match(key, *[(spec.key, t(spec.item_label)) for spec in MODULES
                           if spec.holds_items],
                    *[(k, t(v)) for k, v in ANNOUNCEMENT_LABELS.items()], "")


def rich_text(segments: rx.Var, **props) -> rx.Component:
    """User text: plain text, with links made clickable (never HTML)."""
    return rx.text(
        rx.foreach(segments.to(list[dict[str, str]]), lambda s: rx.cond(
            s["href"] != "",
            rx.link(s["text"], href=s["href"].to(str), rel="nofollow ugc noopener",
                    is_external=True, underline="always"),
            rx.text.span(s["text"]),
        )),
        white_space="pre-wrap", overflow_wrap="anywhere", **props,
    )


def reaction_bar(reactions: rx.Var, on_react, *, enabled: rx.Var, id_prefix: rx.Var,
                 live: rx.Var | None = None, key: rx.Var | str = "") -> rx.Component:
    """Five reaction buttons with counts; ``on_react(emoji)`` gets "" to remove one's own.
    With ``live`` (a page's live counts) and ``key`` ("i42", "c17"), counts move live."""

    def button(r: rx.Var) -> rx.Component:
        label = rx.match(r["emoji"], *[(k, t(v)) for k, v in EMOJI_LABELS.items()], "")
        return rx.button(
            rx.text.span(r["glyph"], aria_hidden="true"),
            rx.text.span(r["count"] if live is None
                         else live_count(live, key, r["emoji"], r["count"])),
            rx.text.span(label, class_name="visually-hidden"),
            on_click=on_react(rx.cond(r["mine"], "", r["emoji"])),
            aria_pressed=rx.cond(r["mine"], "true", "false"),
            title=label, disabled=~enabled, size="2",
            variant=rx.cond(r["mine"], "solid", "soft"), high_contrast=True,
            id=rx.Var.create(id_prefix).to(str) + "-" + r["emoji"].to(str),
            class_name="reaction",
        )

    return rx.hstack(rx.foreach(reactions.to(list[dict[str, Any]]), button), role="group",
                     aria_label=t("Reactions"), spacing="2", wrap="wrap")


def reaction_buttons(counts: rx.Var, mine: rx.Var, on_react, *, enabled: rx.Var,
                     id_prefix: rx.Var, live: rx.Var | None = None, key: rx.Var | str = ""
                     ) -> rx.Component:
    """The reaction buttons from compact data: ``counts`` {emoji: n} (zeros left out) and
    this reader's own ``mine`` (a comment sends ~60 bytes for them, not a list of five)."""

    def button(emoji: str, glyph: str) -> rx.Component:
        label = t(EMOJI_LABELS[emoji])
        count = counts.to(dict).get(emoji, 0)
        chosen = mine.to(str) == emoji
        return rx.button(
            rx.text.span(glyph, aria_hidden="true"),
            rx.text.span(count if live is None else live_count(live, key, emoji, count)),
            rx.text.span(label, class_name="visually-hidden"),
            on_click=on_react(rx.cond(chosen, "", emoji)),
            aria_pressed=rx.cond(chosen, "true", "false"),
            title=label, disabled=~enabled, size="2",
            variant=rx.cond(chosen, "solid", "soft"), high_contrast=True,
            id=rx.Var.create(id_prefix).to(str) + "-" + emoji, class_name="reaction",
        )

    return rx.hstack(*[button(e, g) for e, g in EMOJI_GLYPHS.items()], role="group",
                     aria_label=t("Reactions"), spacing="2", wrap="wrap")


def card_count(card: rx.Var, name: str, live: rx.Var | None = None) -> rx.Var:
    """A card's count, or the newer one a live message brought (``live`` given)."""
    if live is None:
        return card[name]
    return live_count(live, "i" + card["id"].to(str), name, card[name])


def counts_line(card: rx.Var, live: rx.Var | None = None) -> rx.Component:
    return rx.hstack(
        rx.text(rx.icon("message-circle", size=16, aria_hidden="true"), " ",
                card_count(card, "comments", live),
                rx.text.span(t("comments"), class_name="visually-hidden"), size="2"),
        rx.text(rx.icon("smile", size=16, aria_hidden="true"), " ",
                card_count(card, "reactions", live),
                rx.text.span(t("reactions"), class_name="visually-hidden"), size="2"),
        rx.cond(card["has_supports"],
                rx.text(rx.icon("thumbs-up", size=16, aria_hidden="true"), " ",
                        card_count(card, "supports", live), rx.text.span(t("supports"),
                                                       class_name="visually-hidden"),
                        size="2")),
        spacing="4",
    )


def feed_card(card: rx.Var, *extra: rx.Component) -> rx.Component:
    """An item in a list (usable as an ``rx.foreach`` render function)."""
    return live_card(card, None, *extra)


def live_card(card: rx.Var, live: rx.Var | None, *extra: rx.Component) -> rx.Component:
    """An item in a list: title link, unread badge, where, who, when, counts."""
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.cond(card["unread"], rx.badge(t("Unread"), color_scheme="indigo",
                                                     variant="solid", class_name="unread")),
                    rx.badge(module_label(card["module_key"]), variant="surface",
                             high_contrast=True),
                    rx.cond(card["phase_status"] != "", status_badge(card["phase_status"])),
                    align="center", wrap="wrap", spacing="2",
                ),
                rx.link(card["title"], href=card["href"].to(str), weight="bold", size="4",
                        high_contrast=True, class_name="item-link clamp-2"),
                rx.cond(card["event_when"] != "", rx.hstack(
                    rx.hstack(rx.icon("calendar", size=16, aria_hidden="true"),
                              rx.text(card["event_when"], size="2"), spacing="1",
                              align="center"),
                    rx.cond(card["event_place"] != "", rx.hstack(
                        rx.icon("map-pin", size=16, aria_hidden="true"),
                        rx.text(card["event_place"], size="2", class_name="clamp-1"),
                        spacing="1", align="center")),
                    rx.link(t("Add to calendar (.ics)"), href=card["ics"].to(str), size="2",
                            is_external=False, class_name="ics-link"),
                    spacing="3", wrap="wrap", align="center", class_name="event-facts")),
                rx.cond(card["excerpt"] != "", rx.text(card["excerpt"], size="2")),
                rx.text(card["community"],
                        rx.cond((card["project"] != "") & (card["module_key"] != "project"),
                                " · " + card["project"].to(str), ""),
                        size="2", color_scheme="gray", high_contrast=True),
                rx.hstack(rx.text(card["author"], " · ", card["when"], size="2"),
                          counts_line(card, live), wrap="wrap", spacing="4", align="center"),
                *extra,
                spacing="2",
            ),
        ),
        data_item_id=card["id"].to(str),
    )


def load_more_button(has_more: rx.Var, handler, id_: str) -> rx.Component:
    return rx.cond(has_more, rx.button(t("Load more"), on_click=handler, variant="soft",
                                       high_contrast=True, id=id_))


def error_callout(message: rx.Var, id_: str) -> rx.Component:
    return rx.cond(message, rx.callout(message, icon="triangle_alert", color_scheme="red",
                                       role="alert", id=id_))


def anonymous_checkbox(id_: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name="anonymous", id=id_),
        " ", t("Post anonymously (others see a pseudonym for this project only)"),
        class_name="checkbox-label",
    )


def textarea_field(name: str, label: str, id_: str, *, max_length: int, rows: int = 4,
                   required: bool = True) -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=id_, class_name="field-label"),
        rx.text_area(name=name, id=id_, max_length=max_length, rows=str(rows),
                     required=required, width="100%", size="3"),
        spacing="1", width="100%", align="stretch",
    )


def text_field(name: str, label: str, id_: str, *, max_length: int) -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=id_, class_name="field-label"),
        rx.input(name=name, id=id_, max_length=max_length, required=True, width="100%",
                 size="3"),
        spacing="1", width="100%", align="stretch",
    )
