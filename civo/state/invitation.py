"""``/invitation/[token]``: an invitation to administer a community, accepted by the
invited person signed in with the invited address."""

from __future__ import annotations

import reflex as rx

from civo.db import run_service
from civo.services import admin_invitations
from civo.services.errors import CivoError
from civo.state.base import AppState


class InvitationState(AppState):
    community: str = ""
    below: bool = False
    outcome: str = ""      # "" (loading) | open | accepted | invalid
    message: str = ""

    def _token(self) -> str:
        return str(self.router.page.params.get("token", ""))[:100]

    @rx.event
    async def load(self):
        try:
            found = await run_service(admin_invitations.view, actor=await self._actor(),
                                      token=self._token())
        except CivoError as error:
            self.outcome, self.message, self.community = "invalid", self._error_text(error), ""
            return
        self.community, self.below, self.outcome, self.message = (
            found.community_name, found.include_descendants, "open", "")

    @rx.event
    async def accept(self):
        actor = await self._actor()
        if not actor.signed_in:
            return rx.redirect("/login?next=" + self.router.url.path)
        try:
            found = await run_service(admin_invitations.accept, actor=actor,
                                      token=self._token())
        except CivoError as error:
            self.message = self._error_text(error)
            return
        self.community, self.outcome, self.message = found.community_name, "accepted", ""
