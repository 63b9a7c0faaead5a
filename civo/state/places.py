"""A searchable choice of a place in the place tree, shared by forms (a state mixin)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from civo.db import run_service
from civo.services import places


def focus_soon(element_id: str):
    """Move focus to an element that the coming render puts in place of the current one."""
    return rx.call_script(
        f"setTimeout(() => document.getElementById('{element_id}')?.focus(), 50)"
    )


class PlacePicker(rx.State, mixin=True):
    """Type a name, choose among at most 8 places; the chosen id is re-checked on save."""

    place_query: str = ""
    place_options: list[dict[str, Any]] = []
    place_status: str = ""  # announced to screen readers: how many places match / chosen
    place_id: int = 0
    place_label: str = ""
    # Which form field a place error belongs to, and where focus goes (set per form).
    _place_field: str = "home_place"
    _place_dom_id: str = "field-place"

    @rx.event
    async def search_places(self, query: str):
        """Search the place tree as the person types (at most 8 choices)."""
        self.place_query = query[:80] if isinstance(query, str) else ""
        found = (await run_service(places.search, query=self.place_query)
                 if self.place_query else [])
        self.place_options = [{"id": p.id, "name": p.name, "context": p.context} for p in found]
        self.place_status = (self._tn("{n} place found", "{n} places found", len(found))
                             if self.place_query else "")

    @rx.event
    async def choose_place(self, place_id: int):
        """Pick a place from the list (re-checked on submit)."""
        if not isinstance(place_id, int) or isinstance(place_id, bool):
            return
        option = await run_service(places.option_for, place_id=place_id)
        if option is None:
            return
        self._set_place(option.id, option.name, option.context)
        self.place_status = self._t("Place chosen: {place}", place=self.place_label)
        self.errors = {k: v for k, v in self.errors.items() if k != self._place_field}
        return focus_soon(f"{self._place_dom_id}-change")

    def _set_place(self, place_id: int, name: str, context: str = "") -> None:
        self.place_id = place_id
        self.place_label = f"{name} ({context})" if context else name
        self.place_options, self.place_query = [], ""

    @rx.event
    def clear_place(self):
        self.place_id, self.place_label, self.place_status = 0, "", ""
        return focus_soon(self._place_dom_id)
