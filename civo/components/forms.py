"""Accessible form fields: visible labels, hints and errors tied with aria attributes."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t


def field(
    name: str, label: str, *, type_: str = "text", autocomplete: str = "", required: bool = True,
    error: rx.Var | None = None, hint: str | None = None, default_value: rx.Var | str = "",
) -> rx.Component:
    """A labelled input; its error (a string Var, empty when fine) is announced."""
    field_id = f"field-{name}"
    described = " ".join(x for x in (f"{field_id}-hint" if hint else "",
                                     f"{field_id}-error" if error is not None else "") if x)
    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, class_name="field-label"),
        *([rx.text(t(hint), id=f"{field_id}-hint", size="2", class_name="field-hint")]
          if hint else []),
        rx.input(
            name=name, id=field_id, type=type_, auto_complete=autocomplete or None,
            required=required, default_value=default_value, size="3", width="100%",
            aria_describedby=described or None,
            aria_invalid=rx.cond(error if error is not None else "", "true", "false"),
        ),
        rx.cond(
            error if error is not None else "",
            rx.text(error, id=f"{field_id}-error", class_name="field-error", role="alert",
                    size="2"),
        ),
        spacing="1", width="100%", align="stretch",
    )


def form_error(message: rx.Var) -> rx.Component:
    return rx.cond(message, rx.callout(message, icon="triangle_alert", color_scheme="red",
                                       role="alert", id="form-error"))
