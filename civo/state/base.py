"""The base state: the visitor's locale and session, shared by every page state."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import Any

import reflex as rx

from civo import i18n, identity_cache
from civo.db import run_service
from civo.policy import ANONYMOUS, Actor
from civo.services import accounts, sessions
from civo.services.errors import CivoError
from civo.state import live

SESSION_MAX_AGE = int(sessions.SESSION_LIFETIME.total_seconds())
# Behind HTTPS (production), the session cookie is never sent over plain HTTP.
SECURE_COOKIES = os.environ.get("CIVO_SECURE_COOKIES", "") == "1"
# Fire-and-forget tasks (immediate email delivery) kept referenced until they finish.
_BACKGROUND: set = set()
# "Load more" stops growing a list in one tab's state past this many rows.
MAX_ITEMS = 200


class AppState(rx.State):
    """Locale and sign-in status. The session token is an opaque, server-checked cookie."""

    lang: str = i18n.DEFAULT_LOCALE
    signed_in: bool = False
    user_name: str = ""
    # Shown at the top of the page when a session token stopped being valid.
    session_notice: str = ""
    # Unread items in followed communities (navigation badge; capped at 100 in SQL).
    unread_count: int = 0
    # The live channels this tab's page joined (see _join), and for which path.
    _live_path: str = ""
    _live_rooms: list[list[str]] = []
    # Unread notifications (the bell; capped at 100 in SQL), live.
    notification_count: int = 0
    # Shows the "Dashboard" entry (the dashboard's pages refuse on the server anyway).
    has_role: bool = False
    # False: the banner asks to confirm the address (taking part waits for it).
    email_confirmed: bool = True
    confirm_notice: str = ""
    # Client-held values: never trusted, always re-checked on the server.
    locale_cookie: str = rx.Cookie(
        "", name="locale", max_age=i18n.LOCALE_COOKIE_MAX_AGE, same_site="lax", path="/"
    )
    # (The session token is no var at all: see _session_token.)
    # The digest of the session this tab saw end (no "your session ended" notice for it).
    _ended_session: str = ""
    # That the visitor saw the cookie notice (functional, 6 months).
    cookie_notice_seen: str = rx.Cookie(
        "", name="civo_consent", max_age=i18n.LOCALE_COOKIE_MAX_AGE, same_site="lax", path="/"
    )

    # ---- helpers for subclasses (not callable from the browser) ---------------------

    def _t(self, msgid: str, **params: Any) -> str:
        return i18n.gettext(self.lang, msgid, **params)

    def _tn(self, singular: str, plural: str, n: int, **params: Any) -> str:
        return i18n.ngettext(self.lang, singular, plural, n, **params)

    def _community_view(self, card: Any) -> dict[str, Any]:
        """A community card as a view dict, with its follower count in words."""
        data = asdict(card)
        data["followers_label"] = self._tn("{n} follower", "{n} followers",
                                           data["follower_count"])
        return data

    def _error_text(self, error: CivoError) -> str:
        params = {k: self._t(v) if isinstance(v, str) else v for k, v in error.params.items()}
        return self._t(error.message, **params)

    async def _join(self, channel: str, handler: Any) -> None:
        """Hear a live channel on this page (call only after the policy allowed the view):
        ``handler`` runs when something on it must be re-read (civo/state/live.py)."""
        room = await live.HUB.join(self, channel, handler)
        if room is None:
            return
        # Kept (backend-only) so that a reconnect of this page joins the same channels.
        base = await self.get_state(AppState)
        path = self.router.url.path if hasattr(self.router, "url") else ""
        rooms = list(base._live_rooms) if base._live_path == path else []
        if list(room) not in [list(r) for r in rooms]:
            rooms.append(list(room))
        base._live_path, base._live_rooms = path, rooms

    async def _announce_to(self, community_id: int, *, new_item: bool = False,
                           item_id: int | None = None) -> None:
        """Tell a community's open pages from a page that is not one of them (the
        dashboard, the inbox): the caller was allowed to change something there. The
        item's own pages re-read it whole (a decision may hide or show any part of it)."""
        await self._announce(community_id, new_item=new_item, item_id=item_id, item=True,
                             whole=True)

    async def _announce(self, community_id: int | None, *, item_id: int | None = None,
                        counts: tuple[str, ...] | list[str] = (),
                        comments: tuple[int, ...] | list[int] = (), item: bool = False,
                        new_item: bool = False, whole: bool = False) -> None:
        """Publish what this handler changed (after its commit), once, to every page that
        shows it: the item's pages, its community's pages, and feeds for a new item."""
        keys = set(counts)
        if item_id:
            live.HUB.publish(live.item_channel(item_id),
                             live.Note(counts=keys, comments=set(comments), item=item,
                                       refresh=whole))
        if community_id:
            live.HUB.publish(live.space_channel(community_id),
                             live.Note(counts={k for k in keys if k.startswith("i")},
                                       refresh=new_item or item))
        if new_item:
            live.HUB.publish(live.FEED, live.Note(refresh=True))

    async def _refresh_unread(self, actor: Actor) -> None:
        from civo.services import feed, notifications

        self.unread_count = (await run_service(feed.unread_count, actor=actor)
                             if actor.signed_in else 0)
        self.notification_count = (await run_service(notifications.unread_count, actor=actor)
                                   if actor.signed_in else 0)

    # ---- the session cookie (issue 16: HttpOnly; civo/api/auth.py, civo/state/cookies.py) --

    def _session_token(self) -> str:
        """This tab's session token: the HttpOnly ``civo_session`` cookie that its
        websocket handshake carried, read on the server. No frontend var holds it, and no
        page script can read it; the backend's HTTP routes set and clear it."""
        return sessions.token_from_cookie_header(self.router.headers.cookie)

    async def _identify(self) -> accounts.Identity:
        token = self._session_token()
        if not token:
            return accounts.Identity(actor=ANONYMOUS)
        cached = identity_cache.get(sessions.digest(token))  # no thread, no query
        if cached is not None:
            return cached
        return await run_service(accounts.identify, token=token)

    async def _actor(self) -> Actor:
        """The actor of this tab, from the session row (anonymous when none is valid)."""
        return (await self._identify()).actor

    def _forget_identity(self) -> None:
        """This tab is no longer signed in (logout, revoked or invalid session). The
        cookie itself goes when the browser next passes /api/auth/forget."""
        token = self._session_token()
        self._ended_session = sessions.digest(token) if token else ""
        self.signed_in, self.user_name = False, ""
        self.unread_count, self.has_role, self.notification_count = 0, False, 0
        self.email_confirmed, self.confirm_notice = True, ""

    def _resolve_lang(self) -> str:
        return i18n.normalize_locale(self.locale_cookie) or i18n.negotiate(
            self.router.headers.accept_language
        )

    async def _refresh_identity(self) -> Actor:
        self.lang = self._resolve_lang()
        identity = await self._identify()
        actor = identity.actor
        if actor.signed_in:
            self.signed_in, self.user_name = True, identity.display_name
            from civo import policy

            self.has_role = policy.can(actor, "admin.dashboard")
            self.email_confirmed = actor.confirmed
        else:
            token = self._session_token()
            if token and sessions.digest(token) != self._ended_session:
                # Expired, revoked or forged: forget it, and say so (once).
                self.session_notice = self._t(
                    "Your session has ended or is no longer valid. Please sign in again."
                )
            self._forget_identity()
        return actor

    # ---- events -------------------------------------------------------------------

    @rx.event
    async def init_page(self):
        """Run on every page load: locale, identity, and ``<html lang>``."""
        actor = await self._refresh_identity()
        await self._refresh_unread(actor)
        # A new page hears nothing until it joins (its load handler, after the policy);
        # the same page loading again on a new connection (a reconnect: on_load runs
        # again, panels mounted once do not) hears what it heard before.
        await live.HUB.leave_all(self)
        path = self.router.url.path if hasattr(self.router, "url") else ""
        if path and path == self._live_path and self._live_rooms:
            allowed = await run_service(live.may_hear, actor=actor,
                                        channels=sorted({r[0] for r in self._live_rooms}))
            self._live_rooms = [r for r in self._live_rooms if r[0] in allowed]
            await live.HUB.rejoin(self, [tuple(r) for r in self._live_rooms])
        else:
            self._live_path, self._live_rooms = path, []
        await self._join(live.FEED, AppState.refresh_unread)
        if actor.signed_in:  # one's own channel only: the bell moves when one is notified
            await self._join(live.user_channel(actor.user_id), AppState.refresh_unread)
        # <html lang> follows the locale; the data attribute tells tests the page is live,
        # and data-worker which backend process serves this tab (a random id per process:
        # operators and the several-workers test tell workers apart by it).
        yield rx.call_script(
            f"document.documentElement.lang = {json.dumps(self.lang)};"
            "document.documentElement.dataset.civoReady = '1';"
            f"document.documentElement.dataset.worker = {json.dumps(live.HUB.instance)}"
        )

    @rx.event
    async def refresh_unread(self):
        """Recount the navigation badges (something was posted, or I was notified)."""
        await self._refresh_unread(await self._actor())

    @staticmethod
    def _deliver_soon() -> None:
        """Send just-queued email now rather than at the next delivery round."""
        import asyncio

        from civo import jobs

        task = asyncio.get_running_loop().create_task(jobs.deliver_soon())
        _BACKGROUND.add(task)
        task.add_done_callback(_BACKGROUND.discard)

    @rx.event
    async def resend_confirmation(self):
        """Mail the confirmation link again (the banner's button)."""
        try:
            await run_service(accounts.resend_confirmation, actor=await self._actor())
        except CivoError as error:
            self.confirm_notice = self._error_text(error)
            return
        self.confirm_notice = self._t("We sent you a new link. It works for 48 hours.")
        self._deliver_soon()

    @rx.event
    def acknowledge_cookies(self):
        """The cookie notice was read: do not show it again (for 6 months)."""
        self.cookie_notice_seen = "1"

    @rx.event
    def dismiss_session_notice(self):
        self.session_notice = ""

    @rx.event
    async def set_language(self, lang: str):
        """Switch the interface language; a cookie keeps the choice for 6 months."""
        code = i18n.normalize_locale(lang if isinstance(lang, str) else None)
        if code is None:
            return
        self.locale_cookie = code
        self.lang = code
        actor = await self._actor()
        if actor.signed_in:
            await run_service(accounts.set_locale, actor=actor, locale=code)
        # Reload so server-formatted dates, numbers and messages follow the new locale.
        yield rx.call_script("window.location.reload()")

    @rx.event
    async def log_out(self):
        """End this browser's session (on the server), then clear its cookie."""
        from civo.state.cookies import forget_redirect

        await run_service(sessions.end, token=self._session_token())
        self._forget_identity()
        return forget_redirect("/")


def view(obj: Any) -> dict[str, Any]:
    """A frontend-safe dict from a service dataclass (explicit fields only)."""
    return asdict(obj)
