"""`candor demo load`: whoever signs in as the demo candidate sees a finished interview and its feedback."""

from __future__ import annotations

import re

import httpx

from candor.core.config import Settings
from candor.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo
from tests.web.helpers import form_token


async def _log_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "csrf_token": form_token(page.text)},
    )
    assert response.status_code == 303, response.text


async def test_the_demo_candidate_sees_feedback_at_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    first = await load_demo(settings)
    again = await load_demo(settings)
    assert first.created
    assert not again.created
    assert again.interview_id == first.interview_id

    await _log_in(client)
    dashboard = (await client.get("/app")).text
    assert dashboard.count('class="card row"') == 1  # loading twice made one interview, not two
    assert f'href="/app/interviews/{first.interview_id}/feedback"' in dashboard
    assert re.search(r"Score (\d+)/10", dashboard)
    assert dashboard.count('class="line-chart"') == 5

    feedback = await client.get(f"/app/interviews/{first.interview_id}/feedback")
    assert feedback.status_code == 200
    score = re.search(r'class="big-score"><strong>(\d+)</strong>', feedback.text)
    assert score is not None
    assert 5 <= int(score.group(1)) <= 10  # the scripted candidate answers well
    assert feedback.text.count('class="card answer-card"') == 4
    assert "Assessment in progress" not in feedback.text

    documents = (await client.get("/api/v1/documents")).json()
    assert sorted(d["kind"] for d in documents) == ["cv", "job"]


async def test_an_older_demo_account_gets_the_missing_parts(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """An account made by an earlier version (or by hand) keeps its password and gains what it lacks."""
    signed_up = await client.post(
        "/api/v1/auth/signup", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    assert signed_up.status_code == 201
    demo = await load_demo(settings)
    assert not demo.created
    await _log_in(client)
    interviews = (await client.get("/api/v1/interviews")).json()
    assert [(i["id"], i["state"], i["overall_score"] is not None) for i in interviews] == [
        (str(demo.interview_id), "completed", True)
    ]
