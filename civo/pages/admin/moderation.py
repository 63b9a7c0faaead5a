"""/admin/moderation (the queue, suspension proposals) and /admin/audit (the audit log)."""

from __future__ import annotations

import reflex as rx

from civo.components.admin import admin_page, section
from civo.components.i18n import t
from civo.components.moderation import reason_label
from civo.components.participation import load_more_button
from civo.i18n import N_
from civo.state.admin.moderation import AuditState, ModerationState

M = ModerationState
TABS = (("open", N_("To review")), ("restored", N_("Restored")), ("removed", N_("Removed")))
ACTIONS = {"auto_hide": N_("hidden automatically"), "restore": N_("restored"),
           "remove": N_("removed"), "warn": N_("warned the author (content visible, case closed)"),
           "warn_open": N_("warned the author (content visible, case kept open)"), "appeal": N_("appealed"),
           "propose_suspension": N_("suspension proposed"), "suspend": N_("suspended"),
           "dismiss_suspension": N_("suspension dismissed"),
           "admin_invited": N_("invited an admin"), "admin_accepted": N_("became an admin"),
           "admin_uninvited": N_("withdrew an admin invitation")}


def case_card(case) -> rx.Component:
    prefix = "case-" + case["id"].to(str) + "-"
    return rx.el.li(rx.card(rx.vstack(
        rx.hstack(
            rx.badge(rx.cond(case["kind"] == "comment", t("Comment"), t("Contribution")),
                     variant="soft"),
            rx.text(case["community"], weight="bold"),
            rx.cond(case["hidden"], rx.badge(t("Hidden"), color_scheme="amber",
                                             high_contrast=True)),
            rx.text(case["flags"], " ", t("flags"), " · ", t("weight"), " ", case["weight"],
                    " · ", case["opened"], size="2"),
            spacing="3", align="center", wrap="wrap"),
        rx.blockquote(rx.text(case["excerpt"], white_space="pre-wrap"), size="2"),
        rx.text(t("Author:"), " ", case["author"], " · ",
                t("removals in the last 90 days:"), " ", case["removals"], size="2"),
        rx.hstack(rx.foreach(case["reasons"].to(list[dict]), lambda r: rx.badge(
            reason_label(r["reason"]), " × ", r["count"], high_contrast=True)),
            spacing="2", wrap="wrap"),
        rx.cond(case["details"].to(list[str]).length() > 0, rx.el.ul(
            rx.foreach(case["details"].to(list[str]), lambda d: rx.el.li(rx.text(d, size="2"))),
            aria_label=t("What the reports say"))),
        rx.cond(case["appeal"] != "", rx.callout.root(
            rx.callout.text(t("Appeal:") + " " + case["appeal"].to(str)),
            color_scheme="indigo")),
        rx.cond(case["decision"] != "", rx.text(t("Decision:"), " ", case["decision"],
                                                size="2")),
        rx.link(t("Open in context"), href=case["item_href"].to(str), size="2"),
        rx.form(rx.vstack(
            rx.el.fieldset(
                rx.el.legend(t("Decision"), class_name="field-label"),
                rx.hstack(*[rx.el.label(
                    rx.el.input(type="radio", name="action", value=value, required=True,
                                id=prefix + value),
                    " ", t(label), class_name="checkbox-label") for value, label in (
                    ("restore", N_("Restore (nothing wrong)")),
                    ("remove", N_("Remove (the reason goes to the author)")),
                    ("warn", N_("Warn the author (the content stays visible)")))],
                    spacing="4", wrap="wrap"),
                rx.el.label(rx.el.input(type="checkbox", name="keep_open", id=prefix + "keep-open"),
                            " ", t("When warning: keep the case open"),
                            class_name="checkbox-label"),
                class_name="plain-fieldset"),
            rx.el.label(t("Reason (required to remove or warn)"), html_for=prefix + "reason",
                        class_name="field-label"),
            rx.text_area(name="reason", id=prefix + "reason", max_length=500, rows="2",
                         width="100%"),
            rx.el.input(type="hidden", name="case_id", value=case["id"].to(str)),
            rx.button(t("Apply"), type="submit", id=prefix + "apply"),
            spacing="2", align="stretch"),
            on_submit=M.act, reset_on_submit=True),
        spacing="3", align="stretch")), data_case_id=case["id"].to(str))


def proposals_section() -> rx.Component:
    return section(
        N_("Suspension proposals"),
        rx.text(t("Three removals within 90 days propose a suspension. A suspended account "
                  "cannot sign in; its contributions stay."), size="2"),
        rx.cond(M.proposals.length() == 0, rx.text(t("No proposal waiting."))),
        rx.el.ul(rx.foreach(M.proposals, lambda p: rx.el.li(rx.card(rx.form(rx.vstack(
            rx.text(p["name"], weight="bold"),
            rx.text(p["removals"], " ", t("removals in the last 90 days"), " · ", p["when"],
                    size="2"),
            rx.el.label(t("Reason"), html_for="proposal-" + p["id"].to(str) + "-reason",
                        class_name="field-label"),
            rx.input(name="reason", id="proposal-" + p["id"].to(str) + "-reason",
                     max_length=500, width="100%"),
            rx.hstack(
                rx.el.label(rx.el.input(type="radio", name="decision", value="suspend",
                                        required=True), " ", t("Suspend the account"),
                            class_name="checkbox-label"),
                rx.el.label(rx.el.input(type="radio", name="decision", value="dismiss"), " ",
                            t("Dismiss"), class_name="checkbox-label"),
                spacing="4"),
            rx.el.input(type="hidden", name="proposal_id", value=p["id"].to(str)),
            rx.button(t("Apply"), type="submit"),
            spacing="2", align="stretch"),
            on_submit=M.decide_proposal)))),
            class_name="plain-list stack", id="proposals"),
        id_="proposals-section",
    )


def moderation_page() -> rx.Component:
    return admin_page(
        M,
        rx.link("← ", t("Dashboard"), href="/admin", size="2"),
        rx.text(t("Reports are reviewed under the "),
                rx.link(t("code of conduct"), href="/code-of-conduct", underline="always"),
                t(". You see what was written and why it was reported, never who reported "
                  "it, nor who wrote anonymous content."), size="2"),
        rx.hstack(*[rx.button(t(label), on_click=M.set_tab(value), variant=rx.cond(
            M.tab == value, "solid", "soft"), high_contrast=True,
            aria_pressed=rx.cond(M.tab == value, "true", "false"), id=f"tab-{value}")
            for value, label in TABS], spacing="2", role="group",
            aria_label=t("Which cases")),
        rx.cond(M.loaded & (M.cases.length() == 0), rx.text(t("Nothing to review."),
                                                            id="queue-empty")),
        rx.el.ul(rx.foreach(M.cases, case_card), class_name="plain-list stack", id="queue"),
        load_more_button(M.has_more, M.load_more, "queue-more"),
        rx.cond(M.proposals.length() > 0, proposals_section()),
        heading=t("Moderation"),
    )


def audit_page() -> rx.Component:
    A = AuditState
    return admin_page(
        A,
        rx.link("← ", t("Dashboard"), href="/admin", size="2"),
        rx.el.table(
            rx.el.caption(t("Every moderation decision: who, what, when and why.")),
            rx.el.thead(rx.el.tr(*[rx.el.th(t(h), scope="col") for h in (
                N_("When"), N_("Who"), N_("What"), N_("Case"), N_("Account concerned"), N_("Why"))])),
            rx.el.tbody(rx.foreach(A.rows, lambda r: rx.el.tr(
                rx.el.td(r["when"]),
                rx.el.td(rx.cond(r["who"] != "", r["who"], t("(automatic)"))),
                rx.el.td(rx.match(r["action"], *[(k, t(v)) for k, v in ACTIONS.items()],
                                  r["action"])),
                rx.el.td(r["case"]), rx.el.td(r["subject"]), rx.el.td(r["reason"])))),
            class_name="data-table", id="audit-log"),
        load_more_button(A.has_more, A.load_more, "audit-more"),
        heading=t("Audit log"),
    )
