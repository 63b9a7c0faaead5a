"""The account page: own details, language, and "log out everywhere"."""

from __future__ import annotations

import reflex as rx

from civo.db import run_service
from civo.services import accounts, sessions
from civo.services.errors import CivoError
from civo.state.base import AppState
from civo.state.cookies import forget_redirect


class AccountState(AppState):
    full_name: str = ""
    email: str = ""
    home_place: str = ""
    # What moderation told me (hidden, removed, restored, warned), newest first.
    notices: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        actor = await self._actor()
        if not actor.signed_in:
            self._clear()  # never show a previous account's details in this tab
            return rx.redirect("/login")
        details = await run_service(accounts.account_view, actor=actor)
        self.full_name, self.email, self.home_place = (
            details.full_name, details.email, details.home_place
        )
        from civo import i18n
        from civo.services import moderation

        rows = await run_service(moderation.my_notices, actor=actor)
        def reason(n) -> str:
            if n.kind != "hidden":
                return n.reason
            return ", ".join(self._t(moderation.REASON_LABELS.get(key, "Other"))
                             for key in n.reason.split(",") if key)

        self.notices = [{"kind": n.kind, "reason": reason(n),
                         "when": i18n.format_date(n.created_at, self.lang, fmt="medium"),
                         "href": f"/i/{n.item_id}" if n.item_id else ""} for n in rows]

    @rx.event
    async def log_out_everywhere(self):
        """Revoke every session of this account, on every device."""
        actor = await self._actor()
        if not actor.signed_in:
            return rx.redirect("/login")
        try:
            await run_service(sessions.end_all_for, actor=actor)
        except CivoError as error:
            return rx.toast.error(self._error_text(error))
        self._forget_identity()
        self._clear()
        return forget_redirect("/login")  # this browser's cookie goes too

    def _clear(self) -> None:
        self.full_name = self.email = self.home_place = ""
        self.notices = []
