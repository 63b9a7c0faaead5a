"""View helpers shared by the participation states: cards and comments as small dicts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from civo import i18n
from civo.models.participation import EMOJI_GLYPHS
from civo.state.base import AppState


class ParticipationViews(AppState):
    """Base for participation pages: turns service views into translated view dicts."""

    # Counts brought by live messages ({"i42": {"comments": 3, "love": 2}}): written only
    # by civo/state/live.py into the browser, never read by a handler; components show
    # them over the page's own values (civo.state.live.live_count).
    live: dict[str, dict[str, int]] = {}

    def _author(self, kind: str, name: str, tag: str) -> str:
        if kind == "anonymous":
            if not tag:  # moderation pages: not even the pseudonym
                return self._t("Anonymous citizen")
            return self._t("Anonymous citizen {tag}", tag=tag)
        if kind == "deleted":
            return self._t("Deleted participant")
        return name

    def _when(self, value) -> str:
        return i18n.format_date(value, self.lang, fmt="medium") if value else ""

    def _card(self, card: Any, **more: Any) -> dict[str, Any]:
        """A feed/list card: only what the list shows (keeps per-client state small)."""
        from civo.modules import MODULES

        spec = MODULES.get(card.module_key)
        href = (f"/p/{card.project_id}" if card.module_key == "project" and card.project_id
                else f"/i/{card.id}")
        return {
            "id": card.id, "href": href, "module_key": card.module_key,
            "title": card.title or card.excerpt[:80], "excerpt": card.excerpt if card.title else "",
            "author": self._author(card.author_kind, card.author_name, card.author_tag),
            "community": card.community_name, "project": card.project_title,
            "when": self._when(card.last_activity_at),
            "comments": card.comment_count, "reactions": card.reaction_count,
            "supports": card.support_count, "unread": card.unread,
            "has_supports": spec is not None and spec.allows("support"),
            "phase_status": getattr(card, "phase_status", ""),
            "event_when": self._when(card.event_starts_at)
            if getattr(card, "event_starts_at", None) else "",
            "event_place": getattr(card, "event_place", ""),
            "ics": f"/api/events/{card.id}.ics" if card.module_key == "event" else "", **more,
        }

    def _reaction_list(self, counts: dict[str, int], mine: str) -> list[dict[str, Any]]:
        return [{"emoji": emoji, "glyph": glyph, "count": counts.get(emoji, 0),
                 "mine": mine == emoji} for emoji, glyph in EMOJI_GLYPHS.items()]

    def _comment(self, c: Any) -> dict[str, Any]:
        """A comment as the page shows it, compact: a page of comments is one frame, so
        flags that are off and empty texts are left out (a missing key reads as off),
        and reactions travel as counts ("rc") plus this reader's own ("mine")."""
        data = asdict(c)
        row: dict[str, Any] = {
            "id": c.id, "parent_id": c.parent_id, "root_id": c.root_id, "depth": c.depth,
            "segments": data["segments"], "more_replies": c.more_replies,
            "moderation": c.moderation, "content_shown": c.content_shown,
            "author": self._author(c.author_kind, c.author_name, c.author_tag),
            "author_href": c.author_href,
            "when": self._when(c.created_at),
            "rc": {e: n for e, n in c.reactions.items() if n}, "mine": c.my_reaction,
        }
        # The raw text only where it is edited (the shown text is in segments).
        if c.can_edit:
            row["body"] = c.body
        if c.moderation != "visible" or c.flag_reasons or c.decision_reason:
            row["flag_reasons"] = list(c.flag_reasons)
            row["decision"] = c.decision_reason
        for key, on in (("can_delete", c.can_delete), ("can_flag", c.can_flag),
                        ("can_appeal", c.can_appeal), ("appealed", c.appealed),
                        ("flagged", c.flagged_by_me), ("edited", c.edited),
                        ("deleted", c.deleted), ("can_reply", c.can_reply),
                        ("can_edit", c.can_edit), ("is_mine", c.is_mine)):
            if on:
                row[key] = True
        return row
