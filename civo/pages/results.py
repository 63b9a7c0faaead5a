"""A project's results page: the admins' summary (paragraphs, lists, links; never HTML),
then one section per phase drawn by its module's ``results_panel`` (registry)."""

from __future__ import annotations

import inspect

import reflex as rx

from civo.components.i18n import t
from civo.components.layout import page_shell
from civo.components.participation import rich_text
from civo.modules import MODULES
from civo.state.results import ResultsState


def _segments(line: rx.Var) -> rx.Component:
    return rich_text(line, as_="span")


def summary_block(block: rx.Var) -> rx.Component:
    lines = block["lines"].to(list[list[dict[str, str]]])
    return rx.match(
        block["kind"].to(str),
        ("ul", rx.el.ul(rx.foreach(lines, lambda line: rx.el.li(_segments(line))),
                        class_name="summary-list")),
        ("ol", rx.el.ol(rx.foreach(lines, lambda line: rx.el.li(_segments(line))),
                        class_name="summary-list")),
        rx.foreach(lines, lambda line: rich_text(line, as_="p")),
    )


def _panel(spec, section: rx.Var) -> rx.Component:
    build = spec.component("results_panel")
    takes_section = bool(inspect.signature(build).parameters)
    return build(section) if takes_section else build()


def phase_section(section: rx.Var) -> rx.Component:
    cases = [(spec.key, _panel(spec, section)) for spec in MODULES
             if spec.component("results_panel") is not None]
    body = rx.match(section["module"].to(str), *cases, rx.fragment()) if cases \
        else rx.fragment()
    heading_id = "results-phase-" + section["phase_id"].to(str)
    return rx.el.section(
        rx.heading(rx.link(section["title"].to(str), href=section["href"].to(str),
                           high_contrast=True),
                   as_="h2", size="5", id=heading_id),
        body,
        aria_labelledby=heading_id, class_name="stack results-phase",
    )


def results_page() -> rx.Component:
    S = ResultsState
    return page_shell(
        rx.cond(
            S.not_found,
            rx.vstack(rx.text(t("This page does not exist, or you do not have access to it.")),
                      rx.link(t("Back to the feed"), href="/"), id="not-found"),
            rx.vstack(
                rx.hstack(rx.link(S.project["community"],
                                  href=S.project["community_href"].to(str)),
                          rx.text("·"),
                          rx.link(S.project["title"], href=S.project["href"].to(str)),
                          spacing="2", wrap="wrap"),
                rx.cond(
                    S.published,
                    rx.vstack(
                        rx.cond(S.summary.length() > 0,
                                rx.el.section(
                                    rx.heading(t("What the community decided"), as_="h2",
                                               size="5", id="results-summary-heading"),
                                    rx.foreach(S.summary, summary_block),
                                    aria_labelledby="results-summary-heading",
                                    id="results-summary", class_name="stack")),
                        rx.foreach(S.sections, phase_section),
                        spacing="5", align="stretch", width="100%", id="results-sections"),
                    rx.callout(t("The results of this project are not published yet."),
                               icon="info", id="results-pending"),
                ),
                spacing="4", align="stretch", width="100%",
            ),
        ),
        heading=rx.cond(S.not_found, t("Not found"),
                        t("Results") + ": " + S.project["title"].to(str)),
    )
