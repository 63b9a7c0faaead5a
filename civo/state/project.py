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


class ProjectState(ParticipationViews):
    project: dict[str, Any] = {}
    phases: list[dict[str, Any]] = []
    phase: dict[str, Any] = {}
    not_found: bool = False

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
            "community_href": f"/c/{found.community_slug}",
            "dates": " – ".join(self._when(d) for d in (found.starts_on, found.ends_on) if d),
            "cover": found.cover_url,
            "export": f"/api/v1/projects/{found.id}/export" if found.open_data else "",
        }
        self.phases = [
            {"id": p.id, "title": p.title, "module_key": p.module_key, "status": p.status,
             "href": f"/p/{found.id}/{p.id}", "number": p.position + 1}
            for p in found.phases
        ]
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
                          and found.status == "open" and found.published,
                          # The module's declared settings only, as text (its panel reads them).
                          "settings": {name: str(chosen.settings.get(name, "") or "")
                                       for name in (spec.settings if spec else {})},
                          "known": spec is not None}
        await self._link_space(found.community_id)
