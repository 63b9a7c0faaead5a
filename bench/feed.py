"""Feed benchmark: the project's own feed service against a naive load-everything baseline.

Run from the project root::

    .venv/bin/python bench/feed.py                 # full run (SQLite, a few minutes)
    .venv/bin/python bench/feed.py --scale 0.05    # quick smoke run

It builds two databases with the project's Alembic migrations (so the indexes are the real
ones): the full size (200 communities, 20,000 users, 100,000 items, 2,000,000 read marks,
1,000,000 reactions at ``--scale 1``) and one ten times smaller. On each it times, through
``civo.services.feed``:

* the signed-in feed (``feed.personal``, sort "unread"): first page and a deep page at
  position >= 1,000 (its cursor is obtained by paging with the service beforehand; only the
  deep call is timed), for a sample of users;
* the visitor feed (``feed.visitor``): first page and a deep page the same way;
* a naive baseline in the same run: every item of the followed (resp. public) communities
  and the reader's read marks loaded through the ORM, sorted in Python, first 20 kept (the
  same cards built for them), checked to give the same first page as the service.

Every timed call opens a fresh ``Session`` (as ``civo.db.session_scope`` does for each
request) on one engine per database from ``civo.db.make_engine``. The two sizes are timed in
interleaved passes (each pass: every sampled user's first and deep page, as many visitor
first and deep pages, then a slice of the naive baselines), so the speedup and the growth
compare figures taken under the same machine conditions. Python's cyclic GC is collected
before and paused during each timed loop, as ``timeit`` does (``--gc`` keeps it running).
The CPU steal and a fixed reference loop are printed: on a shared virtual machine they tell
whether the absolute milliseconds of a run can be trusted. The last line is
machine-readable::

    RESULT first_page_p95_ms=<x> deep_page_p95_ms=<x> speedup=<x> growth=<x>

(signed-in feed, full size; speedup = naive baseline first-page p95 / service first-page
p95; growth = service first-page p95 at full size / at 1/10 size). Progress goes to stderr.
``--db PATH --keep`` keeps the SQLite files and ``--reuse`` times them again without
rebuilding; ``--explain`` prints the plan of every query the service issues.

``--url postgresql+psycopg://...`` runs on PostgreSQL instead: the database's ``public``
schema is DROPPED and rebuilt, so never point it at a database you care about.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Pseudonyms need a key; never create data/secret.key from a benchmark.
os.environ.setdefault("CIVO_SECRET_KEY", "bench-feed-not-a-secret")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel, select  # noqa: E402

import civo.models  # noqa: E402,F401  (registers every table)
from civo import policy  # noqa: E402
from civo.db import make_engine  # noqa: E402
from civo.models import (  # noqa: E402
    Community,
    Follow,
    Membership,
    User,
)
from civo.models.participation import Item, ItemRead  # noqa: E402
from civo.services import feed  # noqa: E402

UTC = timezone.utc
EMOJIS = ("agree", "inspiring", "love", "think", "concerned")
EMOJI_WEIGHTS = (40, 20, 15, 15, 10)
WORDS = ("mobility bike lane park school library budget tree square market tram bus "
         "housing energy water noise safety youth culture sport festival garden street "
         "district council neighbourhood climate solar recycling bench playground night "
         "lighting crossing pavement river bridge museum health care elderly jobs").split()
BATCH = 20_000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---- sizes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    communities: int
    users: int
    items: int
    reads: int
    reactions: int
    seed: int

    @classmethod
    def at(cls, scale: float, seed: int) -> Size:
        return cls(
            communities=max(5, round(200 * scale)), users=max(200, round(20_000 * scale)),
            items=max(500, round(100_000 * scale)), reads=max(5_000, round(2_000_000 * scale)),
            reactions=max(2_500, round(1_000_000 * scale)), seed=seed,
        )

    def label(self) -> str:
        return (f"{self.communities} communities, {self.users:,} users, {self.items:,} items, "
                f"{self.reads:,} reads, {self.reactions:,} reactions")


# ---- schema -------------------------------------------------------------------------------


def reset_and_migrate(engine: sa.Engine) -> None:
    """An empty database migrated to head by the project's own migrations."""
    from reflex.model import _alembic_upgrade

    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            for table in reversed(SQLModel.metadata.sorted_tables):
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}"'))
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    with engine.connect() as conn:
        _alembic_upgrade(connection=conn)
        conn.commit()


# ---- data generation ----------------------------------------------------------------------


def _text(rng: random.Random, lo: int, hi: int) -> str:
    n = rng.randint(lo, hi)
    out: list[str] = []
    length = 0
    while length < n:
        w = rng.choice(WORDS)
        out.append(w)
        length += len(w) + 1
    return " ".join(out).capitalize()[:n].rstrip() + "."


def _split(total: int, weights: list[float], caps: list[int], rng: random.Random) -> list[int]:
    """``total`` split proportionally to ``weights``, each share <= its cap, summing exactly."""
    s = sum(weights)
    counts = [min(cap, int(total * w / s)) for w, cap in zip(weights, caps)]
    missing = total - sum(counts)
    if missing > sum(caps) - sum(counts):
        raise ValueError("not enough room for the requested rows")
    order = list(range(len(weights)))
    while missing > 0:
        picks = rng.choices(order, weights=weights, k=min(missing, 100_000))
        for i in picks:
            if missing and counts[i] < caps[i]:
                counts[i] += 1
                missing -= 1
    return counts


def _insert(conn: sa.Connection, table: sa.Table, rows, label: str, total: int) -> None:
    batch: list[dict] = []
    done = 0
    started = time.perf_counter()
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(table.insert(), batch)
            done += len(batch)
            batch = []
            if done % (BATCH * 25) == 0:
                conn.commit()
                log(f"  {label}: {done:,}/{total:,}")
    if batch:
        conn.execute(table.insert(), batch)
        done += len(batch)
    conn.commit()
    log(f"  {label}: {done:,} rows in {time.perf_counter() - started:.1f}s")


def generate(engine: sa.Engine, size: Size) -> dict:
    """Fill a freshly migrated database; returns facts the timing part needs."""
    rng = random.Random(size.seed)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    year = 365 * 86400.0
    nc, nu, ni = size.communities, size.users, size.items
    t0 = time.perf_counter()

    # Communities: skewed sizes (Zipf-like), a few private, one archived.
    comm_ids = list(range(1, nc + 1))
    weight = [1.0 / (rank ** 0.8) for rank in comm_ids]  # community id == popularity rank
    private = {c for c in comm_ids if c % 40 == 7} or {comm_ids[len(comm_ids) // 2]}
    archived = {comm_ids[(3 * nc) // 4]} if nc >= 50 else set()

    # Users and follows (3-6 distinct communities each, chosen by popularity).
    follows: list[tuple[int, int]] = []
    followed_by: list[list[int]] = [[] for _ in range(nu + 1)]
    for u in range(1, nu + 1):
        k = rng.randint(3, 6)
        chosen: set[int] = set()
        while len(chosen) < min(k, nc):
            chosen.add(rng.choices(comm_ids, weights=weight)[0])
        followed_by[u] = sorted(chosen)
        follows.extend((u, c) for c in followed_by[u])
    follower_count = [0] * (nc + 1)
    for _, c in follows:
        follower_count[c] += 1
    watermark: list[float | None] = [None] * (nu + 1)  # seconds before now
    for u in range(1, nu + 1):
        if rng.random() < 0.4:  # 60 % never used "mark all read"
            watermark[u] = min(year, rng.expovariate(1 / (60 * 86400.0)))

    # Projects and phases.
    items_per_comm = _split(ni, weight, [ni] * nc, rng)
    projects: list[dict] = []
    phases: list[dict] = []
    phases_of: dict[int, list[tuple[int, str]]] = {}
    project_of_phase: dict[int, int] = {}
    for c, count in zip(comm_ids, items_per_comm):
        phases_of[c] = []
        for _ in range(max(2, min(30, count // 400))):
            pid = len(projects) + 1
            is_open = rng.random() < 0.6
            created = now - timedelta(seconds=rng.uniform(0.5, 1.0) * year)
            projects.append(dict(
                id=pid, community_id=c, title=_text(rng, 20, 60), summary=_text(rng, 40, 120),
                purpose="", expected_outcome="", status="open" if is_open else "closed",
                cover_url="", published_at=created, created_at=created))
            n_phases = rng.randint(1, 3)
            for pos in range(n_phases):
                ph = len(phases) + 1
                module = rng.choice(("ideas", "debate"))
                status = "open" if is_open and pos == n_phases - 1 else "closed"
                phases.append(dict(
                    id=ph, project_id=pid, position=pos, title=_text(rng, 10, 40),
                    description="", module_key=module, status=status,
                    settings={"question": "Should we?"} if module == "debate" else {},
                    created_at=created))
                phases_of[c].append((ph, module))
                project_of_phase[ph] = pid

    # Items: created over the past year (more recently more), ids in creation order.
    raw: list[tuple[float, int]] = []  # (seconds before now at creation, community)
    for c, count in zip(comm_ids, items_per_comm):
        raw.extend((year * (rng.random() ** 1.3), c) for _ in range(count))
    raw.sort(key=lambda r: -r[0])
    created_ago = [0.0] * (ni + 1)
    activity_ago = [0.0] * (ni + 1)
    item_comm = [0] * (ni + 1)
    deleted = [False] * (ni + 1)
    comments = [0] * (ni + 1)
    for i, (ago, c) in enumerate(raw, start=1):
        created_ago[i] = ago
        item_comm[i] = c
        deleted[i] = rng.random() < 0.01
        n_comments = int(rng.expovariate(1 / 2.5)) if rng.random() < 0.7 else 0
        if rng.random() < 0.03:
            n_comments += rng.randint(20, 200)
        comments[i] = n_comments
        # Only comments touch last_activity_at (items.bump(touch=True) in comments.py).
        activity_ago[i] = max(0.0, ago - rng.expovariate(1 / (5 * 86400.0))) if n_comments else ago

    # Reactions: heavy-tailed per item, unique (item, user), exactly size.reactions rows.
    popularity = [0.0] + [rng.lognormvariate(0, 1.3) * (2.0 if comments[i] > 10 else 1.0)
                          for i in range(1, ni + 1)]
    react_n = [0] + _split(size.reactions, popularity[1:], [nu] * ni, rng)
    r_counts = [[0] * 5 for _ in range(ni + 1)]
    supports = [0] * (ni + 1)

    module_of = [""] * (ni + 1)
    phase_of = [0] * (ni + 1)
    for i in range(1, ni + 1):
        phase_of[i], module = rng.choice(phases_of[item_comm[i]])
        module_of[i] = module
        if module == "ideas":
            supports[i] = int(rng.expovariate(1 / 4.0))
    log(f"  planned {ni:,} items, {len(projects)} projects, {len(phases)} phases in "
        f"{time.perf_counter() - t0:.1f}s")

    def dt(ago: float) -> datetime:
        return now - timedelta(seconds=ago)

    # Read marks: per user, concentrated on followed communities, biased to the top of the
    # feed (recent activity); a tenth anywhere. Exactly size.reads rows.
    live_by_comm: dict[int, list[int]] = {c: [] for c in comm_ids}
    for i in range(1, ni + 1):
        if not deleted[i]:
            live_by_comm[item_comm[i]].append(i)
    for c in comm_ids:  # feed order: latest activity first
        live_by_comm[c].sort(key=lambda i: (activity_ago[i], -i))
    pool = [0] + [sum(len(live_by_comm[c]) for c in followed_by[u]) for u in range(1, nu + 1)]
    appetite = [rng.lognormvariate(0, 1.2) for _ in range(nu)]
    reads_n = _split(size.reads, appetite, [max(1, int(0.9 * pool[u]) + ni // 20)
                                            for u in range(1, nu + 1)], rng)

    def reads_for(u: int, n: int) -> list[int]:
        mine = followed_by[u]
        sizes = [len(live_by_comm[c]) for c in mine]
        n_follow = min(int(0.9 * pool[u]), round(n * 0.9))
        got: set[int] = set()
        if n_follow > 0.3 * pool[u]:
            got.update(rng.sample([i for c in mine for i in live_by_comm[c]], n_follow))
        else:
            while len(got) < n_follow:
                c = rng.choices(mine, weights=sizes)[0]
                lst = live_by_comm[c]
                got.add(lst[int(len(lst) * rng.random() ** 2.5)])
        while len(got) < n:
            got.add(rng.randint(1, ni))
        return sorted(got)

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # generated consistently
        md = SQLModel.metadata.tables
        conn.execute(md["place"].insert(), [dict(id=1, name="Benchland", search_name="benchland",
                                                 slug="benchland", kind="country",
                                                 parent_id=None)])
        conn.execute(md["place"].insert(), [
            dict(id=1 + c, name=f"Bench city {c}", search_name=f"bench city {c}",
                 slug=f"bench-city-{c}", kind="city", parent_id=1) for c in comm_ids])
        conn.execute(md["community"].insert(), [
            dict(id=c, name=f"Community {c}", search_name=f"community {c}",
                 slug=f"community-{c}", kind="city" if c % 5 else "organisation",
                 place_id=1 + c, parent_id=None, description=_text(rng, 40, 200),
                 is_private=c in private, is_archived=c in archived,
                 follower_count=follower_count[c], created_at=now - timedelta(days=400))
            for c in comm_ids])
        conn.commit()
        user_created = now - timedelta(days=400)
        _insert(conn, md["user_account"], (
            dict(id=u, full_name=f"Bench User {u}", email=f"user{u}@bench.example",
                 password_hash="x", home_place_id=1, locale=None, is_platform_admin=False,
                 is_moderator=False,
                 feed_read_before=None if watermark[u] is None else dt(watermark[u]),
                 created_at=user_created)
            for u in range(1, nu + 1)), "users", nu)
        _insert(conn, md["follow"], (
            dict(user_id=u, community_id=c, created_at=user_created) for u, c in follows),
            "follows", len(follows))
        members = [(u, c) for u, c in follows if c in private]
        _insert(conn, md["membership"], (
            dict(user_id=u, community_id=c, access_code_id=None, created_at=user_created)
            for u, c in members), "memberships", len(members))
        conn.execute(md["project"].insert(), projects)
        conn.execute(md["phase"].insert(), phases)
        conn.commit()

        # Reactions first (the item counters are derived from them).
        def reaction_rows():
            emoji_idx = range(5)
            for i in range(1, ni + 1):
                k = react_n[i]
                if not k:
                    continue
                users = rng.sample(range(1, nu + 1), k)
                kinds = rng.choices(emoji_idx, weights=EMOJI_WEIGHTS, k=k)
                span = created_ago[i]
                for uid, e in zip(sorted(users), kinds):
                    r_counts[i][e] += 1
                    yield dict(target_kind="item", target_id=i, user_id=uid, emoji=EMOJIS[e],
                               created_at=dt(span * rng.random()))

        _insert(conn, md["reaction"], reaction_rows(), "reactions", size.reactions)

        def item_rows_gen():
            for i in range(1, ni + 1):
                c = item_comm[i]
                module = module_of[i]
                ph = phase_of[i]
                rc = react_n[i]
                ec = comments[i] + rc + supports[i]
                created = dt(created_ago[i])
                yield dict(
                    id=i, community_id=c, project_id=project_of_phase[ph], phase_id=ph,
                    module_key=module, kind="idea" if module == "ideas" else "contribution",
                    author_id=rng.randint(1, nu), is_anonymous=rng.random() < 0.1,
                    title=_text(rng, 15, 80) if module == "ideas" else "",
                    body=_text(rng, 40, 600),
                    extra={} if module == "ideas" else {"stance": rng.choice(("for", "against",
                                                                               "neutral"))},
                    created_at=created, edited_at=None,
                    deleted_at=dt(created_ago[i] / 2) if deleted[i] else None,
                    last_activity_at=dt(activity_ago[i]), comment_count=comments[i],
                    reaction_count=rc, support_count=supports[i], engagement_count=ec,
                    r_agree=r_counts[i][0], r_inspiring=r_counts[i][1], r_love=r_counts[i][2],
                    r_think=r_counts[i][3], r_concerned=r_counts[i][4])

        _insert(conn, md["item"], item_rows_gen(), "items", ni)

        def read_rows():
            for u in range(1, nu + 1):
                for i in reads_for(u, reads_n[u - 1]):
                    yield dict(user_id=u, item_id=i, read_at=dt(created_ago[i] * rng.random()))

        _insert(conn, md["item_read"], read_rows(), "read marks", size.reads)

        log("  ANALYZE")
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn.execute(sa.text("ANALYZE"))
        conn.commit()
    log(f"  generated in {time.perf_counter() - t0:.1f}s")
    return dict(now=now.isoformat())


def verify_counts(engine: sa.Engine) -> dict[str, int]:
    names = ("community", "user_account", "follow", "project", "phase", "item", "item_read",
             "reaction")
    with engine.connect() as conn:
        return {n: conn.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar_one()
                for n in names}


# ---- timing helpers -----------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Stat:
    samples: list[float] = field(default_factory=list)  # milliseconds

    @property
    def p50(self) -> float:
        return pct(self.samples, 0.50)

    @property
    def p95(self) -> float:
        return pct(self.samples, 0.95)


def timed(engine: sa.Engine, fn, **kwargs) -> tuple[float, object]:
    """One call with a fresh Session (as one request would), in milliseconds."""
    start = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        result = fn(session=session, **kwargs)
    return (time.perf_counter() - start) * 1000.0, result


# ---- the naive baselines ------------------------------------------------------------------


def naive_personal(session: Session, actor: policy.Actor, limit: int = feed.PAGE_SIZE):
    """Load every followed item and every read mark through the ORM; sort in Python."""
    followed = [f.community_id for f, c in session.exec(
        select(Follow, Community).join(Community, Community.id == Follow.community_id)
        .where(Follow.user_id == actor.user_id)) if policy.can_see_community(actor, c)]
    user = session.get(User, actor.user_id)
    watermark = user.feed_read_before
    rows = list(session.exec(select(Item).where(Item.community_id.in_(followed))))
    marks = {r.item_id for r in session.exec(select(ItemRead).where(
        ItemRead.user_id == actor.user_id))}
    live = [r for r in rows if r.deleted_at is None]

    def is_read(r: Item) -> bool:
        return (watermark is not None and r.created_at <= watermark) or r.id in marks

    live.sort(key=lambda r: (is_read(r), -r.last_activity_at.timestamp(), -r.id))
    top = live[:limit]
    return feed.card_rows(session, actor, top, unread={r.id for r in top if not is_read(r)})


def naive_visitor(session: Session, actor: policy.Actor = policy.ANONYMOUS,
                  limit: int = feed.PAGE_SIZE):
    """Load every public item through the ORM; mix the three orders in Python."""
    public = {c.id for c in session.exec(select(Community)) if not c.is_private
              and not c.is_archived}
    rows = [r for r in session.exec(select(Item)) if r.community_id in public
            and r.deleted_at is None]
    streams = [
        sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True),
        sorted(rows, key=lambda r: (r.comment_count, r.id), reverse=True),
        sorted(rows, key=lambda r: (r.engagement_count, r.id), reverse=True),
    ]
    picked: list[Item] = []
    seen: set[int] = set()
    pos = [0, 0, 0]
    while len(picked) < limit and any(pos[i] < len(streams[i]) for i in range(3)):
        for i in range(3):
            if len(picked) >= limit:
                break
            while pos[i] < len(streams[i]) and streams[i][pos[i]].id in seen:
                pos[i] += 1
            if pos[i] < len(streams[i]):
                row = streams[i][pos[i]]
                pos[i] += 1
                seen.add(row.id)
                picked.append(row)
    return feed.card_rows(session, actor, picked)


# ---- one measured dataset -----------------------------------------------------------------


@dataclass
class Measures:
    label: str
    size: dict
    personal_first: Stat = field(default_factory=Stat)
    personal_deep: Stat = field(default_factory=Stat)
    personal_naive: Stat = field(default_factory=Stat)
    visitor_first: Stat = field(default_factory=Stat)
    visitor_deep: Stat = field(default_factory=Stat)
    visitor_naive: Stat = field(default_factory=Stat)
    deep_positions: list[int] = field(default_factory=list)
    visitor_deep_positions: list[int] = field(default_factory=list)
    sample_users: int = 0
    sample_pool: tuple[int, int] = (0, 0)
    agree_personal: tuple[int, int] = (0, 0)
    agree_visitor: tuple[int, int] = (0, 0)
    counts: dict = field(default_factory=dict)


def pick_users(engine: sa.Engine, n: int, deep: int, rng: random.Random
               ) -> list[tuple[int, int]]:
    """(user, feed size) for users whose visible followed items allow a page at ``deep``,
    half with a "mark all read" watermark, half without."""
    with engine.connect() as conn:
        per_comm = dict(conn.execute(sa.text(
            "SELECT i.community_id, count(*) FROM item i JOIN community c "
            "ON c.id = i.community_id WHERE i.deleted_at IS NULL AND c.is_archived = false "
            "GROUP BY i.community_id")).all())
        wm = dict(conn.execute(sa.text(
            "SELECT id, feed_read_before IS NULL FROM user_account")).all())
        sizes: dict[int, int] = {}
        for u, c in conn.execute(sa.text("SELECT user_id, community_id FROM follow")):
            sizes[u] = sizes.get(u, 0) + per_comm.get(c, 0)
    rows = sorted((u, s, bool(wm[u])) for u, s in sizes.items())
    good = [(u, size, bool(nowm)) for u, size, nowm in rows if size >= deep + 2 * feed.PAGE_SIZE]
    if len(good) < n:
        good = sorted(((u, s, w) for u, s, w in rows), key=lambda r: -r[1])[: max(n, 1)]
    with_wm = [g for g in good if not g[2]]
    without = [g for g in good if g[2]]
    rng.shuffle(with_wm)
    rng.shuffle(without)
    chosen = with_wm[: n // 2] + without[: n - min(n // 2, len(with_wm))]
    chosen = chosen[:n]
    return [(u, s) for u, s, _ in chosen]


def page_to(engine: sa.Engine, fn, deep: int, **kwargs) -> tuple[str | None, int, list[str]]:
    """Page with the service until position >= deep; (cursor, position, cursors seen)."""
    cursor, position, seen = None, 0, []
    with Session(engine, expire_on_commit=False) as session:
        while position < deep:
            page = fn(session=session, cursor=cursor, **kwargs)
            if page.next_cursor is None:
                break
            position += len(page.items)
            cursor = page.next_cursor
            seen.append(cursor)
    return cursor, position, seen


class paused_gc:
    """Collect, then keep the cyclic GC out of the timed loop (as ``timeit`` does)."""

    def __init__(self, enabled: bool) -> None:
        self.pause = enabled

    def __enter__(self) -> None:
        gc.collect()
        if self.pause:
            gc.disable()

    def __exit__(self, *exc) -> None:
        if self.pause:
            gc.enable()


class Run:
    """One dataset: its sample, cursors, and the timed passes (interleavable)."""

    def __init__(self, engine: sa.Engine, label: str, size: Size, args) -> None:
        self.engine, self.args = engine, args
        self.m = Measures(label=label, size=asdict(size), counts=verify_counts(engine))
        log(f"[{label}] rows: {self.m.counts}")
        rng = random.Random(size.seed + 1)
        self.sample = pick_users(engine, args.users, args.deep, rng)
        self.m.sample_users = len(self.sample)
        self.m.sample_pool = (min(s for _, s in self.sample), max(s for _, s in self.sample))
        with Session(engine, expire_on_commit=False) as s:
            self.actors = {u: feed_actor(s, u) for u, _ in self.sample}
        log(f"[{label}] paging {len(self.sample)} signed-in feeds and the visitor feed to "
            f"position >= {args.deep} with the service")
        self.deep_cursor: dict[int, str] = {}
        for u, _ in self.sample:
            cursor, position, _seen = page_to(engine, feed.personal, args.deep,
                                              actor=self.actors[u])
            if cursor is not None:
                self.deep_cursor[u] = cursor
                self.m.deep_positions.append(position)
        _c, _p, seen = page_to(engine, feed.visitor, args.deep + 10 * feed.PAGE_SIZE,
                               actor=policy.ANONYMOUS)
        first_deep = math.ceil(args.deep / feed.PAGE_SIZE) - 1
        if seen[first_deep:]:
            self.visitor_cursors = seen[first_deep:]
            self.m.visitor_deep_positions = [(first_deep + k + 1) * feed.PAGE_SIZE
                                             for k in range(len(self.visitor_cursors))]
        else:
            self.visitor_cursors = seen[-1:] or [None]
            self.m.visitor_deep_positions = [len(seen) * feed.PAGE_SIZE]
        # Warm-up (page cache, compiled statements): one untimed call of each kind.
        for u, _ in self.sample:
            timed(engine, feed.personal, actor=self.actors[u])
        for cursor in self.visitor_cursors[:3] + [None]:
            timed(engine, feed.visitor, actor=policy.ANONYMOUS, cursor=cursor)

    def service_pass(self) -> None:
        """One pass: every sampled user's first page, then deep page; as many visitor calls."""
        e, m = self.engine, self.m
        with paused_gc(not self.args.gc):
            for u, _ in self.sample:
                m.personal_first.samples.append(timed(e, feed.personal, actor=self.actors[u])[0])
            for u, cursor in self.deep_cursor.items():
                m.personal_deep.samples.append(
                    timed(e, feed.personal, actor=self.actors[u], cursor=cursor)[0])
            for _ in self.sample:
                m.visitor_first.samples.append(timed(e, feed.visitor, actor=policy.ANONYMOUS)[0])
            for k in range(len(self.sample)):
                cursor = self.visitor_cursors[(k + len(m.visitor_deep.samples))
                                              % len(self.visitor_cursors)]
                m.visitor_deep.samples.append(
                    timed(e, feed.visitor, actor=policy.ANONYMOUS, cursor=cursor)[0])

    def baseline_slice(self, rep: int, reps: int) -> None:
        """This pass's share of the naive baselines (spread over the passes so both sides of
        the speedup see the same machine), each checked against the service's first page."""
        e, m, args = self.engine, self.m, self.args
        users = self.sample[rep::reps]
        agree = 0
        for _ in range(args.baseline_repeat):
            for u, _ in users:
                with paused_gc(not args.gc):
                    ms, cards = timed(e, naive_personal, actor=self.actors[u])
                m.personal_naive.samples.append(ms)
                _, page = timed(e, feed.personal, actor=self.actors[u])
                agree += ([c.id for c in cards] == [c.id for c in page.items]
                          and [c.unread for c in cards] == [c.unread for c in page.items])
        m.agree_personal = (m.agree_personal[0] + agree,
                            m.agree_personal[1] + len(users) * args.baseline_repeat)
        due = math.ceil(args.visitor_baseline_runs * (rep + 1) / reps)
        while len(m.visitor_naive.samples) < due:
            with paused_gc(not args.gc):
                ms, cards = timed(e, naive_visitor)
            m.visitor_naive.samples.append(ms)
            _, page = timed(e, feed.visitor, actor=policy.ANONYMOUS)
            same = [c.id for c in cards] == [c.id for c in page.items]
            m.agree_visitor = (m.agree_visitor[0] + same, m.agree_visitor[1] + 1)


def cpu_reference() -> float:
    """Milliseconds for a fixed pure-Python loop (median of 7): compares machines and runs."""
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        total = 0
        for i in range(200_000):
            total += i * i % 7
        runs.append((time.perf_counter() - start) * 1000.0)
    return sorted(runs)[3]


def cpu_times() -> tuple[int, int]:
    """(steal, total) jiffies from /proc/stat (0, 0 where unavailable)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def feed_actor(session: Session, user_id: int) -> policy.Actor:
    member_of = frozenset(session.exec(select(Membership.community_id).where(
        Membership.user_id == user_id)).all())
    return policy.Actor(user_id=user_id, member_of=member_of)


def explain(engine: sa.Engine, run: Run) -> None:
    """Print the plan (and replay time) of every SELECT the service issues (stderr)."""
    user = run.sample[0][0]
    actor, deep_cursor = run.actors[user], run.deep_cursor.get(user)
    captured: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    calls = [("personal first", feed.personal, dict(actor=actor)),
             ("personal deep", feed.personal, dict(actor=actor, cursor=deep_cursor)),
             ("visitor first", feed.visitor, dict(actor=policy.ANONYMOUS)),
             ("visitor deep", feed.visitor, dict(actor=policy.ANONYMOUS,
                                                 cursor=run.visitor_cursors[0]))]
    for name, fn, kwargs in calls:
        captured.clear()
        sa.event.listen(engine, "before_cursor_execute", grab)
        try:
            timed(engine, fn, **kwargs)
        finally:
            sa.event.remove(engine, "before_cursor_execute", grab)
        print(f"--- EXPLAIN: {name} (user {user})", file=sys.stderr)
        with engine.connect() as conn:
            for statement, params in captured:
                prefix = ("EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite"
                          else "EXPLAIN ")
                t = time.perf_counter()
                conn.exec_driver_sql(statement, params).fetchall()
                took = (time.perf_counter() - t) * 1000
                print(f"{took:7.2f} ms  {' '.join(statement.split())[:300]}", file=sys.stderr)
                for row in conn.exec_driver_sql(prefix + statement, params):
                    print("        " + " | ".join(str(x) for x in row), file=sys.stderr)


# ---- orchestration ------------------------------------------------------------------------


def prepare(url: str, size: Size, sidecar: Path | None, reuse: bool) -> sa.Engine:
    engine = make_engine(url)
    if reuse and sidecar is not None and sidecar.exists():
        if json.loads(sidecar.read_text()).get("size") == asdict(size):
            log(f"reusing {url} ({size.label()})")
            return engine
    log(f"building {url}: {size.label()}")
    if sidecar is not None and sidecar.exists():
        sidecar.unlink()
    reset_and_migrate(engine)
    load = make_engine(url)  # its own pool: the loader's pragmas never reach the timed engine
    facts = generate(load, size)
    load.dispose()
    engine.dispose()
    if sidecar is not None:
        sidecar.write_text(json.dumps({"size": asdict(size), **facts}))
    return make_engine(url)


def row(name: str, small: Stat, full: Stat, growth: bool = True) -> str:
    g = f"{full.p95 / small.p95:8.2f}x" if growth and small.p95 > 0 else " " * 9
    return (f"{name:<40}{small.p50:9.2f}{small.p95:9.2f}   {full.p50:9.2f}{full.p95:9.2f}"
            f"   {g}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="data size (1.0 = 100,000 items; 0.05 for a quick smoke run)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed passes (each: every sampled user's first and deep page, "
                             "as many visitor first and deep pages), default 5")
    parser.add_argument("--users", type=int, default=50, help="sampled signed-in readers")
    parser.add_argument("--deep", type=int, default=1000, help="deep page position (>=)")
    parser.add_argument("--baseline-repeat", type=int, default=1,
                        help="naive signed-in baseline passes over the user sample")
    parser.add_argument("--visitor-baseline-runs", type=int, default=5)
    parser.add_argument("--db", help="SQLite file for the full-size data (the 1/10 data goes "
                                     "beside it, suffix .tenth); default: a temporary file")
    parser.add_argument("--url", help="PostgreSQL URL instead of SQLite (its public schema is "
                                      "DROPPED and rebuilt)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse --db files built by an earlier run with the same sizes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite files")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--gc", action="store_true",
                        help="keep Python's cyclic GC running during timed calls (default: "
                             "collected before and paused during each timed loop, as timeit)")
    parser.add_argument("--explain", action="store_true",
                        help="print the query plans of the service's queries (stderr)")
    args = parser.parse_args(argv)

    db = Path(args.db).resolve() if args.db else None
    os.chdir(ROOT)  # alembic.ini and rxconfig.py live here
    tmpdir = None
    if args.url:
        targets = [(args.url, None), (args.url, None)]
    else:
        if db is None:
            tmpdir = Path(tempfile.mkdtemp(prefix="civo-bench-feed-"))
            db = tmpdir / "feed.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        small_db = db.with_name(db.name + ".tenth")
        targets = [(f"sqlite:///{small_db}", small_db.with_name(small_db.name + ".json")),
                   (f"sqlite:///{db}", db.with_name(db.name + ".json"))]

    full = Size.at(args.scale, args.seed)
    small = Size.at(args.scale / 10, args.seed)
    wall = time.perf_counter()
    steal = [0, 0]
    reference = [cpu_reference()]

    def passes(runs: list[Run]) -> None:
        for rep in range(args.repeat):
            order = runs if rep % 2 == 0 else runs[::-1]  # alternate who goes first
            reference.append(cpu_reference())
            log(f"timed pass {rep + 1}/{args.repeat} (service, then naive baselines): "
                + ", ".join(r.m.label for r in order))
            for run in order:
                s0, t0 = cpu_times()
                run.service_pass()
                s1, t1 = cpu_times()
                steal[0] += s1 - s0
                steal[1] += t1 - t0
                run.baseline_slice(rep, args.repeat)

    results: list[Measures] = []
    if args.url:  # one database: each size in turn
        for (url, sidecar), size, label in zip(targets, (small, full), ("1/10", "full")):
            engine = prepare(url, size, sidecar, args.reuse)
            try:
                run = Run(engine, label, size, args)
                passes([run])
                if args.explain:
                    explain(engine, run)
                results.append(run.m)
            finally:
                engine.dispose()
    else:  # both sizes side by side, timed passes interleaved (same machine conditions)
        engines = [prepare(url, size, sidecar, args.reuse)
                   for (url, sidecar), size in zip(targets, (small, full))]
        try:
            runs = [Run(e, label, size, args)
                    for e, label, size in zip(engines, ("1/10", "full"), (small, full))]
            passes(runs)
            if args.explain:
                explain(engines[1], runs[1])
            results = [run.m for run in runs]
        finally:
            for e in engines:
                e.dispose()
    tenth, big = results
    reference.append(cpu_reference())

    import sqlite3

    backend = "PostgreSQL" if args.url else f"SQLite {sqlite3.sqlite_version}"
    out = []
    out.append("")
    out.append(f"Civo feed benchmark — {backend}, times in ms; every call through "
               f"civo.services.feed with a fresh Session, page size {feed.PAGE_SIZE}; cyclic GC "
               f"{'running' if args.gc else 'paused'} during timed calls")
    out.append(f"  full: {full.label()}")
    out.append(f"  1/10: {small.label()}")
    out.append(f"  signed-in sample: {big.sample_users} users (followed feed {big.sample_pool[0]:,}"
               f"–{big.sample_pool[1]:,} items) x {args.repeat} passes; 1/10 sample: "
               f"{tenth.sample_users} users ({tenth.sample_pool[0]:,}–{tenth.sample_pool[1]:,}"
               f" items)")
    out.append(f"  deep page positions: signed-in full {min(big.deep_positions, default=0)}"
               f"–{max(big.deep_positions, default=0)}, 1/10 "
               f"{min(tenth.deep_positions, default=0)}–{max(tenth.deep_positions, default=0)}; "
               f"visitor full {big.visitor_deep_positions[0]}–{big.visitor_deep_positions[-1]}")
    out.append("")
    out.append(f"{'':<40}{'--- 1/10 data ---':>18}   {'--- full data ---':>18}   {'growth':>9}")
    out.append(f"{'':<40}{'p50':>9}{'p95':>9}   {'p50':>9}{'p95':>9}   {'(p95)':>9}")
    out.append(row("signed-in first page (service)", tenth.personal_first, big.personal_first))
    out.append(row("signed-in deep page >=1000 (service)", tenth.personal_deep,
                   big.personal_deep))
    out.append(row("signed-in first page (naive baseline)", tenth.personal_naive,
                   big.personal_naive))
    out.append(row("visitor first page (service)", tenth.visitor_first, big.visitor_first))
    out.append(row("visitor deep page >=1000 (service)", tenth.visitor_deep, big.visitor_deep))
    out.append(row("visitor first page (naive baseline)", tenth.visitor_naive,
                   big.visitor_naive))
    def best(stat: Stat, n: int) -> Stat:  # each user's fastest pass: the machine's noise out
        return Stat([min(stat.samples[i::n]) for i in range(n)]) if n else Stat()

    out.append(row("  signed-in first, each user's best pass",
                   best(tenth.personal_first, tenth.sample_users),
                   best(big.personal_first, big.sample_users)))
    out.append(row("  signed-in deep, each user's best pass",
                   best(tenth.personal_deep, len(tenth.deep_positions)),
                   best(big.personal_deep, len(big.deep_positions))))
    sp = big.personal_naive.p95 / big.personal_first.p95
    sv = big.visitor_naive.p95 / big.visitor_first.p95
    growth = big.personal_first.p95 / tenth.personal_first.p95
    out.append("")
    out.append(f"speedup, full data (naive p95 / service p95, first page): signed-in {sp:.1f}x, "
               f"visitor {sv:.1f}x   (1/10 data: signed-in "
               f"{tenth.personal_naive.p95 / tenth.personal_first.p95:.1f}x, visitor "
               f"{tenth.visitor_naive.p95 / tenth.visitor_first.p95:.1f}x)")
    out.append(f"same first page from the service and the naive baseline: signed-in "
               f"{big.agree_personal[0]}/{big.agree_personal[1]} calls (1/10: "
               f"{tenth.agree_personal[0]}/{tenth.agree_personal[1]}), visitor "
               f"{big.agree_visitor[0]}/{big.agree_visitor[1]} (1/10: "
               f"{tenth.agree_visitor[0]}/{tenth.agree_visitor[1]})")
    out.append(f"samples: signed-in first/deep {len(big.personal_first.samples)}/"
               f"{len(big.personal_deep.samples)}, naive {len(big.personal_naive.samples)}; "
               f"visitor first/deep {len(big.visitor_first.samples)}/"
               f"{len(big.visitor_deep.samples)}, naive {len(big.visitor_naive.samples)}")
    first_ok = big.personal_first.p95 <= 10.0
    out.append(f"targets: first page p95 <= 10 ms: {'PASS' if first_ok else 'FAIL'} "
               f"({big.personal_first.p95:.2f}); >= 50x baseline: "
               f"{'PASS' if sp >= 50 else 'FAIL'} ({sp:.1f}x); growth <= 1.5x: "
               f"{'PASS' if growth <= 1.5 else 'FAIL'} ({growth:.2f}x)")
    share = 100.0 * steal[0] / steal[1] if steal[1] else float("nan")
    out.append(f"CPU steal during the timed service passes: {share:.1f}% "
               f"(a noisy virtual machine inflates every figure, p95 most)")
    out.append(f"CPU reference loop (fixed pure-Python work, before each pass): "
               f"{min(reference):.1f}–{max(reference):.1f} ms (compares machines and runs; "
               f"a wide range means the machine's speed changed during the run)")
    out.append(f"wall time {time.perf_counter() - wall:.0f}s")
    out.append(f"RESULT first_page_p95_ms={big.personal_first.p95:.2f} "
               f"deep_page_p95_ms={big.personal_deep.p95:.2f} speedup={sp:.2f} "
               f"growth={growth:.2f}")
    print("\n".join(out), flush=True)

    if tmpdir is not None and not args.keep:
        for p in tmpdir.iterdir():
            p.unlink()
        tmpdir.rmdir()
    elif tmpdir is not None:
        log(f"kept {tmpdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
