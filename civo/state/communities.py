"""The community directory and the community page."""

from __future__ import annotations

import time
from typing import Any

import reflex as rx

from civo.db import run_service
from civo.models import CommunityKind
from civo.services import communities, feed
from civo.services.errors import CivoError
from civo.services.validate import is_number
from civo.state import live
from civo.state.base import MAX_ITEMS, AppState, view
from civo.state.participation import ParticipationViews

FOLLOW_PROMPT_QUIET_SECONDS = 3 * 24 * 3600
KINDS = tuple(k.value for k in CommunityKind)


class DirectoryState(AppState):
    """Browse by level, search by name; one page at a time (keyset)."""

    kind: str = ""
    query: str = ""
    items: list[dict[str, Any]] = []
    has_more: bool = False
    loaded: bool = False
    _cursor: str | None = None

    async def _fetch(self, *, append: bool) -> None:
        actor = await self._actor()
        page = await run_service(
            communities.directory, actor=actor, kind=self.kind, query=self.query,
            cursor=self._cursor if append else None,
        )
        cards = [self._community_view(c) for c in page.items]
        self.items = (self.items + cards) if append else cards
        self._cursor = page.next_cursor
        self.has_more = page.next_cursor is not None
        self.loaded = True

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        kind = params.get("kind", "")
        self.kind = kind if kind in KINDS else ""
        # The search box is empty on a fresh visit: so is the query behind the list.
        self.query = ""
        await self._fetch(append=False)

    @rx.event
    async def set_kind(self, kind: str):
        self.kind = kind if kind in KINDS else ""
        await self._fetch(append=False)

    @rx.event
    async def search(self, query: str):
        self.query = query[:100] if isinstance(query, str) else ""
        await self._fetch(append=False)

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.items) < MAX_ITEMS:
            await self._fetch(append=True)


def _parse_snoozes(raw: str, now: float) -> dict[int, int]:
    """``"12:1732000000,14:…"`` → {community id: quiet until}, dropping stale entries."""
    result: dict[int, int] = {}
    for part in (raw or "").split(",")[:50]:
        cid, _, until = part.partition(":")
        if is_number(cid) and is_number(until) and int(until) > now:
            result[int(cid)] = int(until)
    return result


class CommunityState(ParticipationViews):
    """One community: details, parent chain, projects, its latest contributions (live),
    follow and the "Follow?" prompt."""

    community: dict[str, Any] = {}
    events: list[dict[str, str]] = []
    activity: list[dict[str, Any]] = []
    activity_more: bool = False
    _activity_cursor: str | None = None
    _live_mark: str = ""
    description: str = ""
    parents: list[dict[str, Any]] = []
    projects: list[dict[str, Any]] = []
    children: list[dict[str, Any]] = []
    can_follow: bool = False
    not_found: bool = False
    show_follow_prompt: bool = False
    follow_snoozes: str = rx.Cookie(
        "", name="civo_follow_quiet", max_age=FOLLOW_PROMPT_QUIET_SECONDS, same_site="lax",
        path="/",
    )

    def _apply(self, page: communities.CommunityPage) -> None:
        from civo import i18n

        self.community = {**self._community_view(page.card), "can_manage": page.can_manage,
                          "logo": page.logo, "cover": page.cover, "brand": page.brand_color}
        self.events = [{"href": f"/i/{e.item_id}", "title": e.title,
                        "when": i18n.format_moment(e.starts_at, self.lang, e.timezone)[0],
                        "where": e.location} for e in page.events]
        self.description = page.description
        # The trail reads top-down: the widest community first (EU → France → …).
        self.parents = [view(p) for p in reversed(page.parents)]
        self.children = [self._community_view(c) for c in page.children]
        self.projects = [
            {**view(p), "opens_on": "",
             "opens": self._t("Opens on {date}", date=self._when(p.opens_on))
             if p.status == "upcoming" and p.opens_on else ""}
            for p in page.projects]
        self.can_follow = page.can_follow
        quiet = _parse_snoozes(self.follow_snoozes, time.time())
        self.show_follow_prompt = (
            self.signed_in and page.can_follow and not page.card.is_following
            and page.card.id not in quiet
        )

    @rx.event
    async def load(self):
        actor = await self._actor()
        slug = self.router.page.params.get("slug", "")
        try:
            page = await run_service(communities.page, actor=actor, slug=str(slug)[:140])
        except CivoError:
            self.not_found, self.community, self.parents, self.projects = True, {}, [], []
            self.children = []
            self.show_follow_prompt = False
            return
        self.not_found = False
        self._live_mark = live.HUB.mark(live.space_channel(page.card.id))
        self._apply(page)
        self.activity = []
        await self._fetch_activity(actor)
        # The policy allowed this community: join its live channel.
        await self._join(live.space_channel(page.card.id), CommunityState.refresh_live)

    async def _fetch_activity(self, actor, *, keep: int = 0) -> None:
        collected: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = await run_service(feed.community_activity, actor=actor,
                                     community_id=self.community["id"], cursor=cursor)
            collected += [self._card(c) for c in page.items]
            cursor = page.next_cursor
            if cursor is None or len(collected) >= max(keep, 1) or len(collected) >= MAX_ITEMS:
                break
        self.activity, self._activity_cursor = collected, cursor
        self.activity_more = cursor is not None

    @rx.event
    async def load_more_activity(self):
        if self.community and self._activity_cursor and len(self.activity) < MAX_ITEMS:
            actor = await self._actor()
            try:
                await self._fetch_activity(actor, keep=len(self.activity) + 20)
            except CivoError:
                self.activity, self.activity_more = [], False

    @rx.event
    async def refresh_live(self):
        """Something changed in this community: re-read what this page shows."""
        if not self.community:
            return
        seen = live.HUB.since(live.space_channel(self.community["id"]), self._live_mark)
        self._live_mark = seen.mark
        if not (seen.everything or seen.item):
            return
        actor = await self._actor()
        try:
            await self._reload(actor)
            await self._fetch_activity(actor, keep=len(self.activity))
        except CivoError:
            self.not_found, self.community, self.activity = True, {}, []

    async def _reload(self, actor) -> None:
        page = await run_service(communities.page, actor=actor, slug=self.community["slug"])
        self._apply(page)

    @rx.event
    async def follow(self):
        if not self.community:
            return
        actor = await self._actor()
        try:
            await run_service(communities.follow, actor=actor, community_id=self.community["id"])
        except CivoError as error:
            yield rx.toast.error(self._error_text(error))
            return
        await self._reload(actor)

    @rx.event
    async def unfollow(self):
        if not self.community:
            return
        actor = await self._actor()
        try:
            await run_service(communities.unfollow, actor=actor,
                              community_id=self.community["id"])
        except CivoError as error:
            yield rx.toast.error(self._error_text(error))
            return
        # Having just unfollowed, do not nag straight away.
        self._snooze(self.community["id"])
        await self._reload(actor)

    def _snooze(self, community_id: int) -> None:
        now = time.time()
        quiet = _parse_snoozes(self.follow_snoozes, now)
        quiet[community_id] = int(now + FOLLOW_PROMPT_QUIET_SECONDS)
        self.follow_snoozes = ",".join(f"{k}:{v}" for k, v in list(quiet.items())[-50:])

    @rx.event
    def not_now(self):
        """Hide the "Follow?" prompt for this community for 3 days (a functional cookie)."""
        if self.community:
            self._snooze(self.community["id"])
        self.show_follow_prompt = False
