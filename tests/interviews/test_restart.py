"""Job state lives in the database: an assessment the process never got to run is run after a restart."""

from __future__ import annotations

import httpx

from candor.core.config import Settings
from candor.main import create_app
from tests.factories.accounts import sign_up
from tests.factories.interviews import DroppedQueue, create_interview


async def test_an_assessment_left_pending_runs_after_a_restart(settings: Settings) -> None:
    first = create_app(settings)
    async with first.router.lifespan_context(first):
        first.state.jobs = DroppedQueue()
        transport = httpx.ASGITransport(app=first)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            user = await sign_up(client)
            iid = (await create_interview(client, user))["id"]
            await client.post(f"/api/v1/interviews/{iid}/start", headers=user.headers)
            await client.post(
                f"/api/v1/interviews/{iid}/answers",
                json={"client_msg_id": "kept", "text": "I built the payments API in Node.js at Uber."},
                headers=user.headers,
            )
            await client.post(
                f"/api/v1/interviews/{iid}/control", json={"action": "end"}, headers=user.headers
            )
            pending = (await client.get(f"/api/v1/interviews/{iid}/assessment", headers=user.headers)).json()
    assert pending["state"] == "pending"
    assert str(first.state.jobs.dropped[0]) == iid

    second = create_app(settings)
    async with second.router.lifespan_context(second):
        await second.state.jobs.drain()
        transport = httpx.ASGITransport(app=second)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            login = await client.post(
                "/api/v1/auth/login", json={"email": user.email, "password": "correct horse battery"}
            )
            headers = {"Authorization": f"Bearer {login.json()['tokens']['access_token']}"}
            done = (await client.get(f"/api/v1/interviews/{iid}/assessment", headers=headers)).json()
            transcript = (await client.get(f"/api/v1/interviews/{iid}/transcript", headers=headers)).json()
    assert done["state"] == "done"
    assert done["result"]["overall"] >= 1
    assert [m["client_msg_id"] for m in transcript["messages"]].count("kept") == 1
