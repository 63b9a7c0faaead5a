"""A short-lived, per-process cache of "who is this session token" (issue 16).

Every event a page sends starts by turning its session cookie into a policy actor: the
session row, the account, its community roles and memberships — four queries, a fifth of
a reaction's cost under load, for an answer that almost never changes. This cache keeps
that answer for :data:`TTL` seconds, keyed by the token's digest, and throws *everything*
away the moment anything it is built from changes:

- in this process: every engine made by :func:`civo.db.make_engine` watches the SQL it
  runs; a committed INSERT, UPDATE or DELETE on the tables an identity is read from
  (accounts, sessions, community roles, communities, memberships) bumps a generation, and
  entries of an older generation are never served. Sign-out, "log out everywhere", a
  suspension, a new role or a confirmed email are seen by the very next event;
- in other worker processes: the same commit is announced on the live hub
  (:func:`take_remote_change`, sent by :func:`civo.db.run_service` over Redis), and each
  worker that hears it bumps its own generation. Should that message be lost, no entry
  outlives :data:`TTL`.

Nothing else is cached: what a page may read is still asked of the policy on every event,
with the actor this returns.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

TTL = 5.0
MAX_ENTRIES = 50_000

# The tables civo.services.accounts.identify() and actor_for() read.
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"
    r"\"?(?:user_account|user_session|community_role|community|membership)\"?[\s(]",
    re.IGNORECASE,
)

_lock = threading.Lock()
_cache: dict[str, tuple[float, int, Any]] = {}
_state = {"generation": 0, "remote": False}
_thread = threading.local()


def generation() -> int:
    return _state["generation"]


def get(key: str) -> Any | None:
    """The identity cached under ``key`` if it is fresh and of the current generation."""
    hit = _cache.get(key)
    if hit is None:
        return None
    expires, gen, value = hit
    if gen != _state["generation"] or expires < time.monotonic():
        _cache.pop(key, None)
        return None
    return value


def put(key: str, value: Any, gen: int) -> None:
    """Keep ``value`` (read while the generation was ``gen``); a change committed in
    between makes it stale at once."""
    with _lock:
        if gen != _state["generation"]:
            return
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = (time.monotonic() + TTL, gen, value)


def invalidate(*, remote: bool = False) -> None:
    """Forget every cached identity (``remote``: other workers must hear of it too)."""
    with _lock:
        _state["generation"] += 1
        _cache.clear()
        if remote:
            _state["remote"] = True


def take_remote_change() -> bool:
    """True once after a local commit changed identities (for the hub to announce)."""
    if not _state["remote"]:
        return False
    with _lock:
        changed, _state["remote"] = _state["remote"], False
    return changed


def watch(engine: Any) -> None:
    """Invalidate on every committed write to an identity table made through ``engine``."""
    import sqlalchemy as sa

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, _cursor, statement, _params, _context, _many) -> None:
        if _WRITE.match(statement):
            conn.info["civo_identity_dirty"] = True

    # SQLAlchemy's "commit" fires just before the database commits: a reader in between
    # would cache what is about to change. So: invalidate now, and again once the ORM
    # session that committed says it is done (below); a Core-only commit (scripts,
    # migrations) gets the first, and TTL.
    @sa.event.listens_for(engine, "commit")
    def _committed(conn) -> None:
        if conn.info.pop("civo_identity_dirty", False):
            invalidate(remote=True)
            _thread.pending = True

    @sa.event.listens_for(engine, "rollback")
    def _rolled_back(conn) -> None:
        conn.info.pop("civo_identity_dirty", None)


def _after_orm_commit(_session) -> None:
    if getattr(_thread, "pending", False):
        _thread.pending = False
        invalidate()


def _listen_sessions() -> None:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    if not sa.event.contains(Session, "after_commit", _after_orm_commit):
        sa.event.listen(Session, "after_commit", _after_orm_commit)


_listen_sessions()
