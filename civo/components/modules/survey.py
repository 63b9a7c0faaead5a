"""Questionnaire UI: the respondent's one-question-flow panel (phone first, one page at a
time, progress, messages next to each question, keyboard and screen-reader friendly for
every kind — ranking with up/down buttons, no dragging), the community page's invitation,
the dashboard builder and the results."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.components.i18n import t
from civo.components.participation import error_callout
from civo.state.base import AppState
from civo.state.modules.survey import SurveyState as S

Q = dict[str, Any]


def _described(q) -> rx.Var:
    base = "q" + q["id"].to(str)
    return rx.cond(q["error"] != "", base + "-error " + base + "-help", base + "-help")


def _legend(q, *, as_label: bool = False) -> rx.Component:
    parts = (q["title"].to(str),
             rx.cond(q["required"].to(bool),
                     rx.text.span(" (", t("required"), ")", class_name="field-hint")))
    if as_label:
        return rx.el.label(*parts, html_for="q" + q["id"].to(str) + "-input",
                           class_name="field-label")
    return rx.el.legend(*parts, class_name="field-label")


def _help_and_error(q) -> rx.Component:
    base = "q" + q["id"].to(str)
    return rx.fragment(
        rx.text(q["help"].to(str), " ", q["hint"].to(str), id=base + "-help", size="2",
                class_name="field-hint"),
        rx.cond(q["error"] != "",
                rx.text(rx.icon("circle-alert", size=14, aria_hidden="true"), " ",
                        q["error"].to(str), id=base + "-error", size="2",
                        class_name="field-error")),
    )


def _other_input(q) -> rx.Component:
    base = "q" + q["id"].to(str)
    return rx.cond(q["other_on"].to(bool), rx.vstack(
        rx.el.label(t("Please specify"), html_for=base + "-other", class_name="field-label"),
        rx.el.input(id=base + "-other", default_value=q["other_text"].to(str), max_length=200,
                    class_name="rt-reset survey-text",
                    on_blur=lambda v: S.set_other(q["id"].to(str), v)),
        spacing="1", align="stretch"))


def _choice(q, o, kind: str) -> rx.Component:
    box_id = "q" + q["id"].to(str) + "-o" + o["id"].to(str)
    handler = S.choose if kind == "radio" else S.toggle
    return rx.el.label(
        rx.el.input(type=kind, name="q" + q["id"].to(str), value=o["id"].to(str), id=box_id,
                    checked=o["checked"].to(bool),
                    on_change=lambda _v: handler(q["id"].to(str), o["id"].to(str))),
        " ", o["label"].to(str), class_name="survey-option")


def choice_question(q, kind: str) -> rx.Component:
    return rx.el.fieldset(
        _legend(q),
        _help_and_error(q),
        rx.el.div(rx.foreach(q["options"].to(list[Q]), lambda o: _choice(q, o, kind)),
                  class_name="survey-options"),
        _other_input(q),
        aria_describedby=_described(q), aria_invalid=rx.cond(q["error"] != "", "true", None),
        class_name="plain-fieldset survey-fieldset")


def scale_question(q) -> rx.Component:
    name = "q" + q["id"].to(str)
    return rx.el.fieldset(
        _legend(q),
        _help_and_error(q),
        rx.el.div(
            rx.text(q["low_label"].to(str), size="2", class_name="field-hint"),
            rx.el.div(rx.foreach(q["scale"].to(list[Q]), lambda v: rx.el.label(
                rx.el.input(type="radio", name=name, value=v["value"].to(str),
                            id=name + "-v" + v["value"].to(str), checked=v["checked"].to(bool),
                            on_change=lambda _x: S.set_scale(q["id"].to(str),
                                                             v["value"].to(str))),
                rx.text.span(v["value"].to(str)), class_name="survey-scale-value")),
                class_name="survey-scale"),
            rx.text(q["high_label"].to(str), size="2", class_name="field-hint"),
            class_name="survey-scale-wrap"),
        aria_describedby=_described(q), aria_invalid=rx.cond(q["error"] != "", "true", None),
        class_name="plain-fieldset survey-fieldset")


def text_question(q, *, long: bool, number: bool = False) -> rx.Component:
    input_id = "q" + q["id"].to(str) + "-input"
    common = dict(id=input_id, default_value=rx.cond(number, q["number"].to(str),
                                                     q["text"].to(str)),
                  aria_describedby=_described(q),
                  aria_invalid=rx.cond(q["error"] != "", "true", None),
                  on_blur=lambda v: S.set_text(q["id"].to(str), v))
    control = (rx.el.textarea(rows=5, max_length=4000, class_name="rt-reset survey-text",
                              **common) if long else
               rx.el.input(max_length=20 if number else 200,
                           input_mode="decimal" if number else None,
                           class_name="rt-reset survey-text", **common))
    return rx.vstack(_legend(q, as_label=True), _help_and_error(q), control, spacing="1",
                     align="stretch", class_name="survey-fieldset")


def ranking_question(q) -> rx.Component:
    qid = q["id"].to(str)
    items = q["ranking"].to(list[Q])
    return rx.el.fieldset(
        _legend(q),
        _help_and_error(q),
        rx.el.ol(rx.foreach(items, lambda r, i: rx.el.li(
            rx.text.span(r["position"].to(str), ". ", class_name="field-label"),
            rx.text.span(r["label"].to(str), class_name="survey-rank-label"),
            rx.button(rx.icon("arrow-up", size=16, aria_hidden="true"), type="button",
                      size="1", variant="soft", high_contrast=True, disabled=i == 0,
                      aria_label=t("Move up") + ": " + r["label"].to(str),
                      on_click=S.move(qid, r["id"].to(str), -1)),
            rx.button(rx.icon("arrow-down", size=16, aria_hidden="true"), type="button",
                      size="1", variant="soft", high_contrast=True,
                      disabled=i == items.length() - 1,
                      aria_label=t("Move down") + ": " + r["label"].to(str),
                      on_click=S.move(qid, r["id"].to(str), 1)),
            class_name="survey-rank")), class_name="plain-list stack"),
        aria_describedby=_described(q), aria_invalid=rx.cond(q["error"] != "", "true", None),
        class_name="plain-fieldset survey-fieldset")


def matrix_question(q) -> rx.Component:
    qid = q["id"].to(str)
    return rx.el.fieldset(
        _legend(q),
        _help_and_error(q),
        rx.foreach(q["rows"].to(list[Q]), lambda row: rx.el.fieldset(
            rx.el.legend(row["label"].to(str), class_name="survey-row-label"),
            rx.el.div(rx.foreach(q["options"].to(list[Q]), lambda o: rx.el.label(
                rx.el.input(type="radio", name="q" + qid + "-r" + row["id"].to(str),
                            value=o["id"].to(str),
                            id="q" + qid + "-r" + row["id"].to(str) + "-o" + o["id"].to(str),
                            checked=row["value"].to(str) == o["id"].to(str),
                            on_change=lambda _v: S.set_row(qid, row["id"].to(str),
                                                           o["id"].to(str))),
                " ", o["label"].to(str), class_name="survey-option")),
                class_name="survey-options survey-inline"),
            class_name="plain-fieldset survey-matrix-row")),
        aria_describedby=_described(q), aria_invalid=rx.cond(q["error"] != "", "true", None),
        class_name="plain-fieldset survey-fieldset")


def question(q) -> rx.Component:
    return rx.el.li(rx.match(
        q["kind"].to(str),
        ("single", choice_question(q, "radio")),
        ("multiple", choice_question(q, "checkbox")),
        ("short", text_question(q, long=False)),
        ("long", text_question(q, long=True)),
        ("number", text_question(q, long=False, number=True)),
        ("scale", scale_question(q)),
        ("ranking", ranking_question(q)),
        ("matrix", matrix_question(q)),
        rx.fragment()), key=q["id"].to(str), class_name="survey-question",
        id="question-" + q["id"].to(str))


def identity_note() -> rx.Component:
    return rx.callout(
        rx.cond(S.anonymous,
                t("Your answers are anonymous: only the fact that you answered is kept, "
                  "never linked to your answers."),
                t("Your answers are linked to your account: “Download my data” includes "
                  "them.")),
        icon="info", color_scheme="gray", id="survey-identity")


def progress() -> rx.Component:
    return rx.vstack(
        rx.text(t("Page"), " ", (S.page + 1).to_string(), " / ", S.pages.to_string(),
                size="2", id="survey-progress-label"),
        rx.progress(value=S.progress, max=100, aria_labelledby="survey-progress-label",
                    width="100%"),
        spacing="1", align="stretch", width="100%")


def questionnaire_form() -> rx.Component:
    return rx.el.form(
        rx.vstack(
            progress(),
            rx.heading(S.page_title, as_="h3", size="5", id="survey-page-title",
                       tab_index=-1),
            rx.cond(S.page_description != "", rx.text(S.page_description)),
            error_callout(S.error, "survey-error"),
            rx.el.ol(rx.foreach(S.page_questions, question),
                     class_name="plain-list stack survey-questions", id="survey-questions"),
            rx.hstack(
                rx.cond(S.page > 0, rx.button(t("Previous"), type="button", variant="soft",
                                              high_contrast=True, size="3",
                                              on_click=S.previous_page, id="survey-previous")),
                rx.cond(S.page < S.pages - 1,
                        rx.button(t("Next"), type="button", size="3", on_click=S.next_page,
                                  id="survey-next"),
                        rx.button(t("Send my answers"), type="button", size="3",
                                  on_click=S.submit, loading=S.sending, id="survey-submit")),
                spacing="3", wrap="wrap"),
            spacing="4", align="stretch", width="100%"),
        on_submit=rx.prevent_default, id="survey-form", aria_labelledby="survey-page-title")


def survey_panel() -> rx.Component:
    return rx.vstack(
        rx.el.div(S.announce, aria_live="polite", class_name="visually-hidden",
                  id="survey-announce"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.done,
                rx.callout(rx.cond(S.message != "", S.message,
                                   t("You have already answered this questionnaire. "
                                     "Thank you!")),
                           icon="circle-check", color_scheme="green", id="survey-done",
                           role="status"),
                rx.cond(
                    S.can_answer,
                    rx.vstack(identity_note(), questionnaire_form(), spacing="4",
                              align="stretch", width="100%"),
                    rx.vstack(
                        rx.callout(rx.cond(S.reason != "", S.reason, S.error), icon="info",
                                   color_scheme="gray", id="survey-closed"),
                        rx.cond(~AppState.signed_in & ~S.visitors,
                                rx.link(t("Sign in"), href="/login", underline="always")),
                        spacing="2", align="stretch")),
            ),
            rx.text(t("Loading…"), role="status"),
        ),
        spacing="4", align="stretch", width="100%", on_mount=S.load,
        class_name="survey-panel", id="survey-panel",
    )
