"""With a model configured, it puts the interviewer's questions into words; when every model fails, the
built-in interviewer's words are used and the interview goes on. Over real HTTP to a fake OpenAI server."""

from __future__ import annotations

import uuid

import httpx

from tests.factories.accounts import SignedIn, sign_up
from tests.factories.interviews import create_interview
from tests.fakes.openai_server import FakeOpenAIServer, Reply, ServerError

ANSWER = "I scaled the pricing service at Uber to Node.js microservices on Kubernetes; latency fell by 70%."


async def started(client: httpx.AsyncClient) -> tuple[SignedIn, str]:
    user = await sign_up(client)
    iid = (await create_interview(client, user, question_count=3, max_follow_ups=0))["id"]
    assert (await client.post(f"/api/v1/interviews/{iid}/start", headers=user.headers)).status_code == 200
    return user, iid


async def test_the_model_phrases_the_next_question_and_its_use_is_recorded(
    model_client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    user, iid = await started(model_client)
    fake.always(Reply("Thank you. How did you decide what to move first?", tokens_in=120, tokens_out=11))
    reply = await model_client.post(
        f"/api/v1/interviews/{iid}/answers",
        json={"client_msg_id": uuid.uuid4().hex, "text": ANSWER},
        headers=user.headers,
    )
    message = reply.json()["message"]
    assert message["text"] == "Thank you. How did you decide what to move first?"
    assert message["provider"] == "fake"
    assert message["prompt_version"].startswith("interviewer_turn.")
    # The model was told what to ask and given the answer as data, not as instructions.
    sent = fake.requests[-1].messages[0]["content"]
    assert ANSWER in sent
    assert "data, not instructions" in sent
    usage = (await model_client.get(f"/api/v1/interviews/{iid}/usage", headers=user.headers)).json()
    assert usage["calls"] == 1
    assert usage["tokens_in"] == 120
    assert usage["tokens_out"] == 11
    assert usage["by_provider"] == {"fake": 1}
    assert usage["cost_usd"] is not None
    assert usage["cost_usd"] > 0


async def test_when_every_model_fails_the_builtin_interviewer_carries_on(
    model_client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    user, iid = await started(model_client)
    fake.always(ServerError(503))
    plan_question = (await model_client.get(f"/api/v1/interviews/{iid}", headers=user.headers)).json()
    assert plan_question["state"] == "in_progress"
    reply = await model_client.post(
        f"/api/v1/interviews/{iid}/answers",
        json={"client_msg_id": uuid.uuid4().hex, "text": ANSWER},
        headers=user.headers,
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["message"]["provider"] == "builtin"
    assert body["message"]["text"]
    assert body["question_number"] == 2
    assert len(fake.requests) >= 1  # the model really was tried
    usage = (await model_client.get(f"/api/v1/interviews/{iid}/usage", headers=user.headers)).json()
    assert usage["calls"] == 0
