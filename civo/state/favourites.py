"""My favourites: the items a citizen saved."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import favourites
from civo.services.errors import CivoError
from civo.state.base import MAX_ITEMS
from civo.state.participation import ParticipationViews


class FavouritesState(ParticipationViews):
    items: list[dict[str, Any]] = []
    has_more: bool = False
    loaded: bool = False
    _cursor: str | None = None

    async def _fetch(self, *, append: bool) -> None:
        actor = await self._actor()
        if not actor.signed_in:
            self.items, self.has_more, self.loaded = [], False, True
            return
        try:
            page = await run_service(favourites.page, actor=actor,
                                     cursor=self._cursor if append else None)
        except CivoError:
            self.items, self.has_more = [], False
            return
        cards = [self._card(c) for c in page.items]
        self.items = self.items + cards if append else cards
        self._cursor = page.next_cursor
        self.has_more = page.next_cursor is not None and len(self.items) < MAX_ITEMS
        self.loaded = True

    @rx.event
    async def load(self):
        await self._fetch(append=False)

    @rx.event
    async def load_more(self):
        if self._cursor:
            await self._fetch(append=True)
