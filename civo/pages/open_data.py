"""/open-data: what the open-data API publishes, what it never does, and where to start."""

from __future__ import annotations

import reflex as rx

from civo.components.backend import backend_link
from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.i18n import N_

PUBLISHED = (
    N_("Public communities: name, kind, place, parent, description, languages and number "
       "of followers."),
    N_("Published projects with their phases: the participation module of each phase, its "
       "dates, status and public settings."),
    N_("Contributions that are neither deleted nor hidden by moderation: title, text, "
       "date, number of comments, supports and reactions, an idea's status."),
    N_("Authors as a tag that is the same for one person within one project and names "
       "no one; anonymous contributions get their own tags."),
)

NEVER = (
    N_("Names, email addresses, account numbers, birth years or genders."),
    N_("Anything from a private community, a draft project, a deleted contribution or "
       "hidden content."),
    N_("Who supported, reacted to or reported what."),
)


def open_data_page() -> rx.Component:
    return page_shell(
        rx.text(t("Everything public on Civo is open data: anyone may read it, count it and "
                  "reuse it through a documented API, with no account and no key."), size="4"),
        rx.heading(t("What is published"), as_="h2", size="5"),
        rx.el.ul(*[rx.el.li(t(line)) for line in PUBLISHED], class_name="stack"),
        rx.heading(t("What is never published"), as_="h2", size="5"),
        rx.el.ul(*[rx.el.li(t(line)) for line in NEVER], class_name="stack"),
        rx.heading(t("Where to start"), as_="h2", size="5"),
        rx.el.ul(
            rx.el.li(backend_link(t("API reference (OpenAPI), with examples to try"), "/docs",
                                  id="open-data-docs")),
            rx.el.li(backend_link(t("Public communities (JSON)"), "/api/v1/communities",
                                  id="open-data-communities")),
            rx.el.li(backend_link(t("Published projects (JSON)"), "/api/v1/projects",
                                  id="open-data-projects")),
            class_name="stack"),
        rx.text(t("Lists come in pages of up to 100 (follow next_cursor). Each project page "
                  "offers all of its contributions as one CSV or JSON file. Too many "
                  "requests in one minute are answered “429 Too Many Requests”, with how "
                  "long to wait."), size="2"),
        heading=t("Open data"),
    )
