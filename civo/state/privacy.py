"""``/settings/privacy``: download my data, delete my account."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import mail, privacy
from civo.services.errors import CivoError
from civo.state.base import AppState
from civo.state.cookies import forget_redirect


class PrivacyState(AppState):
    has_password: bool = True
    download_link: str = ""
    download_until: str = ""
    export_error: str = ""
    delete_error: str = ""

    @rx.event
    async def load(self):
        self.download_link = self.download_until = self.export_error = self.delete_error = ""
        actor = await self._actor()
        if not actor.signed_in:
            return rx.redirect("/login")
        self.has_password = await run_service(_has_password, actor=actor)

    @rx.event
    async def prepare_download(self):
        from civo import i18n

        try:
            made = await run_service(privacy.export, actor=await self._actor())
        except CivoError as error:
            self.export_error = self._error_text(error)
            return
        self.export_error = ""
        self.download_link = mail.api_url(f"/api/me/export/{made.token}")
        self.download_until = i18n.format_datetime(made.expires_at, self.lang, fmt="short")

    @rx.event
    async def delete_account(self, form: dict[str, Any]):
        if form.get("understood") not in ("on", True):
            self.delete_error = self._t("Tick the box to confirm: this cannot be undone.")
            return
        password = form.get("password", "")
        try:
            await run_service(privacy.delete_account, actor=await self._actor(),
                              password=password if isinstance(password, str) else "",
                              session_token=self._session_token())
        except CivoError as error:
            self.delete_error = self._error_text(error)
            return
        self._forget_identity()
        self.session_notice = self._t("Your account is deleted. What you wrote stays, signed "
                                      "“Deleted participant”. Goodbye, and thank you.")
        return forget_redirect("/")  # the deleted session's cookie goes too


def _has_password(*, session, actor) -> bool:
    from civo.models import User

    user = session.get(User, actor.user_id)
    return bool(user and user.password_hash)
