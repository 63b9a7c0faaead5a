"""Periodic chores run by every backend worker (each is idempotent, so several workers
running them at once do no harm): purge uploads nothing used; deliver queued email (and
retry what failed)."""

from __future__ import annotations

import asyncio
import logging
import os

from sqlmodel import Session

from civo.services import uploads

INTERVAL_SECONDS = 15 * 60
log = logging.getLogger("civo.housekeeping")


def run_once(*, session: Session) -> dict[str, int]:
    """One round of chores; returns what each did (for logs and tests)."""
    from civo.services import privacy

    return {"uploads_purged": uploads.purge_unattached(session=session),
            "exports_purged": privacy.purge_exports(session=session)}


async def loop() -> None:
    """The app's lifespan task: a round now, then every :data:`INTERVAL_SECONDS`."""
    from civo.db import run_service

    while True:
        try:
            done = await run_service(run_once)
            if any(done.values()):
                log.info("housekeeping: %s", done)
        except Exception:  # noqa: BLE001 - a failed round must not stop the next one
            log.exception("housekeeping round failed")
        await asyncio.sleep(INTERVAL_SECONDS)


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
