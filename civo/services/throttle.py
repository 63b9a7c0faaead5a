"""Rate limits counted in the database, so every worker shares them and a restart forgets
nothing: registrations per client and address block, reactions and supports per account,
admin invitations per community admin.

A limit is a kind, a key and "at most N in a window". Keys are keyed digests: no address
or account id is stored in clear, and the rows go after a day (:func:`purge`).
"""

from __future__ import annotations

import ipaddress
import os
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from civo.i18n import N_
from civo.models import ThrottleEvent
from civo.models._common import utcnow
from civo.services.errors import Throttled
from civo.services.secrets import keyed_digest

KEEP = timedelta(days=1)


def _key(kind: str, value: object) -> str:
    return keyed_digest("throttle", kind, value)[:64]


def count(session: Session, kind: str, value: object, window: timedelta,
          now: datetime | None = None) -> int:
    now = now or utcnow()
    return session.exec(select(sa.func.count()).select_from(ThrottleEvent).where(
        ThrottleEvent.kind == kind, ThrottleEvent.key == _key(kind, value),
        ThrottleEvent.created_at > now - window)).one()


def check(session: Session, kind: str, value: object, *, limit: int, window: timedelta,
          message: str, now: datetime | None = None, **params: object) -> None:
    """Raise :class:`Throttled` (``message``, a msgid) when ``limit`` acts of this kind
    by ``value`` happened within ``window``."""
    if count(session, kind, value, window, now) >= limit:
        raise Throttled(message, **params)


def record(session: Session, kind: str, value: object, now: datetime | None = None) -> None:
    """Count one act (in the caller's transaction: a refused act is not counted)."""
    session.add(ThrottleEvent(kind=kind, key=_key(kind, value), created_at=now or utcnow()))


def hit(session: Session, kind: str, value: object, *, limit: int, window: timedelta,
        message: str, now: datetime | None = None, **params: object) -> None:
    """:func:`check`, then :func:`record`."""
    now = now or utcnow()
    check(session, kind, value, limit=limit, window=window, message=message, now=now,
          **params)
    record(session, kind, value, now)


def purge(*, session: Session, now: datetime | None = None) -> int:
    """Forget what no window looks at any more (housekeeping)."""
    done = session.execute(sa.delete(ThrottleEvent).where(
        ThrottleEvent.created_at <= (now or utcnow()) - KEEP)).rowcount
    session.commit()
    return done or 0


def client_and_block(address: str) -> tuple[str, str] | None:
    """The client (an IPv4 address, an IPv6 /64: one household) and its address block
    (IPv4 /24, IPv6 /48: one site or provider pool) of an address; None when unknown."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if isinstance(parsed, ipaddress.IPv4Address):
        return str(parsed), str(ipaddress.ip_network(f"{parsed}/24", strict=False))
    return (str(ipaddress.ip_network(f"{parsed}/64", strict=False)),
            str(ipaddress.ip_network(f"{parsed}/48", strict=False)))


# Per-account limits on quick acts (reactions, supports): a person clicking as fast as a
# person can stays below; a script hammering counts and notifications does not. A streamed
# council meeting may have people react about once a second for its whole length (the live
# benchmark's load, issue 16): that stays allowed; bursts above two a second do not.
PER_ACCOUNT = ((timedelta(minutes=1), 120), (timedelta(hours=1), 3600))


def per_account(session: Session, kind: str, user_id: int | None, message: str,
                now: datetime | None = None) -> None:
    """Check :data:`PER_ACCOUNT` for ``kind`` by ``user_id`` and count this act (call it
    only for an act that changes something, inside its transaction)."""
    now = now or utcnow()
    # Every window in one query (this runs on each reaction: the hot path of a live event).
    widest = max(window for window, _ in PER_ACCOUNT)
    columns = [sa.func.count(sa.case((ThrottleEvent.created_at > now - window, 1)))
               for window, _ in PER_ACCOUNT]
    counts = session.exec(select(*columns).where(
        ThrottleEvent.kind == kind, ThrottleEvent.key == _key(kind, user_id),
        ThrottleEvent.created_at > now - widest)).one()
    if any(n >= limit for n, (_, limit) in zip(counts, PER_ACCOUNT, strict=True)):
        raise Throttled(message)
    record(session, kind, user_id, now)


# New accounts per hour from one client (an IPv4 address, an IPv6 /64) and from one address
# block (IPv4 /24, IPv6 /48): enough for a family or a library's public computers, not for
# a batch of sock puppets. ``CIVO_REGISTRATIONS_PER_CLIENT`` / ``…_PER_BLOCK`` override.
REGISTRATIONS_PER_CLIENT = int(os.environ.get("CIVO_REGISTRATIONS_PER_CLIENT", "3"))
REGISTRATIONS_PER_BLOCK = int(os.environ.get("CIVO_REGISTRATIONS_PER_BLOCK", "20"))
REGISTRATION_WINDOW = timedelta(hours=1)
REGISTRATION_THROTTLED = N_("Too many accounts were created from your connection recently. "
                            "Please try again in an hour.")


def registration_check(session: Session, address: str) -> tuple[str, str] | None:
    """Refuse (:class:`Throttled`) a registration from a client or block over its hourly
    limit; returns the (client, block) to count once the account is made (None: unknown
    address, nothing counted)."""
    where_from = client_and_block(address)
    if where_from is not None:
        for kind, value, limit in (("register.client", where_from[0], REGISTRATIONS_PER_CLIENT),
                                   ("register.block", where_from[1], REGISTRATIONS_PER_BLOCK)):
            check(session, kind, value, limit=limit, window=REGISTRATION_WINDOW,
                  message=REGISTRATION_THROTTLED)
    return where_from


def registration_record(session: Session, where_from: tuple[str, str] | None) -> None:
    if where_from is not None:
        record(session, "register.client", where_from[0])
        record(session, "register.block", where_from[1])
