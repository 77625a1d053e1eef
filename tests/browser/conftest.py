"""The app in a real Uvicorn server on loopback, driven by Debian's Chromium through Playwright (async API,
on pytest-asyncio's session loop). SQLite only: these tests are about the browser, not the database.

Every tab records what a person would notice and a test must not ignore: console errors (a CSP refusal, a
missing asset, an exception in our scripts) and dialogs (an injected `alert`).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    ViewportSize,
    async_playwright,
)

from candor.core.config import Settings
from candor.main import create_app
from tests.interviews.conftest import _free_port

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
SMALL_PHONE: ViewportSize = {"width": 360, "height": 740}


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file of this test's own (overrides the SQLite-and-PostgreSQL parametrisation)."""
    path = tmp_path / "candor.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


class AppServer:
    """`create_app` served by Uvicorn on one loopback port, which a restart keeps (as a redeploy would)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app: FastAPI | None = None
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.app = create_app(self.settings)
        server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                lifespan="on",
                ws_max_size=1 << 20,
            )
        )
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        self._server, self._task = server, task

    async def stop(self) -> None:
        """Shut down as Uvicorn does on SIGTERM: open sockets are closed from the server side."""
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._server = self._task = None


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[AppServer]:
    running = AppServer(settings)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@contextlib.asynccontextmanager
async def launch_chromium(*extra_args: str) -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, with `extra_args` beside the usual ones; skips when it is missing."""
    if not HAVE_CHROMIUM:
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (`make browser` installs it)")
    async with async_playwright() as playwright:
        args = [*CHROMIUM_ARGS, *extra_args]
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    async with launch_chromium() as browser:
        yield browser


@dataclass
class Tab:
    """One browser page at one size, with what it has logged so far."""

    page: Page
    base: str
    viewport: ViewportSize
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def size(self) -> str:
        return f"{self.viewport['width']}x{self.viewport['height']}"

    async def goto(self, path: str) -> None:
        await self.page.goto(self.base + path)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{self.page.url}: {message.text}")

    async def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()


OpenTab = Callable[[ViewportSize], Awaitable[Tab]]


@pytest.fixture
async def open_tab(chromium: Browser, server: AppServer) -> AsyncIterator[OpenTab]:
    """Open a fresh browser context (no cookies, no storage) at a given viewport size."""
    contexts: list[BrowserContext] = []

    async def open_at(viewport: ViewportSize) -> Tab:
        context = await chromium.new_context(viewport=viewport, base_url=server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = await context.new_page()
        tab = Tab(page, server.url, viewport)
        page.on("console", tab._console)
        page.on("pageerror", lambda exc: tab.errors.append(f"{page.url}: {exc}"))
        page.on("dialog", tab._dialog)
        return tab

    yield open_at
    for context in contexts:
        await context.close()
