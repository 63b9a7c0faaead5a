"""The home page: projects from followed communities (signed in) or from everyone."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import projects
from civo.state.base import MAX_ITEMS, AppState, view


class HomeState(AppState):
    items: list[dict[str, Any]] = []
    has_more: bool = False
    loaded: bool = False
    _cursor: str | None = None

    async def _fetch(self, *, append: bool) -> None:
        actor = await self._actor()
        page = await run_service(projects.latest, actor=actor, followed_only=actor.signed_in,
                                 cursor=self._cursor if append else None)
        cards = [view(p) for p in page.items]
        self.items = self.items + cards if append else cards
        self._cursor = page.next_cursor
        self.has_more = page.next_cursor is not None
        self.loaded = True

    @rx.event
    async def load(self):
        await self._fetch(append=False)

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.items) < MAX_ITEMS:
            await self._fetch(append=True)
