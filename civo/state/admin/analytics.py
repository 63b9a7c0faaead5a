"""Analytics pages: a community's, a project's, or one of its phases' (module's) figures,
as Plotly charts, each with the same numbers in a table."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import reflex as rx

from civo.i18n import N_
from civo.models.participation import EMOJI_GLYPHS
from civo.services import admin_projects, analytics
from civo.services.validate import is_number
from civo.state.admin.base import FAILED
from civo.state.admin.community import CommunityScoped

EMOJI_NAMES = {"agree": N_("Agree"), "inspiring": N_("Inspiring"), "love": N_("Love it"),
               "think": N_("Needs thought"), "concerned": N_("Concerned")}
GENDERS = {"woman": N_("Woman"), "man": N_("Man"), "non_binary": N_("Non-binary"),
           "other": N_("Another gender"), "not given": N_("Not given")}


def _figure(**layout: Any) -> go.Figure:
    fig = go.Figure()
    # No fixed width: the chart takes its card's width (and follows it when it resizes).
    fig.update_layout(margin={"l": 40, "r": 10, "t": 10, "b": 40}, height=260,
                      autosize=True, template="plotly_white", legend={"orientation": "h"},
                      **layout)
    return fig


class AnalyticsState(CommunityScoped):
    """``/admin/c/[slug]/analytics`` and ``/admin/p/[project_id]/analytics``."""

    title: str = ""
    scope: str = ""
    totals: list[dict[str, str]] = []
    phases: list[dict[str, str]] = []
    phase_filter: str = ""
    activity: go.Figure = go.Figure()
    followers: go.Figure = go.Figure()
    reactions: go.Figure = go.Figure()
    # One chart per demographic dimension, and why one shows nothing when it does.
    age_chart: go.Figure = go.Figure()
    gender_chart: go.Figure = go.Figure()
    places_chart: go.Figure = go.Figure()
    chart_notes: dict[str, str] = {"age": "", "gender": "", "places": ""}
    tables: dict[str, list[dict[str, str]]] = {
        key: [] for key in ("activity", "reactions", "age", "gender", "places")}
    # Each participation module's own figures: breakdowns as captioned tables.
    module_tables: list[dict[str, Any]] = []
    computed: str = ""
    back_href: str = ""
    _project_id: int = 0

    @rx.event
    async def load_community(self):
        self.phases, self.phase_filter, self._project_id = [], "", 0
        if not await self._scope("community.view_admin_stats"):
            return
        self.back_href = f"/admin/c/{self.community['slug']}"
        await self._show("community", self._community_id)

    @rx.event
    async def load_project(self):
        raw = str(self.router.page.params.get("project_id", ""))
        self._project_id = int(raw) if is_number(raw) else 0
        self.phase_filter = ""
        found = await self._guard(admin_projects.form, project_id=self._project_id)
        if found is FAILED:
            return
        self.community = {"slug": found.community_slug, "name": found.community_name}
        self.back_href = f"/admin/p/{found.id}"
        self.phases = [{"id": str(p.id), "title": p.title} for p in found.phases]
        await self._show("project", self._project_id)

    @rx.event
    async def set_phase(self, value: str):
        if not self._project_id:
            return
        self.phase_filter = value if value in {p["id"] for p in self.phases} else ""
        if self.phase_filter:
            await self._show("phase", int(self.phase_filter))
        else:
            await self._show("project", self._project_id)

    async def _show(self, kind: str, scope_id: int) -> None:
        stats = await self._call(analytics.stats, kind=kind, scope_id=scope_id)
        if stats is FAILED:
            self.denied = True
            return
        self.scope, self.title = kind, stats.title
        number = lambda n: self._n(n)  # noqa: E731
        self.totals = [
            {"label": self._t("Participants"), "value": number(stats.participants)},
            {"label": self._t("Contributions"), "value": number(stats.contributions)},
            {"label": self._t("Comments"), "value": number(stats.comments)},
            {"label": self._t("Supports"), "value": number(stats.supports)},
            {"label": self._t("Reactions"), "value": number(sum(stats.reactions.values()))},
            *[{"label": self._t(f.label), "value": number(f.value)} for f in stats.modules
              if f.value is not None],
        ]
        self.module_tables = [
            {"key": f"{f.module}-{f.key}", "caption": self._t(f.label),
             "rows": [{"label": self._t(g.label), "value": self._shown(g)} for g in f.groups]}
            for f in stats.modules if f.groups]
        days = list(stats.days)
        activity = _figure(yaxis_title=self._t("per day"))
        activity.add_scatter(x=days, y=list(stats.contributions_per_day), mode="lines",
                             name=self._t("Contributions"))
        activity.add_scatter(x=days, y=list(stats.comments_per_day), mode="lines",
                             name=self._t("Comments"))
        self.activity = activity
        followers = _figure(yaxis_title=self._t("Followers"))
        followers.add_scatter(x=days, y=list(stats.followers_per_day), mode="lines",
                              name=self._t("Followers"))
        self.followers = followers
        labels = [f"{EMOJI_GLYPHS[e]} {self._t(EMOJI_NAMES[e])}" for e in EMOJI_GLYPHS]
        reactions = _figure()
        reactions.add_bar(x=labels, y=[stats.reactions[e] for e in EMOJI_GLYPHS],
                          name=self._t("Reactions"))
        self.reactions = reactions
        notes = {}
        for key, name, rows, label in (
                ("age", self._t("Age"), stats.age, self._age_label),
                ("gender", self._t("Gender"), stats.gender, self._gender_label),
                ("places", self._t("Home place"), stats.places, self._place_label)):
            chart = _figure(yaxis_title=self._t("Participants"))
            chart.add_bar(x=[label(g.label) for g in rows], y=[g.count or 0 for g in rows],
                          text=[self._shown(g) for g in rows], textposition="outside",
                          name=name)
            setattr(self, f"{key}_chart", chart)
            notes[key] = self._empty_note(rows)
        self.chart_notes = notes
        # The same numbers as tables (screen readers, keyboard users, and the test).
        self.tables = {
            "activity": [{"label": self._t("Last 90 days: contributions"),
                          "value": number(sum(stats.contributions_per_day))},
                         {"label": self._t("Last 90 days: comments"),
                          "value": number(sum(stats.comments_per_day))},
                         {"label": self._t("Followers today"),
                          "value": number(stats.followers_per_day[-1]
                                          if stats.followers_per_day else 0)}],
            "reactions": [{"label": label, "value": number(stats.reactions[e])}
                          for label, e in zip(labels, EMOJI_GLYPHS, strict=True)],
            "age": [{"label": self._age_label(g.label), "value": self._shown(g)}
                    for g in stats.age],
            "gender": [{"label": self._gender_label(g.label), "value": self._shown(g)}
                       for g in stats.gender],
            "places": [{"label": self._place_label(g.label), "value": self._shown(g)}
                       for g in stats.places],
        }
        self.computed = self._t("Figures computed {when} (refreshed every 10 minutes).",
                                when=self._when_time(stats.computed_at))

    def _empty_note(self, rows) -> str:
        """Why a chart draws no bar ("" when it draws some)."""
        if any(g.count for g in rows if not g.secondary):
            return ""
        if not rows or all(g.count == 0 for g in rows):
            return self._t("Nobody has taken part yet: nothing to show.")
        return self._t("Every group has fewer than 5 people: the bars are hidden so that "
                       "nobody can be recognised (the table shows <5).")

    def _shown(self, group) -> str:
        return self._t("hidden") if group.secondary else (
            "<5" if group.count is None else self._n(group.count))

    def _n(self, value: int) -> str:
        from civo import i18n

        return i18n.format_number(value, self.lang)

    def _when_time(self, value) -> str:
        from civo import i18n

        return i18n.format_datetime(value, self.lang, fmt="short")

    def _age_label(self, label: str) -> str:
        return {"under 18": self._t("under 18"), "not given": self._t("Not given")}.get(
            label, label)

    def _gender_label(self, label: str) -> str:
        return self._t(GENDERS.get(label, GENDERS["other"]))

    def _place_label(self, label: str) -> str:
        return {"other places": self._t("Other places"),
                "not given": self._t("Not given")}.get(label, label)
