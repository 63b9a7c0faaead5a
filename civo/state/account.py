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
        actor = await self._actor()
        if not actor.signed_in:
            self._clear()  # never show a previous account's details in this tab
            return rx.redirect("/login")
        details = await run_service(accounts.account_view, actor=actor)
        self.full_name, self.email, self.home_place = (
            details.full_name, details.email, details.home_place
        )

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
        return rx.redirect("/login")

    def _clear(self) -> None:
        self.full_name = self.email = self.home_place = ""
