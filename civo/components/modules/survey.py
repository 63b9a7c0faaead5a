"""Questionnaire UI: the respondent's one-question-flow panel (phone first, one page at a
time, progress, messages next to each question, keyboard and screen-reader friendly for
every kind — ranking with up/down buttons, no dragging), the community page's invitation,
the dashboard builder and the results."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import link_button
from civo.components.participation import error_callout
from civo.i18n import N_
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
                    default_checked=o["checked"].to(bool),
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
                            id=name + "-v" + v["value"].to(str),
                            default_checked=v["checked"].to(bool),
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
                            default_checked=row["value"].to(str) == o["id"].to(str),
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


# ---- the dashboard: builder, preview, results -------------------------------------------

from civo.state.modules.survey import KIND_LABELS  # noqa: E402
from civo.state.modules.survey import SurveyAdminState as A  # noqa: E402


def _field(label: str, control: rx.Component, id_: str, error_key: str = "",
           hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=id_, class_name="field-label"),
        control,
        rx.cond(hint != "", rx.text(t(hint), size="2", class_name="field-hint")) if hint
        else rx.fragment(),
        rx.cond(A.errors.contains(error_key or "none"),
                rx.text(A.errors[error_key or "none"], size="2", class_name="field-error",
                        id=id_ + "-error")) if error_key else rx.fragment(),
        spacing="1", align="stretch", width="100%")


def question_fields(prefix: str, kind, q=None) -> rx.Component:
    """The fields of a question's form; ``q`` (a question view) fills them for an edit."""
    def value(name: str, default: Any = ""):
        return q[name] if q is not None else default

    is_choice = (kind == "single") | (kind == "multiple") | (kind == "ranking") | (
        kind == "matrix")
    return rx.fragment(
        _field(N_("Question"), rx.el.input(name="title", id=prefix + "title", max_length=300,
                                       default_value=value("title"), required=True,
                                       class_name="rt-reset survey-text"),
               prefix + "title", "title"),
        _field(N_("Help text (optional)"), rx.el.input(
            name="help", id=prefix + "help", max_length=600, default_value=value("help"),
            class_name="rt-reset survey-text"), prefix + "help", "help"),
        rx.el.label(rx.el.input(type="checkbox", name="required", id=prefix + "required",
                                default_checked=value("required", False)),
                    " ", t("Required"), class_name="checkbox-label"),
        rx.cond(is_choice, _field(
            "Options, one per line",
            rx.el.textarea(name="options", id=prefix + "options", rows=4,
                           default_value=value("options_text"),
                           class_name="rt-reset survey-text"),
            prefix + "options", "options")),
        rx.cond(kind == "matrix", _field(
            "Rows, one per line",
            rx.el.textarea(name="rows", id=prefix + "rows", rows=3,
                           default_value=value("rows_text"), class_name="rt-reset survey-text"),
            prefix + "rows", "rows")),
        rx.cond((kind == "single") | (kind == "multiple"), rx.el.label(
            rx.el.input(type="checkbox", name="other", id=prefix + "other",
                        default_checked=value("other", False)),
            " ", t("Offer “Other (please specify)”"), class_name="checkbox-label")),
        rx.cond((kind == "multiple") | (kind == "number") | (kind == "scale"), rx.hstack(
            _field(N_("Minimum"), rx.el.input(name="low", id=prefix + "low",
                                          input_mode="numeric", max_length=9,
                                          default_value=value("low"),
                                          class_name="rt-reset survey-text"),
                   prefix + "low", "low"),
            _field(N_("Maximum"), rx.el.input(name="high", id=prefix + "high", input_mode="numeric",
                                          max_length=9, default_value=value("high"),
                                          class_name="rt-reset survey-text"),
                   prefix + "high", "high"),
            spacing="3", width="100%")),
        rx.cond(kind == "scale", rx.hstack(
            _field(N_("Label of the lowest value"), rx.el.input(
                name="low_label", id=prefix + "low_label", max_length=60,
                default_value=value("low_label"), class_name="rt-reset survey-text"),
                prefix + "low_label"),
            _field(N_("Label of the highest value"), rx.el.input(
                name="high_label", id=prefix + "high_label", max_length=60,
                default_value=value("high_label"), class_name="rt-reset survey-text"),
                prefix + "high_label"),
            spacing="3", width="100%")),
        _field(N_("Show only if (optional)"), rx.el.select(
            rx.el.option(t("Always shown"), value=""),
            rx.foreach(A.condition_options, lambda o: rx.el.option(o["label"],
                                                                    value=o["value"])),
            name="condition", id=prefix + "condition", default_value=value("condition"),
            class_name="select"), prefix + "condition", "show_if_question"),
    )


def add_question_form(section) -> rx.Component:
    prefix = "survey-new-"
    return rx.form(rx.vstack(
        rx.heading(t("New question"), as_="h5", size="3"),
        _field(N_("Type of question"), rx.el.select(
            *[rx.el.option(t(label), value=key) for key, label in KIND_LABELS.items()],
            name="kind", id=prefix + "kind", value=A.adding_kind, on_change=A.choose_kind,
            class_name="select"), prefix + "kind", "kind"),
        question_fields(prefix, A.adding_kind),
        rx.el.input(type="hidden", name="section_id", value=section["id"].to(str)),
        rx.cond(A.error != "", rx.text(A.error, role="alert", class_name="field-error",
                                       id="survey-builder-error")),
        rx.hstack(rx.button(t("Add the question"), type="submit", id="survey-add-question"),
                  rx.button(t("Cancel"), type="button", variant="soft", high_contrast=True,
                            on_click=A.cancel),
                  spacing="3"),
        spacing="3", align="stretch"), on_submit=A.add_question, reset_on_submit=False,
        key="add-" + A.form_version.to_string())


def edit_question_form(q) -> rx.Component:
    prefix = "survey-edit-"
    return rx.form(rx.vstack(
        question_fields(prefix, q["kind"].to(str), q),
        rx.el.input(type="hidden", name="question_id", value=q["id"].to(str)),
        rx.cond(A.error != "", rx.text(A.error, role="alert", class_name="field-error",
                                       id="survey-builder-error")),
        rx.hstack(rx.button(t("Save the question"), type="submit", id="survey-save-question"),
                  rx.button(t("Cancel"), type="button", variant="soft", high_contrast=True,
                            on_click=A.cancel),
                  spacing="3"),
        spacing="3", align="stretch"), on_submit=A.save_question, reset_on_submit=False,
        key="edit-" + q["id"].to(str) + "-" + A.form_version.to_string())


def builder_question(q) -> rx.Component:
    title = q["title"].to(str)
    return rx.el.li(rx.vstack(
        rx.hstack(
            rx.text(q["number"].to(str), ". ", title, weight="medium"),
            rx.badge(q["kind_label"].to(str), variant="soft", high_contrast=True),
            rx.cond(q["required"].to(bool), rx.badge(t("Required"), variant="outline",
                                                      high_contrast=True)),
            rx.cond(q["condition_label"].to(str) != "",
                    rx.badge(t("Shown if"), " ", q["condition_label"].to(str),
                             variant="outline", high_contrast=True)),
            spacing="2", wrap="wrap", align="center"),
        rx.hstack(
            rx.button(t("Edit"), size="1", variant="soft", high_contrast=True,
                      on_click=A.edit(q["id"].to(int)),
                      aria_label=t("Edit") + ": " + title),
            rx.cond(~A.locked, rx.fragment(
                rx.button(rx.icon("arrow-up", size=14, aria_hidden="true"), size="1",
                          variant="soft", high_contrast=True, disabled=q["first"].to(bool),
                          on_click=A.move_question(q["id"].to(int), -1),
                          aria_label=t("Move up") + ": " + title),
                rx.button(rx.icon("arrow-down", size=14, aria_hidden="true"), size="1",
                          variant="soft", high_contrast=True, disabled=q["last"].to(bool),
                          on_click=A.move_question(q["id"].to(int), 1),
                          aria_label=t("Move down") + ": " + title),
                rx.button(t("Delete"), size="1", variant="soft", color_scheme="red",
                          on_click=A.delete_question(q["id"].to(int)),
                          aria_label=t("Delete") + ": " + title))),
            spacing="2", wrap="wrap"),
        rx.cond(A.editing == q["id"].to(int), edit_question_form(q)),
        spacing="2", align="stretch"), class_name="survey-question")


def builder_section(section) -> rx.Component:
    prefix = "survey-section-" + section["id"].to(str) + "-"
    return rx.el.li(rx.card(rx.vstack(
        rx.form(rx.vstack(
            rx.heading(t("Page"), " ", section["number"].to(str), as_="h4", size="3"),
            rx.el.label(t("Page title"), html_for=prefix + "title", class_name="field-label"),
            rx.el.input(name="title", id=prefix + "title", max_length=200,
                        default_value=section["title"].to(str),
                        class_name="rt-reset survey-text"),
            rx.el.label(t("Introduction (optional)"), html_for=prefix + "description",
                        class_name="field-label"),
            rx.el.textarea(name="description", id=prefix + "description", rows=2,
                           max_length=1000, default_value=section["description"].to(str),
                           class_name="rt-reset survey-text"),
            rx.el.input(type="hidden", name="section_id", value=section["id"].to(str)),
            rx.hstack(
                rx.button(t("Save the page"), type="submit", size="1"),
                rx.cond(~A.locked, rx.fragment(
                    rx.button(rx.icon("arrow-up", size=14, aria_hidden="true"), size="1",
                              type="button", variant="soft", high_contrast=True,
                              disabled=section["first"].to(bool),
                              on_click=A.move_section(section["id"].to(int), -1),
                              aria_label=t("Move the page up")),
                    rx.button(rx.icon("arrow-down", size=14, aria_hidden="true"), size="1",
                              type="button", variant="soft", high_contrast=True,
                              disabled=section["last"].to(bool),
                              on_click=A.move_section(section["id"].to(int), 1),
                              aria_label=t("Move the page down")),
                    rx.button(t("Delete the page"), size="1", type="button", variant="soft",
                              color_scheme="red",
                              on_click=A.delete_section(section["id"].to(int))))),
                spacing="2", wrap="wrap"),
            spacing="2", align="stretch"), on_submit=A.save_section, reset_on_submit=False,
            key=prefix + A.form_version.to_string()),
        rx.el.ol(rx.foreach(section["questions"].to(list[Q]), builder_question),
                 class_name="plain-list stack"),
        rx.cond(~A.locked, rx.cond(
            A.adding_to == section["id"].to(int), add_question_form(section),
            rx.button(rx.icon("plus", size=14, aria_hidden="true"), t("Add a question"),
                      size="2", variant="soft", high_contrast=True,
                      on_click=A.start_adding(section["id"].to(int)),
                      id=prefix + "add"))),
        spacing="3", align="stretch")))


def results_table(r) -> rx.Component:
    return rx.el.table(
        rx.el.caption(t("The figures of the chart")),
        rx.el.thead(rx.el.tr(rx.el.th(t("Answer"), scope="col"),
                             rx.el.th(r["value_label"].to(str), scope="col"),
                             rx.el.th(r["extra_label"].to(str), scope="col"))),
        rx.el.tbody(rx.foreach(r["table"].to(list[dict[str, str]]), lambda row: rx.el.tr(
            rx.el.th(row["label"], scope="row"), rx.el.td(row["value"]),
            rx.el.td(row["extra"])))),
        class_name="data-table", id="survey-table-" + r["id"].to(str))


def result_card(r, i, figures=None) -> rx.Component:
    figures = A.figures if figures is None else figures
    return rx.el.li(rx.card(rx.vstack(
        rx.heading(r["number"].to(str), ". ", r["title"].to(str), as_="h4", size="3"),
        rx.text(r["answered"].to(str), size="2", class_name="field-hint"),
        rx.cond(r["summary"].to(str) != "", rx.text(r["summary"].to(str),
                                                    id="survey-summary-" + r["id"].to(str))),
        rx.cond(r["chart"].to(bool), rx.box(
            rx.plotly(data=figures[i], config={"displayModeBar": False, "responsive": True}),
            role="img", aria_label=r["title"].to(str) + " — " + t(
                "the figures are in the table"), width="100%", class_name="survey-chart")),
        rx.cond(r["table"].to(list[dict[str, str]]).length() > 0, results_table(r)),
        spacing="2", align="stretch")), class_name="survey-result")


def free_text_search() -> rx.Component:
    return rx.el.section(rx.vstack(
        rx.heading(t("Written answers"), as_="h4", size="3"),
        rx.form(rx.hstack(
            rx.vstack(rx.el.label(t("Question"), html_for="survey-text-question",
                                  class_name="field-label"),
                      rx.el.select(rx.foreach(A.results, lambda r: rx.cond(
                          r["texts"].to(bool), rx.el.option(r["number"].to(str), ". ",
                                                            r["title"].to(str),
                                                            value=r["id"].to(str)))),
                          name="question_id", id="survey-text-question", class_name="select"),
                      spacing="1"),
            rx.vstack(rx.el.label(t("Containing"), html_for="survey-text-search",
                                  class_name="field-label"),
                      rx.el.input(name="search", id="survey-text-search", max_length=100,
                                  class_name="rt-reset survey-text"), spacing="1"),
            rx.button(t("Search"), type="submit", id="survey-text-submit"),
            spacing="3", wrap="wrap", align="end"), on_submit=A.search_texts,
            reset_on_submit=False),
        rx.el.ul(rx.foreach(A.texts, lambda x: rx.el.li(x["text"].to(str))),
                 class_name="stack", id="survey-texts"),
        rx.cond(A.texts_more, rx.button(t("Load more"), on_click=A.more_texts,
                                        variant="soft", high_contrast=True)),
        spacing="2", align="stretch"), aria_label=t("Written answers"))


def breakdown_form() -> rx.Component:
    return rx.el.section(rx.vstack(
        rx.heading(t("Breakdown by age or gender"), as_="h4", size="3"),
        rx.text(t("Groups under 5 people are shown as “<5”."), size="2",
                class_name="field-hint"),
        rx.form(rx.hstack(
            rx.vstack(rx.el.label(t("Question"), html_for="survey-breakdown-question",
                                  class_name="field-label"),
                      rx.el.select(rx.foreach(A.results, lambda r: rx.cond(
                          (r["kind"] == "single") | (r["kind"] == "multiple"),
                          rx.el.option(r["number"].to(str), ". ", r["title"].to(str),
                                       value=r["id"].to(str)))),
                          name="question_id", id="survey-breakdown-question",
                          class_name="select"), spacing="1"),
            rx.vstack(rx.el.label(t("By"), html_for="survey-breakdown-by",
                                  class_name="field-label"),
                      rx.el.select(rx.el.option(t("Age band"), value="age"),
                                   rx.el.option(t("Gender"), value="gender"), name="by",
                                   id="survey-breakdown-by", class_name="select"),
                      spacing="1"),
            rx.button(t("Show"), type="submit"), spacing="3", wrap="wrap", align="end"),
            on_submit=A.show_breakdown, reset_on_submit=False),
        rx.cond(A.breakdown_rows.length() > 0, rx.el.table(
            rx.el.caption(t("Answers per group")),
            rx.el.tbody(rx.foreach(A.breakdown_rows, lambda row: rx.el.tr(
                rx.el.th(row["label"].to(str), scope="row"),
                rx.el.td(row["groups"].to(str))))),
            class_name="data-table", id="survey-breakdown")),
        spacing="2", align="stretch"))


def results_view() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(t("Responses"), ": ", A.total.to_string(), weight="bold",
                    id="survey-total"),
            rx.button(rx.icon("download", size=14, aria_hidden="true"), t("CSV export"),
                      size="1", variant="soft", high_contrast=True,
                      on_click=A.export("csv"), id="survey-export-csv"),
            rx.button(rx.icon("download", size=14, aria_hidden="true"), t("JSON export"),
                      size="1", variant="soft", high_contrast=True,
                      on_click=A.export("json"), id="survey-export-json"),
            spacing="3", wrap="wrap", align="center"),
        rx.text(t("Exports are anonymised: a response is a tag, never a name."), size="2",
                class_name="field-hint"),
        rx.el.ol(rx.foreach(A.results, lambda r, i: result_card(r, i)),
                 class_name="plain-list stack",
                 id="survey-results"),
        free_text_search(),
        breakdown_form(),
        spacing="3", align="stretch", width="100%")


def preview_view() -> rx.Component:
    return rx.vstack(
        rx.callout(t("Preview: this is what respondents see. Nothing is stored."),
                   icon="eye", color_scheme="gray"),
        rx.cond(S.message != "", rx.text(S.message, role="status", id="survey-preview-note")),
        questionnaire_form(),
        spacing="3", align="stretch", width="100%")


def survey_admin_panel(phase) -> rx.Component:
    phase_id = phase["id"].to(int)
    here = A.phase_id == phase_id
    return rx.el.section(rx.vstack(
        rx.heading(t("Questionnaire"), as_="h4", size="4"),
        rx.cond(
            here,
            rx.vstack(
                rx.hstack(
                    rx.button(t("Build"), size="2", on_click=A.show_build,
                              variant=rx.cond(A.tab == "build", "solid", "soft"),
                              aria_pressed=rx.cond(A.tab == "build", "true", "false"),
                              id="survey-tab-build"),
                    rx.button(t("Preview"), size="2", on_click=[A.set_tab_preview,
                                                                 S.preview(phase_id)],
                              variant=rx.cond(A.tab == "preview", "solid", "soft"),
                              aria_pressed=rx.cond(A.tab == "preview", "true", "false"),
                              id="survey-tab-preview"),
                    rx.button(t("Results"), size="2", on_click=A.show_results,
                              variant=rx.cond(A.tab == "results", "solid", "soft"),
                              aria_pressed=rx.cond(A.tab == "results", "true", "false"),
                              id="survey-tab-results"),
                    rx.button(t("Close"), size="2", variant="soft", high_contrast=True,
                              on_click=A.close),
                    spacing="2", wrap="wrap"),
                rx.cond(A.notice != "", rx.text(A.notice, role="status", size="2",
                                                id="survey-notice")),
                rx.cond(A.locked, rx.callout(
                    t("People have already answered: only wording fixes are possible now "
                      "(each is logged)."), icon="lock", color_scheme="amber")),
                rx.match(
                    A.tab,
                    ("results", results_view()),
                    ("preview", preview_view()),
                    rx.vstack(
                        rx.el.ol(rx.foreach(A.sections, builder_section),
                                 class_name="plain-list stack", id="survey-builder"),
                        rx.cond(~A.locked, rx.button(
                            rx.icon("plus", size=14, aria_hidden="true"), t("Add a page"),
                            size="2", variant="soft", high_contrast=True,
                            on_click=A.add_section, id="survey-add-page")),
                        spacing="3", align="stretch")),
                spacing="3", align="stretch", width="100%"),
            rx.button(t("Build the questionnaire"), size="2", variant="soft",
                      high_contrast=True, on_click=A.open(phase_id),
                      id="survey-open-" + phase["id"].to(str)),
        ),
        spacing="3", align="stretch", width="100%"), aria_label=t("Questionnaire"))


def survey_results() -> rx.Component:
    """A closed questionnaire's results on the project page, once they are public (and on
    the project's results page: the handler finds the phase there)."""
    from civo.state.modules.survey import SurveyResultsState as R

    load = R.load

    return rx.vstack(
        rx.cond(R.public, rx.vstack(
            rx.text(t("Responses"), ": ", R.total.to_string(), weight="bold",
                    id="survey-public-total"),
            rx.el.ol(rx.foreach(R.results, lambda r, i: result_card(r, i, R.figures)),
                     class_name="plain-list stack", id="survey-public-results"),
            spacing="3", align="stretch", width="100%"),
            rx.text(t("The results of this questionnaire are not published."))),
        on_mount=load, spacing="3", align="stretch", width="100%")


def survey_invitation() -> rx.Component:
    """The community page's invitation to answer its open questionnaire."""
    from civo.state.modules.survey import SurveyInviteState as I

    return rx.box(rx.cond(
        I.invite.contains("phase_id"),
        rx.callout.root(
            rx.callout.icon(rx.icon("clipboard-list", aria_hidden="true")),
            rx.callout.text(rx.text(t("Would you answer our questionnaire?"), weight="bold"),
                            " ", I.invite["text"].to(str)),
            rx.hstack(
                link_button(t("Answer the questionnaire"), I.invite["href"].to(str),
                            id_="survey-invite-answer"),
                rx.button(t("Not now"), variant="soft", high_contrast=True,
                          on_click=I.not_now, id="survey-invite-not-now"),
                spacing="2", wrap="wrap"),
            role="region", aria_label=t("Questionnaire"), id="survey-invitation")),
        on_mount=I.load, width="100%")
