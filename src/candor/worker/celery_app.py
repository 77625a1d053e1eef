"""Celery, used when `CANDOR_REDIS_URL` is set: API processes enqueue, `candor worker` processes run.

Tasks take ids only; all state is in the database, so a task that runs twice or after a restart does no harm.
Start a worker with `candor worker` (or `celery -A candor.worker.celery_app worker`).
"""

from __future__ import annotations

import asyncio
import uuid

from celery import Celery

from candor.core.config import Settings
from candor.core.db import Database

app = Celery("candor")
app.conf.update(
    task_acks_late=True,  # a worker that dies mid-task leaves the task on the queue
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
)


def configure(redis_url: str, database_url: str) -> Celery:
    """Point the process's Celery app at a broker, and its tasks at a database."""
    app.conf.update(broker_url=redis_url, candor_database_url=database_url)
    return app


@app.task(name="candor.assess_interview")
def assess_interview_task(interview_id: str) -> None:
    from candor.interviews.tasks import assess_interview
    from candor.providers.llm.factory import open_llm_chain

    async def run() -> None:
        db = Database(str(app.conf.candor_database_url))
        try:
            async with open_llm_chain(Settings().assessors) as model:
                await assess_interview(db, uuid.UUID(interview_id), model)
        finally:
            await db.dispose()

    asyncio.run(run())


class CeleryQueue:
    """Sends jobs to Celery workers by name."""

    def __init__(self, celery: Celery) -> None:
        self.celery = celery

    def enqueue(self, job: str, target_id: uuid.UUID) -> None:
        self.celery.send_task(f"candor.{job}", args=[str(target_id)])


_settings = Settings()
configure(_settings.redis_url or "redis://127.0.0.1:6379/0", _settings.resolved_database_url)
