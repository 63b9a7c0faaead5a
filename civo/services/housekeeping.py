"""Periodic chores run by every backend worker (each is idempotent, so several workers
running them at once do no harm): purge uploads nothing used, expired archives and old rate-limit counts. The
email rounds are in :mod:`civo.jobs`."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import Session

from civo.services import uploads

INTERVAL_SECONDS = 15 * 60
log = logging.getLogger("civo.housekeeping")


def run_once(*, session: Session) -> dict[str, int]:
    """One round of chores; returns what each did (for logs and tests)."""
    from civo.modules import MODULES
    from civo.modules.registry import _load
    from civo.services import privacy, throttle

    done = {"uploads_purged": uploads.purge_unattached(session=session),
            "exports_purged": privacy.purge_exports(session=session),
            "throttle_purged": throttle.purge(session=session)}
    for spec in MODULES:  # the modules' own periodic chores (reminders…)
        chore = _load(spec.periodic)
        if chore is not None:
            done[f"{spec.key}_periodic"] = int(chore(session=session) or 0)
    return done


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
