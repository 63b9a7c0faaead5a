"""The admin inbox: contributions in my communities, unread by us first (keyset pages)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.modules import MODULES
from civo.services import admin_communities, inbox
from civo.state.admin.base import FAILED, AdminState
from civo.state.base import MAX_ITEMS


def _details(*, session, actor, ids_by_module: dict[str, list[int]]) -> dict[int, dict]:
    """Each module's own list details for its entries (e.g. an idea's status)."""
    found: dict[int, dict] = {}
    for key, ids in ids_by_module.items():
        spec = MODULES.get(key)
        details = spec.hook("list_details") if spec is not None else None
        if details is not None and ids:
            found.update(details(session, actor, ids))
    return found


class InboxState(AdminState):
    entries: list[dict[str, Any]] = []
    has_more: bool = False
    unread_total: int = 0
    community_filter: str = ""
    communities: list[dict[str, str]] = []
    _cursor: str | None = None

    @rx.event
    async def load(self):
        self.community_filter = ""
        if not await self._guard_rule("admin.inbox"):
            return
        rows = await self._call(admin_communities.parent_options)
        self.communities = [] if rows is FAILED else [{"id": str(i), "name": n}
                                                       for i, n in rows]
        await self._fetch(append=False)

    async def _fetch(self, *, append: bool, keep: int = 0) -> None:
        collected = list(self.entries) if append else []
        cursor = self._cursor if append else None
        from civo.services.validate import is_number

        community = int(self.community_filter) if is_number(self.community_filter) else None
        while True:
            page = await self._call(inbox.page, community_id=community, cursor=cursor)
            if page is FAILED:
                return
            actor = await self._actor()
            by_module: dict[str, list[int]] = {}
            for entry in page.entries:
                by_module.setdefault(entry.card.module_key, []).append(entry.card.id)
            details = await run_service(_details, actor=actor, ids_by_module=by_module)
            collected += [self._card(e.card, unread_by_us=e.unread_by_us,
                                     moderation=e.moderation,
                                     status=str(details.get(e.card.id, {}).get("status", "")))
                          for e in page.entries]
            cursor = page.next_cursor
            self.unread_total = page.unread_total
            if cursor is None or len(collected) >= max(keep, 1) or len(collected) >= MAX_ITEMS:
                break
        self.entries, self._cursor = collected, cursor
        self.has_more = cursor is not None and len(collected) < MAX_ITEMS

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.entries) < MAX_ITEMS:
            await self._fetch(append=True)

    @rx.event
    async def set_community(self, value: str):
        from civo.services.validate import is_number

        self.community_filter = value if isinstance(value, str) and is_number(value) else ""
        await self._fetch(append=False)

    async def _reload(self) -> None:
        """A module part changed an entry (e.g. an idea's status): re-read this view."""
        await self._fetch(append=False, keep=len(self.entries))
