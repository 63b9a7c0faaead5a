"""`make run` stays up: its dev server, used in Chromium for a minute (home page, sign-in,
feed, items, a reaction, communities — SQLite writes under data/ all along), starts the
backend once and keeps the page's websocket; editing Python code under civo/ still reloads.

The dev server runs in a temporary copy of the project (its own data/, .web and .states), so
nothing lands in the repository's data/ and a browser harness of the same session is left
alone; the copy has the repository's layout, so the dev server watches what it watches for
anyone who types `make run`."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ROOT, free_port
from tests.e2e.conftest import new_context

pytestmark = pytest.mark.e2e

CITIZEN, CITIZEN_PASSWORD = "citizen@demo.civo.example", "demo-citizen-2026"
START_LINE = re.compile(r"^Civo backend started \(process \d+\)$", re.M)
USE_FOR_SECONDS = 60

# Left out of the copy: what `make run` creates (data/, .web, .states…) and what is not ours.
_TOP_LEVEL_SKIP = {".git", ".venv", ".web", ".states", "data", "uploaded_files", "test-results",
                   ".pytest_cache", ".ruff_cache"}


def _ignore(directory: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n in ("__pycache__", "node_modules") or n.endswith(".egg-info")}
    if Path(directory) == ROOT:
        skipped |= _TOP_LEVEL_SKIP & set(names)
    if Path(directory) == ROOT / "assets":
        skipped |= {"external"} & set(names)
    return skipped


class DevServer:
    def __init__(self, root: Path, log: Path, process: subprocess.Popen, frontend: str,
                 backend: str) -> None:
        self.root, self.log, self.process = root, log, process
        self.frontend_url, self.backend_url = frontend, backend

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def starts(self) -> int:
        return len(START_LINE.findall(self.output()))

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def wait_for(self, condition, what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"`make run` exited ({self.process.returncode}):\n{self.tail()}")
            if condition():
                return
            time.sleep(0.5)
        pytest.fail(f"{what} not within {timeout:.0f}s:\n{self.tail()}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """End `make`, the reflex CLI, its backend supervisor and worker, npm and Vite: the whole
    process group, whatever happened in the test."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The group may outlive its leader for a moment: make sure nobody is left.
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return


@pytest.fixture()
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    root = tmp_path / "civo"
    shutil.copytree(ROOT, root, ignore=_ignore, symlinks=True)
    # The virtualenv running these tests, where the Makefile looks for it.
    (root / ".venv").symlink_to(Path(sys.prefix))
    frontend_port, backend_port = free_port(), free_port()
    # A newcomer's shell: none of the test session's settings (its database, SMTP server,
    # OIDC provider, harness flags) leak into the dev server.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REFLEX_", "CIVO_", "APP_HARNESS", "PYTEST", "PYTHONPATH"))}
    env |= {"REFLEX_FRONTEND_PORT": str(frontend_port), "REFLEX_BACKEND_PORT": str(backend_port)}
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        # `make run` as typed; -o only stops make from reinstalling the project from this copy
        # into the shared virtualenv (the copy's pyproject.toml may look newer than its stamp).
        process = subprocess.Popen(["make", "-o", ".venv/.installed", "run"], cwd=root, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = DevServer(root, log, process, f"http://localhost:{frontend_port}",
                       f"http://localhost:{backend_port}")
    try:
        server.wait_for(lambda: _answers(server.backend_url + "/ping")
                        and _answers(server.frontend_url + "/"), "the dev server", 120)
        yield server
    finally:
        _stop(process)
        # Shown when the test fails.
        print(f"`make run` output, {server.starts()} backend start(s):\n{server.tail()}")


def _nav(page: Page, href: str, heading: str) -> None:
    """Follow a header link (client-side navigation: the page and its websocket stay)."""
    page.locator(f"header nav a[href='{href}']").click()
    expect(page.locator("main#main h1")).to_have_text(heading)


def test_make_run_starts_the_backend_once_and_keeps_the_websocket(browser: Browser,
                                                                  dev_server: DevServer):
    context = new_context(browser, viewport={"width": 1100, "height": 900}, locale="en-GB",
                          extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
    sockets: list[str] = []
    closed: list[str] = []

    def on_websocket(ws) -> None:
        if "/_event" in ws.url:  # the app's Socket.IO connection (not Vite's HMR socket)
            sockets.append(ws.url)
            ws.on("close", lambda ws: closed.append(ws.url))

    page = context.new_page()
    page.on("websocket", on_websocket)
    try:
        # A newcomer's first page: the visitors' feed is there.
        page.goto(dev_server.frontend_url + "/")
        expect(page.locator("main#main h1")).to_have_text("Welcome to Civo")
        expect(page.locator("#feed-list > li").first).to_be_visible()
        started = time.monotonic()

        # Sign in with the demo citizen (a session row, last-seen updates…).
        page.locator("#nav-login").click()
        page.get_by_label("Email").fill(CITIZEN)
        page.get_by_label("Password").fill(CITIZEN_PASSWORD)
        page.locator("#login-submit").click()
        expect(page.locator("#account-menu")).to_be_visible()
        expect(page.locator("main#main h1")).to_have_text("Your feed")
        # Signing in is a page load (the backend sets the HttpOnly session cookie), so the
        # signed-in page has a websocket of its own: from here on it must stay the one.
        sockets[:] = [url for url in sockets[-1:]]
        closed.clear()

        # A minute of use: open items (read marks), react and take it back, browse communities.
        rounds = 0
        while time.monotonic() - started < USE_FOR_SECONDS:
            _nav(page, "/", "Your feed")
            cards = page.locator("#feed-list > li")
            expect(cards.first).to_be_visible()
            card = cards.nth(rounds % min(cards.count(), 5))
            title = card.locator("a.item-link").inner_text()
            card.locator("a.item-link").click()
            expect(page.locator("main#main h1")).to_have_text(title)
            react = page.locator("#react-item-inspiring")
            pressed = react.get_attribute("aria-pressed")
            react.click()
            expect(react).to_have_attribute("aria-pressed",
                                            "false" if pressed == "true" else "true")
            _nav(page, "/communities", "Communities")
            community = page.locator("#directory-list a[href^='/c/']").nth(rounds % 3)
            name = community.inner_text()
            community.click()
            expect(page.locator("main#main h1")).to_have_text(name)
            rounds += 1
        used = time.monotonic() - started

        assert dev_server.starts() == 1, (
            f"the backend started {dev_server.starts()} times in {used:.0f}s of use:\n"
            f"{dev_server.tail()}")
        assert len(sockets) == 1 and not closed, (
            f"the page's websocket dropped: {len(sockets)} opened, {len(closed)} closed in "
            f"{used:.0f}s ({rounds} rounds)")
        # Still the same live page: the header shows the signed-in citizen.
        expect(page.locator("#account-menu")).to_be_visible()
    finally:
        context.close()

    # Code still reloads: an edit under civo/ restarts the backend once more.
    module = dev_server.root / "civo" / "text.py"
    module.write_text(module.read_text() + "\n# edited while `make run` runs\n")
    dev_server.wait_for(lambda: dev_server.starts() == 2, "a reload after editing civo/text.py",
                        60)
