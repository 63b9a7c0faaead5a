"""Links that arrive by email: confirm the address, reset a forgotten password."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import accounts, sessions
from civo.services.errors import CivoError
from civo.state.base import AppState
from civo.state.cookies import claim_redirect


def _token(state: AppState) -> str:
    return str(state.router.page.params.get("token", ""))[:2000]


class ConfirmState(AppState):
    """``/confirm/[token]``: the outcome, in words (a bad link changes nothing)."""

    outcome: str = ""   # confirmed | already | invalid
    message: str = ""

    @rx.event
    async def load(self):
        try:
            self.outcome = await run_service(accounts.confirm_email, token=_token(self))
        except CivoError as error:
            self.outcome, self.message = "invalid", self._error_text(error)
            return
        self.message = ""
        self.email_confirmed = True if self.signed_in else self.email_confirmed


class ForgotState(AppState):
    """``/forgot``: ask for a reset link (the answer never says whether an account exists)."""

    sent: bool = False
    error: str = ""

    @rx.event
    def load(self):
        self.sent, self.error = False, ""

    @rx.event
    async def request(self, form: dict[str, Any]):
        email = form.get("email", "")
        try:
            await run_service(accounts.request_password_reset,
                              email=email if isinstance(email, str) else "")
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.sent, self.error = True, ""
        self._deliver_soon()


class ResetState(AppState):
    """``/reset/[token]``: choose a new password; then sign in with it."""

    done: bool = False
    error: str = ""
    link_error: str = ""  # a forged, expired or used link: said before the form

    @rx.event
    async def load(self):
        self.done, self.error, self.link_error = False, "", ""
        try:
            await run_service(accounts.check_reset_link, token=_token(self))
        except CivoError as error:
            self.link_error = self._error_text(error)

    @rx.event
    async def save_password(self, form: dict[str, Any]):
        password = form.get("password", "")
        try:
            user_id = await run_service(accounts.reset_password, token=_token(self),
                                        password=password if isinstance(password, str) else "")
            code = await run_service(sessions.begin, user_id=user_id)
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.done, self.error = True, ""
        # Every other session ended; this browser signs in with the new password's session.
        return claim_redirect(code, "/")
