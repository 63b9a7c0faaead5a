"""Shared test set-up: the database the unit tests run on.

SQLite (a fresh file) by default; PostgreSQL when ``CIVO_TEST_DB_URL`` is set, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``. The schema is built by the
project's own Alembic migrations, never by ``create_all``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.chdir(ROOT)  # alembic.ini and rxconfig.py are found from the project root

_TMP = Path(tempfile.mkdtemp(prefix="civo-tests-"))
TEST_DB_URL = os.environ.get("CIVO_TEST_DB_URL") or f"sqlite:///{_TMP / 'civo-test.db'}"
# The app's own engine (civo.db.engine) reads this too, so state tests share the database.
os.environ["REFLEX_DB_URL"] = TEST_DB_URL
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpInbox:
    """A real SMTP server (aiosmtpd) on localhost that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpInbox":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 20.0) -> list:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.to(address)) >= count:
                return self.to(address)
            time.sleep(0.1)
        raise AssertionError(f"no email for {address} within {timeout}s "
                             f"(got {[m['To'] for m in self.messages]})")


def link_in(message, path: str) -> str:
    """The first link to ``path`` (e.g. "/confirm/") in a message's text."""
    import re

    found = re.search(rf"https?://\S+{re.escape(path)}\S+", message.get_content())
    assert found, message.get_content()
    return found.group(0)
