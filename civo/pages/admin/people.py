"""/admin/c/[slug]/people: admins and access codes."""

from __future__ import annotations

import reflex as rx

from civo.components.admin import admin_page, checkbox, confirm_action, section, text_input
from civo.components.i18n import t
from civo.i18n import N_
from civo.pages.admin.community import community_nav
from civo.state.admin.people import CommunityPeopleState as S

CODE_STATES = {"active": N_("Active"), "expired": N_("Expired"), "used_up": N_("Used up"),
               "revoked": N_("Revoked")}


def admins_section() -> rx.Component:
    return section(
        N_("Admins"),
        rx.el.ul(rx.foreach(S.admins, lambda a: rx.el.li(rx.hstack(
            rx.text(a["name"], weight="bold"),
            rx.cond(a["below"], rx.badge(t("and its sub-communities"), high_contrast=True)),
            rx.cond(a["me"], rx.badge(t("you"), variant="soft")),
            confirm_action(N_("Remove"), title=N_("Remove this admin?"),
                           lost=a["name"].to(str) + " — " + t(
                               "Can no longer manage this community, its projects or its "
                               "people."),
                           confirm_label=N_("Remove the admin"),
                           on_confirm=S.revoke(a["id"].to(int)), size="1",
                           id_="revoke-admin-" + a["id"].to(str)),
            spacing="3", align="center", wrap="wrap"))), class_name="plain-list stack",
            id="admins-list"),
        rx.cond(S.invitations.length() > 0, rx.vstack(
            rx.heading(t("Invitations waiting"), as_="h3", size="3"),
            rx.el.ul(rx.foreach(S.invitations, lambda i: rx.el.li(rx.hstack(
                rx.text(i["email"]),
                rx.cond(i["below"], rx.badge(t("and its sub-communities"),
                                             high_contrast=True)),
                rx.text(t("until"), " ", i["expires"], size="2"),
                rx.button(t("Withdraw"), size="1", variant="soft", color_scheme="red",
                          on_click=S.withdraw_invitation(i["id"].to(int)),
                          aria_label=t("Withdraw the invitation") + " " + i["email"].to(str)),
                spacing="3", align="center", wrap="wrap"))), class_name="plain-list stack",
                id="invitations-list"), align="stretch")),
        rx.form(rx.vstack(
            text_input(S, "email", N_("Email address to invite"), type_="email",
                       required=True, prefix="admin-",
                       hint=N_("They get an invitation by email and become an admin once "
                               "they accept it. You learn nothing about the address "
                               "before they do.")),
            checkbox("include_descendants", N_("Also administer its sub-communities"),
                     id_="admin-below"),
            rx.button(t("Invite as admin"), type="submit", id="grant-admin"),
            spacing="3", align="stretch"), on_submit=S.grant, reset_on_submit=False),
        id_="admins-section",
    )


def codes_section() -> rx.Component:
    return section(
        N_("Access codes"),
        rx.text(t("Citizens join this private community with a code on the “Join with a "
                  "code” page."), " ", S.members, size="2", id="member-count"),
        rx.cond(S.new_code != "", rx.callout(
            rx.text(t("New code:"), " ", rx.code(S.new_code, size="5", id="new-code")),
            icon="key", color_scheme="green")),
        rx.form(rx.hstack(
            text_input(S, "valid_days", N_("Valid for (days, optional)"), type_="number",
                       prefix="code-"),
            text_input(S, "max_uses", N_("Maximum uses (optional)"), type_="number",
                       prefix="code-"),
            rx.button(t("Generate a code"), type="submit", id="generate-code"),
            spacing="3", align="end", wrap="wrap"), on_submit=S.generate_code,
            reset_on_submit=True),
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(h), scope="col") for h in (
                N_("Created"), N_("Expires"), N_("Uses"), N_("State"), N_("Action"))])),
            rx.el.tbody(rx.foreach(S.codes, lambda c: rx.el.tr(
                rx.el.td(c["created"]), rx.el.td(c["expires"]), rx.el.td(c["uses"]),
                rx.el.td(rx.match(c["state"], *[(k, t(v)) for k, v in CODE_STATES.items()],
                                  c["state"])),
                rx.el.td(rx.cond(c["state"] == "active", confirm_action(
                    N_("Revoke"), title=N_("Revoke this access code?"),
                    lost=N_("Nobody can join with it any more. Members who already joined "
                            "stay members."),
                    confirm_label=N_("Revoke the code"),
                    on_confirm=S.revoke_code(c["id"].to(int)), size="1",
                    id_="revoke-code-" + c["id"].to(str)))),
            ))),
            class_name="data-table", id="codes-table",
        ),
        id_="codes-section",
    )


def community_people_page() -> rx.Component:
    return admin_page(
        S, admins_section(), rx.cond(S.community["private"].to(bool), codes_section()),
        heading=S.community["name"].to(str), nav=community_nav(S),
    )
