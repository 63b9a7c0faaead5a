"""Editing one's profile (``/profile``) and seeing someone's (``/u/[handle]``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import images, profiles
from civo.services.errors import CivoError
from civo.state.base import MAX_ITEMS
from civo.state.participation import ParticipationViews
from civo.state.places import PlacePicker


class ProfileState(PlacePicker, ParticipationViews):
    form: dict[str, Any] = {}
    form_version: int = 0
    errors: dict[str, str] = {}
    error: str = ""
    notice: str = ""
    avatar_attached: bool = False
    cover_attached: bool = False
    # After moving: the communities governing the new home place, offered to follow.
    to_follow: list[dict[str, Any]] = []
    _place_field: str = "home_place"
    _place_dom_id: str = "profile-place"
    _avatar: str | None = None
    _cover: str | None = None

    @rx.event
    async def load(self):
        actor = await self._actor()
        self.notice, self.error, self.errors, self.to_follow = "", "", {}, []
        self._avatar = self._cover = None
        self.avatar_attached = self.cover_attached = False
        if not actor.signed_in:
            self.form = {}
            return rx.redirect("/login")
        await self._refresh(actor)
        if self.router.url.query_parameters.get("welcome") and not self.place_id:
            self.notice = self._t("Welcome! Choose your home place: you will follow the "
                                  "communities that decide for it.")

    async def _refresh(self, actor) -> None:
        found = await run_service(profiles.own, actor=actor)
        self.form_version += 1
        self.form = {"display_name": found.display_name, "avatar": found.avatar,
                     "cover": found.cover, "bio": found.bio, "interests": found.interests,
                     "locale": found.locale, "birth_year": str(found.birth_year or ""),
                     "gender": found.gender, "handle": found.handle}
        self.place_id = found.home_place_id or 0
        self.place_label, self.place_query, self.place_options = found.home_place, "", []

    @rx.event
    async def save(self, data: dict[str, Any]):
        actor = await self._actor()
        try:
            saved = await run_service(profiles.save, actor=actor, data=data,
                                      home_place_id=self.place_id or None,
                                      avatar=self._avatar, cover=self._cover)
        except CivoError as error:
            text = self._error_text(error)
            self.error, self.errors, self.notice = text, (
                {error.field: text} if error.field else {}), ""
            return
        self._avatar = self._cover = None
        self.avatar_attached = self.cover_attached = False
        await self._refresh(actor)
        identity = await self._identify()
        self.user_name = identity.display_name
        self.to_follow = [self._community_view(c) for c in saved.to_follow]
        self.error, self.errors, self.notice = "", {}, self._t("Saved.")
        if self.form.get("locale") and self.form["locale"] != self.lang:
            self.locale_cookie = self.form["locale"]  # the new language, everywhere
            return rx.call_script("window.location.reload()")

    async def _attach(self, files: list[rx.UploadFile]) -> str | None:
        if not files:
            return None
        data = await files[0].read(images.MAX_BYTES + 1)
        try:
            return await run_service(profiles.accept_image, actor=await self._actor(),
                                     data=data)
        except CivoError as error:
            self.error = self._error_text(error)
            return None

    @rx.event
    async def attach_avatar(self, files: list[rx.UploadFile]):
        name = await self._attach(files)
        if name:
            self._avatar, self.avatar_attached = name, True

    @rx.event
    async def attach_cover(self, files: list[rx.UploadFile]):
        name = await self._attach(files)
        if name:
            self._cover, self.cover_attached = name, True

    @rx.event
    def remove_avatar(self):
        self._avatar, self.avatar_attached = "", False
        self.form = {**self.form, "avatar": ""}

    @rx.event
    def remove_cover(self):
        self._cover, self.cover_attached = "", False
        self.form = {**self.form, "cover": ""}

    @rx.event
    async def follow_offered(self):
        """Follow the communities of the new home place."""
        try:
            await run_service(profiles.follow_all, actor=await self._actor(),
                              community_ids=[c["id"] for c in self.to_follow])
        except CivoError as error:
            self.error = self._error_text(error)
            return
        self.to_follow = []
        self.notice = self._t("You now follow the communities of your new home place.")

    @rx.event
    def decline_offer(self):
        self.to_follow = []


class PublicProfileState(ParticipationViews):
    profile: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    has_more: bool = False
    not_found: bool = False
    _handle: str = ""
    _cursor: str | None = None

    @rx.event
    async def load(self):
        self._handle = str(self.router.page.params.get("handle", ""))[:16]
        actor = await self._actor()
        try:
            found = await run_service(profiles.public, actor=actor, handle=self._handle)
        except CivoError:
            self.not_found, self.profile, self.items = True, {}, []
            return
        self.not_found = False
        self.profile = {"name": found.display_name, "avatar": found.avatar,
                        "cover": found.cover, "bio": found.bio,
                        "interests": list(found.interests),
                        "since": self._when(found.member_since),
                        "count": self._tn("{n} contribution", "{n} contributions",
                                          found.contributions)}
        self.items, self._cursor = [], None
        await self._fetch()

    async def _fetch(self) -> None:
        page = await run_service(profiles.contributions, actor=await self._actor(),
                                 handle=self._handle, cursor=self._cursor)
        self.items = self.items + [self._card(c) for c in page.items]
        self._cursor = page.next_cursor
        self.has_more = page.next_cursor is not None and len(self.items) < MAX_ITEMS

    @rx.event
    async def load_more(self):
        if self._cursor and len(self.items) < MAX_ITEMS:  # (a crafted call too)
            await self._fetch()
