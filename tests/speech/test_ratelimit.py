"""Token buckets for the speech endpoints, in process and in Redis."""

from __future__ import annotations

import os
import uuid

import pytest

from candor.speech.ratelimit import LocalTokenBucket, RedisTokenBucket

REDIS_URL = os.environ.get("TEST_REDIS_URL")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_bucket_allows_a_burst_then_refills_steadily() -> None:
    clock = Clock()
    bucket = LocalTokenBucket(6, clock=clock)  # 6 a minute: one every 10 s
    assert [await bucket.acquire("u") for _ in range(6)] == [None] * 6
    wait = await bucket.acquire("u")
    assert wait == pytest.approx(10.0)
    clock.now += 5
    assert await bucket.acquire("u") == pytest.approx(5.0)
    clock.now += 5
    assert await bucket.acquire("u") is None
    assert await bucket.acquire("someone else") is None, "each key has its own bucket"


async def test_a_bucket_never_holds_more_than_its_capacity() -> None:
    clock = Clock()
    bucket = LocalTokenBucket(2, clock=clock)
    clock.now += 3600
    assert [await bucket.acquire("u") is None for _ in range(3)] == [True, True, False]


def test_a_bucket_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        LocalTokenBucket(0)


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_redis_buckets_are_shared_between_processes() -> None:
    assert REDIS_URL is not None
    prefix = f"candor:test:{uuid.uuid4().hex}:"
    one, two = RedisTokenBucket(REDIS_URL, 3, prefix=prefix), RedisTokenBucket(REDIS_URL, 3, prefix=prefix)
    try:
        assert await one.acquire("u") is None
        assert await two.acquire("u") is None
        assert await one.acquire("u") is None
        wait = await two.acquire("u")
        assert wait is not None
        assert 19 <= wait <= 20, "3 a minute: the next token is 20 s away"
        assert await one.acquire("v") is None
    finally:
        await one.aclose()
        await two.aclose()


async def test_an_unreachable_redis_lets_requests_through() -> None:
    bucket = RedisTokenBucket("redis://127.0.0.1:1/0", 1)  # nothing listens on port 1
    try:
        assert [await bucket.acquire("u") for _ in range(3)] == [None, None, None]
    finally:
        await bucket.aclose()
