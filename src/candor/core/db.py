"""Database engine, declarative base and the one-request-one-transaction session."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

import aiosqlite
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import PoolResetState
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _run_statement(
    connection: aiosqlite.Connection, sql: str, parameters: Any, many: bool
) -> tuple[Any, int, int | None, list[Any]]:
    """On the connection's thread: run one statement, fetch its rows and close its cursor."""
    cursor = connection._conn.cursor()  # aiosqlite's sqlite3 connection, on the thread that owns it
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class _OneTripCursor:
    """An aiosqlite cursor that goes to the connection's thread once per statement.

    aiosqlite's own cursor goes there, and back through the event loop, to be created, to execute, to
    fetch and to be closed: four trips a query. Under load each trip waits for a turn of a busy event loop,
    and a writer makes them while it holds SQLite's one write lock, so their number caps the writes a
    second. Here a statement runs, its rows are fetched and its cursor closed in one trip; fetching then
    reads rows already in memory (SQLite has no server to stream them from).
    """

    arraysize = 1

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: deque[Any] = deque()

    async def __aenter__(self) -> _OneTripCursor:
        return self

    async def execute(self, sql: str, parameters: Any = None) -> _OneTripCursor:
        await self._run(sql, parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> _OneTripCursor:
        await self._run(sql, parameters, many=True)
        return self

    async def _run(self, sql: str, parameters: Any, *, many: bool) -> None:
        self._rows.clear()
        found = await self._connection._execute(  # type: ignore[no-untyped-call]  # aiosqlite's is untyped
            _run_statement, self._connection, sql, parameters, many
        )
        self.description, self.rowcount, self.lastrowid, rows = found
        self._rows.extend(rows)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class _OneTripConnection(aiosqlite.Connection):
    """aiosqlite's connection (its thread, commit, rollback, close), with `_OneTripCursor`s."""

    def cursor(self) -> _OneTripCursor:  # type: ignore[override]  # SQLAlchemy only enters the result
        return _OneTripCursor(self)

    @property
    def in_transaction(self) -> bool:
        # A flag of the sqlite3 connection, read without running a statement: no trip to the thread.
        return self._connection is not None and self._connection.in_transaction

    @classmethod
    def open(cls, database: str, **kwargs: Any) -> _OneTripConnection:
        """As `aiosqlite.connect`, with the arguments SQLAlchemy derived from the URL."""
        connection = cls(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return connection


def _connect_one_trip(dialect: Dialect, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
    return dialect.loaded_dbapi.connect(*cargs, async_creator_fn=_OneTripConnection.open, **cparams)


def _reset_on_return(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """Roll back a connection going back to the pool only if a transaction is still open on it. After a
    session's commit SQLAlchemy rolls back anyway, and on aiosqlite that is one more trip for nothing."""
    driver = dbapi_connection.driver_connection
    if state.asyncio_safe and (not isinstance(driver, _OneTripConnection) or driver.in_transaction):
        dbapi_connection.rollback()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, enforced foreign keys and a busy timeout; on aiosqlite, one trip to
    its thread per statement and no rollback after a commit."""
    if url.startswith("sqlite+aiosqlite"):
        engine = create_async_engine(url, pool_reset_on_return=None, **kwargs)
        event.listen(engine.sync_engine, "do_connect", _connect_one_trip)
        event.listen(engine.sync_engine, "reset", _reset_on_return)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 20)
        kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


_AFTER_COMMIT = "candor.after_commit"
DISPOSE_GRACE_SECONDS = 5.0


def after_commit(session: AsyncSession, hook: Callable[[], Awaitable[None]]) -> None:
    """Run `hook` once this session's transaction has committed (enqueue jobs, delete files)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(hook)


async def discard(session: AsyncSession) -> None:
    """Roll the unit of work back and forget the work it registered to run after its commit."""
    session.info.pop(_AFTER_COMMIT, None)
    await session.rollback()


class WriteLock:
    """One writer at a time, first come first served, except that urgent writers go ahead of the others
    waiting. The lock is handed straight to the next writer, so none can slip in between."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def hold(self, *, urgent: bool) -> AsyncIterator[None]:
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        if not self._held:
            self._held = True
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._others
        queue.append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release()  # handed over just as the waiter was cancelled: pass it on
            elif future in queue:
                queue.remove(future)
            raise

    def _release(self) -> None:
        for queue in (self._urgent, self._others):
            while queue:
                future = queue.popleft()
                if not future.done():
                    future.set_result(None)
                    return
        self._held = False


class Database:
    """The engine and session factory one app (or one worker) uses."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time, and a waiting writer sleeps and polls. Queueing this process's
        # writers on an asyncio lock instead hands the database over as soon as it is free.
        self._write_lock = WriteLock() if url.startswith("sqlite") else None
        self._active = 0  # units of work in flight
        self._idle = asyncio.Event()
        self._idle.set()

    @asynccontextmanager
    async def writing(self, *, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A unit of work that will write: on SQLite, one at a time per process, `urgent` ones (someone is
        waiting for this commit to be told it is stored) ahead of the others waiting; elsewhere, as
        `session`."""
        if self._write_lock is None:
            async with self.session() as session:
                yield session
            return
        async with self._write_lock.hold(urgent=urgent), self.session() as session:
            yield session

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the caller finishes cleanly, rolls back on any error.

        Work registered with `after_commit` runs only once the commit has succeeded.
        """
        self._active += 1
        self._idle.clear()
        try:
            async with self.sessionmaker() as session:
                try:
                    yield session
                    await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
                for hook in session.info.pop(_AFTER_COMMIT, []):
                    await hook()
        finally:
            self._active -= 1
            if not self._active:
                self._idle.set()

    async def dispose(self) -> None:
        """Close the pooled connections, once the units of work in flight have finished (for a few seconds at
        most): the pool closes only the connections it holds, and one handed back later is never closed."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DISPOSE_GRACE_SECONDS):
                while self._active:
                    await self._idle.wait()
        await self.engine.dispose()
