"""The app's background jobs (lifespan tasks of every backend worker): the housekeeping
round and the email round, and "send what was just queued now". Each is idempotent, so
several workers running them at once do no harm."""

from __future__ import annotations

import asyncio
import logging
import os

from civo.services.housekeeping import loop  # noqa: F401  (re-exported for the app)

log = logging.getLogger("civo.jobs")


def announce_start() -> None:
    """One console line each time a backend worker starts: a dev server that keeps restarting
    (and drops every websocket with it) shows at a glance; tests/e2e/test_dev_server.py
    counts these lines."""
    print(f"Civo backend started (process {os.getpid()})", flush=True)


def mail_interval() -> float:
    return float(os.environ.get("CIVO_MAIL_INTERVAL", "20"))


DIGEST_EVERY_SECONDS = 300


async def mail_loop() -> None:
    """The app's lifespan task for email, every few seconds: notification emails wanted
    at once, the digests that are due (every 5 minutes), then delivery of the queue."""
    import time

    from civo.db import run_service
    from civo.services import mail, notifications

    last_digests = 0.0
    while True:
        try:
            await run_service(notifications.send_immediate)
            if time.monotonic() - last_digests >= DIGEST_EVERY_SECONDS:
                await run_service(notifications.send_digests)
                last_digests = time.monotonic()
            done = await run_service(mail.deliver_due)
            if done["failed"]:
                log.warning("email: %s", done)
        except Exception:  # noqa: BLE001 - the next round tries again
            log.exception("email round failed")
        await asyncio.sleep(mail_interval())


async def deliver_soon() -> None:
    """Send what was just queued now, instead of at the next round (best effort)."""
    from civo.db import run_service
    from civo.services import mail, notifications

    try:
        await run_service(notifications.send_immediate)
        await run_service(mail.deliver_due)
    except Exception:  # noqa: BLE001 - the loop retries
        log.exception("immediate email delivery failed")
