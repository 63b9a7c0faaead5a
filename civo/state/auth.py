"""Registration, sign-in, and the welcome screen that lists the auto-followed spaces."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import accounts, communities, sessions
from civo.services.errors import CivoError
from civo.state.base import MAX_ITEMS, AppState
from civo.state.cookies import claim_redirect
from civo.state.places import PlacePicker


def _text(form: dict[str, Any], key: str) -> str:
    value = form.get(key, "")
    return value if isinstance(value, str) else ""


class RegisterState(PlacePicker, AppState):
    """The registration form. The password travels in the submit event only, never in state."""

    full_name: str = ""
    email: str = ""
    errors: dict[str, str] = {}
    submitting: bool = False

    @rx.event
    async def register(self, form: dict[str, Any]):
        """Create the account, sign in and show the welcome screen."""
        self.full_name, self.email = _text(form, "full_name")[:200], _text(form, "email")[:300]
        self.errors, self.submitting = {}, True
        yield
        try:
            actor = await self._actor()
            result = await run_service(
                accounts.register, actor=actor, full_name=self.full_name, email=self.email,
                password=_text(form, "password"), home_place_id=self.place_id or None,
                locale=self.lang, client_address=self.router.session.client_ip,
            )
            code = await run_service(sessions.begin, user_id=result.user_id)
        except CivoError as error:
            self.errors = {error.field or "form": self._error_text(error)}
            self.submitting = False
            return
        self.submitting = False
        self.full_name = self.email = self.place_label = ""
        self.place_id = 0
        self._deliver_soon()  # the confirmation email
        yield claim_redirect(code, "/welcome")  # the session cookie, then the welcome


class LoginState(AppState):
    """The sign-in form, and "Sign in with …" for each configured identity provider."""

    email: str = ""
    error: str = ""
    submitting: bool = False
    providers: list[dict[str, str]] = []

    @rx.event
    def load(self):
        from civo.services import mail, sso

        self.providers = [{"name": p.name, "label": p.label,
                           "href": mail.api_url(f"/api/auth/{p.name}/start")}
                          for p in sso.providers()]
        outcome = str(self.router.url.query_parameters.get("sso", ""))
        self.error = {
            "failed": self._t("Signing in with that service did not work. Please try again."),
            "refused": self._t("Signing in with that service was refused: an account may "
                               "already use its email address. Sign in with your password."),
            "unknown": self._t("This sign-in service is not available."),
        }.get(outcome, "")
        if self.router.url.query_parameters.get("signin") == "expired":
            self.error = self._t("Signing in did not complete. Please sign in again.")

    @rx.event
    async def sign_in(self, form: dict[str, Any]):
        self.email, self.error, self.submitting = _text(form, "email")[:300], "", True
        yield
        try:
            user_id = await run_service(accounts.authenticate, email=self.email,
                                        password=_text(form, "password"))
            # Claimed by /api/auth/claim, which also ends this browser's former session.
            code = await run_service(sessions.begin, user_id=user_id)
        except CivoError as error:
            self.error = self._error_text(error)
            self.submitting = False
            return
        self.submitting, self.email = False, ""
        self.session_notice = ""
        # Back to the page that asked to sign in (/login?next=/path), else home.
        yield claim_redirect(code, sessions.safe_next(
            self.router.url.query_parameters.get("next")))


class FollowListState(AppState):
    """The welcome screen and "Communities you follow": one list with follow toggles."""

    items: list[dict[str, Any]] = []
    loaded: bool = False
    has_more: bool = False
    _cursor: int | None = None

    @rx.event
    async def load_welcome(self):
        """The communities governing the citizen's home place (at most one per level)."""
        actor = await self._actor()
        if not actor.signed_in:
            self.items, self.loaded, self.has_more = [], True, False
            return rx.redirect("/login")
        cards = await run_service(communities.governing_cards, actor=actor)
        self.items = [self._community_view(c) for c in cards]
        self.loaded, self.has_more, self._cursor = True, False, None
        return None

    @rx.event
    async def load_following(self):
        """The first page of the communities the citizen follows."""
        actor = await self._actor()
        if not actor.signed_in:
            self.items, self.loaded, self.has_more = [], True, False
            return rx.redirect("/login")
        await self._fetch_followed(actor, append=False)
        return None

    @rx.event
    async def load_more(self):
        actor = await self._actor()
        if actor.signed_in and self._cursor is not None and len(self.items) < MAX_ITEMS:
            await self._fetch_followed(actor, append=True)

    async def _fetch_followed(self, actor, *, append: bool) -> None:
        page = await run_service(communities.followed, actor=actor,
                                 after=self._cursor if append else None)
        cards = [self._community_view(c) for c in page.items]
        self.items = self.items + cards if append else cards
        self._cursor = page.next_cursor
        self.has_more = page.next_cursor is not None
        self.loaded = True

    @rx.event
    async def toggle_follow(self, community_id: int):
        """Follow or unfollow one community of the list (checked by the policy)."""
        try:
            cid = int(community_id)
        except (TypeError, ValueError):
            return
        actor = await self._actor()
        current = next((i for i in self.items if i["id"] == cid), None)
        if current is None:
            return
        try:
            if current["is_following"]:
                await run_service(communities.unfollow, actor=actor, community_id=cid)
            else:
                await run_service(communities.follow, actor=actor, community_id=cid)
        except CivoError as error:
            yield rx.toast.error(self._error_text(error))
            return
        fresh = await run_service(communities.cards_by_id, actor=actor, ids=[cid])
        self.items = [self._community_view(fresh[0]) if i["id"] == cid and fresh else i
                      for i in self.items]
