"""/admin/c/[slug]/analytics and /admin/p/[project_id]/analytics: charts and their tables."""

from __future__ import annotations

import reflex as rx

from civo.components.admin import admin_page
from civo.components.i18n import t
from civo.i18n import N_
from civo.pages.admin.community import community_nav
from civo.state.admin.analytics import AnalyticsState as S


def figures_table(key: str, caption: str) -> rx.Component:
    return rx.el.table(
        rx.el.caption(t(caption)),
        rx.el.tbody(rx.foreach(S.tables[key].to(list[dict[str, str]]), lambda r: rx.el.tr(
            rx.el.th(r["label"], scope="row"), rx.el.td(r["value"])))),
        class_name="data-table", id=f"table-{key}",
    )


def chart(title: str, figure, *tables: rx.Component, id_: str, note=None,
          level: str = "h2") -> rx.Component:
    """A chart that takes its card's width, the same figures in a table, and — when it
    draws nothing — why (``note``)."""
    drawn = rx.box(rx.plotly(data=figure, config={"displayModeBar": False, "responsive": True},
                             use_resize_handler=True, style={"width": "100%"}),
                   role="img", aria_label=t(title) + " — " + t("the figures are in the table"),
                   width="100%", class_name="chart")
    return rx.el.section(rx.card(rx.vstack(
        rx.heading(t(title), as_=level, size="4"),
        # No mode bar (nothing focusable inside); the same figures are in the table.
        drawn if note is None else rx.cond(
            note != "", rx.text(note, class_name="chart-note", id=id_ + "-note"), drawn),
        *tables, spacing="3", align="stretch"), width="100%"), id=id_, class_name="chart-card")


def analytics_body() -> rx.Component:
    return rx.vstack(
        rx.text(S.title, size="4", weight="bold", id="analytics-scope"),
        rx.cond(S.phases.length() > 0, rx.el.label(
            rx.el.span(t("Phase (module)"), class_name="field-label"),
            rx.el.select(rx.el.option(t("Whole project"), value=""),
                         rx.foreach(S.phases, lambda p: rx.el.option(p["title"], value=p["id"])),
                         value=S.phase_filter, on_change=S.set_phase, id="analytics-phase",
                         class_name="select"),
            class_name="select-field")),
        rx.el.dl(rx.foreach(S.totals, lambda x: rx.box(
            rx.el.dt(x["label"], class_name="stat-label"),
            rx.el.dd(x["value"], class_name="stat-value"), class_name="stat")),
            class_name="stats", id="analytics-totals"),
        rx.text(S.computed, size="2"),
        chart(N_("Activity over the last 90 days"), S.activity,
              figures_table("activity", N_("Activity in numbers")), id_="chart-activity"),
        chart(N_("Followers"), S.followers, id_="chart-followers"),
        chart(N_("Reactions per emoji"), S.reactions,
              figures_table("reactions", N_("Reactions in numbers")), id_="chart-reactions"),
        rx.heading(t("Participants (groups under 5 people are shown as <5)"), as_="h2",
                   size="5"),
        rx.grid(
            chart(N_("Age"), S.age_chart, figures_table("age", N_("Age")),
                  note=S.chart_notes["age"], id_="chart-age", level="h3"),
            chart(N_("Gender"), S.gender_chart, figures_table("gender", N_("Gender")),
                  note=S.chart_notes["gender"], id_="chart-gender", level="h3"),
            chart(N_("Home place"), S.places_chart, figures_table("places", N_("Home place")),
                  note=S.chart_notes["places"], id_="chart-places", level="h3"),
            columns=rx.breakpoints(initial="1", lg="3"), spacing="4", width="100%",
            id="chart-demographics"),
        rx.cond(S.module_tables.length() > 0, rx.el.section(rx.card(rx.vstack(
            rx.heading(t("Participation modules"), as_="h2", size="4"),
            rx.grid(rx.foreach(S.module_tables, lambda m: rx.el.table(
                rx.el.caption(m["caption"].to(str)),
                rx.el.tbody(rx.foreach(m["rows"].to(list[dict[str, str]]), lambda r: rx.el.tr(
                    rx.el.th(r["label"], scope="row"), rx.el.td(r["value"])))),
                class_name="data-table", id="table-" + m["key"].to(str))),
                columns=rx.breakpoints(initial="1", md="2"), spacing="4"),
            spacing="3", align="stretch")), id="analytics-modules")),
        rx.text(t("Figures are anonymous: no name or email, and no group small enough to "
                  "recognise someone."), size="2"),
        spacing="4", align="stretch", width="100%",
    )


def community_analytics_page() -> rx.Component:
    return admin_page(S, analytics_body(), heading=S.community["name"].to(str),
                      nav=community_nav(S))


def project_analytics_page() -> rx.Component:
    return admin_page(S, rx.link("← ", t("Project"), href=S.back_href, size="2"),
                      analytics_body(), heading=t("Analytics"))
