"""The notification centre, following one notification, the settings, unsubscribing."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import notifications
from civo.services.errors import CivoError
from civo.state import live
from civo.state.base import MAX_ITEMS
from civo.state.participation import ParticipationViews


class NotificationsState(ParticipationViews):
    entries: list[dict[str, Any]] = []
    has_more: bool = False
    loaded: bool = False
    _before: int | None = None

    async def _fetch(self, *, append: bool, keep: int = 0) -> None:
        actor = await self._actor()
        collected = list(self.entries) if append else []
        before = self._before if append else None
        while True:
            rows, before = await run_service(notifications.page, actor=actor,
                                             locale=self.lang, before=before)
            collected += [{"id": n.id, "text": n.text, "href": f"/n/{n.id}",
                           "when": self._when_time(n.created_at), "read": n.read,
                           "category": n.category} for n in rows]
            if before is None or len(collected) >= max(keep, 1) or len(collected) >= MAX_ITEMS:
                break
        self.entries, self._before, self.loaded = collected, before, True
        self.has_more = before is not None and len(collected) < MAX_ITEMS

    def _when_time(self, value) -> str:
        from civo import i18n

        return i18n.format_datetime(value, self.lang, fmt="short")

    @rx.event
    async def load(self):
        actor = await self._actor()
        if not actor.signed_in:
            self.entries, self.loaded = [], True
            return
        await self._fetch(append=False)
        await self._join(live.user_channel(actor.user_id), NotificationsState.refresh_live)

    @rx.event
    async def refresh_live(self):
        """A notification arrived for me: show it at the top."""
        if not self.signed_in:
            return
        await self._fetch(append=False, keep=len(self.entries))

    @rx.event
    async def load_more(self):
        if self._before is not None and len(self.entries) < MAX_ITEMS:
            await self._fetch(append=True)

    @rx.event
    async def mark_read(self, notification_id: int):
        actor = await self._actor()
        try:
            await run_service(notifications.mark_read, actor=actor,
                              notification_id=notification_id)
        except CivoError:
            return
        self.entries = [{**e, "read": True} if e["id"] == notification_id else e
                        for e in self.entries]
        await self._refresh_unread(actor)

    @rx.event
    async def mark_all_read(self):
        actor = await self._actor()
        try:
            await run_service(notifications.mark_read, actor=actor)
        except CivoError:
            return
        self.entries = [{**e, "read": True} for e in self.entries]
        await self._refresh_unread(actor)


class NotificationOpenState(ParticipationViews):
    """``/n/[id]``: where a notification leads, or "no longer available"."""

    gone: bool = False

    @rx.event
    async def load(self):
        from civo.services.validate import is_number

        raw = str(self.router.page.params.get("notification_id", ""))
        actor = await self._actor()
        if not actor.signed_in:
            return rx.redirect("/login")
        try:
            target = await run_service(notifications.open_one, actor=actor,
                                       notification_id=int(raw) if is_number(raw) else 0)
        except CivoError:
            target = None
        await self._refresh_unread(actor)
        self.gone = target is None
        if target:
            # Replace /n/<id> in the history: Back returns to the list, not to a redirect.
            return rx.redirect(target, replace=True)


class NotificationSettingsState(ParticipationViews):
    """``/settings/notifications``: in app and by email, per category."""

    rows: list[dict[str, Any]] = []
    notice: str = ""
    error: str = ""
    form_version: int = 0

    @rx.event
    async def load(self):
        self.notice, self.error = "", ""
        actor = await self._actor()
        if not actor.signed_in:
            self.rows = []
            return rx.redirect("/login")
        await self._reload(actor)

    async def _reload(self, actor) -> None:
        found = await run_service(notifications.settings, actor=actor)
        self.form_version += 1
        self.rows = [{"category": s.category, "in_app": s.in_app, "email": s.email,
                      "locked": s.locked} for s in found]

    @rx.event
    async def save(self, form: dict[str, Any]):
        values = {row["category"]: (form.get(f"in_app_{row['category']}") in ("on", True),
                                    form.get(f"email_{row['category']}", ""))
                  for row in self.rows if not row["locked"]}
        actor = await self._actor()
        try:
            await run_service(notifications.save_settings, actor=actor, values=values)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        await self._reload(actor)
        self.error, self.notice = "", self._t("Saved.")


class UnsubscribeState(ParticipationViews):
    """``/unsubscribe/[token]``: the link at the bottom of every email."""

    # What the link would silence (shown with a button), then what it did silence.
    pending: list[str] = []
    stopped: list[str] = []
    error: str = ""

    def _token(self) -> str:
        return str(self.router.page.params.get("token", ""))[:2000]

    @rx.event
    async def load(self):
        """Opening the link changes nothing (mail scanners open links): it asks."""
        self.stopped = []
        try:
            self.pending = await run_service(notifications.unsubscribe_preview,
                                             token=self._token())
            self.error = ""
        except CivoError as error:
            self.pending, self.error = [], self._error_text(error)

    @rx.event
    async def confirm(self):
        try:
            self.stopped = await run_service(notifications.unsubscribe, token=self._token())
            self.pending, self.error = [], ""
        except CivoError as error:
            self.stopped, self.error = [], self._error_text(error)
