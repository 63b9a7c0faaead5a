"""A per-client rate limit for the open-data API (Decidim's default: 100 requests a
minute). One process counts in memory; with ``REFLEX_REDIS_URL`` every worker shares the
count in Redis. ``CIVO_API_RATE`` changes the number per minute.

A client is an IPv4 address or an IPv6 /64 (one household's whole block). Behind a
reverse proxy, list its addresses in ``CIVO_TRUSTED_PROXIES`` (comma-separated): the
client is then the last address of ``X-Forwarded-For`` that is not one of them."""

from __future__ import annotations

import ipaddress
import os
import threading
import time
from collections import OrderedDict, deque

from fastapi import HTTPException, Request

WINDOW = 60.0
_lock = threading.Lock()
# The most recently seen clients, oldest first: bounded, and trimmed in O(1) per request.
_seen: OrderedDict[str, deque[float]] = OrderedDict()
MAX_CLIENTS = 50_000
_redis = None


def per_minute() -> int:
    return int(os.environ.get("CIVO_API_RATE", "100"))


def _trusted() -> set[str]:
    return {x.strip() for x in os.environ.get("CIVO_TRUSTED_PROXIES", "").split(",")
            if x.strip()}


def _client(request: Request) -> str:
    host = request.client.host if request.client else "unknown"
    trusted = _trusted()
    if host in trusted:
        forwarded = [x.strip() for x in request.headers.get("x-forwarded-for", "").split(",")]
        host = next((x for x in reversed(forwarded) if x and x not in trusted), host)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


async def _over_in_redis(url: str, client: str, limit: int) -> int | None:
    """Seconds to wait when over the limit (a fixed one-minute window shared by workers)."""
    global _redis
    import redis.asyncio as redis

    if _redis is None:
        _redis = redis.from_url(url)
    window = int(time.time() // WINDOW)
    key = f"civo:api-rate:{client}:{window}"
    count = await _redis.incr(key)
    if count == 1:
        await _redis.expire(key, int(WINDOW) + 1)
    return int(WINDOW - time.time() % WINDOW) + 1 if count > limit else None


def _over_in_memory(client: str, limit: int) -> int | None:
    """Seconds to wait when over the limit (a sliding one-minute window)."""
    now = time.monotonic()
    with _lock:
        seen = _seen.get(client)
        if seen is None:
            seen = _seen[client] = deque()
            while len(_seen) > MAX_CLIENTS:  # forget the longest-idle client
                _seen.popitem(last=False)
        else:
            _seen.move_to_end(client)
        while seen and now - seen[0] >= WINDOW:
            seen.popleft()
        if len(seen) >= limit:
            return int(WINDOW - (now - seen[0])) + 1
        seen.append(now)
    return None


async def rate_limit(request: Request) -> None:
    limit = per_minute()
    url = os.environ.get("REFLEX_REDIS_URL", "")
    wait = (await _over_in_redis(url, _client(request), limit) if url
            else _over_in_memory(_client(request), limit))
    if wait is not None:
        raise HTTPException(status_code=429, detail="Too many requests: please slow down.",
                            headers={"Retry-After": str(wait)})


def reset() -> None:
    """Forget the in-memory counts and the Redis connection (tests, a new event loop)."""
    global _redis
    with _lock:
        _seen.clear()
    _redis = None
