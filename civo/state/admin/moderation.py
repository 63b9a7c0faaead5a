"""The moderation queue (moderators everywhere, community admins in their communities),
suspension proposals and the audit log (platform admins)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo import policy
from civo.i18n import N_
from civo.services import moderation
from civo.state.admin.base import FAILED, AdminState, form_id
from civo.state.base import MAX_ITEMS


def _may_suspend(*, session, actor) -> bool:
    return policy.can(actor, "moderation.suspend")


ACT_NOTES = {"restore": N_("Restored: visible again."),
             "remove": N_("Removed; the author was told why."),
             "warn": N_("The author was warned; the content stays visible.")}


class ModerationState(AdminState):
    cases: list[dict[str, Any]] = []
    has_more: bool = False
    tab: str = "open"
    proposals: list[dict[str, Any]] = []
    _cursor: str | None = None

    @rx.event
    async def load(self):
        self.tab = "open"
        if not await self._guard_rule("moderation.review"):
            return
        await self._fetch(append=False)
        await self._load_proposals()

    async def _fetch(self, *, append: bool) -> None:
        result = await self._call(moderation.queue, state=self.tab,
                                  cursor=self._cursor if append else None)
        if result is FAILED:
            return
        rows, self._cursor = result
        cards = [{
            "id": c.id, "kind": c.target_kind, "item_href": f"/i/{c.item_id}",
            "community_id": c.community_id, "item_id": c.item_id,
            "community": c.community_name, "excerpt": c.excerpt,
            "author": self._author(c.author_kind, c.author, c.author_tag),
            "hidden": c.hidden, "flags": c.flag_count, "weight": c.weight,
            "reasons": [{"reason": r, "count": n} for r, n in c.reasons],
            "details": list(c.details), "opened": self._when(c.opened_at),
            "appeal": c.appeal_text, "decision": c.decision_reason,
            "removals": c.author_removals, "state": c.state,
        } for c in rows]
        self.cases = self.cases + cards if append else cards
        self.has_more = self._cursor is not None and len(self.cases) < MAX_ITEMS

    async def _load_proposals(self) -> None:
        actor = await self._actor()
        if not policy.can(actor, "moderation.suspend"):
            self.proposals = []
            return
        rows = await self._call(moderation.proposals)
        self.proposals = [] if rows is FAILED else [
            {"id": p.id, "name": p.user_name, "removals": p.removals,
             "when": self._when(p.created_at)} for p in rows]

    @rx.event
    async def set_tab(self, tab: str):
        self.tab = tab if tab in ("open", "restored", "removed") else "open"
        await self._fetch(append=False)

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.cases) < MAX_ITEMS:
            await self._fetch(append=True)

    @rx.event
    async def act(self, form: dict[str, Any]):
        """Restore, remove or warn, with a reason (required to remove or warn); the case id
        travels in the form's hidden ``case_id``."""
        case_id = form_id(form, "case_id")
        action = form.get("action", "")
        reason = form.get("reason", "")
        if action == "warn":
            done = await self._call(moderation.warn, case_id=case_id, reason=reason,
                                    close=form.get("keep_open") not in ("on", True, "true"))
        else:
            done = await self._call(moderation.decide, case_id=case_id, action=action,
                                    reason=reason)
        if done is FAILED:
            return
        self._done(ACT_NOTES.get(action, "Saved."))
        case = next((c for c in self.cases if c["id"] == case_id), {})
        await self._fetch(append=False)
        if case.get("community_id"):
            await self._tell_community(int(case["community_id"]), int(case["item_id"]))

    async def _tell_community(self, community_id: int, item_id: int) -> None:
        """The content's pages reload (it appears or disappears for readers)."""
        await self._announce_to(community_id, item_id=item_id)

    @rx.event
    async def decide_proposal(self, form: dict[str, Any]):
        proposal_id = form_id(form, "proposal_id")
        suspend = form.get("decision") == "suspend"
        if await self._call(moderation.decide_proposal, proposal_id=proposal_id,
                            suspend=suspend, reason=form.get("reason", "")) is FAILED:
            return
        if suspend:
            self._done("The account is suspended.")
        else:
            self._done("Proposal dismissed.")
        await self._load_proposals()


class AuditState(AdminState):
    rows: list[dict[str, Any]] = []
    has_more: bool = False
    _cursor: int | None = None

    @rx.event
    async def load(self):
        self.rows, self._cursor = [], None
        if await self._guard_rule("moderation.audit"):
            await self._fetch()

    async def _fetch(self) -> None:
        result = await self._call(moderation.audit_log, cursor=self._cursor)
        if result is FAILED:
            return
        rows, self._cursor = result
        self.rows = self.rows + [{
            "id": r.id, "when": self._when(r.created_at),
            "who": self._t("The anonymous author") if r.by_anonymous_author else r.actor_name,
            "action": r.action, "case": r.case_id or "", "subject": r.subject_name,
            "reason": r.reason} for r in rows]
        self.has_more = self._cursor is not None and len(self.rows) < MAX_ITEMS

    @rx.event
    async def load_more(self):
        if self._cursor is not None and len(self.rows) < MAX_ITEMS:
            await self._fetch()
