"""Fake OpenAI-compatible servers (real HTTP on 127.0.0.1) and providers pointed at them.

The servers live for the session, since starting uvicorn costs time; each test gets them reset.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Protocol

import pytest

from candor.providers.llm import (
    BreakerPolicy,
    OpenAICompatibleProvider,
    PriceTable,
    ProviderChain,
    RetryPolicy,
)
from tests.fakes.openai_server import FakeOpenAIServer


class MakeProvider(Protocol):
    def __call__(
        self,
        server: FakeOpenAIServer,
        name: str = ...,
        *,
        model: str = ...,
        timeout_s: float = ...,
        prices: PriceTable | None = ...,
        stream_usage: bool = ...,
    ) -> OpenAICompatibleProvider: ...


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Sleeps(list[float]):
    """A real (asyncio) sleep that remembers how long each back-off was."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(seconds)


def fast_retry(attempts: int = 3, *, retry_after_cap_s: float = 1.0) -> RetryPolicy:
    return RetryPolicy(
        attempts=attempts,
        backoff_initial_s=0.001,
        backoff_max_s=0.005,
        jitter_s=0.001,
        retry_after_cap_s=retry_after_cap_s,
    )


def make_chain(
    *providers: OpenAICompatibleProvider,
    attempts: int = 3,
    timeout_s: float = 2.0,
    failure_threshold: int = 50,
    cooldown_s: float = 30.0,
    retry_after_cap_s: float = 1.0,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ProviderChain:
    return ProviderChain(
        providers,
        timeout_s=timeout_s,
        retry=fast_retry(attempts, retry_after_cap_s=retry_after_cap_s),
        breaker=BreakerPolicy(failure_threshold=failure_threshold, cooldown_s=cooldown_s),
        sleep=sleep,
        clock=clock,
    )


@pytest.fixture(scope="session")
def fake_servers() -> Iterator[tuple[FakeOpenAIServer, FakeOpenAIServer, FakeOpenAIServer]]:
    with FakeOpenAIServer() as a, FakeOpenAIServer() as b, FakeOpenAIServer() as c:
        yield a, b, c


@pytest.fixture
def server_a(fake_servers: tuple[FakeOpenAIServer, ...]) -> FakeOpenAIServer:
    fake_servers[0].reset()
    return fake_servers[0]


@pytest.fixture
def server_b(fake_servers: tuple[FakeOpenAIServer, ...]) -> FakeOpenAIServer:
    fake_servers[1].reset()
    return fake_servers[1]


@pytest.fixture
def server_c(fake_servers: tuple[FakeOpenAIServer, ...]) -> FakeOpenAIServer:
    fake_servers[2].reset()
    return fake_servers[2]


@pytest.fixture
async def make_provider() -> AsyncIterator[MakeProvider]:
    """Providers over real HTTP to a fake server; their connections are closed after the test."""
    created: list[OpenAICompatibleProvider] = []

    def make(
        server: FakeOpenAIServer,
        name: str = "a",
        *,
        model: str = "gpt-4o-mini",
        timeout_s: float = 2.0,
        prices: PriceTable | None = None,
        stream_usage: bool = True,
    ) -> OpenAICompatibleProvider:
        provider = OpenAICompatibleProvider(
            name,
            base_url=server.base_url,
            model=model,
            api_key="sk-test",
            timeout_s=timeout_s,
            prices=prices,
            stream_usage=stream_usage,
        )
        created.append(provider)
        return provider

    yield make
    for provider in created:
        await provider.aclose()
