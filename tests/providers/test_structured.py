"""JSON answers validated by Pydantic, with one repair round-trip, over real HTTP."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from candor.providers.llm import (
    CompletionRequest,
    Message,
    ProviderBadResponse,
    complete_structured,
)
from candor.providers.llm.structured import parse_json_reply
from tests.fakes.openai_server import FakeOpenAIServer, Reply, ServerError
from tests.providers.conftest import MakeProvider, make_chain


class Score(BaseModel):
    score: int = Field(ge=1, le=5)
    reason: str


REQUEST = CompletionRequest(
    messages=(
        Message("system", 'Rate the answer. Reply in JSON: {"score": 1-5, "reason": "..."}.'),
        Message("user", "Answer: I led the migration to PostgreSQL."),
    ),
    prompt_version="score-v1",
)


async def test_valid_json_parses_first_time(server_a: FakeOpenAIServer, make_provider: MakeProvider) -> None:
    server_a.script(Reply('```json\n{"score": 4, "reason": "concrete"}\n```'))

    score, usages = await complete_structured(make_provider(server_a), REQUEST, Score)

    assert score == Score(score=4, reason="concrete")
    assert len(usages) == 1
    [sent] = server_a.requests
    assert sent.body["response_format"] == {"type": "json_object"}


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param('{"score": 4, "reason": "concrete"', id="invalid-json"),
        pytest.param('{"score": 9, "reason": "concrete"}', id="fails-validation"),
        pytest.param("Sure! Here is the JSON you asked for.", id="prose"),
    ],
)
async def test_one_repair_retry_sends_the_error_back(
    server_a: FakeOpenAIServer, make_provider: MakeProvider, broken: str
) -> None:
    server_a.script(Reply(broken), Reply('{"score": 3, "reason": "fixed"}'))

    score, usages = await complete_structured(make_provider(server_a), REQUEST, Score)

    assert score == Score(score=3, reason="fixed")
    assert len(usages) == 2
    first, repair = server_a.requests
    assert repair.messages[: len(first.messages)] == first.messages
    assert repair.messages[-2] == {"role": "assistant", "content": broken}
    assert repair.messages[-1]["role"] == "user"
    assert "corrected JSON object only" in repair.messages[-1]["content"]
    assert repair.body["response_format"] == {"type": "json_object"}


async def test_the_repair_prompt_names_the_invalid_field(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(Reply('{"score": 9, "reason": "x"}'), Reply('{"score": 5, "reason": "x"}'))

    await complete_structured(make_provider(server_a), REQUEST, Score)

    assert "- score: Input should be less than or equal to 5" in server_a.requests[1].messages[-1]["content"]


async def test_twice_invalid_raises_bad_response(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(Reply("not json"), Reply('{"score": "high"}'))

    with pytest.raises(ProviderBadResponse, match="invalid Score after one repair") as caught:
        await complete_structured(make_provider(server_a, "a"), REQUEST, Score)

    assert caught.value.provider == "a"
    assert len(server_a.requests) == 2


async def test_structured_output_works_through_the_chain(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(ServerError(500))
    server_b.script(Reply("{oops"), Reply('{"score": 2, "reason": "vague"}'))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b"), attempts=1)

    score, usages = await complete_structured(chain, REQUEST, Score)

    assert score.score == 2
    assert [u.provider for u in usages] == ["b", "b"]
    assert all(r.body["response_format"] == {"type": "json_object"} for r in server_b.requests)


@pytest.mark.parametrize(
    "text",
    [
        '{"score": 1, "reason": "r"}',
        '  {"score": 1, "reason": "r"}\n',
        '```json\n{"score": 1, "reason": "r"}\n```',
        '```\n{"score": 1, "reason": "r"}\n```',
        '```JSON {"score": 1, "reason": "r"}```',
    ],
)
def test_fences_are_stripped(text: str) -> None:
    assert parse_json_reply(text, Score) == Score(score=1, reason="r")
