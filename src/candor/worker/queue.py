"""Background jobs. Job state lives in the database; the queue only says "look at this id".

Without Redis, jobs run as asyncio tasks in the API process, and unfinished ones are picked up again at
start-up. With `CANDOR_REDIS_URL`, they go to Celery workers (see `candor.worker.celery_app`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol

from candor.core.logging import log

JobFunction = Callable[[uuid.UUID], Awaitable[None]]


class JobQueue(Protocol):
    def enqueue(self, job: str, target_id: uuid.UUID) -> None: ...


class InProcessQueue:
    """Runs jobs as tasks on the running event loop; keeps a reference so none is garbage-collected."""

    def __init__(self) -> None:
        self.jobs: dict[str, JobFunction] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def register(self, name: str, fn: JobFunction) -> None:
        self.jobs[name] = fn

    def enqueue(self, job: str, target_id: uuid.UUID) -> None:
        fn = self.jobs[job]

        async def run() -> None:
            try:
                await fn(target_id)
            except Exception:
                log.exception("job_failed", job=job, target_id=str(target_id))

        task = asyncio.get_running_loop().create_task(run(), name=f"{job}:{target_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for every job enqueued so far (tests, and a graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
