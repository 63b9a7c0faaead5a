"""The results page of a project: the admins' summary, then each phase's section."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import results
from civo.services.errors import CivoError
from civo.state.participation import ParticipationViews
from civo.state.project import _int_param


class ResultsState(ParticipationViews):
    project: dict[str, Any] = {}
    summary: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    published: bool = False
    not_found: bool = False

    def _translated(self, value: Any) -> Any:
        """Module results carry msgids under "label": in this reader's language."""
        if isinstance(value, dict):
            return {k: self._t(v) if k == "label" and isinstance(v, str) and v else
                    self._translated(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._translated(v) for v in value]
        return value

    @rx.event
    async def load(self):
        actor = await self._actor()
        project_id = _int_param(self.router.page.params.get("project_id"))
        try:
            found = await run_service(results.page, actor=actor, project_id=project_id)
        except CivoError:
            self.not_found, self.project, self.summary, self.sections = True, {}, [], []
            self.published = False
            return
        self.not_found = False
        self.project = {"id": found.project_id, "title": found.title,
                        "href": f"/p/{found.project_id}",
                        "community": found.community_name,
                        "community_href": f"/c/{found.community_slug}"}
        self.published = found.published
        self.summary = found.summary
        self.sections = self._translated(found.sections)
