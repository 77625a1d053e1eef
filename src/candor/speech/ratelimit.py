"""Per-user rate limits for the speech endpoints: a token bucket, in process or in Redis.

Each user has `per_minute` tokens that refill continuously; a request takes one. In process is right for a
single server; with `CANDOR_REDIS_URL` set the buckets live in Redis, so every server process shares them.
A refused request learns how many seconds until its token is back (`Retry-After`).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

log = structlog.get_logger("candor.speech")

MAX_LOCAL_KEYS = 100_000


class RateLimiter(Protocol):
    async def acquire(self, key: str) -> float | None:
        """None when allowed (a token was taken); else the seconds until a token is available."""
        ...

    async def aclose(self) -> None: ...


class LocalTokenBucket:
    """Token buckets in this process's memory. The least recently used buckets are forgotten past
    `MAX_LOCAL_KEYS` (a forgotten bucket is a full one, which only ever errs on the side of allowing)."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def acquire(self, key: str) -> float | None:
        now = self._clock()
        tokens, updated = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - updated) * self.rate)
        wait: float | None = None
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > MAX_LOCAL_KEYS:
            self._buckets.popitem(last=False)
        return wait

    async def aclose(self) -> None:
        self._buckets.clear()


# KEYS[1] the bucket; ARGV: capacity, tokens per second, now (seconds), key lifetime (seconds).
# Returns 0 when a token was taken, else the milliseconds until one is available.
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return wait
"""


class RedisTokenBucket:
    """The same buckets in Redis, taken atomically by a Lua script; time is Redis's own clock, so servers
    whose clocks disagree still agree on the buckets. If Redis cannot be reached the request is allowed
    (and logged): a rate limit is no reason to stop an interview."""

    def __init__(self, url: str, per_minute: int, *, prefix: str = "candor:ratelimit:") -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = per_minute
        self.rate = per_minute / 60.0
        self.prefix = prefix
        self._redis = aioredis.Redis.from_url(url)
        self._script = self._redis.register_script(_TAKE)

    async def acquire(self, key: str) -> float | None:
        lifetime = math.ceil(self.capacity / self.rate) + 1
        try:
            seconds, micros = await self._redis.time()
            now = seconds + micros / 1_000_000
            wait_ms = int(
                await self._script(keys=[self.prefix + key], args=[self.capacity, self.rate, now, lifetime])
            )
        except RedisError as exc:
            log.warning("rate_limit_unavailable", error=str(exc))
            return None
        return None if wait_ms <= 0 else wait_ms / 1000

    async def aclose(self) -> None:
        await self._redis.aclose()
