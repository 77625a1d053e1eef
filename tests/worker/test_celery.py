"""With Redis configured, the assessment runs on a real Celery worker over a real Redis broker."""

from __future__ import annotations

import asyncio
import os

import httpx
import pytest
from celery.contrib.testing.worker import start_worker

from candor.core.config import Settings
from candor.main import create_app
from candor.worker.celery_app import CeleryQueue, configure
from tests.factories.accounts import sign_up
from tests.factories.interviews import create_interview

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


async def test_assessment_runs_on_a_celery_worker(settings: Settings) -> None:
    assert REDIS_URL is not None
    app = create_app(settings.model_copy(update={"redis_url": REDIS_URL}))
    celery = configure(REDIS_URL, settings.resolved_database_url)
    async with app.router.lifespan_context(app):
        assert isinstance(app.state.jobs, CeleryQueue)
        app.state.jobs = CeleryQueue(celery)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            user = await sign_up(client)
            iid = (await create_interview(client, user))["id"]
            await client.post(f"/api/v1/interviews/{iid}/start", headers=user.headers)
            ended = await client.post(
                f"/api/v1/interviews/{iid}/control", json={"action": "end"}, headers=user.headers
            )
            assert ended.json()["state"] == "completed"
            pending = await client.get(f"/api/v1/interviews/{iid}/assessment", headers=user.headers)
            assert pending.json()["state"] == "pending"  # nothing ran it in this process
            with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                for _ in range(200):
                    body = (
                        await client.get(f"/api/v1/interviews/{iid}/assessment", headers=user.headers)
                    ).json()
                    if body["state"] in ("done", "failed"):
                        break
                    await asyncio.sleep(0.05)
            assert body["state"] == "done", body
            assert body["attempts"] == 1
