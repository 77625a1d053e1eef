"""The OpenAI-compatible adapter against a real HTTP server speaking the protocol."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

import pytest

from candor.providers.llm import (
    Chunk,
    CompletionRequest,
    Message,
    ModelPrice,
    PriceTable,
    ProviderAuthError,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
    StreamEnd,
    StreamEvent,
)
from candor.providers.llm.openai_compat import OpenAICompatibleProvider, estimate_tokens, retry_after_seconds
from tests.fakes.openai_server import (
    Behaviour,
    Disconnect,
    FakeOpenAIServer,
    Hang,
    MalformedBody,
    RateLimited,
    Reply,
    ServerError,
    Unauthorized,
)
from tests.providers.conftest import MakeProvider

REQUEST = CompletionRequest(
    messages=(Message("system", "You are an interviewer."), Message("user", "Ask me something.")),
    temperature=0.3,
    max_tokens=200,
)


async def collect(provider: OpenAICompatibleProvider, request: CompletionRequest) -> list[StreamEvent]:
    return [event async for event in provider.stream(request)]


async def drain(provider: OpenAICompatibleProvider, into: list[str]) -> None:
    async for event in provider.stream(REQUEST):
        if isinstance(event, Chunk):
            into.append(event.text)


async def test_complete_returns_text_and_records_usage_and_cost(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(Reply("Tell me about yourself.", tokens_in=1000, tokens_out=500))
    provider = make_provider(server_a, "openai", model="gpt-4o-mini")

    completion = await provider.complete(REQUEST)

    assert completion.text == "Tell me about yourself."
    usage = completion.usage
    assert (usage.provider, usage.model, usage.tokens_in, usage.tokens_out) == (
        "openai",
        "gpt-4o-mini",
        1000,
        500,
    )
    assert usage.cost_usd == pytest.approx((1000 * 0.15 + 500 * 0.60) / 1_000_000)
    assert usage.latency_ms > 0
    assert not usage.estimated
    [sent] = server_a.requests
    assert sent.body["model"] == "gpt-4o-mini"
    assert sent.body["temperature"] == 0.3
    assert sent.body["max_tokens"] == 200
    assert sent.messages == [
        {"role": "system", "content": "You are an interviewer."},
        {"role": "user", "content": "Ask me something."},
    ]
    assert "response_format" not in sent.body
    assert sent.headers["authorization"] == "Bearer sk-test"


async def test_stream_yields_text_in_chunks_then_usage(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    text = "What did you build most recently, and why?"
    server_a.script(Reply(text, chunk_size=5, tokens_in=40, tokens_out=11))
    provider = make_provider(server_a)

    events = await collect(provider, REQUEST)

    *chunks, end = events
    assert all(isinstance(c, Chunk) and c.text for c in chunks)
    assert len(chunks) == 9
    assert "".join(c.text for c in chunks if isinstance(c, Chunk)) == text
    assert isinstance(end, StreamEnd)
    assert (end.usage.tokens_in, end.usage.tokens_out, end.usage.estimated) == (40, 11, False)
    assert end.usage.cost_usd == pytest.approx((40 * 0.15 + 11 * 0.60) / 1_000_000)
    assert end.usage.first_token_ms is not None
    assert end.usage.first_token_ms <= end.usage.latency_ms
    [sent] = server_a.requests
    assert sent.streamed
    assert sent.body["stream_options"] == {"include_usage": True}


async def test_stream_estimates_tokens_when_the_server_sends_no_usage(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    text = "A server that ignores stream_options."
    server_a.script(Reply(text, stream_usage=False))
    provider = make_provider(server_a, model="llama3.2:3b")

    end = (await collect(provider, REQUEST))[-1]

    assert isinstance(end, StreamEnd)
    assert end.usage.estimated
    assert end.usage.tokens_out == estimate_tokens(text)
    assert end.usage.tokens_in > 0
    assert end.usage.cost_usd is None  # a local model with no configured price


async def test_stream_options_can_be_left_out_for_servers_that_reject_them(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    provider = make_provider(server_a, stream_usage=False)

    await collect(provider, REQUEST)

    assert "stream_options" not in server_a.requests[0].body


async def test_json_mode_asks_for_a_json_object(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(Reply('{"ok": true}'))
    provider = make_provider(server_a)

    await provider.complete(CompletionRequest(messages=REQUEST.messages, json_mode=True))

    assert server_a.requests[0].body["response_format"] == {"type": "json_object"}


async def test_configured_price_overrides_the_table(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(Reply("Hi", tokens_in=2_000_000, tokens_out=1_000_000))
    provider = make_provider(
        server_a, model="qwen2.5:7b", prices=PriceTable({"qwen2.5:7b": ModelPrice(0.1, 0.2)})
    )

    completion = await provider.complete(REQUEST)

    assert completion.usage.cost_usd == pytest.approx(0.4)


FAILURES: list[tuple[Behaviour, type[ProviderError]]] = [
    (RateLimited(retry_after="7"), ProviderRateLimited),
    (ServerError(500), ProviderUnavailable),
    (ServerError(503), ProviderUnavailable),
    (ServerError(404), ProviderRequestRejected),
    (Unauthorized(401), ProviderAuthError),
    (Unauthorized(403), ProviderAuthError),
    (Hang(seconds=5), ProviderTimeout),
    (MalformedBody(), ProviderBadResponse),
    (Disconnect("never sent", after_chunks=0), ProviderUnavailable),
]


def timeout_for(behaviour: Behaviour) -> float:
    """Short only where the timeout is the point: a loaded machine can take 0.25 s to connect."""
    return 0.25 if isinstance(behaviour, Hang) else 10.0


@pytest.mark.parametrize(("behaviour", "error"), FAILURES, ids=lambda v: type(v).__name__)
async def test_complete_converts_failures_at_the_edge(
    server_a: FakeOpenAIServer, make_provider: MakeProvider, behaviour: Behaviour, error: type[ProviderError]
) -> None:
    server_a.script(behaviour)
    provider = make_provider(server_a, "edge", timeout_s=timeout_for(behaviour))

    with pytest.raises(error) as caught:
        await provider.complete(REQUEST)

    assert type(caught.value) is error
    assert caught.value.provider == "edge"
    if isinstance(caught.value, ProviderRateLimited):
        assert caught.value.retry_after == 7


@pytest.mark.parametrize(("behaviour", "error"), FAILURES, ids=lambda v: type(v).__name__)
async def test_stream_converts_failures_at_the_edge(
    server_a: FakeOpenAIServer, make_provider: MakeProvider, behaviour: Behaviour, error: type[ProviderError]
) -> None:
    server_a.script(behaviour)
    provider = make_provider(server_a, "edge", timeout_s=timeout_for(behaviour))

    with pytest.raises(error):
        await collect(provider, REQUEST)


async def test_disconnect_mid_stream_raises_after_the_text_already_sent(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(Disconnect("Hello there, candidate.", after_chunks=3, chunk_size=4))
    provider = make_provider(server_a)
    received: list[str] = []

    with pytest.raises(ProviderUnavailable):
        await drain(provider, received)

    assert "".join(received) == "Hello there,"


async def test_a_stalled_stream_times_out(server_a: FakeOpenAIServer, make_provider: MakeProvider) -> None:
    server_a.script(Reply("slow and steady", chunk_size=5, chunk_delay_s=1.0))
    provider = make_provider(server_a, timeout_s=0.25)

    with pytest.raises(ProviderTimeout):
        await collect(provider, REQUEST)


def test_retry_after_reads_milliseconds_seconds_and_dates() -> None:
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"retry-after": "soon"}) is None
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    seconds = retry_after_seconds({"retry-after": later})
    assert seconds is not None
    assert 20 < seconds <= 30


def test_price_lookup_knows_router_prefixes_and_dated_snapshots() -> None:
    table = PriceTable()
    assert (
        table.lookup("openai/gpt-4o-mini") == table.lookup("gpt-4o-mini-2024-07-18") == ModelPrice(0.15, 0.60)
    )
    assert table.lookup("gpt-4o") == ModelPrice(2.50, 10.00)
    assert table.lookup("llama3.2:3b") is None
    assert PriceTable(defaults=False).lookup("gpt-4o") is None
