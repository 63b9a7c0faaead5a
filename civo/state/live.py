"""Live updates: one small message per change, applied by every open page at little cost.

Why not ``rx.SharedState``: a shared state fans a change out by loading, locking and
re-sending the state of every linked tab, and each tab then re-read its whole view through
the policy: 200 open pages and one reaction made ~5,000 SQL queries and took a minute.

How it works instead (one :class:`Hub` per backend worker):

- A page that the policy let in *joins a channel* (``item-42``, ``space-7``, ``feed``,
  ``user-3``): its websocket enters a Socket.IO room named after the channel and the handler
  that refreshes the page. Nothing of the page's state is touched by joining.
- A change *publishes a note* once: which counts moved (``i42``: item 42; ``c17``: comment
  17), and whether pages must re-read something (a new or changed comment, a new item).
  With ``REFLEX_REDIS_URL`` the note goes through Redis pub/sub, so every worker hears it.
- Each worker *coalesces* notes per channel: at most one flush per channel per second,
  however many changes arrive. A flush reads the counts that moved in ONE query (the same
  for every reader, so computed once per worker, not per page) and sends ONE message per
  room: a partial state delta carrying the counts (the page shows them without any read),
  plus, when something must be re-read, the page's refresh event — which the browser sends
  back, so each page then does at most one targeted, policy-checked read of what the note
  names (the new comment ids, not the whole thread).
- Pages receive nothing they could not read themselves: rooms are joined only after the
  policy allowed the page, counts are not content, and content is only ever re-read through
  the services by the page's own handler.

The counts travel in a frontend-only var ``live`` (``{"i42": {"comments": 3, "love": 2}}``)
that handlers never read; components show ``live`` over the page's own value. A tab that
reconnects to another worker (another hub) re-reads its page fully once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from civo import db, events, identity_cache

log = logging.getLogger("civo.live")

# At most one flush per channel per this many seconds.
COALESCE_SECONDS = float(os.environ.get("CIVO_LIVE_COALESCE", "1.0"))
# Counts kept per channel for pages (the most recently changed first to go when full).
COUNTS_KEPT = 100
# Notes kept per channel for targeted reads; a page further behind re-reads everything.
NOTES_KEPT = 50
REDIS_CHANNEL = "civo:live"
# Not a page's channel: a worker that hears it forgets its cached identities.
IDENTITY_CHANNEL = "identity"
ROOM_SEP = "|"


@dataclass
class Note:
    """What changed on one channel since its last flush."""

    counts: set[str] = field(default_factory=set)      # "i<item id>", "c<comment id>"
    comments: set[int] = field(default_factory=set)    # new or changed comments to re-read
    item: bool = False                                 # the item itself changed
    refresh: bool = False                              # pages re-read what they show

    def merge(self, other: Note) -> None:
        self.counts |= other.counts
        self.comments |= other.comments
        self.item = self.item or other.item
        self.refresh = self.refresh or other.refresh

    def wants_refresh(self) -> bool:
        return self.refresh or self.item or bool(self.comments)

    def to_json(self, channel: str) -> str:
        return json.dumps({"ch": channel, "k": sorted(self.counts),
                           "cm": sorted(self.comments), "it": self.item, "r": self.refresh})

    @classmethod
    def from_json(cls, raw: str | bytes) -> tuple[str, Note]:
        data = json.loads(raw)
        return str(data["ch"]), cls(counts={str(k) for k in data.get("k", [])},
                                    comments={int(c) for c in data.get("cm", [])},
                                    item=bool(data.get("it")), refresh=bool(data.get("r")))


@dataclass
class Seen:
    """Where a page stands on a channel: what it must re-read, or everything."""

    everything: bool
    comments: set[int]
    item: bool
    mark: str


def _app():
    from reflex_base.registry import RegistrationContext

    try:
        return RegistrationContext.get().app
    except Exception:  # noqa: BLE001 - no running app (unit tests): nobody to tell
        return None


def _read_counts(*, session, keys: list[str]) -> dict[str, dict[str, int]]:
    """The counts behind ``keys`` in at most two queries (items, comments)."""
    import sqlalchemy as sa

    from civo.models.participation import EMOJI_GLYPHS, Comment, Item

    out: dict[str, dict[str, int]] = {}
    item_ids = [int(k[1:]) for k in keys if k.startswith("i") and k[1:].isdigit()]
    comment_ids = [int(k[1:]) for k in keys if k.startswith("c") and k[1:].isdigit()]
    emoji_cols = [f"r_{e}" for e in EMOJI_GLYPHS]
    if item_ids:
        cols = [Item.id, Item.comment_count, Item.support_count, Item.reaction_count,
                *[getattr(Item, c) for c in emoji_cols]]
        for row in session.execute(sa.select(*cols).where(Item.id.in_(item_ids))):
            data = {"comments": row[1], "supports": row[2], "reactions": row[3]}
            data.update({e: row[4 + i] for i, e in enumerate(EMOJI_GLYPHS)})
            out[f"i{row[0]}"] = data
    if comment_ids:
        cols = [Comment.id, *[getattr(Comment, c) for c in emoji_cols]]
        for row in session.execute(sa.select(*cols).where(Comment.id.in_(comment_ids))):
            out[f"c{row[0]}"] = {e: row[1 + i] for i, e in enumerate(EMOJI_GLYPHS)}
    return out


class Hub:
    """This worker's channels: rooms, pending notes, the last counts and notes."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        # Production workers are forked from a supervisor that imported the app: each
        # process starts its own hub (id, rooms, Redis connection), never the parent's.
        self._pid = os.getpid()
        self._instance = secrets.token_hex(6)
        self.seq = 0
        self._pending: dict[str, Note] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._last_flush: dict[str, float] = {}
        self._counts: dict[str, OrderedDict[str, dict[str, int]]] = {}
        self._notes: dict[str, deque[tuple[int, Note]]] = {}
        # channel -> {room name: (state full name, event name, carries counts)}
        self._rooms: dict[str, dict[str, tuple[str, str, bool]]] = {}
        self._tasks: set[asyncio.Task] = set()
        self._redis = None
        self._listener: asyncio.Task | None = None
        self.flushes = 0
        self.count_reads = 0

    @property
    def instance(self) -> str:
        """This process's hub id (in marks, and in the page as ``data-worker``)."""
        if os.getpid() != self._pid:
            self._reset()
        return self._instance

    # ---- pages ---------------------------------------------------------------------

    def mark(self, channel: str) -> str:
        """A page's position on ``channel`` right now."""
        notes = self._notes.get(channel)
        return f"{self.instance}:{notes[-1][0] if notes else 0}"

    def since(self, channel: str, mark: str) -> Seen:
        """What changed on ``channel`` since ``mark`` (from a :meth:`mark` of this hub)."""
        instance, _, raw = (mark or "").partition(":")
        notes = self._notes.get(channel) or deque()
        now = self.mark(channel)
        if instance != self.instance or not raw.isdigit():
            return Seen(True, set(), True, now)
        seen = int(raw)
        if notes and seen < notes[0][0] - 1:  # fell behind what is kept
            return Seen(True, set(), True, now)
        merged = Note()
        for seq, note in notes:
            if seq > seen:
                merged.merge(note)
        return Seen(merged.refresh, merged.comments, merged.item, now)

    def counts(self, channel: str) -> dict[str, dict[str, int]]:
        """The counts this worker last sent on ``channel`` (what its pages hold in ``live``)."""
        return dict(self._counts.get(channel, {}))

    async def join(self, state: Any, channel: str, handler: Any) -> tuple[str, str, str] | None:
        """Let this tab's page hear ``channel`` (call only after the policy allowed it).
        Returns what :meth:`rejoin` needs to do it again after a reconnect."""
        from reflex.utils import format

        # The counts go to the state that declares ``live`` (a parent of the page's state).
        owner = type(state)
        while owner is not None and "live" not in owner.base_vars:
            owner = owner.get_parent_state()
        room = (channel, format.format_event_handler(handler),
                owner.get_full_name() if owner is not None else "")
        return room if await self._enter(state, room) else None

    async def _enter(self, state: Any, room: tuple[str, str, str]) -> bool:
        app = _app()
        sid = getattr(getattr(state.router, "session", None), "session_id", "")
        if (app is None or not sid or getattr(app, "event_namespace", None) is None
                or not self.instance):
            return False
        self._ensure_listener()
        channel, event_name, owner = room
        name = f"{channel}{ROOM_SEP}{event_name}"
        self._rooms.setdefault(channel, {})[name] = (owner, event_name, bool(owner))
        await app.event_namespace.enter_room(sid, name)
        return True

    async def rejoin(self, state: Any, rooms: list[tuple[str, str, str]]) -> None:
        """The tab's websocket came back (a new connection, maybe to another worker): hear
        the same channels again, and let each page catch up on what it missed (its
        refresh handler compares its mark: another worker's mark means a full re-read)."""
        from reflex.state import StateUpdate
        from reflex_base.event import Event

        entered = [room for room in rooms if await self._enter(state, tuple(room))]
        if not entered:
            return
        sid = state.router.session.session_id
        events = [Event(name=name, payload={}) for name in dict.fromkeys(r[1] for r in entered)]
        await _app().event_namespace.emit("event", StateUpdate(events=events), to=sid)

    async def leave_all(self, state: Any) -> None:
        """A new page starts in this tab: it hears nothing until it joins again."""
        app = _app()
        sid = getattr(getattr(state.router, "session", None), "session_id", "")
        if app is None or not sid or getattr(app, "event_namespace", None) is None:
            return
        namespace = app.event_namespace
        try:
            rooms = app.sio.rooms(sid, namespace=namespace.namespace)
        except Exception:  # noqa: BLE001 - an unknown sid is in no room
            return
        for room in rooms:
            if ROOM_SEP in room:
                await namespace.leave_room(sid, room)

    # ---- publishing ----------------------------------------------------------------

    def publish(self, channel: str, note: Note) -> None:
        """Tell every worker's pages on ``channel`` (after the change committed)."""
        if _app() is None or not self.instance:
            return
        self._ensure_listener()
        if self._redis is not None:
            task = asyncio.get_running_loop().create_task(self._send(channel, note))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self.receive(channel, note)

    async def _send(self, channel: str, note: Note) -> None:
        try:
            await self._redis.publish(REDIS_CHANNEL, note.to_json(channel))
        except Exception:  # noqa: BLE001 - Redis down: this worker's pages still hear it
            log.exception("live: Redis publish failed; delivering on this worker only")
            self.receive(channel, note)

    def receive(self, channel: str, note: Note) -> None:
        """A note reached this worker: flush the channel within the coalescing window."""
        if channel == IDENTITY_CHANNEL:  # a session, role or account changed somewhere
            identity_cache.invalidate()
            return
        pending = self._pending.setdefault(channel, Note())
        pending.merge(note)
        if channel in self._timers:
            return
        loop = asyncio.get_running_loop()
        wait = max(0.0, self._last_flush.get(channel, 0.0) + COALESCE_SECONDS - time.monotonic())
        self._timers[channel] = loop.call_later(wait, self._start_flush, channel)

    def _start_flush(self, channel: str) -> None:
        self._timers.pop(channel, None)
        task = asyncio.get_running_loop().create_task(self._flush(channel))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush(self, channel: str) -> None:
        from reflex.state import StateUpdate
        from reflex_base.event import Event

        from civo.db import run_service

        note = self._pending.pop(channel, None)
        self._last_flush[channel] = time.monotonic()
        if note is None:
            return
        self.flushes += 1
        counts = self._counts.setdefault(channel, OrderedDict())
        if note.counts:
            try:
                fresh = await run_service(_read_counts, keys=sorted(note.counts))
                self.count_reads += 1
            except Exception:  # noqa: BLE001 - counts come back with the next change
                log.exception("live: reading counts failed")
                fresh = {}
            for key, value in fresh.items():
                counts.pop(key, None)
                counts[key] = value
            while len(counts) > COUNTS_KEPT:
                counts.popitem(last=False)
        if note.wants_refresh():
            self.seq += 1
            self._notes.setdefault(channel, deque(maxlen=NOTES_KEPT)).append((self.seq, note))
        app = _app()
        rooms = self._rooms.get(channel, {})
        if app is None or not rooms:
            return
        snapshot = dict(counts)
        for room, (state_name, event_name, carries) in list(rooms.items()):
            delta = ({state_name: {"live" + _field_marker(): snapshot}}
                     if carries and note.counts else {})
            wanted = [Event(name=event_name, payload={})] if note.wants_refresh() else []
            if not delta and not wanted:
                continue
            try:
                await app.event_namespace.emit("event", StateUpdate(delta=delta, events=wanted),
                                               room=room)
            except Exception:  # noqa: BLE001 - one room failing must not stop the others
                log.exception("live: emit to %s failed", room)

    # ---- across workers --------------------------------------------------------------

    def _ensure_listener(self) -> None:
        if self._listener is not None:
            return
        url = os.environ.get("REFLEX_REDIS_URL", "")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if not url:
            self._listener = loop.create_future()  # a marker: no Redis, nothing to listen to
            return
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(url)
        ready = loop.create_future()
        self._listener = loop.create_task(self._listen(url, ready))

    async def _listen(self, url: str, ready: asyncio.Future) -> None:
        import redis.asyncio as aioredis

        while True:
            try:
                client = aioredis.from_url(url)
                pubsub = client.pubsub()
                await pubsub.subscribe(REDIS_CHANNEL)
                if not ready.done():
                    ready.set_result(True)
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        channel, note = Note.from_json(message["data"])
                    except (ValueError, KeyError, TypeError):
                        continue
                    self.receive(channel, note)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - reconnect after a Redis hiccup
                log.exception("live: Redis subscription lost; reconnecting")
                await asyncio.sleep(1.0)


def _field_marker() -> str:
    from reflex_base.constants.state import FIELD_MARKER

    return FIELD_MARKER


HUB = Hub()


def _tell_workers_identities_changed() -> None:
    if HUB._redis is not None:  # one worker alone has already forgotten them
        HUB.publish(IDENTITY_CHANNEL, Note(refresh=True))


db.IDENTITY_LISTENERS.append(_tell_workers_identities_changed)


def may_hear(*, session, actor, channels: list[str]) -> set[str]:
    """The channels of ``channels`` the actor may still hear (asked again when a tab comes
    back after a reconnect: it may have lost the right meanwhile — left a private
    community, signed out, the item was hidden)."""
    from civo import policy
    from civo.models import Community
    from civo.services import items
    from civo.services.errors import CivoError

    allowed: set[str] = set()
    for channel in channels:
        kind, _, ident = channel.partition("-")
        if channel == FEED:
            allowed.add(channel)
        elif not ident.isdigit():
            continue
        elif kind == "user":
            if actor.signed_in and actor.user_id == int(ident):
                allowed.add(channel)
        elif kind == "space":
            community = session.get(Community, int(ident))
            if community is not None and policy.can(actor, "community.view", community):
                allowed.add(channel)
        elif kind == "item":
            try:
                items.load(session, actor, int(ident))
            except CivoError:
                continue
            allowed.add(channel)
    return allowed


def space_channel(community_id: int) -> str:
    return f"space-{int(community_id)}"


def item_channel(item_id: int) -> str:
    return f"item-{int(item_id)}"


def user_channel(user_id: int) -> str:
    return f"user-{int(user_id)}"


FEED = "feed"


async def ping_users(user_ids: set[int]) -> None:
    """The people a committed action notified: their open tabs' bells recount."""
    for user_id in user_ids:
        HUB.publish(user_channel(user_id), Note(refresh=True))


events.on_committed("users.notified", ping_users)


def live_count(live: rx.Var, key: rx.Var | str, name: rx.Var | str, fallback: rx.Var
               ) -> rx.Var:
    """``live[key][name]`` when a live message brought it, else the page's own value.
    (``??``, not a truthiness test: a count that fell to 0 is news too.)"""
    from reflex_base.vars.base import Var, VarData

    parts = [rx.Var.create(v) for v in (live, key, name, fallback)]
    live_js, key_js, name_js, fallback_js = (str(v) for v in parts)
    return Var(_js_expr=f"(({live_js})?.[{key_js}]?.[{name_js}] ?? {fallback_js})",
               _var_type=int,
               _var_data=VarData.merge(*(v._get_all_var_data() for v in parts)))
