"""The debate's state: contribute with a stance, list newest first, 20 at a time."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.modules.debate import services as debate
from civo.services.errors import CivoError
from civo.state import live
from civo.state.base import MAX_ITEMS
from civo.state.participation import ParticipationViews
from civo.state.project import ProjectState


class DebateState(ParticipationViews):
    posts: list[dict[str, Any]] = []
    has_more: bool = False
    form_error: str = ""
    error: str = ""
    _phase_id: int = 0
    _cursor: str | None = None
    _community_id: int = 0
    _live_mark: str = ""

    async def _fetch(self, *, keep: int = 0) -> None:
        actor = await self._actor()
        collected: list[dict[str, Any]] = []
        cursor = None
        try:
            while True:
                page = await run_service(debate.page, actor=actor, phase_id=self._phase_id,
                                         cursor=cursor)
                stances = await run_service(_stances, ids=[c.id for c in page.items])
                collected += [self._card(c, stance=stances.get(c.id, "")) for c in page.items]
                cursor = page.next_cursor
                if cursor is None or len(collected) >= max(keep, 1) or len(collected) >= MAX_ITEMS:
                    break
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.posts, self._cursor, self.has_more = collected, cursor, cursor is not None
        self.live = {}  # every card shown was just read: no live count is newer

    @rx.event
    async def load(self):
        project = await self.get_state(ProjectState)
        self._phase_id = int(project.phase.get("id", 0) or 0)
        self.form_error, self.error = "", ""
        self._community_id = project._community_id
        channel = live.space_channel(self._community_id)
        self._live_mark = live.HUB.mark(channel)  # before the read: nothing slips between
        await self._fetch()
        if self._phase_id and self._community_id and not self.error:
            await self._join(channel, DebateState.refresh_live)

    @rx.event
    async def refresh_live(self):
        """New or changed contributions in this community (counts came with the message)."""
        if not self._phase_id or not self._community_id:
            return
        seen = live.HUB.since(live.space_channel(self._community_id), self._live_mark)
        self._live_mark = seen.mark
        if seen.everything or seen.item:
            await self._fetch(keep=len(self.posts))

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.posts) < MAX_ITEMS:
            await self._fetch(keep=len(self.posts) + 20)

    @rx.event
    async def contribute(self, form: dict[str, Any]):
        actor = await self._actor()
        try:
            await run_service(debate.contribute, actor=actor, phase_id=self._phase_id,
                              body=form.get("body", ""), stance=form.get("stance", ""),
                              anonymous=form.get("anonymous") in ("on", True, "true"))
        except CivoError as error:
            self.form_error = self._error_text(error)
            return
        self.form_error = ""
        await self._announce(self._community_id, new_item=True)
        await self._fetch(keep=len(self.posts) + 1)
        return rx.set_value("debate-body", "")


def _stances(*, session, ids):
    return debate.stances(session, ids)
