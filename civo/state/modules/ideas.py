"""The idea box's state: propose, list (shuffled while open), support, official status."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.modules.ideas import services as ideas
from civo.services.errors import CivoError
from civo.state import live
from civo.state.base import MAX_ITEMS
from civo.state.item import ItemState
from civo.state.participation import ParticipationViews
from civo.state.project import ProjectState


class IdeasState(ParticipationViews):
    # A visitor's own shuffle seed (functional storage: the same idea order on every visit).
    order_seed: str = rx.LocalStorage("", name="civo_idea_order")
    ideas: list[dict[str, Any]] = []
    has_more: bool = False
    form_error: str = ""
    error: str = ""
    posted: str = ""
    image_attached: bool = False
    image_error: str = ""
    # "Is your idea already here?": ideas of this phase close to the title being typed.
    similar: list[dict[str, Any]] = []
    _pending_image: str = ""
    _phase_id: int = 0
    _cursor: str | None = None
    _community_id: int = 0
    _live_mark: str = ""

    async def _seed(self, actor) -> int:
        if actor.signed_in:
            return ideas.visitor_seed(f"user:{actor.user_id}")
        seed = self.order_seed
        if not (isinstance(seed, str) and len(seed) == 16
                and all(ch in "0123456789abcdef" for ch in seed)):
            import secrets

            seed = self.order_seed = secrets.token_hex(8)
        return ideas.visitor_seed(f"visitor:{seed}")

    async def _fetch(self, *, keep: int = 0) -> None:
        actor = await self._actor()
        seed = await self._seed(actor)
        collected: list[dict[str, Any]] = []
        cursor = None
        try:
            while True:
                page, details = await run_service(ideas.page, actor=actor,
                                                  phase_id=self._phase_id, seed=seed,
                                                  cursor=cursor)
                collected += [self._card(c, status=details[c.id]["status"],
                                         supported=details[c.id]["supported"])
                              for c in page.items]
                cursor = page.next_cursor
                if cursor is None or len(collected) >= max(keep, 1) or len(collected) >= MAX_ITEMS:
                    break
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.ideas, self._cursor, self.has_more = collected, cursor, cursor is not None
        self.live = {}  # every card shown was just read: no live count is newer

    @rx.event
    async def find_similar(self, text: str):
        """Debounced from the title field; a slow or failed search never blocks typing
        (it runs off the event loop, and finding nothing shows nothing)."""
        from civo.modules.ideas import similar

        if not isinstance(text, str) or not self._phase_id:
            self.similar = []
            return
        actor = await self._actor()
        try:
            self.similar = await run_service(similar.similar, actor=actor,
                                             phase_id=self._phase_id, text=text[:300])
        except CivoError:
            self.similar = []

    @rx.event
    async def load(self):
        project = await self.get_state(ProjectState)
        self._phase_id = int(project.phase.get("id", 0) or 0)
        self.form_error, self.error, self.posted = "", "", ""
        self._community_id = project._community_id
        channel = live.space_channel(self._community_id)
        self._live_mark = live.HUB.mark(channel)  # before the read: nothing slips between
        await self._fetch()
        if self._phase_id and self._community_id and not self.error:
            await self._join(channel, IdeasState.refresh_live)

    @rx.event
    async def refresh_live(self):
        """New or changed contributions in this community (counts came with the message)."""
        if not self._phase_id or not self._community_id:
            return
        seen = live.HUB.since(live.space_channel(self._community_id), self._live_mark)
        self._live_mark = seen.mark
        if seen.everything or seen.item:
            await self._fetch(keep=len(self.ideas))

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.ideas) < MAX_ITEMS:
            await self._fetch(keep=len(self.ideas) + 20)

    @rx.event
    async def attach_image(self, files: list[rx.UploadFile]):
        """Check, re-encode and keep one image for the idea being written (≤ 5 MB)."""
        from civo.services import images

        actor = await self._actor()
        if not files:
            return
        try:
            data = await files[0].read(images.MAX_BYTES + 1)
            name = await run_service(ideas.accept_image, actor=actor, phase_id=self._phase_id,
                                     data=data)
        except CivoError as error:
            self.image_error, self.image_attached = self._error_text(error), False
            return
        previous, self._pending_image = self._pending_image, name
        self.image_attached, self.image_error = True, ""
        if previous:
            await run_service(ideas.drop_image, actor=actor, name=previous)

    @rx.event
    async def remove_image(self):
        name, self._pending_image, self.image_attached = self._pending_image, "", False
        if name:
            await run_service(ideas.drop_image, actor=await self._actor(), name=name)

    @rx.event
    async def propose(self, form: dict[str, Any]):
        actor = await self._actor()
        try:
            idea = await run_service(ideas.propose, actor=actor, phase_id=self._phase_id,
                                     title=form.get("title", ""), body=form.get("body", ""),
                                     anonymous=form.get("anonymous") in ("on", True, "true"),
                                     image=self._pending_image or None,
                                     image_alt=form.get("image_alt", ""))
        except CivoError as error:
            self.form_error = self._error_text(error)
            return
        self.form_error, self._pending_image, self.image_attached = "", "", False
        self.posted, self.similar = self._t("Your idea is published."), []
        await self._announce(self._community_id, new_item=True)
        await self._fetch(keep=len(self.ideas) + 1)
        return [rx.set_value("idea-title", ""), rx.set_value("idea-body", ""),
                rx.redirect(f"/i/{idea.id}")]

    @rx.event
    async def support(self, item_id: int, on: bool):
        """Support from a list or an item page; the value sent is the wanted state."""
        actor = await self._actor()
        try:
            changed = await run_service(ideas.set_support, actor=actor, item_id=item_id, on=on)
        except CivoError as error:
            self.error = self._error_text(error)
            item_state = await self.get_state(ItemState)
            item_state.error = self.error
            return
        self.error = ""
        if not changed:
            return
        # One read of the moved counts; the other pages get them in the live message.
        key = f"i{int(item_id)}"
        item_state = await self.get_state(ItemState)
        if item_state._item_id == item_id:  # on the idea's own page
            await item_state._reload(comments_too=False)
            community_id = item_state._community_id
        else:
            counts = (await run_service(live._read_counts, keys=[key])).get(key)
            if counts is not None:
                self.ideas = [{**c, "supports": counts["supports"], "supported": on}
                              if c["id"] == item_id else c for c in self.ideas]
            self.live = {k: v for k, v in live.HUB.counts(
                live.space_channel(self._community_id)).items() if k != key}
            community_id = self._community_id
        await self._announce(community_id, item_id=item_id, counts=[key])

    @rx.event
    async def set_status(self, form: dict[str, Any]):
        """A community admin sets the official status and answer (checked on the server)."""
        actor = await self._actor()
        item_state = await self.get_state(ItemState)
        try:
            await run_service(ideas.set_status, actor=actor, item_id=item_state._item_id,
                              status=form.get("status", ""), answer=form.get("answer", ""))
        except CivoError as error:
            item_state.error = self._error_text(error)
            return
        item_state.error = ""
        await item_state._after_write()

    @rx.event
    async def answer_from_inbox(self, form: dict[str, Any]):
        """Set an idea's official status and answer from the admin inbox (the idea's id
        travels in the form's hidden ``item_id``)."""
        from civo.state.admin.base import form_id
        from civo.state.admin.inbox import InboxState

        item_id = form_id(form, "item_id")
        actor = await self._actor()
        inbox = await self.get_state(InboxState)
        try:
            community_id = await run_service(ideas.set_status, actor=actor, item_id=item_id,
                                             status=form.get("status", ""),
                                             answer=form.get("answer", ""))
        except CivoError as error:
            inbox._fail(error)
            return
        # The author's open page shows it at once.
        await self._announce_to(community_id, item_id=item_id)
        await inbox._reload()
        inbox._done("The official status was saved.")
