"""The item page: one contribution, its module part, reactions, favourite and comments."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from civo.db import run_service
from civo.modules import MODULES
from civo.services import comments, favourites, items, keyset, reactions
from civo.services.errors import CivoError
from civo.services.validate import is_number
from civo.state import live
from civo.state.base import MAX_ITEMS
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


def _react_and_count(*, session, actor, target_kind: Any, target_id: Any,
                     emoji: Any) -> tuple[bool, dict[str, int]]:
    """React, then read the moved counts in the same session: one trip to the database
    thread per reaction (the page needs no reload; its own choice is known)."""
    if not reactions.react(session=session, actor=actor, target_kind=target_kind,
                           target_id=target_id, emoji=emoji):
        return False, {}
    key = f"{'i' if target_kind == 'item' else 'c'}{int(target_id)}"
    return True, live._read_counts(session=session, keys=[key]).get(key, {})


def _mark_thread_ends(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put each thread's "N more replies" on its last shown comment (where the button goes)."""
    more = {c["id"]: c["more_replies"] for c in rows if c["depth"] == 1}
    marked = []
    for i, c in enumerate(rows):
        ends = i + 1 == len(rows) or rows[i + 1]["root_id"] != c["root_id"]
        marked.append({**c, "more_after": more.get(c["root_id"], 0) if ends else 0})
    return marked


# Comments are shown in slots, one per page loaded: "Load more" fills the next slot only, so
# its frame carries that page and nothing of what the reader already has (Reflex re-sends a
# changed var whole). Replies opened in a thread stay in the slot of its first comment.
COMMENT_SLOTS = 16
# A slot holds whole threads up to about this many bytes of JSON (one frame stays small).
SLOT_BYTES = 14_000


def slot_name(index: int) -> str:
    return "comments" if index == 0 else f"comments_{index}"


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
    comments_1: list[dict[str, Any]] = []
    comments_2: list[dict[str, Any]] = []
    comments_3: list[dict[str, Any]] = []
    comments_4: list[dict[str, Any]] = []
    comments_5: list[dict[str, Any]] = []
    comments_6: list[dict[str, Any]] = []
    comments_7: list[dict[str, Any]] = []
    comments_8: list[dict[str, Any]] = []
    comments_9: list[dict[str, Any]] = []
    comments_10: list[dict[str, Any]] = []
    comments_11: list[dict[str, Any]] = []
    comments_12: list[dict[str, Any]] = []
    comments_13: list[dict[str, Any]] = []
    comments_14: list[dict[str, Any]] = []
    comments_15: list[dict[str, Any]] = []
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
    _slots_used: int = 0
    # Where this page stands on its item's live channel (civo/state/live.py).
    _live_mark: str = ""
    # Per thread root: where its next replies start, and how many extra were opened.
    _reply_cursors: dict[int, str] = {}
    _expanded: dict[int, int] = {}

    def _keep_live(self, keep) -> None:
        """The page read some counts afresh: the live values this tab holds for those step
        aside (the others, which the page did not re-read, stay)."""
        self.live = {k: v for k, v in live.HUB.counts(live.item_channel(self._item_id)).items()
                     if keep(k)}

    # ---- comment slots -----------------------------------------------------------------

    def _slot(self, index: int) -> list[dict[str, Any]]:
        return getattr(self, slot_name(index))

    def _set_slot(self, index: int, rows: list[dict[str, Any]]) -> None:
        setattr(self, slot_name(index), _mark_thread_ends(rows))

    def _shown(self) -> list[dict[str, Any]]:
        """Every comment on the page, in order (for tests and counting)."""
        return [c for i in range(self._slots_used) for c in self._slot(i)]

    def _slot_of_root(self, root_id: int) -> int | None:
        for i in range(self._slots_used):
            if any(c["id"] == root_id for c in self._slot(i)):
                return i
        return None

    def _clear_slots(self) -> None:
        for i in range(COMMENT_SLOTS):
            if self._slot(i):
                setattr(self, slot_name(i), [])
        self._slots_used = 0

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
            "author_href": found.author_href,
            "when": self._when(found.created_at), "edited": found.edited,
            "deleted": found.deleted, "is_mine": found.is_mine,
            "can_edit": found.can_edit, "can_delete": found.can_delete,
            "can_comment": found.can_comment and self.signed_in,
            "can_react": found.can_react and self.signed_in,
            "community": found.community_name, "community_href": f"/c/{found.community_slug}",
            "project": found.project_title,
            "project_href": (f"/p/{found.project_id}/{found.phase_id}" if found.phase_id
                             else f"/p/{found.project_id}" if found.project_id else ""),
            "phase_open": found.phase_open, "phase_status": found.phase_status,
            "comment_count": found.comment_count,
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
            await self._load_comments(actor, keep=self._slots_used)
        self._community_id = found.community_id
        # What the page just read is fresh: the live counts of it step aside (others stay).
        self._keep_live(lambda k: k != f"i{self._item_id}"
                        and not (comments_too and k.startswith("c")))

    def _fill_slot(self, index: int, page: Any) -> str | None:
        """Put a page's threads into slot ``index``, whole threads up to ``SLOT_BYTES``;
        the cursor returned continues after the last thread kept."""
        rows: list[dict[str, Any]] = []
        size, cursor, root = 0, page.next_cursor, None
        threads: list[list[Any]] = []
        shown = {c["id"] for i in range(self._slots_used) if i != index
                 for c in self._slot(i)}
        for view in page.comments:
            if view.id in shown:  # one's own new comment, shown already
                continue
            if view.depth == 1 or not threads:
                threads.append([])
            threads[-1].append(view)
        for thread in threads:
            views = [self._comment(c) for c in thread]
            add = len(json.dumps(views, default=str))
            if rows and size + add > SLOT_BYTES:
                cursor = keyset.encode(root.created_at, root.id)
                break
            rows += views
            size += add
            root = thread[0]
            self._reply_cursors.update({c.id: c.replies_cursor for c in thread
                                        if c.replies_cursor})
        self._set_slot(index, rows)
        return cursor

    async def _load_comments(self, actor, *, keep: int = 0) -> None:
        """Read the first ``keep`` pages again (at least one), one slot each."""
        self._clear_slots()
        self._reply_cursors = {}
        cursor = None
        while True:
            page = await run_service(comments.page, actor=actor, item_id=self._item_id,
                                     cursor=cursor)
            cursor = self._fill_slot(self._slots_used, page)
            self._slots_used += 1
            if (cursor is None or self._slots_used >= max(keep, 1)
                    or self._slots_used >= COMMENT_SLOTS or len(self._shown()) >= MAX_ITEMS):
                break
        self._cursor = cursor
        self.comments_more = cursor is not None and self._slots_used < COMMENT_SLOTS
        # Threads this reader had opened further stay open after a reload.
        expanded, self._expanded = self._expanded, {}
        for root_id, extra in expanded.items():
            while self._expanded.get(root_id, 0) < extra and root_id in self._reply_cursors:
                if not await self._more_replies(actor, root_id):
                    break

    async def _more_replies(self, actor, root_id: int) -> bool:
        """Open the next replies of one thread; False when there was nothing to open."""
        cursor = self._reply_cursors.get(root_id)
        index = self._slot_of_root(root_id)
        if not cursor or index is None or len(self._shown()) >= MAX_ITEMS:
            return False
        page = await run_service(comments.replies, actor=actor, item_id=self._item_id,
                                 root_id=root_id, cursor=cursor)
        if not page.comments:
            self._reply_cursors.pop(root_id, None)
            return False
        slot = self._slot(index)
        fresh = [self._comment(c) for c in page.comments
                 if not any(c.id == row["id"] for row in slot)]
        thread = [c for c in slot if c["root_id"] == root_id]
        start = next(i for i, c in enumerate(slot) if c["root_id"] == root_id)
        others = [c for c in slot if c["root_id"] != root_id]
        merged = comments.thread_order(thread + fresh, id_of=lambda c: c["id"],
                                       parent_of=lambda c: c["parent_id"])
        remaining = max(0, next(c["more_replies"] for c in thread if c["id"] == root_id)
                        - len(fresh)) if page.next_cursor else 0
        merged = [{**c, "more_replies": remaining} if c["id"] == root_id else c
                  for c in merged]
        self._set_slot(index, others[:start] + merged + others[start:])
        if page.next_cursor:
            self._reply_cursors[root_id] = page.next_cursor
        else:
            self._reply_cursors.pop(root_id, None)
        self._expanded[root_id] = self._expanded.get(root_id, 0) + len(fresh)
        return True

    async def _apply_comments(self, actor, ids: set[int] | list[int], *,
                              own: bool = False) -> None:
        """Show new or changed comments (ids a live note or this page's own action named)
        where they belong, with one read of just those comments. ``own``: this reader just
        wrote them, so they are shown even where the thread is not all loaded yet (a
        later "Load more" does not show them twice)."""
        page = await run_service(comments.by_ids, actor=actor, item_id=self._item_id,
                                 ids=sorted(ids))
        for view in page.comments:
            row = self._comment(view)
            placed = False
            for i in range(self._slots_used):  # a comment the page shows: replace it
                slot = self._slot(i)
                if any(c["id"] == row["id"] for c in slot):
                    self._set_slot(i, [{**row, "more_replies": c["more_replies"]}
                                       if c["id"] == row["id"] else c for c in slot])
                    placed = True
                    break
            if placed:
                continue
            if row["root_id"] != row["id"]:  # a reply: into its thread, if that is shown
                index = self._slot_of_root(row["root_id"])
                if index is None:
                    continue
                slot = self._slot(index)
                root = next(c for c in slot if c["id"] == row["root_id"])
                if not own and (root["more_replies"] or row["root_id"] in self._reply_cursors):
                    # Its thread has replies not opened yet: it comes after them.
                    self._set_slot(index, [{**c, "more_replies": c["more_replies"] + 1}
                                           if c["id"] == root["id"] else c for c in slot])
                    if row["root_id"] not in self._reply_cursors:
                        self._reply_cursors[row["root_id"]] = view.replies_cursor or ""
                    continue
                thread = [c for c in slot if c["root_id"] == row["root_id"]] + [row]
                start = next(i for i, c in enumerate(slot) if c["root_id"] == row["root_id"])
                others = [c for c in slot if c["root_id"] != row["root_id"]]
                merged = comments.thread_order(thread, id_of=lambda c: c["id"],
                                               parent_of=lambda c: c["parent_id"])
                self._set_slot(index, others[:start] + merged + others[start:])
            elif own or not self.comments_more:  # a new thread: at the end, once all
                # are shown (one's own at once: "Load more" then skips it)
                last = max(self._slots_used - 1, 0)
                self._set_slot(last, [*self._slot(last), row])
                self._slots_used = max(self._slots_used, 1)

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
        self._clear_slots()
        self._expanded, self._reply_cursors = {}, {}
        actor = await self._actor()
        try:  # opening marks it read (and leaves a receipt when an admin opens it)
            receipt = await run_service(items.open_item, actor=actor, item_id=self._item_id)
        except CivoError:
            self.not_found, self.item = True, {}
            return
        # The mark before the read: a change landing in between is applied again, not lost.
        self._live_mark = live.HUB.mark(live.item_channel(self._item_id))
        await self._reload()
        if self.item.get("module_key") == "project" and self.item.get("project_href"):
            return rx.redirect(self.item["project_href"])  # a project's feed entry
        if not self.not_found:
            await self._join(live.item_channel(self._item_id), ItemState.refresh_live)
            if receipt:  # the author's open page shows "Read by" at once
                await self._announce(None, item_id=self._item_id, item=True)
            await self._refresh_unread(actor)

    @rx.event
    async def refresh_live(self):
        """Something on this item changed: re-read only what the notes since this page's
        mark name (its counts already came with the message)."""
        if not self._item_id or self.not_found:
            return
        seen = live.HUB.since(live.item_channel(self._item_id), self._live_mark)
        self._live_mark = seen.mark
        if seen.everything:
            await self._reload()
            return
        actor = await self._actor()
        try:
            if seen.item:
                await self._reload(comments_too=False)
            if seen.comments and not self.not_found:
                await self._apply_comments(actor, seen.comments)
        except CivoError:
            await self._reload()

    async def _after_comment(self, comment_id: int, *, fresh_counts: bool = True) -> None:
        """This page's own comment change: show it, and tell the item's other pages."""
        actor = await self._actor()
        await self._apply_comments(actor, [comment_id], own=True)
        key = f"i{self._item_id}"
        if fresh_counts:
            counts = await run_service(live._read_counts, keys=[key])
            if key in counts:
                self.item = {**self.item, "comment_count": counts[key]["comments"]}
                self._keep_live(lambda k: k != key)
        await self._announce(self._community_id, item_id=self._item_id, counts=[key],
                             comments=[comment_id])

    async def _after_write(self, *, new_item: bool = False) -> None:
        """This page changed the item itself: read it again and tell its other pages."""
        await self._reload()
        await self._announce(self._community_id, item_id=self._item_id,
                             counts=[f"i{self._item_id}"], item=True, new_item=new_item)

    @rx.event
    async def react(self, target_kind: str, target_id: int, emoji: str):
        actor = await self._actor()
        try:
            changed, counts = await run_service(_react_and_count, actor=actor,
                                                target_kind=target_kind, target_id=target_id,
                                                emoji=emoji)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.error = ""
        if not changed:
            return
        key = f"{'i' if target_kind == 'item' else 'c'}{int(target_id)}"
        if target_kind == "item":
            self.reactions = self._reaction_list(counts, emoji)
        else:
            for i in range(self._slots_used):
                slot = self._slot(i)
                if any(c["id"] == target_id for c in slot):
                    rc = {e: n for e, n in counts.items() if n}
                    self._set_slot(i, [{**c, "rc": rc, "mine": emoji}
                                       if c["id"] == target_id else c for c in slot])
                    break
        self._keep_live(lambda k: k != key)
        await self._announce(self._community_id, item_id=self._item_id, counts=[key])

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
            posted = await run_service(comments.post, actor=actor, item_id=self._item_id,
                                       body=form.get("body", ""),
                                       parent_id=self.reply_to or None,
                                       anonymous=form.get("anonymous") in ("on", True, "true"))
        except CivoError as error:
            self.comment_error = self._error_text(error)
            return
        self.comment_error, self.reply_to = "", 0
        await self._after_comment(posted.id)
        # The field empties; the new comment is brought into view (wherever it landed).
        return [rx.set_value("comment-body", ""), rx.call_script(
            f"document.getElementById('comment-{int(posted.id)}')"
            "?.scrollIntoView({block: 'center'})")]

    @rx.event
    async def delete_comment(self, comment_id: int):
        actor = await self._actor()
        try:
            await run_service(comments.delete, actor=actor, comment_id=comment_id)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        await self._after_comment(comment_id)

    @rx.event
    async def load_more_comments(self):
        """The next threads, into the next slot (its frame holds only those)."""
        if (not self._cursor or self._slots_used >= COMMENT_SLOTS
                or len(self._shown()) >= MAX_ITEMS):
            return
        actor = await self._actor()
        page = await run_service(comments.page, actor=actor, item_id=self._item_id,
                                 cursor=self._cursor)
        self._cursor = self._fill_slot(self._slots_used, page)
        self._slots_used += 1
        self.comments_more = self._cursor is not None and self._slots_used < COMMENT_SLOTS

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
        edited, self.editing_comment, self.error = self.editing_comment, 0, ""
        await self._after_comment(edited, fresh_counts=False)

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
