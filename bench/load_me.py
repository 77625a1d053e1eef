"""`GET /api/v1/auth/me` under load: a real server in a subprocess, a load generator in another.

The server is uvicorn with one worker on a loopback port, over a freshly migrated database in a temporary
data dir. One account signs up; then 50 clients hit `/me` with its bearer token, and the same clients hit
a bare Starlette route and `/healthz` on the same server, in interleaved rounds, so the ratios hold on a
noisy machine. A run at concurrency 1 shows what one request costs with no queueing.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from alembic import command
from alembic.config import Config
from sqlalchemy import make_url, text

from bench.server import BASELINE_PATH
from bench.stats import Summary
from candor.core.db import create_engine

ROOT = Path(__file__).resolve().parents[1]
ME_PATH = "/api/v1/auth/me"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STARTUP_SECONDS = 30
LOAD_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    authenticated: bool


TARGETS = (
    Target("Starlette route (baseline)", BASELINE_PATH, authenticated=False),
    Target("FastAPI `/healthz`", "/healthz", authenticated=False),
    Target("`GET /api/v1/auth/me`", ME_PATH, authenticated=True),
)


@dataclass(frozen=True)
class LoadResult:
    target: Target
    concurrency: int
    latency: Summary
    throughput: float
    errors: int
    server_cpu_ms: float  # server CPU time per request, warm-up included
    client_cpu_share: float  # load generator CPU time / wall time: near 1.0 means the client was the limit


@dataclass(frozen=True)
class DatabaseRun:
    database: str
    results: list[LoadResult]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def migrate(url: str) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "head")


@contextmanager
def serve(database_url: str, data_dir: Path, workers: int = 1) -> Iterator[tuple[str, int]]:
    """A uvicorn subprocess serving the bench app; yields its base URL and pid, and always stops it."""
    port = _free_port()
    env = {
        **os.environ,
        "CANDOR_ENV": "production",
        "CANDOR_DATA_DIR": str(data_dir),
        "CANDOR_DATABASE_URL": database_url,
        "CANDOR_SECRET_KEY": "bench-secret-key-" + uuid.uuid4().hex,
        "CANDOR_LOG_LEVEL": "WARNING",
        "CANDOR_ACCESS_TOKEN_MINUTES": "60",
    }
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.server:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server, log_path)
            yield base, server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the bench server exited:\n{log_path.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the bench server did not start in {STARTUP_SECONDS} s")


def sign_up(base: str) -> str:
    response = httpx.post(
        f"{base}/api/v1/auth/signup",
        json={"email": "bench@example.com", "password": "bench-password-123", "session": "token"},
        timeout=30,
        trust_env=False,
    )
    if response.status_code != 201:
        raise RuntimeError(f"sign-up failed: {response.status_code} {response.text}")
    token: str = response.json()["tokens"]["access_token"]
    return token


def _load(url: str, token: str | None, requests: int, concurrency: int, warmup: int) -> dict[str, object]:
    args = [sys.executable, "-m", "bench.load", url, "--requests", str(requests)]
    args += ["--concurrency", str(concurrency), "--warmup", str(warmup)]
    if token:
        args += ["--token", token]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, check=True, timeout=LOAD_TIMEOUT_SECONDS)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def measure(
    base: str, pid: int, token: str, *, concurrency: int, requests: int, rounds: int, warmup: int
) -> list[LoadResult]:
    """Each target gets `requests` requests split over `rounds`, the targets taking turns."""
    millis: dict[str, list[float]] = {t.label: [] for t in TARGETS}
    wall = dict.fromkeys(millis, 0.0)
    client_cpu = dict.fromkeys(millis, 0.0)
    server_cpu = dict.fromkeys(millis, 0.0)
    errors = dict.fromkeys(millis, 0)
    for _ in range(rounds):
        for target in TARGETS:
            cpu_before = _cpu_seconds(pid)
            result = _load(
                base + target.path,
                token if target.authenticated else None,
                requests // rounds,
                concurrency,
                warmup,
            )
            server_cpu[target.label] += _cpu_seconds(pid) - cpu_before
            millis[target.label] += result["millis"]  # type: ignore[arg-type]  # JSON from bench.load
            wall[target.label] += float(result["wall_seconds"])  # type: ignore[arg-type]
            client_cpu[target.label] += float(result["client_cpu_seconds"])  # type: ignore[arg-type]
            statuses: dict[str, int] = result["statuses"]  # type: ignore[assignment]
            errors[target.label] += sum(n for code, n in statuses.items() if code != "200")
    sent = (requests // rounds + warmup) * rounds
    return [
        LoadResult(
            target=t,
            concurrency=concurrency,
            latency=Summary.of(millis[t.label]),
            throughput=len(millis[t.label]) / wall[t.label],
            errors=errors[t.label],
            server_cpu_ms=server_cpu[t.label] * 1000 / sent,
            client_cpu_share=client_cpu[t.label] / wall[t.label],
        )
        for t in TARGETS
    ]


def run_against(database: str, database_url: str, data_dir: Path, requests: int) -> DatabaseRun:
    migrate(database_url)
    with serve(database_url, data_dir) as (base, pid):
        token = sign_up(base)
        loaded = measure(base, pid, token, concurrency=50, requests=requests, rounds=2, warmup=250)
        single = measure(base, pid, token, concurrency=1, requests=1000, rounds=1, warmup=100)
    return DatabaseRun(database, loaded + single)


def run_sqlite(requests: int) -> DatabaseRun:
    with tempfile.TemporaryDirectory(prefix="candor-bench-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite+aiosqlite:///{data_dir / 'candor.db'}"
        return run_against("SQLite", url, data_dir, requests)


def _postgres_admin(base_url: str, sql: str) -> None:
    async def run() -> None:
        engine = create_engine(base_url, isolation_level="AUTOCOMMIT", pool_size=1)
        try:
            async with engine.connect() as conn:
                await conn.execute(text(sql))
        finally:
            await engine.dispose()

    asyncio.run(run())


def run_postgres(base_url: str, requests: int) -> DatabaseRun:
    """The same load on a PostgreSQL database of the bench's own, dropped afterwards."""
    if base_url.startswith(("postgresql://", "postgres://")):
        base_url = "postgresql+asyncpg://" + base_url.split("://", 1)[1]
    name = f"candor_bench_{uuid.uuid4().hex[:10]}"
    _postgres_admin(base_url, f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="candor-bench-") as tmp:
            url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
            return run_against("PostgreSQL", url, Path(tmp), requests)
    finally:
        _postgres_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
