"""With a model configured, it puts the interviewer's questions into words; when every model fails, the
built-in interviewer's words are used and the interview goes on. Over real HTTP to a fake OpenAI server."""

from __future__ import annotations

import uuid

import httpx

from candor.documents.skills import could_start_skill
from candor.interviews.voice import SkillGuard
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


def test_the_skill_guard_holds_back_a_skill_neither_document_names() -> None:
    guard = SkillGuard(frozenset({"Kubernetes"}))
    text = "Thanks. How did you run Kubernetes there, and why did you pick Terraform over the rest?"
    shown = "".join(guard.feed(text[i : i + 4]) for i in range(0, len(text), 4)) + guard.finish()

    assert guard.stray == ["Terraform"]
    assert shown.startswith("Thanks. How did you run Kubernetes there,")
    assert "Terraform" not in shown
    assert text.startswith(shown)  # what was shown is the model's words, cut before the stray skill


def test_the_skill_guard_shows_a_grounded_reply_whole() -> None:
    guard = SkillGuard(frozenset({"Kubernetes", "Node.js"}))
    text = "How did you move the Node.js services onto Kubernetes without downtime?"
    shown = "".join(guard.feed(text[i : i + 3]) for i in range(0, len(text), 3)) + guard.finish()

    assert shown == text
    assert guard.stray == []


def test_the_skill_guard_reads_ordinary_words_as_words() -> None:
    guard = SkillGuard(frozenset())
    text = "What did leadership mean there, how did you react, and what about the rest of the team?"
    shown = guard.feed(text) + guard.finish()

    assert shown == text
    assert guard.stray == []


def test_the_skill_guard_judges_a_word_only_once_it_is_whole() -> None:
    guard = SkillGuard(frozenset({"Kubernetes"}))
    # "r" alone would be the language R; it is the start of "rollout".
    shown = guard.feed("So how did the Kubernetes r") + guard.feed("ollout go for the team?") + guard.finish()

    assert guard.stray == []
    assert shown == "So how did the Kubernetes rollout go for the team?"


async def test_a_model_that_names_a_skill_in_neither_document_gives_way_to_the_built_in_words(
    model_client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    user, iid = await started(model_client)
    fake.script(Reply("Thanks for that. How did you use Scala and Terraform to ship the change?"))
    fake.always(Reply("Thanks. How did the Kubernetes rollout go for the team?"))

    first = await model_client.post(
        f"/api/v1/interviews/{iid}/answers",
        json={"client_msg_id": uuid.uuid4().hex, "text": ANSWER},
        headers=user.headers,
    )

    message = first.json()["message"]
    assert "Scala" not in message["text"]  # not even the first of the two was shown
    assert "Terraform" not in message["text"]
    assert "To put it plainly: " in message["text"]  # the built-in question follows what was shown
    assert "  " not in message["text"]
    assert message["provider"] == "builtin"
    # The next turn goes to the model again, whose grounded words stand (Kubernetes is in the job).
    second = await model_client.post(
        f"/api/v1/interviews/{iid}/answers",
        json={"client_msg_id": uuid.uuid4().hex, "text": ANSWER},
        headers=user.headers,
    )
    assert second.json()["message"]["text"] == "Thanks. How did the Kubernetes rollout go for the team?"
    assert second.json()["message"]["provider"] == "fake"


def test_the_skill_guard_never_shows_part_of_a_stray_skill() -> None:
    guard = SkillGuard(frozenset())
    shown = guard.feed("So, looking back at it (Kuber") + guard.feed("netes) was that the right call?")

    assert shown == "So, looking back at it "  # "(Kuber" could become a skill's name, so it waited
    assert guard.stray == ["Kubernetes"]
    assert guard.finish() == ""


def test_the_skill_guard_shows_words_that_cannot_start_a_skill_at_once() -> None:
    guard = SkillGuard(frozenset())

    assert guard.feed("Thank you, and how wou") == "Thank you, and how wou"
    assert could_start_skill("Kuber")
    assert could_start_skill("google cloud")
    assert not could_start_skill("walking")
