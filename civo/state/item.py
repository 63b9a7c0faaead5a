"""The item page: one contribution, its module part, reactions, favourite and comments."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.modules import MODULES
from civo.services import comments, favourites, items, reactions
from civo.services.errors import CivoError
from civo.services.validate import is_number
from civo.state.base import MAX_ITEMS
from civo.state.live import SpaceLive
from civo.state.participation import ParticipationViews


def _describe(*, session, actor, item_id: int, module_key: str) -> dict[str, str]:
    """The module's part of the item page, or an announcement's (event time, links)."""
    from civo.models.announcements import ANNOUNCEMENT_KINDS
    from civo.services import announcements

    item, _where = items.load(session, actor, item_id)
    if module_key in ANNOUNCEMENT_KINDS:
        return announcements.describe(session=session, actor=actor, item=item)
    spec = MODULES.get(module_key)
    describe = spec.hook("describe") if spec is not None else None
    if describe is None:
        return {}
    return describe(session=session, actor=actor, item=item)


def _moderation(*, session, actor, item_id: int) -> dict[str, Any]:
    from civo.services import moderation

    status = moderation.status_for(session=session, actor=actor, target_kind="item",
                                   target_id=item_id)
    return {"state": status.state, "reasons": list(status.reasons),
            "decision": status.decision_reason, "can_appeal": status.can_appeal,
            "appealed": status.appealed, "can_flag": status.can_flag,
            "flagged": status.flagged_by_me}


def _mark_thread_ends(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put each thread's "N more replies" on its last shown comment (where the button goes)."""
    more = {c["id"]: c["more_replies"] for c in rows if c["depth"] == 1}
    marked = []
    for i, c in enumerate(rows):
        ends = i + 1 == len(rows) or rows[i + 1]["root_id"] != c["root_id"]
        marked.append({**c, "more_after": more.get(c["root_id"], 0) if ends else 0})
    return marked


class ItemState(ParticipationViews):
    item: dict[str, Any] = {}
    extra: dict[str, str] = {}
    # Moderation as this reader sees it (reasons only for the author and moderators).
    mod: dict[str, Any] = {}
    # The report / appeal dialog: which contribution or comment it is about.
    flag_target: dict[str, Any] = {}
    appeal_target: dict[str, Any] = {}
    dialog_error: str = ""
    notice: str = ""
    reactions: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    comments_more: bool = False
    reply_to: int = 0
    editing_comment: int = 0
    editing: bool = False
    error: str = ""
    comment_error: str = ""
    not_found: bool = False
    _item_id: int = 0
    _community_id: int = 0
    _cursor: str | None = None
    _seen_rev: int = -1
    # Per thread root: where its next replies start, and how many extra were opened.
    _reply_cursors: dict[int, str] = {}
    _expanded: dict[int, int] = {}

    async def _reload(self, *, comments_too: bool = True) -> None:
        actor = await self._actor()
        try:
            found = await run_service(items.view, actor=actor, item_id=self._item_id)
            extra = await run_service(_describe, actor=actor, item_id=self._item_id,
                                      module_key=found.module_key)
            self.mod = await run_service(_moderation, actor=actor, item_id=self._item_id)
        except CivoError:
            self.not_found, self.item = True, {}
            return
        self.not_found = False
        spec = MODULES.get(found.module_key)
        self.item = {
            "id": found.id, "title": found.title, "segments": found.segments,
            "body": found.body, "module_key": found.module_key,
            "module_label": spec.item_label if spec else "",
            "author": self._author(found.author_kind, found.author_name, found.author_tag),
            "when": self._when(found.created_at), "edited": found.edited,
            "deleted": found.deleted, "is_mine": found.is_mine,
            "can_edit": found.can_edit, "can_delete": found.can_delete,
            "can_comment": found.can_comment and self.signed_in,
            "can_react": found.can_react and self.signed_in,
            "community": found.community_name, "community_href": f"/c/{found.community_slug}",
            "project": found.project_title,
            "project_href": (f"/p/{found.project_id}/{found.phase_id}" if found.phase_id
                             else f"/p/{found.project_id}" if found.project_id else ""),
            "phase_open": found.phase_open, "comment_count": found.comment_count,
            "support_count": found.support_count, "is_favourite": found.is_favourite,
            "read_label": self._t("Read by {community} on {date}",
                                  community=found.community_name,
                                  date=self._when(found.read_at)) if found.read_at else "",
            "shaped": found.shaped_at is not None,
            "moderation": found.moderation, "content_shown": found.content_shown,
        }
        # Hidden or removed content: nothing of it (image, description…) reaches readers.
        self.extra = (self._announcement_view(found.module_key, extra)
                      if found.content_shown else {})
        self.reactions = self._reaction_list(found.reactions, found.my_reaction)
        if comments_too:
            await self._load_comments(actor, keep=len(self.comments))
        self._community_id = found.community_id

    async def _load_comments(self, actor, *, keep: int = 0) -> None:
        collected: list[dict[str, Any]] = []
        cursors: dict[int, str] = {}
        cursor = None
        while True:
            page = await run_service(comments.page, actor=actor, item_id=self._item_id,
                                     cursor=cursor)
            collected += [self._comment(c) for c in page.comments]
            cursors.update({c.id: c.replies_cursor for c in page.comments if c.replies_cursor})
            cursor = page.next_cursor
            if cursor is None or len(collected) >= max(keep, 1) or len(collected) >= MAX_ITEMS:
                break
        self.comments = _mark_thread_ends(collected)
        self._reply_cursors = cursors
        self._cursor = cursor
        self.comments_more = cursor is not None
        # Threads this reader had opened further stay open after a live refresh.
        expanded, self._expanded = self._expanded, {}
        for root_id, extra in expanded.items():
            while self._expanded.get(root_id, 0) < extra and root_id in self._reply_cursors:
                if not await self._more_replies(actor, root_id):
                    break

    async def _more_replies(self, actor, root_id: int) -> bool:
        """Open the next replies of one thread; False when there was nothing to open."""
        cursor = self._reply_cursors.get(root_id)
        if not cursor or len(self.comments) >= MAX_ITEMS:
            return False
        page = await run_service(comments.replies, actor=actor, item_id=self._item_id,
                                 root_id=root_id, cursor=cursor)
        if not page.comments:
            self._reply_cursors.pop(root_id, None)
            return False
        fresh = [self._comment(c) for c in page.comments]
        thread = [c for c in self.comments if c["root_id"] == root_id]
        start = next(i for i, c in enumerate(self.comments) if c["root_id"] == root_id)
        others = [c for c in self.comments if c["root_id"] != root_id]
        merged = comments.thread_order(thread + fresh, id_of=lambda c: c["id"],
                                       parent_of=lambda c: c["parent_id"])
        remaining = max(0, next(c["more_replies"] for c in thread if c["id"] == root_id)
                        - len(fresh)) if page.next_cursor else 0
        merged = [{**c, "more_replies": remaining} if c["id"] == root_id else c
                  for c in merged]
        self.comments = _mark_thread_ends(others[:start] + merged + others[start:])
        if page.next_cursor:
            self._reply_cursors[root_id] = page.next_cursor
        else:
            self._reply_cursors.pop(root_id, None)
        self._expanded[root_id] = self._expanded.get(root_id, 0) + len(fresh)
        return True

    @rx.event
    async def load_more_replies(self, root_id: int):
        """Show the next replies of one thread."""
        if not isinstance(root_id, int) or isinstance(root_id, bool):
            return
        actor = await self._actor()
        try:
            await self._more_replies(actor, root_id)
        except CivoError as error:
            self.error = self._error_text(error)

    @rx.event
    async def load(self):
        raw = str(self.router.page.params.get("item_id", ""))
        self._item_id = int(raw) if is_number(raw) else 0
        self.reply_to, self.editing, self.error, self.comment_error = 0, False, "", ""
        self.flag_target, self.appeal_target, self.dialog_error, self.notice = {}, {}, "", ""
        self.comments, self._expanded, self._reply_cursors = [], {}, {}
        actor = await self._actor()
        try:  # opening marks it read (and leaves a receipt when an admin opens it)
            receipt = await run_service(items.open_item, actor=actor, item_id=self._item_id)
        except CivoError:
            self.not_found, self.item = True, {}
            return
        await self._reload()
        if self.item.get("module_key") == "project" and self.item.get("project_href"):
            return rx.redirect(self.item["project_href"])  # a project's feed entry
        if not self.not_found:
            self._seen_rev = -1
            await self._link_space(self._community_id)
            if receipt:
                await self._announce()  # the author's open page shows "Read by" at once
            self._seen_rev = (await self.get_state(SpaceLive)).rev
            await self._refresh_unread(actor)

    @rx.event
    async def refresh_live(self):
        """Someone changed something in this community: reload what this page shows."""
        rev = (await self.get_state(SpaceLive)).rev
        if not self._item_id or rev == self._seen_rev:
            return
        self._seen_rev = rev
        await self._reload()

    async def _after_write(self, *, new_item: bool = False) -> None:
        await self._reload()
        await self._announce(new_item=new_item)
        self._seen_rev = (await self.get_state(SpaceLive)).rev

    @rx.event
    async def react(self, target_kind: str, target_id: int, emoji: str):
        actor = await self._actor()
        try:
            changed = await run_service(reactions.react, actor=actor, target_kind=target_kind,
                                        target_id=target_id, emoji=emoji)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.error = ""
        if changed:
            await self._after_write()

    @rx.event
    async def toggle_favourite(self):
        actor = await self._actor()
        try:
            await run_service(favourites.set_favourite, actor=actor, item_id=self._item_id,
                              on=not bool(self.item.get("is_favourite")))
        except CivoError as error:
            self.error = self._error_text(error)
            return
        await self._reload(comments_too=False)

    @rx.event
    def start_reply(self, comment_id: int):
        self.reply_to = comment_id if isinstance(comment_id, int) else 0
        self.comment_error = ""

    @rx.event
    def cancel_reply(self):
        self.reply_to = 0

    @rx.event
    async def post_comment(self, form: dict[str, Any]):
        actor = await self._actor()
        try:
            await run_service(comments.post, actor=actor, item_id=self._item_id,
                              body=form.get("body", ""),
                              parent_id=self.reply_to or None,
                              anonymous=form.get("anonymous") in ("on", True, "true"))
        except CivoError as error:
            self.comment_error = self._error_text(error)
            return
        self.comment_error, self.reply_to = "", 0
        await self._after_write()
        return rx.set_value("comment-body", "")

    @rx.event
    async def delete_comment(self, comment_id: int):
        actor = await self._actor()
        try:
            await run_service(comments.delete, actor=actor, comment_id=comment_id)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        await self._after_write()

    @rx.event
    async def load_more_comments(self):
        if not self._cursor or len(self.comments) >= MAX_ITEMS:
            return
        actor = await self._actor()
        page = await run_service(comments.page, actor=actor, item_id=self._item_id,
                                 cursor=self._cursor)
        self.comments = _mark_thread_ends(self.comments
                                          + [self._comment(c) for c in page.comments])
        self._reply_cursors.update({c.id: c.replies_cursor for c in page.comments
                                    if c.replies_cursor})
        self._cursor = page.next_cursor
        self.comments_more = page.next_cursor is not None

    @rx.event
    def start_comment_edit(self, comment_id: int):
        self.editing_comment = comment_id if isinstance(comment_id, int) else 0
        self.comment_error = ""

    @rx.event
    def cancel_comment_edit(self):
        self.editing_comment = 0

    @rx.event
    async def save_comment_edit(self, form: dict[str, Any]):
        actor = await self._actor()
        try:
            await run_service(comments.edit, actor=actor, comment_id=self.editing_comment,
                              body=form.get("body", ""))
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.editing_comment, self.error = 0, ""
        await self._after_write()

    @rx.event
    def start_edit(self):
        self.editing = bool(self.item.get("can_edit"))

    @rx.event
    def cancel_edit(self):
        self.editing = False

    @rx.event
    async def save_edit(self, form: dict[str, Any]):
        actor = await self._actor()
        try:
            await run_service(items.edit, actor=actor, item_id=self._item_id,
                              title=form.get("title") if self.item.get("title") else None,
                              body=form.get("body", ""))
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.editing, self.error = False, ""
        await self._after_write()

    @rx.event
    async def delete_item(self):
        actor = await self._actor()
        try:
            deleted = await run_service(items.delete, actor=actor, item_id=self._item_id)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        if deleted:
            await self._after_write()

    def _announcement_view(self, kind: str, extra: dict[str, str]) -> dict[str, str]:
        """An event's times, in its community's time zone and this reader's language."""
        if kind != "event" or not extra.get("starts_at"):
            return extra
        from datetime import datetime

        from civo import i18n

        start, zone = i18n.format_moment(datetime.fromisoformat(extra["starts_at"]), self.lang,
                                         extra["timezone"])
        end = (i18n.format_moment(datetime.fromisoformat(extra["ends_at"]), self.lang,
                                  extra["timezone"])[0] if extra.get("ends_at") else "")
        return {**extra, "start_text": start, "end_text": end, "zone_text": zone}

    # ---- reporting and appealing ------------------------------------------------------

    @rx.event
    def open_flag(self, target_kind: str, target_id: int):
        if target_kind in ("item", "comment") and isinstance(target_id, int):
            self.flag_target = {"kind": target_kind, "id": target_id}
            self.dialog_error = ""

    @rx.event
    def close_flag(self):
        self.flag_target, self.dialog_error = {}, ""

    @rx.event
    def flag_dialog_changed(self, is_open: bool):
        if not is_open:  # Escape, a click outside, or "Cancel"
            self.flag_target, self.dialog_error = {}, ""

    @rx.event
    def appeal_dialog_changed(self, is_open: bool):
        if not is_open:
            self.appeal_target, self.dialog_error = {}, ""

    @rx.event
    async def submit_flag(self, form: dict[str, Any]):
        from civo.services import moderation

        if not self.flag_target:
            return
        actor = await self._actor()
        try:
            hidden = await run_service(moderation.flag, actor=actor,
                                       target_kind=self.flag_target["kind"],
                                       target_id=self.flag_target["id"],
                                       reason=form.get("reason", ""),
                                       details=form.get("details", ""))
        except CivoError as error:
            self.dialog_error = self._error_text(error)
            return
        self.flag_target, self.dialog_error = {}, ""
        self.notice = self._t("Thank you: moderators will review it.")
        if hidden:
            await self._after_write()
        else:
            await self._reload()

    @rx.event
    def open_appeal(self, target_kind: str, target_id: int):
        if target_kind in ("item", "comment") and isinstance(target_id, int):
            self.appeal_target = {"kind": target_kind, "id": target_id}
            self.dialog_error = ""

    @rx.event
    def close_appeal(self):
        self.appeal_target, self.dialog_error = {}, ""

    @rx.event
    async def submit_appeal(self, form: dict[str, Any]):
        from civo.services import moderation

        if not self.appeal_target:
            return
        actor = await self._actor()
        try:
            await run_service(moderation.appeal, actor=actor,
                              target_kind=self.appeal_target["kind"],
                              target_id=self.appeal_target["id"], text=form.get("text", ""))
        except CivoError as error:
            self.dialog_error = self._error_text(error)
            return
        self.appeal_target, self.dialog_error = {}, ""
        self.notice = self._t("Your appeal was sent to the moderators.")
        await self._reload()
