"""The home feed: signed in, every followed community, unread first; visitors, a mix."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import feed
from civo.services.errors import CivoError
from civo.services.validate import is_number
from civo.state import live
from civo.state.base import MAX_ITEMS
from civo.state.participation import ParticipationViews


class FeedState(ParticipationViews):
    items: list[dict[str, Any]] = []
    has_more: bool = False
    loaded: bool = False
    sort: str = "unread"
    community_filter: str = ""
    module_filter: str = ""
    status_filter: str = ""
    community_options: list[dict[str, str]] = []
    new_count: int = 0
    # "Open now": the consultations a visitor can take part in today (cards above the feed).
    open_now: list[dict[str, Any]] = []
    error: str = ""
    _cursor: str | None = None
    _snapshot: str | None = None

    def _filters(self) -> feed.Filters:
        return feed.Filters.parse(self.community_filter, self.module_filter, self.status_filter)

    async def _fetch(self, *, append: bool) -> None:
        actor = await self._actor()
        cursor = self._cursor if append else None
        try:
            if actor.signed_in:
                page = await run_service(feed.personal, actor=actor, sort=self.sort,
                                         filters=self._filters(), cursor=cursor)
            else:
                page = await run_service(feed.visitor, actor=actor, filters=self._filters(),
                                         cursor=cursor)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.error = ""
        cards = [self._card(c) for c in page.items]
        if append:
            known = {c["id"] for c in self.items}
            cards = self.items + [c for c in cards if c["id"] not in known]
        self.items = cards
        self._cursor = page.next_cursor
        if not append:
            self._snapshot = (page.next_cursor or "").split("|", 1)[0] or _now_iso()
            self.new_count = 0
        self.has_more = page.next_cursor is not None and len(self.items) < MAX_ITEMS
        self.loaded = True

    @rx.event
    async def load(self):
        actor = await self._actor()
        if actor.signed_in:
            followed = await run_service(_followed_options, actor=actor)
            self.community_options = followed
        else:
            self.community_options = []
        await self._load_open_now(actor)
        await self._fetch(append=False)
        await self._join(live.FEED, FeedState.check_new)

    async def _load_open_now(self, actor) -> None:
        from civo.services.open_now import open_now

        if actor.signed_in:  # signed in: the personal feed is the landing place
            self.open_now = []
            return
        rows = await run_service(open_now, actor=actor)
        self.open_now = [{
            "href": f"/p/{r.project_id}/{r.phase_id}", "title": r.project_title,
            "phase": r.phase_title, "module": r.module_key, "community": r.community_name,
            "community_href": f"/c/{r.community_slug}", "cover": r.cover_url,
            "band": r.brand_color or "",
            "days_left": (self._t("Closes today") if r.days_left == 0 else
                          self._tn("{n} day left", "{n} days left", r.days_left)
                          if r.days_left is not None else self._t("No closing date")),
            "participants": self._tn("{n} participant", "{n} participants", r.participants),
        } for r in rows]

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.items) < MAX_ITEMS:
            await self._fetch(append=True)

    @rx.event
    async def set_sort(self, value: str):
        if value in feed.SORTS:
            self.sort = value
            await self._fetch(append=False)

    @rx.event
    async def set_community_filter(self, value: str):
        self.community_filter = value if isinstance(value, str) and is_number(value) else ""
        await self._fetch(append=False)

    @rx.event
    async def set_module_filter(self, value: str):
        from civo.modules import MODULES

        self.module_filter = value if value in MODULES.item_keys() else ""
        await self._fetch(append=False)

    @rx.event
    async def set_status_filter(self, value: str):
        self.status_filter = value if value in feed.STATUSES else ""
        await self._fetch(append=False)

    @rx.event
    async def check_new(self):
        """Something was posted: count what arrived for me since this feed was opened."""
        if not self.loaded:
            return
        actor = await self._actor()
        self.new_count = await run_service(feed.new_since, actor=actor,
                                           cursor_or_snapshot=self._snapshot)
        await self._refresh_unread(actor)

    @rx.event
    async def show_new(self):
        await self._fetch(append=False)

    @rx.event
    async def mark_all_read(self):
        actor = await self._actor()
        try:
            await run_service(feed.mark_all_read, actor=actor)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        await self._refresh_unread(actor)
        await self._fetch(append=False)


def _now_iso() -> str:
    from civo.models._common import utcnow

    return utcnow().isoformat()


def _followed_options(*, session, actor) -> list[dict[str, str]]:
    from sqlmodel import select

    from civo.models import Community

    ids = feed.followed_ids(session, actor)
    if not ids:
        return []
    rows = session.exec(select(Community.id, Community.name).where(Community.id.in_(ids))
                        .order_by(Community.name).limit(50)).all()
    return [{"id": str(i), "name": n} for i, n in rows]
