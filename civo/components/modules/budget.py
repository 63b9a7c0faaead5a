"""Participatory budget UI: the allocator (the rule in words, project cards, a sticky
summary with a live region, the ballot's state in words, the receipt and its check), the
results, and the admins' part of the dashboard phase editor."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.components.i18n import t
from civo.components.participation import error_callout
from civo.state.base import AppState
from civo.state.modules.budget import BudgetAdminState, BudgetState

B = BudgetState
A = BudgetAdminState


def _refusal_here(project_id: rx.Var) -> rx.Component:
    return rx.cond(B.refusal_project == project_id,
                   rx.text(B.refusal, role="alert", class_name="field-error", size="2",
                           id="budget-refusal-" + project_id.to(str)))


def _choose_button(p: rx.Var) -> rx.Component:
    chosen = p["chosen"].to(bool)
    return rx.button(
        rx.icon(rx.cond(chosen, "check", "plus"), size=16, aria_hidden="true"),
        rx.cond(chosen, t("On my ballot — remove"), t("Add to my ballot")),
        on_click=B.toggle(p["id"].to(int)), aria_pressed=rx.cond(chosen, "true", "false"),
        variant=rx.cond(chosen, "solid", "outline"), high_contrast=True,
        disabled=~B.can_vote, id="budget-choose-" + p["id"].to(str), type="button")


def _points_control(p: rx.Var) -> rx.Component:
    pid = p["id"].to(int)
    points = p["points"].to(int)
    title = p["title"].to(str)
    return rx.hstack(
        rx.button("−", on_click=B.give_points(pid, points - 1), disabled=(points <= 0) | ~B.can_vote,
                  aria_label=t("One point less") + ": " + title, type="button",
                  variant="soft", high_contrast=True, id="budget-less-" + pid.to(str)),
        rx.text(points.to(str), " ", t("points"), id="budget-points-" + pid.to(str),
                weight="bold"),
        rx.button("+", on_click=B.give_points(pid, points + 1),
                  disabled=(points >= B.points_max) | ~B.can_vote,
                  aria_label=t("One point more") + ": " + title, type="button",
                  variant="soft", high_contrast=True, id="budget-more-" + pid.to(str)),
        spacing="2", align="center")


def project_card(p: rx.Var) -> rx.Component:
    return rx.el.li(rx.card(rx.vstack(
        rx.cond(p["image"].to(str) != "",
                rx.image(src=rx.get_upload_url(p["image"].to(str)), alt="", width="100%",
                         max_height="12rem", object_fit="cover", loading="lazy")),
        rx.heading(p["title"].to(str), as_="h4", size="4"),
        rx.hstack(
            rx.cond(~B.uses_points,
                    rx.text(t("Cost:"), " ", rx.text.strong(p["cost"].to(str)), size="3")),
            rx.cond(p["category"].to(str) != "",
                    rx.badge(p["category"].to(str), variant="soft", high_contrast=True)),
            rx.cond(p["chosen"].to(bool),
                    rx.badge(rx.icon("check", size=12, aria_hidden="true"),
                             t("On my ballot"), color_scheme="green", high_contrast=True)),
            spacing="3", align="center", wrap="wrap"),
        rx.cond(p["description"].to(str) != "",
                rx.text(p["description"].to(str), size="2", white_space="pre-wrap")),
        rx.cond(p["idea_id"].to(int) != 0,
                rx.link(t("From the idea"), " “", p["idea_title"].to(str), "”",
                        href="/i/" + p["idea_id"].to(str), size="2", underline="always")),
        rx.cond(B.uses_points, _points_control(p), _choose_button(p)),
        _refusal_here(p["id"].to(int)),
        spacing="2", align="stretch")), id="budget-project-" + p["id"].to(str))


def summary_bar() -> rx.Component:
    """Always visible (sticky at the bottom of the viewport, 360 px and up)."""
    return rx.box(rx.vstack(
        rx.hstack(
            rx.text(B.used_text, weight="bold", id="budget-spent"),
            rx.text("·", aria_hidden="true"),
            rx.text(B.left_text, id="budget-left"),
            spacing="2", wrap="wrap", align="center"),
        rx.progress(value=B.percent, max=100, aria_label=t("Share of the budget used"),
                    id="budget-progress"),
        # Screen readers hear what is left after each change.
        rx.el.div(B.used_text, ". ", B.left_text, ". ", B.state_text, aria_live="polite",
                  role="status", class_name="visually-hidden", id="budget-live"),
        rx.hstack(
            rx.text(rx.icon(rx.cond(B.status == "submitted", "circle-check", "circle-dashed"),
                            size=16, aria_hidden="true"), " ", B.state_text,
                    id="ballot-state", weight="medium"),
            rx.spacer(),
            rx.cond(B.can_vote & (B.status != "submitted"),
                    rx.button(t("Count my ballot"), on_click=B.submit, size="3",
                              id="budget-submit", type="button",
                              aria_describedby="budget-submit-hint")),
            spacing="2", align="center", wrap="wrap", width="100%"),
        rx.cond(B.can_vote & (B.status != "submitted") & ~B.ready,
                rx.text(t("Your ballot counts once it meets the rule above."), size="1",
                        id="budget-submit-hint")),
        rx.cond(B.refusal_project == 0,
                rx.text(B.refusal, role="alert", class_name="field-error", size="2",
                        id="budget-refusal-summary")),
        spacing="2", align="stretch"),
        class_name="budget-summary", id="budget-summary",
        position="sticky", bottom="0", z_index="5", padding="0.75rem",
        background="var(--color-panel-solid)", border_top="2px solid var(--gray-a8)",
        role="region", aria_label=t("My ballot"))


def _callout(icon: str, *children: rx.Component, **props) -> rx.Component:
    """A callout whose body may hold blocks (``rx.callout(x)`` wraps x in a <p>: a <p> or a
    <div> inside it is invalid HTML, and React warns on every page load)."""
    return rx.callout.root(rx.callout.icon(rx.icon(icon)), rx.box(*children), **props)


def receipt() -> rx.Component:
    return rx.cond(B.status == "submitted", _callout(
        "receipt",
        rx.vstack(
            rx.text(B.state_text, weight="bold"),
            rx.text(t("Your verification code:"), " ",
                    rx.text.strong(B.receipt_code, id="budget-receipt-code", font_family="monospace",
                                   letter_spacing="0.05em")),
            rx.text(t("Keep it to check later that your ballot is counted. You can change "
                      "your ballot until voting closes."), size="2"),
            spacing="1"),
        color_scheme="green", high_contrast=True, id="budget-receipt"))


def verify_form() -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("Check that a ballot is counted")),
        rx.form(rx.hstack(
            rx.el.label(t("Verification code"), html_for="budget-verify-code",
                        class_name="field-label"),
            rx.input(name="code", id="budget-verify-code", max_length=20,
                     auto_complete="off"),
            rx.button(t("Check"), type="submit", id="budget-verify", high_contrast=True),
            spacing="2", align="center", wrap="wrap"),
            on_submit=B.verify, reset_on_submit=False),
        rx.cond(B.verify_text != "", rx.text(B.verify_text, role="status",
                                             id="budget-verify-result")),
        class_name="budget-verify")


def budget_panel() -> rx.Component:
    return rx.vstack(
        _callout("info", rx.text(t("How to vote:"), " ", rx.text.strong(B.rule_text)),
                 color_scheme="indigo", high_contrast=True, id="budget-rule"),
        error_callout(B.error, "budget-error"),
        rx.cond(~B.can_vote & (B.problem != ""),
                _callout("lock", rx.hstack(
                    rx.text(B.problem, id="budget-problem"),
                    rx.cond(~AppState.signed_in,
                            rx.link(t("Sign in"), href="/login", underline="always")),
                    spacing="2", wrap="wrap"), color_scheme="gray", high_contrast=True)),
        rx.cond(B.notice != "", rx.callout(B.notice, icon="bell", high_contrast=True, id="budget-notice",
                                           role="status")),
        receipt(),
        rx.heading(t("Projects"), as_="h3", size="4"),
        rx.el.ul(rx.foreach(B.projects, project_card), class_name="plain-list stack",
                 id="budget-projects"),
        rx.cond(B.can_vote | (B.status != ""), summary_bar()),
        verify_form(),
        spacing="4", align="stretch", width="100%", on_mount=B.load,
    )


# ---- results ---------------------------------------------------------------------------


def _result_row(r: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.th(rx.cond(r["idea_id"].to(int) != 0,
                         rx.link(r["title"].to(str), href="/i/" + r["idea_id"].to(str),
                                 underline="always"),
                         r["title"].to(str)), scope="row"),
        rx.el.td(r["cost"].to(str)), rx.el.td(r["votes"].to(str)))


def _results_table(rows: rx.Var, caption: Any, id_: str) -> rx.Component:
    return rx.el.table(
        rx.el.caption(caption),
        rx.el.thead(rx.el.tr(rx.el.th(t("Project"), scope="col"),
                             rx.el.th(t("Cost"), scope="col"),
                             rx.el.th(t("Votes"), scope="col"))),
        rx.el.tbody(rx.foreach(rows.to(list[dict[str, Any]]), _result_row)),
        class_name="data-table", id=id_)


def budget_results() -> rx.Component:
    """The outcome on the phase page, or on the project's results page (the handler finds
    the phase on either: an event argument from the results page's list would not exist
    where React runs the mount hook)."""
    r = B.results
    return rx.vstack(
        rx.cond(
            r["published"].to(bool),
            rx.vstack(
                rx.text(t("Outcome rule:"), " ", rx.text.strong(r["rule"].to(str)),
                        id="budget-results-rule"),
                rx.text(r["spent"].to(str), " · ", r["ballots"].to(str),
                        id="budget-results-spent"),
                _results_table(r["winners"], t("Funded projects"), "budget-winners"),
                _results_table(r["others"], t("Projects not funded"), "budget-others"),
                spacing="3", align="stretch"),
            rx.text(t("The results are not published yet."), id="budget-results-pending")),
        spacing="3", align="stretch", width="100%", on_mount=B.load_results)


# ---- the dashboard phase editor's part ----------------------------------------------------


def _admin_item(p: rx.Var) -> rx.Component:
    return rx.el.li(rx.hstack(
        rx.text(p["title"].to(str), weight="medium"),
        rx.text(p["cost"].to(str)),
        rx.cond(p["from_idea"].to(bool), rx.badge(t("From an idea"), variant="soft",
                                                  high_contrast=True)),
        rx.spacer(),
        rx.button(t("Remove"), type="button", size="1", variant="soft", color_scheme="red",
                  on_click=A.remove_project(p["id"].to(int)),
                  aria_label=t("Remove") + ": " + p["title"].to(str)),
        spacing="3", align="center", wrap="wrap"))


def _field(name: str, label: str, id_: str, **props: Any) -> rx.Component:
    return rx.vstack(rx.el.label(t(label), html_for=id_, class_name="field-label"),
                     rx.input(name=name, id=id_, **props), spacing="1")


def budget_admin_panel(phase: rx.Var) -> rx.Component:
    return rx.el.section(rx.vstack(
        rx.heading(t("Budget: projects, turnout and results"), as_="h4", size="3",
                   id="budget-admin-heading"),
        rx.cond(A.phase_id != phase["id"].to(int),
                rx.button(t("Manage this budget"), type="button", size="2",
                          on_click=[A.load(phase["id"].to(int)), A.watch_turnout],
                          id="budget-admin-open"),
                rx.vstack(
                    rx.cond(A.failure != "", rx.text(A.failure, role="alert",
                                                     class_name="field-error",
                                                     id="budget-admin-error")),
                    rx.cond(A.message != "", rx.text(A.message, role="status",
                                                     id="budget-admin-message")),
                    rx.text(t("Turnout:"), " ", rx.text.strong(A.submitted.to(str)), " ",
                            t("ballots submitted"), " · ", rx.text.strong(A.drafts.to(str)),
                            " ", t("drafts open"), id="budget-turnout"),
                    rx.el.ul(rx.foreach(A.items, _admin_item), class_name="plain-list stack",
                             id="budget-admin-projects"),
                    rx.form(rx.hstack(
                        _field("title", "Project title", "budget-new-title", max_length=200,
                               required=True),
                        _field("cost", "Cost", "budget-new-cost", input_mode="numeric",
                               required=True),
                        _field("category", "Category (optional)", "budget-new-category",
                               max_length=100),
                        _field("description", "Description", "budget-new-description",
                               max_length=4000),
                        rx.button(t("Add the project"), type="submit", id="budget-add"),
                        spacing="2", align="end", wrap="wrap"),
                        on_submit=A.add_project, reset_on_submit=True),
                    rx.cond(A.ideas.length() > 0, rx.form(rx.hstack(
                        rx.vstack(
                            rx.el.label(t("Accepted idea"), html_for="budget-idea",
                                        class_name="field-label"),
                            rx.el.select(rx.foreach(A.ideas, lambda i: rx.el.option(
                                i["title"], value=i["id"])), name="item_id", id="budget-idea",
                                class_name="select"),
                            spacing="1"),
                        _field("cost", "Cost", "budget-idea-cost", input_mode="numeric",
                               required=True),
                        rx.button(t("Put the idea on the ballot"), type="submit",
                                  id="budget-promote"),
                        spacing="2", align="end", wrap="wrap"),
                        on_submit=A.promote, reset_on_submit=True)),
                    rx.el.label(rx.el.input(type="checkbox", checked=A.import_votes,
                                            on_change=A.choose_import_votes,
                                            id="budget-pb-votes"),
                                " ", t("Import the file's votes too, as paper ballots"),
                                class_name="checkbox-label"),
                    rx.box(rx.upload.root(
                        rx.button(rx.icon("file-up", aria_hidden="true"),
                                  t("Import a pabulib .pb file"), type="button",
                                  variant="soft", high_contrast=True),
                        id="budget-pb", max_files=1, multiple=False, no_drag=True,
                        accept={"text/plain": [".pb"]},
                        on_drop=A.import_pb(rx.upload_files(upload_id="budget-pb"))),
                        # assets/civo.js names the hidden file input after this.
                        data_file_label=t("Import a pabulib .pb file"),
                        display="inline-block"),
                    rx.hstack(
                        rx.button(t("Close voting"), type="button", on_click=A.close_voting,
                                  variant="soft", high_contrast=True, id="budget-close"),
                        rx.button(t("Compute the outcome"), type="button",
                                  on_click=A.compute, disabled=A.computing,
                                  id="budget-compute"),
                        rx.button(t("Publish the results"), type="button", on_click=A.publish,
                                  disabled=(A.outcome_status != "done") | A.published,
                                  id="budget-publish"),
                        rx.button(t("Export as .pb"), type="button", on_click=A.export_pb,
                                  variant="soft", high_contrast=True, id="budget-export"),
                        spacing="2", wrap="wrap"),
                    rx.cond(A.computing, rx.vstack(
                        rx.text(t("Computing…"), " ", A.progress.to(str), " %",
                                role="status", id="budget-compute-progress"),
                        rx.progress(value=A.progress, max=100,
                                    aria_label=t("Progress of the computation")),
                        spacing="1")),
                    rx.cond(A.outcome_text != "", rx.text(A.outcome_text,
                                                          id="budget-outcome")),
                    rx.cond(A.published, rx.text(t("The results are published."),
                                                 id="budget-published")),
                    # Shown again after a reload of the page: fresh figures.
                    spacing="3", align="stretch", on_mount=A.refresh)),
        spacing="3", align="stretch"),
        aria_labelledby="budget-admin-heading", class_name="budget-admin")
