"""Audio retention: kept recordings of spoken answers are deleted after `speech_audio_retention_days`.

A recording's bytes live in the audio blob store and its metadata in `audio_recordings`. The purge deletes
expired rows, then every stored file that no remaining row names: that also removes the audio of deleted
interviews and accounts (their rows went with them, by cascade). It is idempotent, so every API process
may run it (at start-up and then hourly) and `candor audio purge` runs it by hand.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import anyio.to_thread
from sqlalchemy import delete, select

from candor.core.config import Settings
from candor.core.db import Database, utcnow
from candor.core.logging import log
from candor.interviews.models import AudioRecording

PURGE_EVERY_SECONDS = 3600
FRESH_SECONDS = 600


@dataclass(frozen=True)
class Purged:
    rows: int
    files: int


async def purge_audio(db: Database, settings: Settings, *, now: datetime | None = None) -> Purged:
    """Delete recordings older than the retention period, and audio files no recording names."""
    cutoff = (now or utcnow()) - timedelta(days=settings.speech_audio_retention_days)
    async with db.writing() as session:
        result = await session.execute(delete(AudioRecording).where(AudioRecording.created_at < cutoff))
        rows = int(getattr(result, "rowcount", 0) or 0)
    async with db.session() as session:
        kept = set((await session.execute(select(AudioRecording.blob_key))).scalars())
    files = await anyio.to_thread.run_sync(_sweep, settings.audio_dir, kept)
    if rows or files:
        log.info("audio_purged", rows=rows, files=files)
    return Purged(rows, files)


def _sweep(root: Path, kept: set[str]) -> int:
    """Remove unnamed files, except fresh ones: a recording is stored just before its row is committed."""
    if not root.is_dir():
        return 0
    fresh_after = time.time() - FRESH_SECONDS
    removed = 0
    for path in root.glob("*/*/*"):
        if path.name in kept or not path.is_file() or path.stat().st_mtime > fresh_after:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed


async def purge_periodically(db: Database, settings: Settings) -> None:
    """Run the purge now and then hourly, for the life of the process."""
    while True:
        try:
            await purge_audio(db, settings)
        except Exception:  # a failed purge must not take the server down; the next one retries
            log.exception("audio_purge_failed")
        await asyncio.sleep(PURGE_EVERY_SECONDS)
