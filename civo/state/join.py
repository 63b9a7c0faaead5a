"""Join a private community with an access code."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import communities
from civo.services.errors import CivoError
from civo.state.base import AppState


class JoinState(AppState):
    error: str = ""

    @rx.event
    def load(self):
        self.error = ""

    @rx.event
    async def join(self, form: dict[str, Any]):
        actor = await self._actor()
        code = form.get("code", "")
        try:
            slug = await run_service(communities.join_with_code, actor=actor,
                                     code=code if isinstance(code, str) else "")
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.error = ""
        return rx.redirect(f"/c/{slug}")
