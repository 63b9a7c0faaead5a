"""Browser tests: the real app (AppHarnessProd: exported frontend + uvicorn backend)
on a fresh, migrated and seeded SQLite database, driven by Playwright in Debian Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlmodel import Session

from tests.conftest import ROOT, TEST_DB_URL

# The harness serves the frontend and the backend on ports it picks at random, after the
# app (and its allowed origins: rxconfig.allowed_origins) is loaded: allow any origin here.
os.environ.setdefault("CIVO_ALLOWED_ORIGINS", "*")

CHROMIUM = os.environ.get("CIVO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
expect.set_options(timeout=20_000)


def prepare_database(url: str = TEST_DB_URL) -> None:
    """Migrate ``url`` with the project's migrations and load the demo data."""
    from reflex.model import _alembic_upgrade

    from civo.db import make_engine
    from civo.services import seed

    engine = make_engine(url)
    with engine.connect() as conn:
        _alembic_upgrade(connection=conn)
        conn.commit()
    with Session(engine) as session:
        seed.seed_all(session=session)
    engine.dispose()


@pytest.fixture(scope="session")
def smtp():
    """A real SMTP server the app delivers to (set before the app starts)."""
    from tests.conftest import SmtpInbox

    server = SmtpInbox().start()
    os.environ["CIVO_SMTP_URL"] = server.url
    os.environ["CIVO_MAIL_INTERVAL"] = "1"
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oidc():
    """A real OpenID Connect provider (oidc-provider-mock) the app is configured with."""
    import json

    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        os.environ["CIVO_OIDC_PROVIDERS"] = json.dumps([{
            "name": "mock", "label": "Mock ID", "issuer": issuer, "client_id": "civo",
            "client_secret": "civo-secret"}])
        yield issuer


@pytest.fixture(scope="session")
def harness(smtp, oidc):
    from reflex.testing import AppHarnessProd

    prepare_database()
    with AppHarnessProd.create(root=Path(ROOT), app_name="civo") as app:
        yield app


@pytest.fixture(scope="session")
def base_url(harness) -> str:
    return harness.frontend_url.rstrip("/")


@pytest.fixture(scope="session")
def backend_url(harness) -> str:
    from reflex_base.config import get_config

    return get_config().api_url.rstrip("/")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (installs it with apt)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_context(browser: Browser, *, notice_seen: bool = True, **options):
    """A fresh browser profile; by default the cookie notice was already acknowledged (a
    sticky notice would sit over the buttons the tests click). Cookies ignore ports."""
    context = browser.new_context(**options)
    if notice_seen:
        context.add_cookies([{"name": "civo_consent", "value": "1", "domain": host,
                              "path": "/"} for host in ("localhost", "127.0.0.1")])
    return context


@pytest.fixture()
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh browser profile (no other cookie) per test, phone-sized by default, English."""
    context = new_context(browser, viewport={"width": 390, "height": 844},
                          locale="en-GB",
                          extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
    pg = context.new_page()
    yield pg
    context.close()


def goto(page: Page, base_url: str, path: str) -> None:
    """Open ``path`` and wait until the app has hydrated (the backend answered)."""
    page.goto(base_url + path)
    expect(page.locator("main#main h1")).to_be_visible()
    page.wait_for_function("document.documentElement.lang !== ''")


def someone_elses_item(email: str) -> int:
    """A visible idea or debate contribution of the demo data that ``email`` did not write
    (found in the database, not by a seed-order id)."""
    import sqlalchemy as sa

    from civo.db import make_engine
    from civo.models import User
    from civo.models.participation import Item

    engine = make_engine(TEST_DB_URL)
    try:
        with Session(engine) as session:
            mine = sa.select(User.id).where(User.email == email).scalar_subquery()
            return session.execute(
                sa.select(Item.id).where(Item.module_key.in_(("ideas", "debate")),
                                         Item.deleted_at.is_(None),
                                         Item.moderation == "visible",
                                         sa.or_(Item.author_id.is_(None),
                                                Item.author_id != mine))
                .order_by(Item.id).limit(1)).scalar_one()
    finally:
        engine.dispose()
