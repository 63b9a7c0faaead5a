"""A community's settings (create and edit), archive, delete — and the header that every
page of one community's dashboard shares."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.i18n import LOCALES
from civo.services import admin_communities as service
from civo.services import images
from civo.services.admin_communities import CommunityInput
from civo.state.admin.base import FAILED, AdminState
from civo.state.places import PlacePicker

TIMEZONES = ("Europe/Paris", "Europe/Berlin", "Europe/Brussels", "Europe/Luxembourg",
             "Europe/Amsterdam", "Europe/Zurich", "Europe/Vienna", "Europe/Rome",
             "Europe/Madrid", "Europe/Lisbon", "Europe/London", "Europe/Dublin",
             "Europe/Warsaw", "Europe/Prague", "Europe/Stockholm", "Europe/Helsinki",
             "Europe/Athens", "Europe/Bucharest", "America/Montreal", "Indian/Reunion",
             "America/Martinique", "Pacific/Noumea", "UTC")
# Currencies of the countries our communities are in (the validator takes any ISO code).
CURRENCIES = ("EUR", "CHF", "GBP", "PLN", "CZK", "SEK", "DKK", "NOK", "HUF", "RON", "CAD",
              "XPF", "USD")


class CommunityScoped(AdminState):
    """A dashboard page about one community (``/admin/c/[slug]/…``)."""

    community: dict[str, Any] = {}
    _community_id: int = 0

    async def _scope(self, rule: str = "community.edit") -> bool:
        slug = str(self.router.page.params.get("slug", ""))[:140]
        found = await self._guard(service.header, slug=slug, rule=rule)
        if found is FAILED:
            self.community, self._community_id = {}, 0
            return False
        self.community = {"id": found.id, "slug": found.slug, "name": found.name,
                          "private": found.is_private, "archived": found.is_archived}
        self._community_id = found.id
        return True


class CommunitySettingsState(PlacePicker, CommunityScoped):
    """Create (``/admin/new-community``) or edit (``/admin/c/[slug]``) a community."""

    creating: bool = False
    form: dict[str, Any] = {}
    # The form's languages (a list of its own: always defined, even before loading).
    languages: list[str] = []
    # Bumped whenever ``form`` is reloaded: the form re-mounts with the new default values.
    form_version: int = 0
    parents: list[dict[str, str]] = []
    # The picker offers "(none: a top-level community)" only to who may choose it.
    top_level_allowed: bool = False
    logo_attached: bool = False
    cover_attached: bool = False
    _place_field: str = "place_id"
    _place_dom_id: str = "community-place"
    _logo: str | None = None   # a new upload, "" to remove, None to keep
    _cover: str | None = None

    async def _load_parents(self) -> None:
        found = await self._call(service.parent_choices,
                                 community_id=None if self.creating else self._community_id)
        if found is FAILED:
            self.parents, self.top_level_allowed = [], False
            return
        self.parents = [{"id": str(i), "name": n} for i, n in found.options]
        self.top_level_allowed = found.top_level

    def _reset_uploads(self) -> None:
        self._logo = self._cover = None
        self.logo_attached = self.cover_attached = False

    @rx.event
    async def load_new(self):
        """The creation form; ``?parent=<slug>`` pre-selects the parent."""
        self.creating, self.community, self._community_id = True, {}, 0
        self._reset_uploads()
        self.place_id, self.place_label, self.place_query, self.place_options = 0, "", "", []
        await self._guard(service.parent_options)
        if self.denied:
            return
        actor = await self._actor()
        if not (actor.is_platform_admin or actor.admin_of):
            # A moderator (or anyone without a community) could only fail here.
            self.error = self._t("Only platform admins and community admins can create "
                                 "communities.")
            self.denied = True
            return
        await self._load_parents()
        parent_slug = str(self.router.url.query_parameters.get("parent", ""))[:140]
        parent_id = ""
        if parent_slug:  # only a community the actor may create under
            header = await self._call(service.header, slug=parent_slug,
                                      rule="community.create")
            parent_id = "" if header is FAILED else str(header.id)
            self.error, self.errors = "", {}
        self.form_version += 1
        self.languages = []
        self.form = {"name": "", "kind": "organisation", "description": "",
                     "parent_id": parent_id, "brand_color": "",
                     "timezone": "Europe/Paris", "currency": "EUR", "private": False,
                     "languages": [],
                     "logo": "", "cover": ""}

    @rx.event
    async def load(self):
        self.creating = False
        self._reset_uploads()
        if not await self._scope():
            return
        await self._refresh_form()
        await self._load_parents()

    async def _refresh_form(self) -> None:
        found = await self._call(service.form, community_id=self._community_id)
        if found is FAILED:
            self.denied = True
            return
        self._set_place(found.place_id, found.place_name)
        self.place_status = ""
        self.form_version += 1
        self.languages = list(found.languages)
        self.form = {
            "name": found.name, "kind": found.kind, "description": found.description,
            "parent_id": str(found.parent_id or ""), "parent_name": found.parent_name,
            "brand_color": found.brand_color, "timezone": found.timezone,
            "currency": found.currency,
            "private": found.is_private, "archived": found.is_archived,
            "languages": list(found.languages), "logo": found.logo, "cover": found.cover,
            "members": self._tn("{n} member", "{n} members", found.member_count),
            "followers": self._tn("{n} follower", "{n} followers", found.follower_count),
            "can_delete": found.can_delete,
        }

    def _input(self, data: dict[str, Any]) -> CommunityInput:
        languages = [code for code in LOCALES if data.get(f"lang_{code}") in ("on", True)]
        return CommunityInput.from_form({**data, "place_id": self.place_id or ""},
                                        languages=languages)

    @rx.event
    async def save(self, data: dict[str, Any]):
        if self.creating:
            made = await self._call(service.create, data=self._input(data),
                                    logo=self._logo or "", cover=self._cover or "")
            if made is FAILED:
                return
            self._reset_uploads()
            return rx.redirect(f"/admin/c/{made.slug}")
        saved = await self._call(service.update, community_id=self._community_id,
                                 data=self._input(data), logo=self._logo, cover=self._cover)
        if saved is FAILED:
            return
        self._reset_uploads()
        if saved.slug != self.community.get("slug"):
            return rx.redirect(f"/admin/c/{saved.slug}")
        self.community = {**self.community, "name": saved.name}
        await self._refresh_form()
        self._done("Saved.")

    async def _attach(self, files: list[rx.UploadFile]) -> str | None:
        if not files:
            return None
        data = await files[0].read(images.MAX_BYTES + 1)
        name = await self._call(service.accept_image, community_id=self._community_id,
                                data=data)
        return None if name is FAILED else name

    @rx.event
    async def attach_logo(self, files: list[rx.UploadFile]):
        name = await self._attach(files)
        if name:
            self._logo, self.logo_attached = name, True

    @rx.event
    async def attach_cover(self, files: list[rx.UploadFile]):
        name = await self._attach(files)
        if name:
            self._cover, self.cover_attached = name, True

    @rx.event
    def remove_logo(self):
        self._logo, self.logo_attached = "", False
        self.form = {**self.form, "logo": ""}

    @rx.event
    def remove_cover(self):
        self._cover, self.cover_attached = "", False
        self.form = {**self.form, "cover": ""}

    @rx.event
    async def set_archived(self, archived: bool):
        if await self._call(service.set_archived, community_id=self._community_id,
                            archived=archived) is FAILED:
            return
        await self._refresh_form()
        if archived:
            self._done("Archived: only its admins see it now.")
        else:
            self._done("Restored: the community is public again.")

    @rx.event
    async def delete(self):
        name = self.community.get("name", "")
        if await self._call(service.delete, community_id=self._community_id) is FAILED:
            return
        # Said where the admin lands (the dashboard), where the community no longer is.
        return [rx.toast.success(self._t("Deleted: {name}.", name=name)),
                rx.redirect("/admin")]
