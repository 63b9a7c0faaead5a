"""A community's updates and events: post them to followers, see and remove them."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.i18n import N_
from civo.services import announcements, images, items, uploads
from civo.state.admin.base import FAILED
from civo.state.admin.community import CommunityScoped
from civo.state.base import MAX_ITEMS


class CommunityNewsState(CommunityScoped):
    posts: list[dict[str, Any]] = []
    has_more: bool = False
    image_attached: bool = False
    form_version: int = 0
    _cursor: int | None = None
    _image: str = ""

    @rx.event
    async def load(self):
        self._image, self.image_attached = "", False
        if not await self._scope("community.announce"):
            return
        await self._refresh()

    async def _refresh(self, *, more: bool = False) -> None:
        result = await self._call(announcements.recent, community_id=self._community_id,
                                  cursor=self._cursor if more else None)
        if result is FAILED:
            return
        rows, cursor = result
        cards = [{"id": r.id, "kind": r.kind, "title": r.title,
                  "when": self._when(r.created_at),
                  "counts": self._tn("{n} comment", "{n} comments", r.comment_count)}
                 for r in rows]
        self.posts = self.posts + cards if more else cards
        self._cursor = cursor
        self.has_more = cursor is not None and len(self.posts) < MAX_ITEMS

    @rx.event
    async def load_more(self):
        if self._cursor is not None and len(self.posts) < MAX_ITEMS:
            await self._refresh(more=True)

    async def _published(self, msgid: str) -> None:
        self.form_version += 1
        await self._refresh()
        self._done(msgid)
        # Followers' feeds say "N new items"; the community's page shows it live.
        await self._announce_to(self._community_id, new_item=True)

    @rx.event
    async def post_update(self, form: dict[str, Any]):
        made = await self._call(
            announcements.post_update, community_id=self._community_id,
            title=form.get("title", ""), body=form.get("body", ""), image=self._image,
            image_alt=form.get("image_alt", ""), link_url=form.get("link_url", ""),
            video_url=form.get("video_url", ""))
        if made is FAILED:
            return
        self._image, self.image_attached = "", False
        await self._published(N_("Update published."))

    @rx.event
    async def post_event(self, form: dict[str, Any]):
        made = await self._call(
            announcements.post_event, community_id=self._community_id,
            title=form.get("title", ""), description=form.get("description", ""),
            starts_at=form.get("starts_at", ""), ends_at=form.get("ends_at", ""),
            location=form.get("location", ""), online_url=form.get("online_url", ""))
        if made is FAILED:
            return
        await self._published(N_("Event published."))

    @rx.event
    async def attach_image(self, files: list[rx.UploadFile]):
        if not files or not self._community_id:
            return
        data = await files[0].read(images.MAX_BYTES + 1)
        name = await self._call(_accept, community_id=self._community_id, data=data)
        if name is not FAILED:
            self._image, self.image_attached = name, True

    @rx.event
    def remove_image(self):
        self._image, self.image_attached = "", False

    @rx.event
    async def delete(self, item_id: int):
        if await self._call(items.delete, item_id=item_id) is FAILED:
            return
        await self._refresh()
        self._done("Removed.")


def _accept(*, session, actor, community_id: int, data: bytes) -> str:
    from civo.services import admin_communities

    admin_communities.get(session, actor, community_id, "community.announce")  # policy
    return uploads.accept_image(session=session, actor=actor, data=data, purpose="news")
