"""Database engine, declarative base and the one-request-one-transaction session."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, ClassVar, NamedTuple

import aiosqlite
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
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


BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


class DeferredWriteMismatch(sqlite3.DatabaseError):
    """A held-back write matched another number of rows than the unit of work was told: another writer
    changed the row in between. The transaction is rolled back, as SQLAlchemy's stale-data check would."""


class _Step(NamedTuple):
    """One thing for SQLite to do: a statement (`expected`: the row count a held-back write was reported
    to have, checked when it runs; None: a statement whose rows and counts are wanted), or the commit."""

    sql: str | None  # None: commit
    parameters: Any = ()
    many: bool = False
    expected: int | None = None


_Result = tuple[Any, int, int | None, list[Any]]
_NO_RESULT: _Result = (None, -1, None, [])


class _WouldWait(Exception):
    """SQLite is busy (another process is writing): the steps from `index` on must wait, on the thread."""

    def __init__(self, index: int) -> None:
        self.index = index


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def _run_steps(conn: sqlite3.Connection, steps: list[_Step], start: int, *, wait: bool) -> _Result:
    """Run `steps[start:]` in order and return what the last statement found. Without `wait`, a step that
    would have to wait for a lock is not waited for: `_WouldWait` says where to go on from."""
    result = _NO_RESULT
    for index in range(start, len(steps)):
        step = steps[index]
        try:
            if step.sql is None:
                conn.commit()
                continue
            cursor = conn.cursor()
            try:
                if step.many:
                    cursor.executemany(step.sql, step.parameters)
                else:
                    cursor.execute(step.sql, step.parameters)
                if step.expected is None:
                    rows = cursor.fetchall() if cursor.description else []
                    result = (cursor.description, cursor.rowcount, cursor.lastrowid, rows)
                elif cursor.rowcount != step.expected:
                    raise DeferredWriteMismatch(
                        f"{step.sql.split(' WHERE ')[0][:80]} matched {cursor.rowcount} rows, "
                        f"not {step.expected}"
                    )
            finally:
                cursor.close()
        except sqlite3.OperationalError as exc:
            if not wait and _is_busy(exc):
                raise _WouldWait(index) from None
            raise
    return result


def _run_steps_waiting(conn: sqlite3.Connection, steps: list[_Step], start: int) -> _Result:
    """On the connection's thread: the steps that had to wait, with SQLite's busy timeout."""
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    try:
        return _run_steps(conn, steps, start, wait=True)
    finally:
        conn.execute("PRAGMA busy_timeout=0")


class _OneTripCursor:
    """An aiosqlite cursor that runs a statement, fetches its rows and closes itself in one go, on the event
    loop's thread unless SQLite would make it wait (docs/decisions/0005).

    aiosqlite's own cursor goes to the connection's thread, and back through the event loop, to be created,
    to execute, to fetch and to be closed: four trips a query, each waiting under load for the thread to get
    the GIL and for a turn of the loop, while a statement on a local SQLite file takes tens of microseconds.
    Fetching then reads rows already in memory (SQLite has no server to stream them from).
    """

    arraysize = 1

    def __init__(self, connection: _OneTripConnection) -> None:
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
        steps = [*self._connection.take_pending(), _Step(sql, () if parameters is None else parameters, many)]
        self.description, self.rowcount, self.lastrowid, rows = await self._connection.run(steps)
        self._rows.extend(rows)

    def hold_back(self, sql: str, parameters: Any, *, many: bool) -> None:
        """Keep a flush's write for the connection's next statement or its commit, and answer as SQLite
        will: no rows, one row written per parameter set."""
        expected = len(parameters) if many else 1
        self._connection.hold_back(_Step(sql, parameters if many else (parameters or ()), many, expected))
        self._rows.clear()
        self.description, self.rowcount, self.lastrowid = None, expected, None

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
    """aiosqlite's connection (its thread, opening and closing), with `_OneTripCursor`s, statements run on the
    event loop's thread when SQLite need not wait, and writes held back from a flush until the commit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: list[_Step] = []

    def cursor(self) -> _OneTripCursor:  # type: ignore[override]  # SQLAlchemy only enters the result
        return _OneTripCursor(self)

    def hold_back(self, write: _Step) -> None:
        self._pending.append(write)

    def take_pending(self) -> list[_Step]:
        pending, self._pending = self._pending, []
        return pending

    async def run(self, steps: list[_Step]) -> _Result:
        """Run the steps here, at once; from the first one that would wait for a lock (another process is
        writing), on the connection's thread, which waits up to SQLite's busy timeout."""
        try:
            return _run_steps(self._conn, steps, 0, wait=False)
        except _WouldWait as busy:
            result: _Result = await self._execute(  # type: ignore[no-untyped-call]  # aiosqlite's is untyped
                _run_steps_waiting, self._conn, steps, busy.index
            )
            return result

    async def commit(self) -> None:
        """The held-back writes and the commit, in one go; on failure none of them stays."""
        pending = self.take_pending()
        if not pending and not self._conn.in_transaction:
            return  # a unit of work that only read has nothing to commit
        try:
            await self.run([*pending, _Step(None)])
        except BaseException:
            if self._conn.in_transaction:
                self._conn.rollback()
            raise

    async def rollback(self) -> None:
        self._pending.clear()  # never run: nothing to undo
        if self._connection is not None and self._connection.in_transaction:
            self._connection.rollback()  # gives locks back; never waits for one

    @property
    def in_transaction(self) -> bool:
        # Flags, read without running a statement.
        return bool(self._pending) or (self._connection is not None and self._connection.in_transaction)

    @classmethod
    def open(cls, database: str, **kwargs: Any) -> _OneTripConnection:
        """As `aiosqlite.connect`, with the arguments SQLAlchemy derived from the URL."""
        # Opened on aiosqlite's thread, used from the event loop's too, by one user at a time (the unit of
        # work that checked it out, awaiting each statement): sqlite3's same-thread check does not apply.
        kwargs["check_same_thread"] = False
        connection = cls(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return connection


def _no_waiting_on_the_loop(dbapi_conn: Any, _record: Any) -> None:
    """A statement run on the event loop's thread must never sleep in SQLite's busy handler: it is handed to
    the connection's thread instead, which waits (`_run_steps_waiting`)."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=0")
    cur.close()


# Set inside `Database.writing()`: the units of work that hold the process's write lock.
_HOLD_BACK_WRITES: ContextVar[bool] = ContextVar("candor_hold_back_writes", default=False)


def _held_back_flush_write(context: Any) -> bool:
    """Whether a statement is a write of the ORM's flush that can wait for the commit: inside a writing unit
    of work, an INSERT, UPDATE or DELETE that returns nothing the ORM needs (no RETURNING, no row id to read
    back). Its row count is checked when it runs. Statements a caller wrote itself (`update(...)`, `text`)
    run at once: their callers may read what they return."""
    compiled = context.compiled
    return (
        _HOLD_BACK_WRITES.get()
        and compiled is not None
        and (context.isinsert or context.isupdate or context.isdelete)
        # The ORM's flush runs its statements with the mapper's compiled cache; nothing else of ours does.
        and context.execution_options.get("compiled_cache") is not None
        and not compiled.effective_returning
        and not compiled.postfetch_lastrowid
    )


def _hold_back_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
    if not _held_back_flush_write(context):
        return False
    cursor._cursor.hold_back(statement, parameters, many=False)
    return True


def _hold_back_executemany(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
    if not _held_back_flush_write(context):
        return False
    cursor._cursor.hold_back(statement, list(parameters), many=True)
    return True


def _connect_one_trip(dialect: Dialect, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
    return dialect.loaded_dbapi.connect(*cargs, async_creator_fn=_OneTripConnection.open, **cparams)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, enforced foreign keys and a busy timeout; on aiosqlite, statements
    run in one go (on the loop's thread unless SQLite would make them wait), the writes of a writing unit's
    flush sent with its commit."""
    if url.startswith("sqlite+aiosqlite"):
        # The pool's rollback on return costs nothing now: `_OneTripConnection.rollback` only acts on an
        # open transaction, and then without leaving the event loop.
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "do_connect", _connect_one_trip)
        event.listen(engine.sync_engine, "do_execute", _hold_back_execute)
        event.listen(engine.sync_engine, "do_executemany", _hold_back_executemany)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "connect", _no_waiting_on_the_loop)
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
        async with self._write_lock.hold(urgent=urgent), self.session(hold_back_writes=True) as session:
            yield session

    @asynccontextmanager
    async def session(self, *, hold_back_writes: bool = False) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the caller finishes cleanly, rolls back on any error.

        Work registered with `after_commit` runs only once the commit has succeeded. With
        `hold_back_writes` (SQLite, under the write lock) the flush's writes go to SQLite with the commit,
        in one call, so SQLite's own lock is held for microseconds; a constraint they break is then raised
        by the commit instead of the flush.
        """
        self._active += 1
        self._idle.clear()
        token = _HOLD_BACK_WRITES.set(hold_back_writes)
        try:
            async with self.sessionmaker() as session:
                try:
                    yield session
                    await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
                _HOLD_BACK_WRITES.set(False)  # what the hooks start is not part of this unit
                for hook in session.info.pop(_AFTER_COMMIT, []):
                    await hook()
        finally:
            _HOLD_BACK_WRITES.reset(token)
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
