"""The database engine and sessions: the only place sessions are opened.

Services never open sessions themselves: they take one (``session=``) so tests can
hand them any engine (SQLite or PostgreSQL). The app opens them here, from the
Reflex configuration (``db_url`` in rxconfig.py, overridable with ``REFLEX_DB_URL``).
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from civo import events

T = TypeVar("T")


def make_engine(url: str) -> sa.Engine:
    """Create an engine with the settings Civo relies on for ``url``.

    SQLite gets foreign keys, WAL and a busy timeout so concurrent writers queue
    instead of failing; PostgreSQL gets pre-ping for long-lived pools.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 15}
        )

        _watch_identities(engine)

        @sa.event.listens_for(engine, "before_cursor_execute")
        def _note_writes(conn, _cursor, statement, *_args) -> None:
            if not conn.info.get("civo_wrote") and statement.lstrip()[:6].upper() not in (
                    "SELECT", "PRAGMA"):
                conn.info["civo_wrote"] = True

        @sa.event.listens_for(engine, "commit")
        @sa.event.listens_for(engine, "rollback")
        def _forget_writes(conn) -> None:
            conn.info.pop("civo_wrote", None)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    _watch_identities(engine)
    return engine


def _watch_identities(engine: sa.Engine) -> None:
    from civo import identity_cache

    identity_cache.watch(engine)


@functools.cache
def engine() -> sa.Engine:
    """The application's engine, built once from the Reflex configuration."""
    from reflex_base.config import get_config

    url = get_config().db_url
    if not url:
        raise RuntimeError("db_url is not configured (rxconfig.py or REFLEX_DB_URL)")
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        # Relative SQLite paths live under the (git-ignored) data folder: make sure it exists.
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    built = make_engine(url)
    if os.environ.get("CIVO_BENCH_SQL_FILE"):
        _count_statements(built, os.environ["CIVO_BENCH_SQL_FILE"])
    return built


_BENCH_COUNTER = {"pid": 0, "n": 0}
_BENCH_LOCK = threading.Lock()


def _count_statements(engine: sa.Engine, path: str) -> None:
    """For bench/live.py only (``CIVO_BENCH_SQL_FILE`` set): count this process's SQL
    statements and write the total to ``<path>.<pid>`` every half second. Nothing is
    registered otherwise, so it costs nothing in normal runs. (The writer starts in the
    process that runs the statements: production workers are forked, and a thread is not.)"""
    import time

    counter = _BENCH_COUNTER  # one per process, however many engines were built

    def _write(pid: int) -> None:
        while True:  # replaced whole, never seen half-written
            try:
                with open(f"{path}.tmp{pid}", "w") as out:
                    out.write(str(counter["n"]))
                os.replace(f"{path}.tmp{pid}", f"{path}.{pid}")
            except OSError:  # e.g. out of file descriptors under load: try again later
                pass
            time.sleep(0.5)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(*_args) -> None:
        if counter["pid"] != os.getpid():
            with _BENCH_LOCK:
                if counter["pid"] != os.getpid():
                    counter["pid"], counter["n"] = os.getpid(), 0
                    threading.Thread(target=_write, args=(os.getpid(),),
                                     name="civo-bench-sql", daemon=True).start()
        counter["n"] += 1


@contextmanager
def session_scope() -> Iterator[Session]:
    """Open a session on the application's engine; services commit what they change."""
    with Session(engine(), expire_on_commit=False) as session:
        yield session


def _call_with_session(func: Callable[..., T], kwargs: dict[str, Any]) -> tuple[T, dict]:
    with session_scope() as session:
        result = func(session=session, **kwargs)
        return result, events.committed(session)


async def run_service(func: Callable[..., T], /, **kwargs: Any) -> T:
    """Run a service function with a fresh session in a worker thread.

    Keeps the event loop free for every other client while the database (or an
    argon2 hash) works. What the service queued for after its commit
    (:func:`civo.events.after_commit`: e.g. the people it notified, whose live bell
    moves) goes to the registered handlers once it returned — only what committed.
    """
    result, done = await asyncio.to_thread(_call_with_session, func, kwargs)
    if IDENTITY_LISTENERS:
        from civo import identity_cache

        if identity_cache.take_remote_change():  # other workers forget cached identities
            for listener in IDENTITY_LISTENERS:
                listener()
    if done:
        loop = asyncio.get_running_loop()
        for name, value in done.items():
            for handler in events.handlers_for(name):
                task = loop.create_task(handler(value))
                _PINGS.add(task)
                task.add_done_callback(_PINGS.discard)
    return result


_PINGS: set = set()
# Called on the event loop after a service committed a change to who someone is (the live
# hub registers one that tells the other workers: civo.identity_cache).
IDENTITY_LISTENERS: list[Callable[[], None]] = []


def insert_ignore(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """INSERT a row unless it collides with a unique key; True when a row was inserted.

    One statement (``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL), so two tabs or
    two workers doing the same thing at once leave exactly one row.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - Civo supports SQLite and PostgreSQL
        raise RuntimeError(f"unsupported database {dialect}")
    target = getattr(table, "__table__", table)
    stmt = (insert(target).values(**values).on_conflict_do_nothing()
            .returning(sa.literal_column("1")))
    return session.execute(stmt).first() is not None


def retrying(session: Session, work: Callable[[], T], *, attempts: int = 8) -> T:
    """Run ``work`` (which commits) again when a concurrent writer got there first.

    Covers a unique-key collision, a conditional UPDATE that matched nothing (``Conflict``),
    and SQLite's "database is locked" when two write transactions race to upgrade.
    """
    import time

    for attempt in range(attempts):
        try:
            if _one_sqlite_writer(session):
                with _SQLITE_WRITER:
                    return work()
            return work()
        except (sa.exc.IntegrityError, sa.exc.OperationalError, Conflict):
            session.rollback()
            if attempt == attempts - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")


# SQLite lets one transaction write at a time, and one that read before another committed
# cannot write at all ("database is locked" at once, however long the busy timeout): under
# load, threads writing the same hot row (300 people reacting to one item) spent most of
# their time failing, rolling back and trying again. Within a process they now take turns:
# a read-only transaction is ended first (its snapshot would be stale), and the write runs
# holding this lock, so it never meets another writer of this process. Other processes
# (a CLI, a second worker) still queue on SQLite's busy timeout. PostgreSQL needs none of it.
_SQLITE_WRITER = threading.RLock()


def _one_sqlite_writer(session: Session) -> bool:
    """True when ``work`` should take :data:`_SQLITE_WRITER`: SQLite, and this session has
    written nothing yet (a session that already holds SQLite's write lock must not wait
    for a thread that waits for it). A read-only transaction is ended here."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    if session.in_transaction():
        if session.connection().info.get("civo_wrote") or session.new or session.dirty \
                or session.deleted:
            return False
        session.commit()  # nothing to commit: only the read snapshot ends
    return True


class Conflict(Exception):
    """A conditional write lost a race; the caller retries with fresh data."""
