"""The project page: purpose, expected outcome, phases, and the current phase's module."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.modules import MODULES
from civo.services import projects
from civo.services.errors import CivoError, NotFound
from civo.services.validate import is_number
from civo.state.participation import ParticipationViews


def _int_param(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if is_number(text) else None


def _results(*, session, actor, phase_id: int) -> dict[str, Any]:
    """A closed phase's results section, from its module's ``results`` hook ({} if none)."""
    from civo.models import Phase

    phase = session.get(Phase, phase_id)
    spec = MODULES.get(phase.module_key) if phase is not None else None
    results = spec.hook("results") if spec is not None else None
    return {} if results is None else {"module": spec.key, **results(session, actor, phase)}


class ProjectState(ParticipationViews):
    project: dict[str, Any] = {}
    phases: list[dict[str, Any]] = []
    phase: dict[str, Any] = {}
    # The chosen phase's results once it is closed (its module's own section).
    results: dict[str, Any] = {}
    not_found: bool = False
    # The project's community: its module panels hear that community's live channel.
    _community_id: int = 0

    def _translated(self, value: Any) -> Any:
        """Module results carry msgids under "label": in this reader's language."""
        if isinstance(value, dict):
            return {k: self._t(v) if k == "label" and isinstance(v, str) else
                    self._translated(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._translated(v) for v in value]
        return value

    def _opens(self, stage: str, opens_on: Any) -> str:
        """"Opens on <date>" for what is still to come ("" otherwise)."""
        if stage != "upcoming":
            return ""
        if opens_on is None:
            return self._t("Not open yet: the date will be announced.")
        return self._t("Opens on {date}", date=self._when(opens_on))

    @rx.event
    async def load(self):
        actor = await self._actor()
        params = self.router.page.params
        project_id, phase_id = _int_param(params.get("project_id")), _int_param(
            params.get("phase_id"))
        try:
            if project_id is None:
                raise NotFound("This page does not exist.")
            found = await run_service(projects.view, actor=actor, project_id=project_id)
        except CivoError:
            self.not_found, self.project, self.phases, self.phase = True, {}, [], {}
            return
        self.not_found = False
        self.project = {
            "id": found.id, "title": found.title, "summary": found.summary,
            "purpose": found.purpose, "expected_outcome": found.expected_outcome,
            "status": found.status, "community": found.community_name,
            "opens": self._opens(found.status, found.opens_on),
            "community_href": f"/c/{found.community_slug}",
            "dates": " – ".join(self._when(d) for d in (found.starts_on, found.ends_on) if d),
            "cover": found.cover_url,
            "export": f"/api/v1/projects/{found.id}/export" if found.open_data else "",
        }
        self.phases = [
            {"id": p.id, "title": p.title, "module_key": p.module_key, "status": p.status,
             "href": f"/p/{found.id}/{p.id}", "number": p.position + 1,
             "opens": self._opens(p.status, p.opens_on),
             "dates": " – ".join(self._when(d) for d in (p.starts_on, p.ends_on) if d),
             "now": p.status == "open"}
            for p in found.phases
        ]
        self.project["participants"] = self._tn("{n} participant", "{n} participants",
                                                found.participants)
        chosen = next((p for p in found.phases if p.id == phase_id), None)
        if chosen is None:  # default: the open phase, else the latest one
            chosen = next((p for p in found.phases if p.status == "open"),
                          found.phases[-1] if found.phases else None)
        if chosen is None:
            self.phase = {}
        else:
            spec = MODULES.get(chosen.module_key)
            self.phase = {"id": chosen.id, "title": chosen.title,
                          "description": chosen.description, "module_key": chosen.module_key,
                          "status": chosen.status, "open": chosen.status == "open"
                          and found.published,
                          "opens": self._opens(chosen.status, chosen.opens_on),
                          # The module's declared settings only, as text (its panel reads them).
                          "settings": {s.name: s.as_text(s.stored(chosen.settings))
                                       for s in (spec.settings if spec else ())},
                          "known": spec is not None}
        self.results = {}
        if chosen is not None and chosen.status == "closed":
            self.results = self._translated(await run_service(
                _results, actor=actor, phase_id=chosen.id))
        self._community_id = found.community_id
