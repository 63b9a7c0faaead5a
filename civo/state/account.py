"""The account page: own details, language, and "log out everywhere"."""

from __future__ import annotations

import reflex as rx

from civo.db import run_service
from civo.services import accounts, sessions
from civo.services.errors import CivoError
from civo.state.base import AppState


class AccountState(AppState):
    full_name: str = ""
    email: str = ""
    home_place: str = ""

    @rx.event
    async def load(self):
        actor = await self.actor()
        if not actor.signed_in:
            return rx.redirect("/login")
        details = await run_service(accounts.account_view, actor=actor)
        self.full_name, self.email, self.home_place = (
            details.full_name, details.email, details.home_place
        )

    @rx.event
    async def log_out_everywhere(self):
        """Revoke every session of this account, on every device."""
        actor = await self.actor()
        if not actor.signed_in:
            return rx.redirect("/login")
        try:
            await run_service(sessions.end_all_for, actor=actor)
        except CivoError as error:
            return rx.toast.error(self._error_text(error))
        self.session_token = ""
        self.signed_in, self.user_name = False, ""
        self.full_name = self.email = self.home_place = ""
        return rx.redirect("/login")
