"""A real Uvicorn server on loopback, for WebSocket tests that go over the wire."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from candor.core.config import Settings
from candor.main import create_app
from candor.providers.llm.factory import LLMProviderConfig
from tests.fakes.openai_server import FakeOpenAIServer


@dataclass(frozen=True)
class LiveServer:
    app: FastAPI
    http: str
    ws: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", ws_max_size=1 << 20
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def http(live_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server.http) as client:
        yield client


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAIServer]:
    """A fake OpenAI-compatible server (real HTTP and SSE), shared by a module's tests."""
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def model_client(settings: Settings, fake: FakeOpenAIServer) -> AsyncIterator[httpx.AsyncClient]:
    """The app, configured with the fake as its only model provider, over ASGI."""
    fake.reset()
    provider = LLMProviderConfig(
        name="fake", base_url=fake.base_url, model="gpt-4o-mini", api_key="test-key", timeout_seconds=2
    )
    app = create_app(settings.model_copy(update={"llm_providers": [provider]}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
