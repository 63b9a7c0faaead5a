"""/admin/c/[slug]/projects (list, new draft) and /admin/p/[project_id] (one project)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.components.admin import admin_page, confirm_action, section, text_area, text_input
from civo.components.cards import STATUS_LABELS, status_badge
from civo.components.i18n import t
from civo.components.modules import module_part
from civo.components.participation import load_more_button
from civo.components.uploads import image_upload
from civo.i18n import N_
from civo.pages.admin.community import community_nav
from civo.state.admin.projects import CommunityProjectsState, ProjectAdminState

P = ProjectAdminState
PHASE_STATUSES = {"upcoming": N_("Upcoming"), "open": N_("Open"), "closed": N_("Closed")}


def project_fields(state, values=None) -> list[rx.Component]:
    v = values if values is not None else {}
    get = (lambda k: v[k]) if values is not None else (lambda _k: "")
    return [
        text_input(state, "title", N_("Title"), value=get("title"), max_length=160,
                   required=True),
        text_area(state, "summary", N_("Summary"), value=get("summary"), max_length=600, rows=2),
        text_area(state, "purpose", N_("Purpose"), value=get("purpose"), max_length=2000,
                  required=True),
        text_area(state, "expected_outcome", N_("What happens with the input"),
                  value=get("expected_outcome"), max_length=2000, required=True),
        rx.hstack(
            text_input(state, "starts_on", N_("Start date"), value=get("starts_on"), type_="date"),
            text_input(state, "ends_on", N_("End date"), value=get("ends_on"), type_="date"),
            spacing="3", width="100%"),
    ]


def project_row(p) -> rx.Component:
    return rx.el.li(rx.card(rx.hstack(
        rx.link(p["title"], href="/admin/p/" + p["id"].to(str), weight="bold",
                high_contrast=True),
        rx.cond(p["published"], status_badge(p["status"]),
                rx.badge(t("Draft"), color_scheme="gray", high_contrast=True)),
        rx.text(p["phases"], " · ", p["contributions"], size="2"),
        spacing="3", align="center", wrap="wrap")))


def community_projects_page() -> rx.Component:
    S = CommunityProjectsState
    return admin_page(
        S,
        section(N_("Projects"),
                rx.el.ul(rx.foreach(S.projects, project_row), class_name="plain-list stack",
                         id="admin-projects"),
                load_more_button(S.has_more, S.load_more, "admin-projects-more"),
                id_="projects-section"),
        section(N_("New project"),
                rx.text(t("A new project is a draft: only this community's admins see it "
                          "until you publish it."), size="2"),
                rx.form(rx.vstack(*project_fields(S),
                                  rx.button(t("Create the draft"), type="submit",
                                            id="project-create"),
                                  spacing="3", align="stretch"),
                        on_submit=S.create, reset_on_submit=False),
                id_="new-project-section"),
        heading=S.community["name"].to(str), nav=community_nav(S),
    )


# ---- one project ------------------------------------------------------------------------------


def lifecycle() -> rx.Component:
    p = P.project
    return section(
        N_("Publication"),
        rx.cond(
            p["published"].to(bool),
            rx.vstack(
                rx.hstack(rx.text(t("Published. Stage shown to citizens:")),
                          status_badge(p["status"]), spacing="2", align="center"),
                rx.hstack(*[rx.button(t(label), size="2", variant="soft", high_contrast=True,
                                      on_click=P.set_status(key), id=f"project-status-{key}",
                                      disabled=p["status"] == key)
                            for key, label in STATUS_LABELS.items()],
                          spacing="2", wrap="wrap", role="group",
                          aria_label=t("Stage shown to citizens")),
                rx.link(t("See the public page"), href="/p/" + p["id"].to(str)),
                rx.form(rx.vstack(
                    text_area(P, "results_summary", N_("Results summary"),
                              value=p["results_summary"], max_length=6000, rows=6),
                    rx.text(t("Shown on the results page once the stage is “Results”. Blank "
                              "lines make paragraphs, lines starting with “- ” a list; "
                              "links are clickable."), size="2"),
                    rx.button(t("Save the summary"), type="submit", id="results-summary-save"),
                    spacing="2", align="stretch"),
                    on_submit=P.save_results_summary, reset_on_submit=False,
                    id="results-summary-form"),
                spacing="3", align="stretch"),
            rx.vstack(
                rx.text(t("Draft: only this community's admins see it. Publishing puts it in "
                          "the feeds of the community's followers.")),
                rx.button(t("Publish"), on_click=P.publish, id="project-publish", size="3"),
                spacing="3", align="start"),
        ),
        rx.button(rx.icon("download", aria_hidden="true"),
                  t("Export contributions (anonymised CSV)"), on_click=P.export_csv,
                  variant="soft", high_contrast=True, id="project-export"),
        rx.link(t("Analytics"), href="/admin/p/" + p["id"].to(str) + "/analytics",
                id="project-analytics"),
        id_="lifecycle-section",
    )


def setting_field(phase, s) -> rx.Component:
    """One typed setting of the phase's module (the registry's declaration, sent by the
    state): a number, an amount, a percentage, a choice, a yes/no, a date or a text."""
    field_id = s["id"].to(str)
    error_key = s["error_key"].to(str)
    hint_id = field_id + "-hint"
    invalid = rx.cond(P.errors.contains(error_key), "true", "false")
    common = {"name": "setting_" + s["name"].to(str), "id": field_id,
              "aria_invalid": invalid, "aria_describedby": hint_id,
              "disabled": s["locked"].to(bool)}
    number = rx.input(type="number", default_value=s["value"].to(str), min=s["min"].to(str),
                      max=s["max"].to(str), step="1", size="3", width="100%",
                      input_mode="numeric", **common)
    control = rx.match(
        s["kind"].to(str),
        ("boolean", rx.el.label(
            rx.el.input(type="checkbox", default_checked=s["checked"].to(bool), **common),
            " ", s["label"].to(str), class_name="checkbox-label")),
        ("choice", rx.el.select(
            rx.foreach(s["choices"].to(list[dict[str, str]]),
                       lambda c: rx.el.option(c["label"], value=c["value"])),
            default_value=s["value"].to(str), class_name="select",
            on_change=lambda value: P.choose_setting(phase["id"].to(int),
                                                     s["name"].to(str), value),
            **common)),
        ("date", rx.input(type="date", default_value=s["value"].to(str), size="3", **common)),
        ("text", rx.input(type="text", default_value=s["value"].to(str),
                          max_length=s["max_length"].to(int), size="3", width="100%",
                          **common)),
        number,
    )
    shown = (s["shown_when"].to(str) == "") | s["shown_values"].to(list[str]).contains(
        phase["choices_now"].to(dict)[s["shown_when"].to(str)])
    return rx.cond(shown, rx.vstack(
        rx.cond(s["kind"].to(str) != "boolean",
                rx.el.label(s["label"].to(str), html_for=field_id, class_name="field-label")),
        control,
        rx.text(s["hint"].to(str), size="2", id=hint_id, class_name="field-hint"),
        rx.cond(P.errors.contains(error_key),
                rx.text(P.errors[error_key], id=field_id + "-error", class_name="field-error",
                        role="alert", size="2")),
        spacing="1", align="stretch", width="100%"))


def module_admin_panel(phase) -> rx.Component:
    """The module's own part of the phase editor (e.g. a budget's projects), if any."""
    return module_part(phase["module_key"], "admin_panel", rx.fragment(), phase)


def settings_fields(phase) -> rx.Component:
    """The module's own settings, drawn from the registry's typed declarations."""
    return rx.foreach(phase["fields"].to(list[dict[str, Any]]),
                      lambda s: setting_field(phase, s))


def phase_form(phase) -> rx.Component:
    prefix = "phase-" + phase["id"].to(str) + "-"
    return rx.el.li(rx.card(rx.vstack(rx.form(
        rx.vstack(
            rx.hstack(
                rx.heading(phase["number"], ". ", phase["title"], as_="h3", size="4"),
                rx.badge(phase["items"], variant="soft"),
                rx.spacer(),
                rx.button(rx.icon("arrow-up", aria_hidden="true"), type="button", size="1",
                          variant="soft", high_contrast=True, disabled=phase["first"],
                          on_click=P.move_phase(phase["id"].to(int), -1),
                          aria_label=t("Move earlier") + ": " + phase["title"].to(str)),
                rx.button(rx.icon("arrow-down", aria_hidden="true"), type="button", size="1",
                          variant="soft", high_contrast=True, disabled=phase["last"],
                          on_click=P.move_phase(phase["id"].to(int), 1),
                          aria_label=t("Move later") + ": " + phase["title"].to(str)),
                spacing="2", align="center", width="100%"),
            rx.vstack(
                rx.el.label(t("Title"), html_for=prefix + "title", class_name="field-label"),
                rx.input(name="title", id=prefix + "title", default_value=phase["title"],
                         max_length=160, required=True, width="100%"),
                spacing="1", align="stretch"),
            rx.hstack(
                rx.vstack(
                    rx.el.label(t("Participation module"), html_for=prefix + "module",
                                class_name="field-label"),
                    rx.el.select(rx.foreach(P.module_options,
                                            lambda m: rx.el.option(m["label"], value=m["key"])),
                                 name="module_key", id=prefix + "module", class_name="select",
                                 default_value=phase["module_key"].to(str),
                                 disabled=phase["locked"].to(bool)),
                    spacing="1"),
                rx.vstack(
                    rx.el.label(t("Status"), html_for=prefix + "status",
                                class_name="field-label"),
                    rx.el.select(*[rx.el.option(t(label), value=key)
                                   for key, label in PHASE_STATUSES.items()],
                                 name="status", id=prefix + "status", class_name="select",
                                 default_value=phase["status"].to(str)),
                    spacing="1"),
                rx.vstack(
                    rx.el.label(t("Start date"), html_for=prefix + "starts",
                                class_name="field-label"),
                    rx.input(name="starts_on", id=prefix + "starts", type="date",
                             default_value=phase["starts_on"]),
                    spacing="1"),
                rx.vstack(
                    rx.el.label(t("End date"), html_for=prefix + "ends",
                                class_name="field-label"),
                    rx.input(name="ends_on", id=prefix + "ends", type="date",
                             default_value=phase["ends_on"]),
                    spacing="1"),
                spacing="3", wrap="wrap"),
            rx.vstack(
                rx.el.label(t("Description"), html_for=prefix + "description",
                            class_name="field-label"),
                rx.text_area(name="description", id=prefix + "description", max_length=2000,
                             rows="2", default_value=phase["description"], width="100%"),
                spacing="1", align="stretch"),
            settings_fields(phase),
            rx.el.input(type="hidden", name="phase_id", value=phase["id"].to(str)),
            rx.hstack(
                rx.button(t("Save the phase"), type="submit", size="2",
                          id=prefix + "save"),
                rx.cond(~phase["locked"].to(bool),
                        confirm_action(
                            N_("Delete the phase"), title=N_("Delete this phase?"),
                            lost=phase["title"].to(str) + " — " + t(
                                "The phase and its settings are deleted. (A phase that "
                                "received contributions cannot be deleted.)"),
                            confirm_label=N_("Delete the phase"),
                            on_confirm=P.delete_phase(phase["id"].to(int)),
                            id_=prefix + "delete")),
                spacing="3"),
            spacing="3", align="stretch"),
        on_submit=P.save_phase,
        reset_on_submit=False,
    ), module_admin_panel(phase), spacing="4", align="stretch")),
        key=phase["id"].to(str) + "-" + P.form_version.to_string())


def add_phase_form() -> rx.Component:
    return rx.form(rx.hstack(
        text_input(P, "title", N_("Title"), max_length=160, required=True, prefix="new-phase-"),
        rx.vstack(
            rx.el.label(t("Participation module"), html_for="new-phase-module",
                        class_name="field-label"),
            rx.el.select(rx.foreach(P.module_options,
                                    lambda m: rx.el.option(m["label"], value=m["key"])),
                         name="module_key", id="new-phase-module", class_name="select"),
            spacing="1"),
        rx.button(t("Add the phase"), type="submit", id="phase-add"),
        spacing="3", align="end", wrap="wrap"), on_submit=P.add_phase, reset_on_submit=True)


def project_admin_page() -> rx.Component:
    p = P.project
    return admin_page(
        P,
        rx.link("← ", p["community"], href=p["community_href"].to(str), size="2"),
        lifecycle(),
        section(N_("Project"), rx.form(rx.vstack(
            *project_fields(P, p),
            rx.vstack(
                rx.text(t("Cover image"), class_name="field-label", id="project-cover-label"),
                rx.hstack(
                    rx.cond(p["cover"] != "", rx.image(
                        src=rx.get_upload_url(p["cover"].to(str)), alt="", height="3rem")),
                    image_upload("project-cover", N_("Choose an image"), P.attach_cover,
                                 describedby="project-cover-label"),
                    rx.cond(P.cover_attached,
                            rx.text(t("New image attached: saved with the form."), size="2")),
                    rx.cond((p["cover"] != "") | P.cover_attached,
                            rx.button(t("Remove"), type="button", size="1", variant="soft",
                                      color_scheme="red", on_click=P.remove_cover)),
                    spacing="3", align="center", wrap="wrap"),
                spacing="1", align="stretch"),
            rx.button(t("Save"), type="submit", id="project-save"),
            spacing="3", align="stretch"), on_submit=P.save, reset_on_submit=False,
            key=P.form_version.to_string()), id_="project-section"),
        section(N_("Phases"),
                rx.text(t("Each phase hosts one participation module. Citizens take part while "
                          "a phase is open in a published, open project."), size="2"),
                rx.el.ol(rx.foreach(P.phases, phase_form), class_name="plain-list stack",
                         id="admin-phases"),
                add_phase_form(),
                id_="phases-section"),
        heading=rx.cond(p["title"], p["title"].to(str), t("Project")),
    )
