"""Kept audio is deleted after the retention period, and so is audio no recording names any more."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select

from candor.core.config import Settings
from candor.core.db import Database, utcnow
from candor.documents.storage import BlobStore
from candor.interviews.models import AudioRecording
from candor.interviews.retention import FRESH_SECONDS, purge_audio
from tests.factories.accounts import sign_up
from tests.factories.interviews import create_interview


async def _recording(db: Database, blobs: BlobStore, interview_id: str, data: bytes, age_days: float) -> str:
    key = await blobs.put(data)
    async with db.session() as session:
        session.add(
            AudioRecording(
                interview_id=uuid.UUID(interview_id),
                client_msg_id=f"voice-{key[:8]}",
                blob_key=key,
                format="wav",
                sample_rate=16000,
                duration_s=1.0,
                size_bytes=len(data),
                created_at=utcnow() - timedelta(days=age_days),
            )
        )
    return key


def _age(blobs: BlobStore, key: str) -> None:
    """As if the file was written long ago (fresh files are spared: their row may not be committed yet)."""
    old = time.time() - FRESH_SECONDS - 60
    os.utime(blobs.path(key), (old, old))


async def test_purge_deletes_expired_recordings_and_orphaned_files(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    user = await sign_up(client)
    iid = (await create_interview(client, user))["id"]
    db = Database(settings.resolved_database_url)
    blobs = BlobStore(settings.audio_dir)
    try:
        expired = await _recording(db, blobs, iid, b"RIFF expired", age_days=31)
        recent = await _recording(db, blobs, iid, b"RIFF recent", age_days=29)
        orphan = await blobs.put(b"RIFF of a deleted interview")
        fresh_orphan = await blobs.put(b"RIFF stored a moment ago")
        for key in (expired, recent, orphan):
            _age(blobs, key)

        purged = await purge_audio(db, settings)
        assert (purged.rows, purged.files) == (1, 2)
        assert not blobs.exists(expired)
        assert not blobs.exists(orphan)
        assert blobs.exists(recent)
        assert blobs.exists(fresh_orphan)
        async with db.session() as session:
            left = list((await session.execute(select(AudioRecording.blob_key))).scalars())
        assert left == [recent]

        # Deleting the interview removes its recordings' rows; the next purge removes their files.
        deleted = await client.delete(f"/api/v1/interviews/{iid}", headers=user.headers)
        assert deleted.status_code == 204
        assert (await purge_audio(db, settings)).files == 1
        assert not blobs.exists(recent)
        assert (await purge_audio(db, settings)) == type(purged)(0, 0)  # idempotent
    finally:
        await db.dispose()
