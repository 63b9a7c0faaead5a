"""A per-client rate limit for the open-data API (Decidim's default: 100 requests a
minute). One process counts in memory; with ``REFLEX_REDIS_URL`` every worker shares the
count in Redis. ``CIVO_API_RATE`` changes the number per minute."""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request

WINDOW = 60.0
_lock = threading.Lock()
_seen: dict[str, deque[float]] = defaultdict(deque)
_redis = None


def per_minute() -> int:
    return int(os.environ.get("CIVO_API_RATE", "100"))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
        seen = _seen[client]
        while seen and now - seen[0] >= WINDOW:
            seen.popleft()
        if len(seen) >= limit:
            return int(WINDOW - (now - seen[0])) + 1
        seen.append(now)
        if len(_seen) > 10_000:  # forget idle clients
            for key in [k for k, v in _seen.items() if not v or now - v[-1] >= WINDOW]:
                _seen.pop(key, None)
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
