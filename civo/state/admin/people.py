"""A community's admins (invited by email, see :mod:`civo.services.admin_invitations`)
and, for private ones, its access codes."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.services import admin_communities as service
from civo.services import admin_invitations
from civo.state.admin.base import FAILED
from civo.state.admin.community import CommunityScoped


class CommunityPeopleState(CommunityScoped):
    admins: list[dict[str, Any]] = []
    invitations: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    members: str = ""
    # A new code is shown once, right after it was generated (only its hash is stored).
    new_code: str = ""

    @rx.event
    async def load(self):
        self.new_code = ""
        if not await self._scope("community.grant_admin"):
            return
        await self._refresh()

    async def _refresh(self) -> None:
        rows = await self._call(service.admins, community_id=self._community_id)
        self.admins = [] if rows is FAILED else [
            {"id": r.role_id, "name": r.name, "below": r.include_descendants, "me": r.is_me}
            for r in rows]
        pending = await self._call(admin_invitations.pending, community_id=self._community_id)
        self.invitations = [] if pending is FAILED else [
            {"id": r.id, "email": r.masked_email, "below": r.include_descendants,
             "expires": self._when(r.expires_at)} for r in pending]
        if self.community.get("private"):
            codes = await self._call(service.codes, community_id=self._community_id)
            self.codes = [] if codes is FAILED else [
                {"id": c.id, "state": c.state, "created": self._when(c.created_at),
                 "expires": self._when(c.expires_at) if c.expires_at else "",
                 "uses": str(c.uses) + (f" / {c.max_uses}" if c.max_uses else "")}
                for c in codes]
            form = await self._call(service.form, community_id=self._community_id)
            self.members = "" if form is FAILED else self._tn(
                "{n} member", "{n} members", form.member_count)

    @rx.event
    async def grant(self, form: dict[str, Any]):
        """Invite an address (the same answer whether or not it has an account)."""
        if await self._call(admin_invitations.invite, community_id=self._community_id,
                            email=form.get("email", ""),
                            include_descendants=form.get("include_descendants") == "on",
                            locale=self.lang) is FAILED:
            return
        await self._refresh()
        self._done(admin_invitations.INVITED, days=admin_invitations.VALID_DAYS)
        return rx.set_value("admin-email", "")

    @rx.event
    async def withdraw_invitation(self, invitation_id: int):
        if await self._call(admin_invitations.withdraw, community_id=self._community_id,
                            invitation_id=invitation_id) is FAILED:
            return
        await self._refresh()
        self._done("The invitation was withdrawn.")

    @rx.event
    async def revoke(self, role_id: int):
        if await self._call(service.revoke_admin, community_id=self._community_id,
                            role_id=role_id) is FAILED:
            return
        await self._refresh()
        self._done("The admin was removed.")

    @rx.event
    async def generate_code(self, form: dict[str, Any]):
        code = await self._call(service.new_code, community_id=self._community_id,
                                valid_days=form.get("valid_days", ""),
                                max_uses=form.get("max_uses", ""))
        if code is FAILED:
            self.new_code = ""
            return
        self.new_code = code
        await self._refresh()
        self._done("New access code created. Copy it now: it will not be shown again.")

    @rx.event
    async def revoke_code(self, code_id: int):
        if await self._call(service.revoke_code, community_id=self._community_id,
                            code_id=code_id) is FAILED:
            return
        self.new_code = ""
        await self._refresh()
        self._done("The code was revoked.")
