"""What the live interview's database shortcuts must still guarantee: SQLite statements run in one go with
the same results, a flush's held-back writes behave as if they had run at once (read back, checked, all or
nothing), a statement that must wait for another process's lock waits off the event loop, an open
transaction never leaks into the next unit of work, urgent writers go first, and disposing waits for the
work in flight."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import CursorResult, String, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from candor.core.db import Database, WriteLock


class _Base(DeclarativeBase):
    pass


class Note(_Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(String(50), unique=True)


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'perf.db'}")
    async with database.session() as session:
        await session.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"))
        await session.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body VARCHAR(50) UNIQUE)"))
    return database


async def _bodies(db: Database) -> list[str]:
    async with db.session() as session:
        return list((await session.execute(select(Note.body).order_by(Note.id))).scalars())


async def test_a_writing_unit_reads_back_what_it_flushed(db: Database) -> None:
    async with db.writing() as session:
        session.add_all([Note(id=1, body="first"), Note(id=2, body="second")])
        await session.flush()
        found = (await session.execute(select(Note.body).order_by(Note.id))).scalars().all()
        assert found == ["first", "second"]
        (await session.get_one(Note, 1)).body = "first, edited"
    assert await _bodies(db) == ["first, edited", "second"]
    await db.dispose()


async def test_a_held_back_write_that_breaks_a_constraint_fails_the_commit_and_keeps_nothing(
    db: Database,
) -> None:
    async with db.writing() as session:
        session.add(Note(id=1, body="taken"))

    async def clash() -> None:
        async with db.writing() as session:
            session.add(Note(id=2, body="new"))
            await session.flush()
            session.add(Note(id=3, body="taken"))

    with pytest.raises(IntegrityError):
        await clash()
    assert await _bodies(db) == ["taken"]
    await db.dispose()


async def test_a_held_back_update_of_a_row_gone_meanwhile_fails_the_commit(
    db: Database, tmp_path: Path
) -> None:
    async with db.writing() as session:
        session.add(Note(id=1, body="doomed"))

    async def edit() -> None:
        async with db.writing() as session:
            note = await session.get_one(Note, 1)
            note.body = "edited"
            session.add(Note(id=2, body="beside it"))
            await session.flush()  # told "one row updated"; the update waits for the commit
            other = sqlite3.connect(tmp_path / "perf.db")
            other.execute(
                "DELETE FROM note WHERE id = 1"
            )  # another process, between the flush and the commit
            other.commit()
            other.close()

    with pytest.raises(DatabaseError, match="matched 0 rows, not 1"):
        await edit()
    assert await _bodies(db) == []  # nor the row added beside the update
    await db.dispose()


async def test_a_write_waits_for_another_process_without_blocking_the_event_loop(
    db: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "perf.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def write() -> None:
        async with db.writing() as session:
            session.add(Note(id=1, body="after the wait"))

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done()  # waiting for the lock ...
    waited = ticks
    assert waited >= 5  # ... while the event loop goes on
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writing, 10)
    ticking.cancel()
    assert await _bodies(db) == ["after the wait"]
    await db.dispose()


async def test_statements_return_rows_counts_and_ids(db: Database) -> None:
    async with db.writing() as session:
        inserted = await session.execute(text("INSERT INTO item (name) VALUES ('a')"))
        assert isinstance(inserted, CursorResult)
        assert inserted.lastrowid == 1
        await session.execute(text("INSERT INTO item (name) VALUES (:name)"), [{"name": "b"}, {"name": "c"}])
        updated = await session.execute(text("UPDATE item SET name = name || '!' WHERE id > 1"))
        assert isinstance(updated, CursorResult)
        assert updated.rowcount == 2
    async with db.session() as session:
        rows = (await session.execute(text("SELECT id, name FROM item ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
        partial = await session.execute(text("SELECT name FROM item ORDER BY id"))
        assert [r[0] for r in partial.fetchmany(2)] == ["a", "b!"]
        assert [r[0] for r in partial.fetchall()] == ["c!"]
    await db.dispose()


async def test_a_failed_unit_of_work_leaves_nothing_behind(db: Database) -> None:
    async def fail_midway() -> None:
        async with db.writing() as session:
            await session.execute(text("INSERT INTO item (name) VALUES ('lost')"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_midway()
    async with db.session() as session:
        assert (await session.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0
    await db.dispose()


async def test_a_connection_returned_mid_transaction_is_rolled_back(db: Database) -> None:
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        await conn.commit()
        # Behind SQLAlchemy's back, so only the pool's reset can see it: the open transaction must not be
        # handed to the next user of the connection (whose commit would commit it too).
        assert raw.driver_connection is not None
        await raw.driver_connection.execute("INSERT INTO item (name) VALUES ('uncommitted')")
    async with db.writing() as session:
        await session.execute(text("INSERT INTO item (name) VALUES ('kept')"))
    async with db.session() as session:
        names = (await session.execute(text("SELECT name FROM item"))).scalars().all()
    assert names == ["kept"]
    await db.dispose()


async def test_urgent_writers_go_ahead_of_others_waiting() -> None:
    lock = WriteLock()
    order: list[str] = []

    async def writer(name: str, urgent: bool) -> None:
        async with lock.hold(urgent=urgent):
            order.append(name)
            await asyncio.sleep(0)

    async with lock.hold(urgent=False):
        tasks = [
            asyncio.create_task(writer("other-1", False)),
            asyncio.create_task(writer("other-2", False)),
            asyncio.create_task(writer("urgent-1", True)),
            asyncio.create_task(writer("urgent-2", True)),
        ]
        await asyncio.sleep(0.01)  # all four are waiting now
        assert order == []
    await asyncio.gather(*tasks)
    assert order == ["urgent-1", "urgent-2", "other-1", "other-2"]


async def test_a_cancelled_waiter_does_not_keep_the_lock() -> None:
    lock = WriteLock()
    async with lock.hold(urgent=False):
        waiter = asyncio.create_task(lock.hold(urgent=True).__aenter__())
        await asyncio.sleep(0.01)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    async with asyncio.timeout(1), lock.hold(urgent=False):
        pass


async def test_dispose_waits_for_the_work_in_flight(db: Database) -> None:
    started = asyncio.Event()

    async def slow_writer() -> None:
        async with db.writing() as session:
            await session.execute(text("INSERT INTO item (name) VALUES ('in flight')"))
            started.set()
            await asyncio.sleep(0.05)

    task = asyncio.create_task(slow_writer())
    await started.wait()
    await db.dispose()
    assert task.done()
    await task
