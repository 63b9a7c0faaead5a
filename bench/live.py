"""Live updates under load: Civo in production mode beside a bare Reflex counter, one run.

    python bench/live.py                       # one worker, SQLite (a throw-away file)
    python bench/live.py --workers 3 --redis redis://127.0.0.1:6379/2 \\
        --db postgresql+psycopg://postgres@127.0.0.1:5432/civo_bench   # (that database is wiped)

What it does:
1. Builds a throw-away database (the project's migrations, the demo data, N confirmed
   accounts with open sessions, one idea in an open idea box).
2. Starts Civo's backend (``reflex run --env prod --backend-only``, granian, ``--workers``)
   and a bare Reflex counter app the same way, from a temporary folder.
3. Crafted Socket.IO clients (as a browser's websocket would: the session cookie var, the
   item page's on_load, then events) send ~1 event/s each with jitter, at each client level:
   Civo toggles a reaction on the idea, the counter increments. Round-trip = from the emit
   to the reply carrying the handler's own change. No reply within 5 s, a refused
   connection or a disconnect is an error.
4. Fan-out: N pages open on the idea, one more client reacts; time until each page got a
   live message with the idea's counts. SQL statements per reaction are counted in the
   backend (``CIVO_BENCH_SQL_FILE``, off in normal runs) with 200 and with 20 pages open.
5. Backend memory: the peak RSS of each backend's process tree; and the backend CPU time
   per event served (the process tree's user + system seconds over a level, divided by the
   replies), a figure other load on the machine moves far less than latency.

Prints a table, then as its last line:
``RESULT react_p95_ms=… bare_p95_ms=… ratio=… fanout_200_p95_ms=… sql_per_reaction=… errors=…``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TIMEOUT = 5.0
PLACEHOLDER_HASH = "bench-account-no-password"  # these accounts never sign in by password

COUNTER_APP = '''
import reflex as rx


class CounterState(rx.State):
    count: int = 0

    @rx.event
    def increment(self):
        self.count += 1


def index() -> rx.Component:
    return rx.hstack(rx.text(CounterState.count),
                     rx.button("+1", on_click=CounterState.increment))


app = rx.App()
app.add_page(index)
'''
COUNTER_STATE = "reflex___state____state.counter___counter____counter_state"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---- the database ----------------------------------------------------------------------


def prepare_database(url: str, accounts: int) -> tuple[int, list[str]]:
    """Migrate and seed ``url``; return the idea's id and one session token per account."""
    import sqlalchemy as sa
    from reflex.model import _alembic_upgrade
    from sqlmodel import Session, select

    from civo.db import make_engine
    from civo.models import Phase, Place, Project, User
    from civo.models._common import utcnow
    from civo.modules.ideas import services as ideas
    from civo.services import accounts as account_service
    from civo.services import seed, sessions

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    with engine.connect() as conn:
        _alembic_upgrade(connection=conn)
        conn.commit()
    with Session(engine) as session:
        seed.seed_all(session=session)
        lyon = session.exec(select(Place.id).where(Place.name == "Lyon")).one()
        now = utcnow()
        session.execute(sa.insert(User), [
            {"full_name": f"Bench Citizen {i}", "display_name": f"Bench Citizen {i}",
             "email": f"bench-{i}@bench.civo.example", "password_hash": PLACEHOLDER_HASH,
             "home_place_id": lyon, "email_confirmed_at": now, "created_at": now}
            for i in range(accounts)])
        session.commit()
        ids = list(session.exec(select(User.id).where(User.email.like("bench-%"))
                                .order_by(User.id)))
        tokens = [sessions.start(session=session, user_id=i) for i in ids]
        phase = session.exec(select(Phase).join(Project, Project.id == Phase.project_id)
                             .where(Project.title == "School extracurricular timings",
                                    Phase.module_key == "ideas")).first()
        idea = ideas.propose(session=session,
                             actor=account_service.actor_for(session=session, user_id=ids[0]),
                             phase_id=phase.id, title="A bench idea everyone reacts to",
                             body="Live updates under load.")
        idea_id = idea.id
    engine.dispose()
    return idea_id, tokens


# ---- servers -----------------------------------------------------------------------------


class Backend:
    """One ``reflex run --env prod --backend-only`` and its process tree."""

    def __init__(self, name: str, cwd: Path, env: dict[str, str], log: Path) -> None:
        self.name, self.port = name, free_port()
        self.log = log
        bin_dir = str(Path(sys.executable).parent)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only",
             "--backend-port", str(self.port), "--loglevel", "warning"],
            cwd=cwd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_USE_NPM": "1",
                 "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), **env})
        self.peak_rss = 0
        self._stop = threading.Event()
        threading.Thread(target=self._watch_memory, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} stopped:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/ping", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"{self.name} did not answer within {timeout:.0f}s")

    def rss(self) -> int:
        import psutil

        try:
            root = psutil.Process(self.proc.pid)
            return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        except psutil.Error:
            return 0

    def cpu(self) -> float:
        """CPU seconds used so far by the process tree (a figure load elsewhere moves
        little, unlike latency)."""
        import psutil

        try:
            root = psutil.Process(self.proc.pid)
            return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])
        except psutil.Error:
            return 0.0

    def _watch_memory(self) -> None:
        while not self._stop.wait(0.5):
            self.peak_rss = max(self.peak_rss, self.rss())

    def stop(self) -> None:
        self._stop.set()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


# ---- clients -----------------------------------------------------------------------------


class Client:
    """A crafted websocket client: what a browser tab sends, nothing more."""

    def __init__(self, url: str) -> None:
        import socketio

        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.waiters: list[tuple[str, asyncio.Future]] = []
        self.watch: tuple[str, asyncio.Future] | None = None
        self.errors = 0
        self.sio.on("event", self._received, namespace="/_event")
        self.sio.on("disconnect", self._disconnected, namespace="/_event")
        self.connected = False

    def _received(self, data) -> None:
        text = json.dumps(data)
        for marker, future in list(self.waiters):
            if marker in text and not future.done():
                future.set_result(time.perf_counter())
                self.waiters.remove((marker, future))
        if self.watch and self.watch[0] in text and not self.watch[1].done():
            self.watch[1].set_result(time.perf_counter())

    def _disconnected(self, *_args) -> None:
        if self.connected:
            self.errors += 1
        self.connected = False

    async def connect(self, session_token: str | None = None) -> None:
        # A signed-in tab's handshake carries the HttpOnly session cookie.
        headers = {"Cookie": f"civo_session={session_token}"} if session_token else {}
        await self.sio.connect(f"{self.url}?token={uuid.uuid4()}", namespaces=["/_event"],
                               socketio_path="/_event", transports=["websocket"],
                               wait_timeout=30, headers=headers)
        self.connected = True

    async def call(self, name: str, payload: dict, router: dict, marker: str,
                   timeout: float = TIMEOUT) -> float | None:
        """Emit an event; seconds until a message containing ``marker`` (None: timeout)."""
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((marker, future))
        start = time.perf_counter()
        await self.sio.emit("event", {"name": name, "payload": payload, "router_data": router},
                            namespace="/_event")
        try:
            return await asyncio.wait_for(future, timeout) - start
        except asyncio.TimeoutError:
            self.errors += 1
            if (marker, future) in self.waiters:
                self.waiters.remove((marker, future))
            return None

    async def close(self) -> None:
        self.connected = False
        try:
            await self.sio.disconnect()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


class CivoApp:
    def __init__(self, url: str, idea_id: int) -> None:
        from civo.state.base import AppState
        from civo.state.item import ItemState
        from civo.state.participation import ParticipationViews

        self.url, self.idea_id = url, idea_id
        self.router = {"pathname": f"/i/{idea_id}", "query": {"item_id": str(idea_id)}}
        self.init_page = f"{AppState.get_full_name()}.init_page"
        self.item = ItemState.get_full_name()
        self.live_marker = f'"{ParticipationViews.get_full_name()}": {{"live_rx_state_"'

    async def open(self, token: str) -> Client:
        client = Client(self.url)
        await client.connect(token)
        await client.call(self.init_page, {}, self.router, "civoReady", timeout=60)
        await client.call(f"{self.item}.load", {}, self.router, "item_rx_state_", timeout=60)
        return client

    async def act(self, client: Client, n: int) -> float | None:
        emoji = "love" if n % 2 == 0 else ""
        return await client.call(f"{self.item}.react", {
            "target_kind": "item", "target_id": self.idea_id, "emoji": emoji},
            self.router, "reactions_rx_state_")


class CounterApp:
    router = {"pathname": "/", "query": {}}

    def __init__(self, url: str) -> None:
        self.url = url

    async def open(self, _token: str) -> Client:
        client = Client(self.url)
        await client.connect()
        return client

    async def act(self, client: Client, _n: int) -> float | None:
        return await client.call(f"{COUNTER_STATE}.increment", {}, self.router,
                                 "count_rx_state_")


async def open_all(app, tokens: list[str], *, batch: int = 25) -> list[Client]:
    clients: list[Client] = []
    for i in range(0, len(tokens), batch):
        clients += await asyncio.gather(*(app.open(t) for t in tokens[i:i + batch]))
    return clients


async def load(app, tokens: list[str], seconds: float) -> tuple[list[float], int]:
    """Every client sends ~1 event/s (jittered) for ``seconds``; round-trips and errors."""
    clients = await open_all(app, tokens)
    rtts: list[float] = []
    rng = random.Random(7)

    async def run(client: Client, offset: float) -> None:
        await asyncio.sleep(offset)
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end and client.connected:
            began = time.monotonic()
            rtt = await app.act(client, n)
            n += 1
            if rtt is not None:
                rtts.append(rtt * 1000)
            await asyncio.sleep(max(0.0, 1.0 + rng.uniform(-0.3, 0.3)
                                    - (time.monotonic() - began)))

    await asyncio.gather(*(run(c, rng.uniform(0, 1)) for c in clients))
    errors = sum(c.errors for c in clients)
    await asyncio.gather(*(c.close() for c in clients))
    return rtts, errors


def sql_total(prefix: str) -> int:
    total = 0
    for path in Path(prefix).parent.glob(Path(prefix).name + ".[0-9]*"):
        try:
            total += int(path.read_text() or 0)
        except ValueError:
            pass
    return total


async def fanout(app: CivoApp, tokens: list[str], pages: int, reactions: int,
                 sql_prefix: str, reactor_token: str) -> tuple[list[float], int, float]:
    """``pages`` open item pages, one more client reacts ``reactions`` times: the time until
    each page got the live counts, how many never did, SQL statements per reaction."""
    watchers = await open_all(app, tokens[:pages])
    reactor = await app.open(reactor_token)
    await asyncio.sleep(2.5)  # the pages' own loads are done and flushed
    times: list[float] = []
    missed = 0
    sql_before = sql_total(sql_prefix)
    for n in range(reactions):
        loop = asyncio.get_running_loop()
        for w in watchers:
            w.watch = (app.live_marker, loop.create_future())
        start = time.perf_counter()
        await app.act(reactor, n)
        done, pending = await asyncio.wait([w.watch[1] for w in watchers], timeout=10)
        times += [(f.result() - start) * 1000 for f in done]
        missed += len(pending)
        await asyncio.sleep(1.5)  # past the coalescing window: one flush per reaction
    await asyncio.sleep(1.0)  # the last counters reach their files
    sql = (sql_total(sql_prefix) - sql_before) / reactions
    errors = missed + sum(w.errors for w in watchers) + reactor.errors
    await asyncio.gather(*(c.close() for c in [*watchers, reactor]))
    return times, errors, sql


# ---- main --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="100,300", help="client levels, e.g. 100,300")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each level")
    parser.add_argument("--fanout", type=int, default=200, help="pages open for the fan-out")
    parser.add_argument("--reactions", type=int, default=5, help="reactions in the fan-out")
    parser.add_argument("--workers", type=int, default=1, help="backend worker processes")
    parser.add_argument("--redis", default="", help="REFLEX_REDIS_URL (several workers)")
    parser.add_argument("--db", default="", help="a THROW-AWAY database URL (it is wiped); "
                                                 "default: a temporary SQLite file")
    args = parser.parse_args()
    levels = [int(x) for x in args.clients.split(",") if x.strip()]
    if args.workers > 1 and not args.redis:
        parser.error("several workers share their state through Redis: give --redis")
    os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    work = Path(tempfile.mkdtemp(prefix="civo-bench-live-"))
    db_url = args.db or f"sqlite:///{work / 'civo.db'}"
    os.environ["REFLEX_DB_URL"] = db_url
    # Two more accounts than any level or audience: one reactor per fan-out run, who never
    # took part before (a reaction toggled back to what it was changes nothing, tells nobody).
    accounts = max([*levels, args.fanout]) + 2
    print(f"preparing {db_url.split('@')[-1]} with {accounts} accounts…", flush=True)
    started = time.monotonic()
    idea_id, tokens = prepare_database(db_url, accounts)
    print(f"  ready in {time.monotonic() - started:.0f}s", flush=True)

    sql_prefix = str(work / "sql")
    common = {"GRANIAN_WORKERS": str(args.workers), "REFLEX_DB_URL": db_url}
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
        common["REFLEX_REDIS_URL"] = args.redis
    counter_dir = work / "counter"
    (counter_dir / "counter").mkdir(parents=True)
    (counter_dir / "counter" / "__init__.py").write_text("")
    (counter_dir / "counter" / "counter.py").write_text(COUNTER_APP)
    (counter_dir / "rxconfig.py").write_text(
        'import reflex as rx\nconfig = rx.Config(app_name="counter", telemetry_enabled=False)\n')
    civo = Backend("civo", ROOT, {**common, "CIVO_BENCH_SQL_FILE": sql_prefix,
                                  "CIVO_SECRET_KEY": uuid.uuid4().hex * 2}, work / "civo.log")
    bare = Backend("counter", counter_dir, {k: v for k, v in common.items()
                                            if k != "REFLEX_DB_URL"}, work / "counter.log")
    results: dict[str, object] = {}
    try:
        civo.wait()
        bare.wait()
        civo_app, counter_app = CivoApp(civo.url, idea_id), CounterApp(bare.url)
        errors = 0
        rows = []
        for level in levels:
            for name, app, backend in (("bare counter", counter_app, bare),
                                       ("civo reactions", civo_app, civo)):
                cpu_before = backend.cpu()
                rtts, errs = asyncio.run(load(app, tokens[:level], args.seconds))
                cpu_ms = (backend.cpu() - cpu_before) * 1000 / max(1, len(rtts))
                errors += errs
                rows.append((name, level, len(rtts), pct(rtts, 0.5), pct(rtts, 0.95),
                             max(rtts, default=float("nan")), errs,
                             len(rtts) / args.seconds, cpu_ms))
                print(f"  {name:15} {level:4} clients: p50 {pct(rtts, 0.5):8.1f} ms  "
                      f"p95 {pct(rtts, 0.95):8.1f} ms  {len(rtts) / args.seconds:6.1f} ev/s  "
                      f"errors {errs}  backend CPU {cpu_ms:.2f} ms/event "
                      f"(load avg {os.getloadavg()[0]:.1f})", flush=True)
                results[(name, level)] = pct(rtts, 0.95)
        fan = {}
        for run, pages in enumerate(sorted({args.fanout, min(20, args.fanout)})):
            times, errs, sql = asyncio.run(fanout(civo_app, tokens, pages, args.reactions,
                                                  sql_prefix, tokens[-1 - run]))
            fan[pages] = (times, errs, sql)
            errors += errs
            print(f"  fan-out to {pages:4} pages: p50 {pct(times, 0.5):7.1f} ms  "
                  f"p95 {pct(times, 0.95):7.1f} ms  max {max(times, default=float('nan')):7.1f}"
                  f" ms  missed {errs}  SQL/reaction {sql:.1f}", flush=True)
    finally:
        civo.stop()
        bare.stop()
    top = max(levels)
    react = results[("civo reactions", top)]
    base = results[("bare counter", top)]
    used = resource.getrusage(resource.RUSAGE_SELF)
    print()
    print(f"{'':16}{'clients':>8}{'replies':>9}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}"
          f"{'errors':>8}{'ev/s':>8}{'CPU ms/ev':>11}")
    for name, level, n, p50, p95, mx, errs, rate, cpu_ms in rows:
        print(f"{name:16}{level:8}{n:9}{p50:10.1f}{p95:10.1f}{mx:10.1f}{errs:8}{rate:8.1f}"
              f"{cpu_ms:11.2f}")
    for pages, (times, errs, sql) in fan.items():
        print(f"fan-out to {pages} pages: p95 {pct(times, 0.95):.1f} ms, missed {errs}, "
              f"SQL statements per reaction {sql:.1f}")
    print(f"backend peak RSS: civo {civo.peak_rss / 2**20:.0f} MB, "
          f"counter {bare.peak_rss / 2**20:.0f} MB; workers {args.workers}; "
          f"db {'PostgreSQL' if db_url.startswith('postgres') else 'SQLite'}; "
          f"redis {'yes' if args.redis else 'no'}")
    print(f"bench client CPU {used.ru_utime + used.ru_stime:.1f}s over the run "
          "(one asyncio loop drives every client)")
    shutil.rmtree(work, ignore_errors=True)
    fan_top = fan[args.fanout]
    print(f"RESULT react_p95_ms={react:.1f} bare_p95_ms={base:.1f} "
          f"ratio={react / base if base else float('nan'):.2f} "
          f"fanout_{args.fanout}_p95_ms={pct(fan_top[0], 0.95):.1f} "
          f"sql_per_reaction={fan_top[2]:.1f} errors={errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
