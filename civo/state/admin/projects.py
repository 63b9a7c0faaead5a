"""A community's projects (drafts included) and one project's page: fields, publishing,
status, phases with their module and settings, and the anonymised CSV export."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.modules import MODULES
from civo.services import admin_projects as service
from civo.services import analytics, images, uploads
from civo.services.validate import is_number
from civo.state.admin.base import FAILED, AdminState, form_id
from civo.state.admin.community import CommunityScoped
from civo.state.base import MAX_ITEMS


def _iso(value) -> str:
    return value.isoformat() if value else ""


class CommunityProjectsState(CommunityScoped):
    projects: list[dict[str, Any]] = []
    has_more: bool = False
    _cursor: int | None = None

    @rx.event
    async def load(self):
        if not await self._scope("project.manage"):
            return
        self.projects, self._cursor = [], None
        await self._fetch()

    async def _fetch(self) -> None:
        result = await self._call(service.of_community, community_id=self._community_id,
                                  cursor=self._cursor)
        if result is FAILED:
            return
        rows, self._cursor = result
        self.projects = self.projects + [
            {"id": p.id, "title": p.title, "status": p.status, "published": p.published,
             "phases": self._tn("{n} phase", "{n} phases", p.phase_count),
             "contributions": self._tn("{n} contribution", "{n} contributions",
                                       p.item_count)} for p in rows]
        self.has_more = self._cursor is not None and len(self.projects) < MAX_ITEMS

    @rx.event
    async def load_more(self):
        if self._cursor is not None and len(self.projects) < MAX_ITEMS:
            await self._fetch()

    @rx.event
    async def create(self, form: dict[str, Any]):
        made = await self._call(service.create, community_id=self._community_id, data=form)
        if made is FAILED:
            return
        return rx.redirect(f"/admin/p/{made.id}")


class ProjectAdminState(AdminState):
    project: dict[str, Any] = {}
    phases: list[dict[str, Any]] = []
    # The registry's modules (read when the page loads: a module added later appears).
    module_options: list[dict[str, str]] = []
    form_version: int = 0
    cover_attached: bool = False
    _project_id: int = 0
    _community_id: int = 0
    _cover: str | None = None

    @rx.event
    async def load(self):
        raw = str(self.router.page.params.get("project_id", ""))
        self._project_id = int(raw) if is_number(raw) else 0
        self._cover, self.cover_attached = None, False
        if await self._guard(service.form, project_id=self._project_id) is FAILED:
            self.project, self.phases = {}, []
            return
        await self._refresh()

    async def _refresh(self) -> None:
        found = await self._call(service.form, project_id=self._project_id)
        if found is FAILED:
            return
        self.form_version += 1
        self._community_id = found.community_id
        self.module_options = [{"key": spec.key, "label": self._t(spec.label)}
                               for spec in MODULES]
        self.project = {
            "id": found.id, "title": found.title, "summary": found.summary,
            "purpose": found.purpose, "expected_outcome": found.expected_outcome,
            "status": found.status, "published": found.published_at is not None,
            "results_summary": found.results_summary,
            "starts_on": _iso(found.starts_on), "ends_on": _iso(found.ends_on),
            "cover": found.cover, "community": found.community_name,
            "community_href": f"/admin/c/{found.community_slug}/projects",
        }
        self.phases = [
            {"id": p.id, "number": i + 1, "title": p.title, "description": p.description,
             "module_key": p.module_key, "status": p.status, "starts_on": _iso(p.starts_on),
             "ends_on": _iso(p.ends_on), "settings": dict(p.settings),
             "items": self._tn("{n} contribution", "{n} contributions", p.item_count),
             "locked": p.taken_part, "first": i == 0, "last": i == len(found.phases) - 1,
             "fields": [self._setting_field(p.id, v) for v in p.setting_views],
             "choices_now": {v.name: v.value for v in p.setting_views if v.kind == "choice"}}
            for i, p in enumerate(found.phases)]

    def _setting_field(self, phase_id: int, v) -> dict[str, Any]:
        """One typed setting of a phase's module, translated, as the form draws it."""
        hint = self._t(v.help) if v.help else ""
        if v.locked:
            hint = (hint + " " if hint else "") + self._t(
                "Locked: people have taken part in this phase.")
        if v.kind == "money" and v.currency:
            hint = (hint + " " if hint else "") + self._t("Amount in {currency}.",
                                                          currency=v.currency)
        return {"name": v.name, "kind": v.kind, "label": self._t(v.label), "hint": hint,
                "value": v.value, "checked": v.value == "on",
                "choices": [{"value": c["value"], "label": self._t(c["label"])}
                            for c in v.choices],
                "min": v.minimum, "max": v.maximum, "max_length": v.max_length or 300,
                "locked": v.locked, "shown_when": v.shown_when,
                "shown_values": v.shown_values,
                "id": f"phase-{phase_id}-setting_{v.name}",
                "error_key": f"phase-{phase_id}-setting_{v.name}"}

    @rx.event
    def choose_setting(self, phase_id: int, name: str, value: str):
        """A choice setting changed in a phase's form: show the fields that apply to it
        (display only: the server validates every setting on save)."""
        if not isinstance(phase_id, int) or not isinstance(name, str) or \
                not isinstance(value, str):
            return
        self.phases = [{**p, "choices_now": {**p["choices_now"], name: value[:40]}}
                       if p["id"] == phase_id and name in p["choices_now"] else p
                       for p in self.phases]

    @rx.event
    async def save(self, form: dict[str, Any]):
        if await self._call(service.update, project_id=self._project_id, data=form,
                            cover=self._cover) is FAILED:
            return
        self._cover, self.cover_attached = None, False
        await self._refresh()
        self._done("Saved.")

    @rx.event
    async def attach_cover(self, files: list[rx.UploadFile]):
        if not files or not self.project:
            return
        data = await files[0].read(images.MAX_BYTES + 1)
        name = await self._call(_accept_cover, project_id=self._project_id, data=data)
        if name is not FAILED:
            self._cover, self.cover_attached = name, True

    @rx.event
    def remove_cover(self):
        self._cover, self.cover_attached = "", False
        self.project = {**self.project, "cover": ""}

    @rx.event
    async def publish(self):
        if await self._call(service.publish, project_id=self._project_id) is FAILED:
            return
        await self._refresh()
        self._done("Published: the project is in its followers' feeds.")
        await self._announce_to(self._community_id, new_item=True)

    @rx.event
    async def set_status(self, status: str):
        if await self._call(service.set_status, project_id=self._project_id,
                            status=status) is FAILED:
            return
        await self._refresh()
        self._done("Saved.")
        if status == "results":  # followers' and participants' bells recount
            await self._announce_to(self._community_id, new_item=True)

    @rx.event
    async def save_results_summary(self, form: dict[str, Any]):
        from civo.services import results

        if await self._call(results.save_summary, project_id=self._project_id,
                            summary=form.get("results_summary", "")) is FAILED:
            return
        await self._refresh()
        self._done("Saved.")

    @rx.event
    async def add_phase(self, form: dict[str, Any]):
        if await self._call(service.add_phase, project_id=self._project_id,
                            data=form) is FAILED:
            return
        await self._refresh()
        self._done("Phase added.")

    @rx.event
    async def save_phase(self, form: dict[str, Any]):
        """Save one phase's form (its id travels in the form's hidden ``phase_id``)."""
        phase_id = form_id(form, "phase_id")
        if await self._call(service.update_phase, phase_id=phase_id, data=form) is FAILED:
            # Settings' messages go beside that phase's own fields.
            self.errors = {(f"phase-{phase_id}-setting_{k}" if not k.startswith("phase-")
                            and k not in ("title", "module_key", "status", "starts_on",
                                          "ends_on", "description") else k): v
                           for k, v in self.errors.items()}
            return
        await self._refresh()
        self._done("Phase saved.")
        # Open project pages follow; a phase that opened told the followers, whose bells
        # recount on the platform channel.
        await self._announce_to(self._community_id, new_item=True)

    @rx.event
    async def move_phase(self, phase_id: int, offset: int):
        if await self._call(service.move_phase, phase_id=phase_id, offset=offset) is FAILED:
            return
        await self._refresh()

    @rx.event
    async def delete_phase(self, phase_id: int):
        if await self._call(service.delete_phase, phase_id=phase_id) is FAILED:
            return
        await self._refresh()
        self._done("Phase deleted.")

    @rx.event
    async def export_csv(self):
        result = await self._call(analytics.project_csv, project_id=self._project_id)
        if result is FAILED:
            return
        filename, text = result
        return rx.download(data=text, filename=filename, mime_type="text/csv")


def _accept_cover(*, session, actor, project_id: int, data: bytes) -> str:
    service.form(session=session, actor=actor, project_id=project_id)  # policy: project.manage
    return uploads.accept_image(session=session, actor=actor, data=data, purpose="projects")

