"""Several backend workers for real: production mode (granian, 3 worker processes) with
Redis and PostgreSQL, and two browsers whose websockets are served by different workers.

Each page says which process serves it (``<html data-worker>``, a random id per process,
set by the page's own backend on load): the test opens pages until two differ, then a
reaction and a comment made on one reach the other live.

Runs as its own pass (scripts/run_tests.py): it builds and serves the app from the project
itself (``reflex run --env prod --single-port``), which must not overlap the browser-test
harness. Skipped, saying why, when PostgreSQL or Redis cannot be reached.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import ROOT, free_port

PG_URL = os.environ.get("CIVO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CIVO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKERS = 3
DB_NAME = "civo_several_workers"
PASSWORD = "a long civic passphrase"
expect.set_options(timeout=30_000)


def _reachable() -> str | None:
    try:
        import psycopg
        import redis

        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "skip, saying why"
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    return None


def _fresh_database() -> str:
    """A database of its own on the test server, migrated and seeded with the demo data."""
    import psycopg

    from tests.e2e.conftest import prepare_database

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    url = PG_URL.rsplit("/", 1)[0] + "/" + DB_NAME
    prepare_database(url)
    return url


def _account(db_url: str, name: str) -> str:
    from sqlmodel import Session, select

    from civo import policy
    from civo.db import make_engine
    from civo.models import Place, User
    from civo.models._common import utcnow
    from civo.services import accounts

    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@example.org"
    engine = make_engine(db_url)
    with Session(engine) as session:
        lyon = session.exec(select(Place.id).where(Place.name == "Lyon")).one()
        user_id = accounts.register(session=session, actor=policy.ANONYMOUS, full_name=name,
                                    email=email, password=PASSWORD,
                                    home_place_id=lyon).user_id
        session.get(User, user_id).email_confirmed_at = utcnow()
        session.commit()
    engine.dispose()
    return email


def _project_id(db_url: str, title: str) -> int:
    from sqlmodel import Session, select

    from civo.db import make_engine
    from civo.models import Project

    engine = make_engine(db_url)
    with Session(engine) as session:
        found = session.exec(select(Project.id).where(Project.title == title)).one()
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def server():
    reason = _reachable()
    if reason:
        pytest.skip(f"several workers need PostgreSQL ({PG_URL}) and Redis ({REDIS_URL}): "
                    f"{reason}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    db_url = _fresh_database()
    port = free_port()
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "REFLEX_DB_URL": db_url, "REFLEX_REDIS_URL": REDIS_URL,
           "GRANIAN_WORKERS": str(WORKERS), "CIVO_SECRET_KEY": uuid.uuid4().hex * 2,
           "REFLEX_USE_NPM": "1", "REFLEX_TELEMETRY_ENABLED": "false",
           # The one origin its pages come from (CORS and the websocket's Origin check).
           "CIVO_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
           "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    log = open(Path(ROOT) / ".web-workers.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port",
         "--backend-port", str(port), "--loglevel", "info"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            if proc.poll() is not None:
                raise AssertionError("the production server stopped: "
                                     + (Path(ROOT) / ".web-workers.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(base + "/ping", timeout=3) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the production server did not answer within 10 min")
            time.sleep(1)
        yield base, db_url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _worker(page: Page) -> str:
    page.wait_for_function("document.documentElement.dataset.worker")
    return page.evaluate("document.documentElement.dataset.worker")


def _open(page: Page, base: str, path: str) -> str:
    page.goto(base + path)
    expect(page.locator("main#main h1")).to_be_visible()
    return _worker(page)


def _sign_in(page: Page, base: str, email: str) -> None:
    _open(page, base, "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect(page.locator("#account-menu")).to_be_visible()


def test_a_reaction_and_a_comment_reach_a_page_served_by_another_worker(server):
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    base, db_url = server
    a_email, b_email = _account(db_url, "Alice Arnaud"), _account(db_url, "Bruno Blanc")
    project = _project_id(db_url, "School extracurricular timings")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        a = browser.new_context(locale="en-GB").new_page()
        b = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 780}
                                ).new_page()
        _sign_in(a, base, a_email)
        _sign_in(b, base, b_email)

        # A posts an idea; both open its page.
        _open(a, base, f"/p/{project}")
        title = f"Bike racks {uuid.uuid4().hex[:6]}"
        a.get_by_label("Title").fill(title)
        a.get_by_label("Describe your idea").fill("Twenty racks by the school gate.")
        a.locator("#idea-submit").click()
        expect(a).to_have_url(re.compile(r"/i/\d+/?$"))
        path = re.search(r"/i/\d+", a.url).group(0)
        a_worker = _worker(a)
        # B's page is opened until its websocket lands on another worker.
        seen = set()
        for _ in range(30):
            b_worker = _open(b, base, path)
            seen.add(b_worker)
            if b_worker != a_worker:
                break
        assert b_worker != a_worker, f"every page landed on one worker: {seen | {a_worker}}"
        expect(b.locator("main h1")).to_have_text(title)

        # A reacts: B, on another worker, sees the count without reloading.
        a.locator("#react-item-love").click()
        expect(a.locator("#react-item-love")).to_have_attribute("aria-pressed", "true")
        expect(b.locator("#react-item-love")).to_contain_text("1")
        # B comments: A sees it, and the comment count, live.
        b.get_by_label("Your comment").fill("Count me in for the paint.")
        b.locator("#comment-submit").click()
        expect(a.locator("#comments")).to_contain_text("Count me in for the paint.")
        expect(a.locator("#comments-heading")).to_contain_text("(1)")
        # B reacts to A's idea too: A's count moves to 2 on its own worker.
        b.locator("#react-item-love").click()
        expect(a.locator("#react-item-love")).to_contain_text("2")
        assert _worker(a) == a_worker and _worker(b) == b_worker  # no reconnect in between
        browser.close()
