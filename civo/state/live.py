"""Live updates: shared states that fan a change out to every linked browser.

They carry only a revision number, never content: a linked browser that sees the number
move reloads its own view through the policy-checked services. ``FeedLive`` is one
platform-wide channel ("something new was posted"); ``SpaceLive`` is one channel per
community, joined only after the policy let the visitor see that community; ``UserLive``
is one channel per person, joined only by that person's own signed-in tabs (their bell).
"""

from __future__ import annotations

import reflex as rx

from civo import events


class FeedLive(rx.SharedState):
    """Moves when any item is posted: feeds recount their "N new items"."""

    rev: int = 0


class SpaceLive(rx.SharedState):
    """Moves when anything changes in one community (items, comments, reactions, supports)."""

    rev: int = 0


class UserLive(rx.SharedState):
    """Moves when a notification is created for one person: their bell recounts."""

    rev: int = 0


def space_token(community_id: int) -> str:
    return f"space-{int(community_id)}"


def user_token(user_id: int) -> str:
    return f"user-{int(user_id)}"


async def ping_users(user_ids: set[int]) -> None:
    """Move each person's channel, from outside their own events (the shared state is
    modified by its token: Reflex pushes the change to every tab linked to it)."""
    from reflex.istate.manager.token import BaseStateToken
    from reflex_base.registry import RegistrationContext

    try:
        app = RegistrationContext.get().app
    except Exception:  # noqa: BLE001 - no running app (unit tests): nobody to tell
        return
    if app is None:
        return
    for user_id in user_ids:
        try:
            async with app.modify_state(BaseStateToken(ident=user_token(user_id),
                                                       cls=UserLive)) as root:
                (await root.get_state(UserLive)).rev += 1
        except Exception:  # noqa: BLE001 - a missed ping is recovered on the next page
            import logging

            logging.getLogger("civo.live").exception("ping of user %s failed", user_id)


# The people a committed action notified: their open tabs' bells move.
events.on_committed("users.notified", ping_users)


def live_trigger(rev: rx.Var, handler, name: str = "live") -> rx.Component:
    """A hidden element re-mounted whenever ``rev`` changes, which runs ``handler``.

    The key sits on the wrapper: React then re-creates the child, whose mount effect
    sends ``handler`` (a key on the element itself would not re-run its own effect).
    ``name`` keeps sibling triggers' keys apart.
    """
    return rx.el.div(rx.el.span(on_mount=handler), key=name + "-" + rev.to_string(),
                     hidden=True, aria_hidden="true")
