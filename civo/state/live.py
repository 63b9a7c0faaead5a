"""Live updates: shared states that fan a change out to every linked browser.

They carry only a revision number, never content: a linked browser that sees the number
move reloads its own view through the policy-checked services. ``FeedLive`` is one
platform-wide channel ("something new was posted"); ``SpaceLive`` is one channel per
community, joined only after the policy let the visitor see that community.
"""

from __future__ import annotations

import reflex as rx


class FeedLive(rx.SharedState):
    """Moves when any item is posted: feeds recount their "N new items"."""

    rev: int = 0


class SpaceLive(rx.SharedState):
    """Moves when anything changes in one community (items, comments, reactions, supports)."""

    rev: int = 0


def space_token(community_id: int) -> str:
    return f"space-{int(community_id)}"


def live_trigger(rev: rx.Var, handler) -> rx.Component:
    """A hidden element re-mounted whenever ``rev`` changes, which runs ``handler``.

    The key sits on the wrapper: React then re-creates the child, whose mount effect
    sends ``handler`` (a key on the element itself would not re-run its own effect).
    """
    return rx.el.div(rx.el.span(on_mount=handler), key=rev.to_string(), hidden=True,
                     aria_hidden="true")
