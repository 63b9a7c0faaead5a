"""Domain events: services say what happened; subscribers decide who hears of it.

A service publishes inside its own transaction::

    events.publish(session, "comment.created", actor=actor, item=item, comment=comment)

Subscribers run at once, synchronously, with the same session: what they write (a
notification, a queued email) commits or rolls back with the action itself, so nothing is
told about an action that did not happen. They are registered in one place,
:mod:`civo.subscribers`, imported on the first publish; services never import the
notification or email code.

Work that must wait for the commit (moving the live bell of the people notified) is queued
with :func:`after_commit`: it is handed to :func:`civo.db.run_service` only once the
session committed, and forgotten when it rolls back. Nothing here imports a service.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

Subscriber = Callable[..., None]

# The one module that wires notifications and email to the events (imported lazily, once).
WIRING = "civo.subscribers"

_subscribers: dict[str, list[Subscriber]] = {}
_catch_all: list[Subscriber] = []
_wired = False
_lock = threading.Lock()

_PENDING = "civo_events_pending"
_COMMITTED = "civo_events_committed"


def subscribe(name: str, subscriber: Subscriber) -> Subscriber:
    """Call ``subscriber(session, **payload)`` whenever ``name`` is published (``"*"``: every
    event, called as ``subscriber(session, name, **payload)``)."""
    if name == "*":
        _catch_all.append(subscriber)
    else:
        _subscribers.setdefault(name, []).append(subscriber)
    return subscriber


def unsubscribe(name: str, subscriber: Subscriber) -> None:
    """Remove a subscriber (tests)."""
    group = _catch_all if name == "*" else _subscribers.get(name, [])
    if subscriber in group:
        group.remove(subscriber)


def wire() -> None:
    """Import the subscribers (once): done by the first publish, or by whoever needs them."""
    global _wired
    if _wired:
        return
    with _lock:
        if not _wired:
            importlib.import_module(WIRING)
            _wired = True


def publish(session: Session, name: str, /, **payload: Any) -> None:
    """Tell every subscriber of ``name`` what happened, inside the caller's transaction."""
    wire()
    for subscriber in tuple(_subscribers.get(name, ())):
        subscriber(session, **payload)
    for subscriber in tuple(_catch_all):
        subscriber(session, name, **payload)


# ---- after the commit -------------------------------------------------------------------


def after_commit(session: Session, name: str, value: Any) -> None:
    """Queue ``(name, value)`` for once this session's transaction committed (dropped if
    it rolls back). Values of one name are merged when they are sets."""
    pending: dict[str, Any] = session.info.setdefault(_PENDING, {})
    if isinstance(value, set):
        pending.setdefault(name, set()).update(value)
    else:
        pending.setdefault(name, []).append(value)


def committed(session: Session) -> dict[str, Any]:
    """What was queued with :func:`after_commit` and has been committed (and clears it)."""
    return session.info.pop(_COMMITTED, {})


@sa.event.listens_for(Session, "after_commit")
def _on_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    done: dict[str, Any] = session.info.setdefault(_COMMITTED, {})
    for name, value in pending.items():
        if isinstance(value, set):
            done.setdefault(name, set()).update(value)
        else:
            done.setdefault(name, []).extend(value)


@sa.event.listens_for(Session, "after_rollback")
def _on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


@sa.event.listens_for(Session, "after_soft_rollback")
def _on_soft_rollback(session: Session, previous_transaction: Any) -> None:
    # Session.rollback() when the database transaction was already gone: still forget.
    if not getattr(previous_transaction, "nested", False):
        session.info.pop(_PENDING, None)


# ---- async work after the commit (registered by the UI layer) ------------------------------

_after_commit_handlers: dict[str, list[Callable[[Any], Any]]] = {}


def on_committed(name: str, handler: Callable[[Any], Any]) -> None:
    """Run the coroutine function ``handler(value)`` for committed values of ``name``
    (e.g. the live layer moves the bells of the people notified)."""
    _after_commit_handlers.setdefault(name, []).append(handler)


def handlers_for(name: str) -> tuple[Callable[[Any], Any], ...]:
    return tuple(_after_commit_handlers.get(name, ()))
