"""The place chooser: a search box whose results are buttons in a list (keyboard-friendly)."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t


def place_chooser(state, *, label: str, hint: str, error_key: str, dom_id: str = "field-place",
                  change_label: str = "Change") -> rx.Component:
    """``state`` mixes in :class:`civo.state.places.PlacePicker` and has ``errors``."""
    error_id = f"{dom_id}-error"
    return rx.vstack(
        rx.el.label(t(label), html_for=dom_id, class_name="field-label"),
        rx.text(t(hint), id=f"{dom_id}-hint", size="2", class_name="field-hint"),
        rx.cond(
            state.place_id,
            rx.hstack(
                rx.badge(state.place_label, size="3", id=f"{dom_id}-chosen",
                         white_space="normal", max_width="100%"),
                rx.button(t("Change"), type="button", variant="soft", size="1",
                          on_click=state.clear_place, id=f"{dom_id}-change",
                          aria_label=t(change_label)),
                align="center", wrap="wrap",
            ),
            rx.vstack(
                rx.input(
                    id=dom_id, name="place_search", value=state.place_query,
                    on_change=state.search_places.debounce(250),
                    placeholder=t("e.g. Paris"), size="3", width="100%", auto_complete="off",
                    aria_describedby=f"{dom_id}-hint {error_id}",
                    aria_controls=f"{dom_id}-results",
                ),
                rx.el.ul(
                    rx.foreach(
                        state.place_options,
                        lambda p: rx.el.li(
                            rx.button(
                                rx.text(p["name"], weight="bold"),
                                rx.text(p["context"], size="1"),
                                type="button", variant="ghost", high_contrast=True,
                                on_click=state.choose_place(p["id"].to(int)),
                                class_name="place-option",
                            )
                        ),
                    ),
                    id=f"{dom_id}-results", aria_label=t("Matching places"),
                    class_name="plain-list",
                ),
                width="100%", align="stretch", spacing="1",
            ),
        ),
        rx.el.p(state.place_status, role="status", class_name="visually-hidden",
                id=f"{dom_id}-status"),
        rx.cond(state.errors.contains(error_key),
                rx.text(state.errors[error_key], id=error_id, role="alert",
                        class_name="field-error", size="2")),
        width="100%", align="stretch", spacing="1",
    )
