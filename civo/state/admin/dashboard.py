"""The dashboard's home: my communities, the inbox and moderation counts, platform tools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from civo import policy
from civo.services import admin_communities, inbox, moderation
from civo.state.admin.base import FAILED, AdminState
from civo.state.base import MAX_ITEMS


@dataclass(frozen=True)
class Overview:
    platform_admin: bool
    moderator: bool
    community_admin: bool
    inbox_unread: int
    open_cases: int
    proposals: int


def _overview(*, session, actor) -> Overview:
    policy.require(actor, "admin.dashboard")
    return Overview(
        platform_admin=actor.is_platform_admin, moderator=policy.is_moderator(actor),
        community_admin=policy.can(actor, "admin.inbox"),
        inbox_unread=inbox.unread_count(session=session, actor=actor),
        open_cases=moderation.open_cases(session=session, actor=actor),
        proposals=moderation.pending_proposals(session=session, actor=actor),
    )


class DashboardState(AdminState):
    overview: dict[str, Any] = {}
    communities: list[dict[str, Any]] = []
    has_more: bool = False
    query: str = ""
    moderators: list[dict[str, Any]] = []
    _cursor: str | None = None

    @rx.event
    async def load(self):
        found = await self._guard(_overview)
        if found is FAILED:
            return
        self.overview = {
            "platform_admin": found.platform_admin, "moderator": found.moderator,
            "community_admin": found.community_admin,
            "inbox": found.inbox_unread, "cases": found.open_cases,
            "proposals": found.proposals,
        }
        self.query = ""
        await self._fetch(append=False)
        await self._load_moderators()

    async def _fetch(self, *, append: bool) -> None:
        result = await self._call(admin_communities.managed, query=self.query,
                                  cursor=self._cursor if append else None)
        if result is FAILED:
            return
        rows, cursor = result
        cards = [{"id": c.id, "slug": c.slug, "name": c.name, "kind": c.kind,
                  "private": c.is_private, "archived": c.is_archived,
                  "followers": self._tn("{n} follower", "{n} followers", c.follower_count),
                  "unread": c.unread} for c in rows]
        self.communities = (self.communities + cards) if append else cards
        self._cursor = cursor
        self.has_more = cursor is not None and len(self.communities) < MAX_ITEMS

    @rx.event
    async def search(self, query: str):
        self.query = query[:100] if isinstance(query, str) else ""
        await self._fetch(append=False)

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.communities) < MAX_ITEMS:
            await self._fetch(append=True)

    async def _load_moderators(self) -> None:
        if not self.overview.get("platform_admin"):
            self.moderators = []
            return
        rows = await self._call(admin_communities.moderators)
        self.moderators = [] if rows is FAILED else [{"id": i, "name": n} for i, n in rows]

    @rx.event
    async def add_moderator(self, form: dict[str, Any]):
        if await self._call(admin_communities.set_moderator, email=form.get("email", ""),
                            on=True) is FAILED:
            return
        self._done("The account is now a moderator.")
        await self._load_moderators()
        return rx.set_value("moderator-email", "")

    @rx.event
    async def remove_moderator(self, user_id: int):
        if await self._call(admin_communities.set_moderator, user_id=user_id,
                            on=False) is FAILED:
            return
        self._done("The account is no longer a moderator.")
        await self._load_moderators()
