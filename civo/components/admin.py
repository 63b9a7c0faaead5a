"""Pieces of the dashboard pages: their frame and sub-navigation, refusal, notes, fields."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import page_shell


def refusal(state=None) -> rx.Component:
    return rx.vstack(
        rx.text(t("You do not have access to this page, or it does not exist.")),
        *([rx.cond(state.error != "", rx.text(state.error, id="admin-denied-reason"))]
          if state is not None else []),
        rx.link(t("Back to the feed"), href="/"),
        id="admin-denied", spacing="2",
    )


def notes(state) -> rx.Component:
    """The state's success note and refusal, announced to screen readers."""
    return rx.fragment(
        rx.box(rx.cond(state.notice != "", rx.callout(state.notice, icon="check",
                                                       color_scheme="green", high_contrast=True,
                                                       id="admin-notice")),
               role="status", aria_live="polite"),
        rx.cond(state.error != "", rx.callout(state.error, icon="triangle_alert",
                                              color_scheme="red", role="alert",
                                              high_contrast=True, id="admin-error")),
    )


def admin_page(state, *children: rx.Component, heading, nav: rx.Component | None = None
               ) -> rx.Component:
    """A dashboard page: the refusal when denied, else its sub-navigation and content."""
    return page_shell(
        rx.cond(
            state.denied,
            refusal(state),
            rx.vstack(*([nav] if nav is not None else []), notes(state), *children,
                      spacing="5", align="stretch", width="100%"),
        ),
        heading=rx.cond(state.denied, t("Dashboard"), heading),
    )


def subnav(links: Sequence[tuple[str | rx.Var, rx.Var | str, str]], label: str
           ) -> rx.Component:
    """Section links (label, href, id); the current one is marked (``aria-current``) for
    screen readers and by its look."""
    here = rx.State.router.url.path.to(str)
    return rx.el.nav(
        rx.hstack(
            *[rx.link(text, href=href, id=id_, class_name="subnav-link", high_contrast=True,
                      aria_current=rx.cond(here == href, "page", None))
              for text, href, id_ in links],
            spacing="4", wrap="wrap",
        ),
        aria_label=t(label), class_name="subnav",
    )


def field_error(state, name: str) -> rx.Component:
    return rx.cond(state.errors.contains(name),
                   rx.text(state.errors[name], id=f"{name}-error", class_name="field-error",
                           role="alert", size="2"))


def text_input(state, name: str, label: str, *, value=None, max_length: int = 200,
               required: bool = False, type_: str = "text", hint: str = "",
               prefix: str = "") -> rx.Component:
    field_id = f"{prefix}{name}"
    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, class_name="field-label"),
        *([rx.text(t(hint), size="2", id=f"{field_id}-hint", class_name="field-hint")]
          if hint else []),
        rx.input(name=name, id=field_id, type=type_, max_length=max_length if type_ == "text"
                 else None, required=required, default_value=value if value is not None else "",
                 width="100%", size="3",
                 aria_describedby=f"{field_id}-hint" if hint else None,
                 aria_invalid=rx.cond(state.errors.contains(name), "true", "false")),
        field_error(state, name),
        spacing="1", align="stretch", width="100%",
    )


def text_area(state, name: str, label: str, *, value=None, max_length: int = 2000,
              rows: int = 4, required: bool = False, prefix: str = "") -> rx.Component:
    field_id = f"{prefix}{name}"
    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, class_name="field-label"),
        rx.text_area(name=name, id=field_id, max_length=max_length, rows=str(rows),
                     required=required, default_value=value if value is not None else "",
                     width="100%", size="3",
                     aria_invalid=rx.cond(state.errors.contains(name), "true", "false")),
        field_error(state, name),
        spacing="1", align="stretch", width="100%",
    )


def select_field(state, name: str, label: str, options, *, value=None, prefix: str = ""
                 ) -> rx.Component:
    """``options``: (value, label msgid or Var) pairs, or rx.foreach output."""
    field_id = f"{prefix}{name}"
    rendered = [rx.el.option(t(text) if isinstance(text, str) else text, value=val)
                for val, text in options] if isinstance(options, list | tuple) else [options]
    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, class_name="field-label"),
        rx.el.select(*rendered, name=name, id=field_id, class_name="select",
                     default_value=value if value is not None else None),
        field_error(state, name),
        spacing="1", align="stretch", width="100%",
    )


def checkbox(name: str, label: str, *, checked=False, id_: str | None = None) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, id=id_ or name, default_checked=checked),
        " ", t(label), class_name="checkbox-label",
    )


def section(title: str, *children: rx.Component, id_: str) -> rx.Component:
    return rx.el.section(
        rx.card(rx.vstack(rx.heading(t(title), as_="h2", size="5"), *children, spacing="3",
                          align="stretch")),
        aria_labelledby=None, id=id_,
    )


def confirm_action(trigger_label: str, *, title: str, lost: str | rx.Var, confirm_label: str,
                   on_confirm, id_: str | rx.Var, color_scheme: str = "red",
                   size: str = "2") -> rx.Component:
    """A destructive button that asks first: a dialog says what will be lost, and only its
    own button acts (Cancel, Escape or a click outside change nothing)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(t(trigger_label), color_scheme=color_scheme,
                                          variant="soft", size=size, type="button",
                                          id=id_)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(title)),
            rx.alert_dialog.description(t(lost) if isinstance(lost, str) else lost,
                                        class_name="confirm-lost"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("Cancel"), variant="soft", color_scheme="gray",
                                                 high_contrast=True, type="button")),
                rx.alert_dialog.action(rx.button(t(confirm_label), color_scheme=color_scheme,
                                                 on_click=on_confirm, type="button",
                                                 class_name="confirm-action")),
                spacing="3", justify="end", margin_top="1rem", wrap="wrap"),
            max_width="28rem",
        ),
    )
