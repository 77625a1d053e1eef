"""The fallback chain over real HTTP: retries, back-off, circuit breakers, and continuing broken streams."""

from __future__ import annotations

import pytest

from candor.providers.llm import (
    AllProvidersFailed,
    Chunk,
    CircuitOpen,
    CircuitState,
    CompletionRequest,
    LLMProvider,
    Message,
    ProviderAuthError,
    ProviderChain,
    ProviderTimeout,
    ProviderUnavailable,
    StreamEnd,
)
from candor.providers.llm.chain import (
    CONTINUE_INSTRUCTION,
    BreakerPolicy,
    CircuitBreaker,
    OverlapTrimmer,
)
from tests.fakes.openai_server import (
    Disconnect,
    FakeOpenAIServer,
    Hang,
    RateLimited,
    Reply,
    ServerError,
    Unauthorized,
)
from tests.providers.conftest import FakeClock, MakeProvider, Sleeps, make_chain

REQUEST = CompletionRequest(messages=(Message("user", "Ask me about my last project."),))
QUESTION = "Tell me about a project you are proud of, and what you built yourself."


async def stream_text(
    chain: ProviderChain, request: CompletionRequest = REQUEST
) -> tuple[list[str], StreamEnd]:
    chunks: list[str] = []
    end: StreamEnd | None = None
    async for event in chain.stream(request):
        assert end is None, "nothing may follow StreamEnd"
        if isinstance(event, Chunk):
            chunks.append(event.text)
        else:
            end = event
    assert end is not None
    return chunks, end


async def drain(provider: LLMProvider, into: list[str]) -> None:
    """Stream into `into`, so a test can see what arrived before an error."""
    async for event in provider.stream(REQUEST):
        if isinstance(event, Chunk):
            into.append(event.text)


async def test_success_passes_through_with_usage(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(Reply(QUESTION, tokens_in=30, tokens_out=15))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b"))

    completion = await chain.complete(REQUEST)
    chunks, end = await stream_text(chain)

    assert completion.text == QUESTION
    assert (completion.usage.provider, completion.usage.retries) == ("a", 0)
    assert completion.usage.cost_usd is not None
    assert "".join(chunks) == QUESTION
    assert (end.usage.provider, end.usage.tokens_in, end.usage.tokens_out) == ("a", 30, 15)
    assert server_b.requests == []


async def test_rate_limit_waits_for_retry_after_then_succeeds(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(RateLimited(retry_after="0.2"), Reply("Welcome."))
    sleeps = Sleeps()
    chain = make_chain(make_provider(server_a), sleep=sleeps)

    completion = await chain.complete(REQUEST)

    assert completion.text == "Welcome."
    assert completion.usage.retries == 1
    assert sleeps == [0.2]
    assert len(server_a.requests) == 2


async def test_retry_after_is_capped(server_a: FakeOpenAIServer, make_provider: MakeProvider) -> None:
    server_a.script(RateLimited(retry_after="3600"), Reply("Welcome."))
    sleeps = Sleeps()
    chain = make_chain(make_provider(server_a), sleep=sleeps, retry_after_cap_s=0.05)

    await chain.complete(REQUEST)

    assert sleeps == [0.05]


async def test_rate_limited_stream_is_retried_before_any_text(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(RateLimited(retry_after=None), ServerError(502), Reply(QUESTION))
    sleeps = Sleeps()
    chain = make_chain(make_provider(server_a), sleep=sleeps)

    chunks, end = await stream_text(chain)

    assert "".join(chunks) == QUESTION
    assert end.usage.retries == 2
    assert len(sleeps) == 2  # exponential back-off, no Retry-After sent
    assert all(0 < s < 0.1 for s in sleeps)


async def test_timeout_moves_on_to_the_next_provider(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(Hang(seconds=5))
    server_b.script(Reply("From b."))
    chain = make_chain(
        make_provider(server_a, "a", timeout_s=5), make_provider(server_b, "b"), attempts=2, timeout_s=1.0
    )

    completion = await chain.complete(REQUEST)

    assert (completion.text, completion.usage.provider, completion.usage.retries) == ("From b.", "b", 2)
    assert len(server_a.requests) == 2


async def test_server_errors_are_retried_then_fall_back(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(ServerError(500))
    server_b.script(Reply("From b."))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b"), attempts=3)

    completion = await chain.complete(REQUEST)

    assert completion.usage.provider == "b"
    assert completion.usage.retries == 3
    assert len(server_a.requests) == 3
    assert len(server_b.requests) == 1


async def test_one_server_error_is_retried_on_the_same_provider(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(ServerError(503), Reply("From a."))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b"))

    completion = await chain.complete(REQUEST)

    assert (completion.text, completion.usage.retries) == ("From a.", 1)
    assert server_b.requests == []


async def test_auth_error_is_not_retried(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(Unauthorized(401))
    server_b.script(Reply("From b."))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b"), attempts=3)

    completion = await chain.complete(REQUEST)

    assert completion.usage.provider == "b"
    assert len(server_a.requests) == 1


@pytest.mark.parametrize(
    "continuation",
    [
        pytest.param(QUESTION, id="starts-over"),
        pytest.param(QUESTION[QUESTION.index("about") :], id="repeats-last-words"),
        pytest.param(" " + QUESTION[QUESTION.index("about") :], id="repeats-with-leading-space"),
        pytest.param(QUESTION[12:], id="continues-cleanly"),
    ],
)
async def test_broken_stream_is_continued_by_the_next_provider_without_repetition(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider, continuation: str
) -> None:
    server_a.script(Disconnect(QUESTION, after_chunks=3, chunk_size=4))  # sends "Tell me abou" then drops
    server_b.script(Reply(continuation, chunk_size=3, tokens_out=9))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b"))

    chunks, end = await stream_text(chain)

    assert "".join(chunks) == QUESTION
    assert chunks[:3] == ["Tell", " me ", "abou"]
    assert end.usage.provider == "b"
    assert end.usage.retries == 1
    assert len(server_a.requests) == 1, "a stream that broke after sending text is not retried"
    [continued] = server_b.requests
    assert continued.messages[:-2] == [{"role": "user", "content": REQUEST.messages[0].content}]
    assert continued.messages[-2:] == [
        {"role": "assistant", "content": "Tell me abou"},
        {"role": "user", "content": CONTINUE_INSTRUCTION},
    ]


async def test_stalled_stream_is_continued_by_the_next_provider(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(Reply("Tell me about yourself and your goals.", chunk_size=8, chunk_delay_s=5))
    server_b.script(Reply("me about yourself and your goals."))
    chain = make_chain(make_provider(server_a, "a", timeout_s=5), make_provider(server_b, "b"), timeout_s=1.0)

    chunks, _ = await stream_text(chain)

    assert chunks[0] == "Tell me "
    assert "".join(chunks) == "Tell me about yourself and your goals."


async def test_every_provider_down_raises_with_the_partial_text(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(Disconnect(QUESTION, after_chunks=2, chunk_size=4))
    server_b.always(ServerError(500))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b"), attempts=2)
    received: list[str] = []

    with pytest.raises(AllProvidersFailed) as caught:
        await drain(chain, received)

    assert "".join(received) == caught.value.partial_text == "Tell me "
    assert [type(e) for e in caught.value.errors] == [ProviderUnavailable, ProviderUnavailable]
    assert [e.provider for e in caught.value.errors] == ["a", "b"]
    assert len(server_b.requests) == 2
    assert all(r.messages[-2]["content"] == "Tell me " for r in server_b.requests)


async def test_complete_with_every_provider_down_names_each_failure(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(Unauthorized(403))
    server_b.always(Hang(seconds=5))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b", timeout_s=0.3), attempts=1)

    with pytest.raises(AllProvidersFailed) as caught:
        await chain.complete(REQUEST)

    assert [type(e) for e in caught.value.errors] == [ProviderAuthError, ProviderTimeout]
    assert caught.value.partial_text == ""


async def test_circuit_opens_skips_the_dead_provider_then_half_opens(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(ServerError(500))
    server_b.always(Reply("From b."))
    clock = FakeClock()
    chain = make_chain(
        make_provider(server_a, "a"),
        make_provider(server_b, "b"),
        attempts=1,
        failure_threshold=2,
        cooldown_s=30,
        clock=clock,
    )

    for _ in range(2):
        assert (await chain.complete(REQUEST)).usage.provider == "b"
    assert chain.circuit_states()["a"] is CircuitState.OPEN
    assert len(server_a.requests) == 2

    # Open: the dead provider is skipped without a request, for completions and streams alike.
    assert (await chain.complete(REQUEST)).usage.provider == "b"
    _, end = await stream_text(chain)
    assert end.usage.provider == "b"
    assert len(server_a.requests) == 2

    # After the cool-down one probe goes through; a success closes the circuit.
    clock.advance(30)
    assert chain.circuit_states()["a"] is CircuitState.HALF_OPEN
    server_a.always(Reply("From a again."))
    assert (await chain.complete(REQUEST)).usage.provider == "a"
    assert len(server_a.requests) == 3
    assert chain.circuit_states()["a"] is CircuitState.CLOSED


async def test_a_failed_probe_reopens_the_circuit(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(ServerError(500))
    clock = FakeClock()
    chain = make_chain(
        make_provider(server_a, "a"),
        make_provider(server_b, "b"),
        attempts=3,
        failure_threshold=2,
        cooldown_s=30,
        clock=clock,
    )

    await chain.complete(REQUEST)  # two failures open the circuit; the third attempt is not sent
    assert len(server_a.requests) == 2
    clock.advance(30)
    await chain.complete(REQUEST)  # the probe fails: open again, no retry behind it
    assert len(server_a.requests) == 3
    assert chain.circuit_states()["a"] is CircuitState.OPEN
    await chain.complete(REQUEST)
    assert len(server_a.requests) == 3


async def test_all_circuits_open_fails_fast(server_a: FakeOpenAIServer, make_provider: MakeProvider) -> None:
    server_a.always(ServerError(500))
    chain = make_chain(make_provider(server_a, "a"), attempts=1, failure_threshold=1)
    with pytest.raises(AllProvidersFailed):
        await chain.complete(REQUEST)

    with pytest.raises(AllProvidersFailed) as caught:
        await chain.complete(REQUEST)

    assert [type(e) for e in caught.value.errors] == [CircuitOpen]
    assert len(server_a.requests) == 1


async def test_a_stream_that_keeps_breaking_opens_the_circuit(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.always(Disconnect(QUESTION, after_chunks=1))
    server_b.always(Reply(QUESTION))
    chain = make_chain(make_provider(server_a, "a"), make_provider(server_b, "b"), failure_threshold=2)

    for _ in range(3):
        chunks, _ = await stream_text(chain)
        assert "".join(chunks) == QUESTION

    assert len(server_a.requests) == 2
    assert chain.circuit_states()["a"] is CircuitState.OPEN


async def test_abandoned_stream_releases_its_half_open_probe(
    server_a: FakeOpenAIServer, make_provider: MakeProvider
) -> None:
    server_a.script(ServerError(500))
    clock = FakeClock()
    chain = make_chain(
        make_provider(server_a, "a"), attempts=1, failure_threshold=1, cooldown_s=30, clock=clock
    )
    with pytest.raises(AllProvidersFailed):
        await chain.complete(REQUEST)
    clock.advance(30)
    server_a.always(Reply(QUESTION, chunk_size=2))

    events = chain.stream(REQUEST)  # this stream is the half-open probe
    assert isinstance(await anext(events), Chunk)
    await events.aclose()  # the caller walks away: neither a success nor a failure

    assert chain.circuit_states()["a"] is CircuitState.HALF_OPEN
    completion = await chain.complete(REQUEST)  # the probe slot is free again
    assert completion.text == QUESTION
    assert chain.circuit_states()["a"] is CircuitState.CLOSED


def test_chain_rejects_an_empty_or_ambiguous_list(
    make_provider: MakeProvider, server_a: FakeOpenAIServer
) -> None:
    with pytest.raises(ValueError, match="at least one"):
        ProviderChain([])
    with pytest.raises(ValueError, match="unique"):
        ProviderChain([make_provider(server_a, "a"), make_provider(server_a, "a")])


def state(breaker: CircuitBreaker) -> CircuitState:
    return breaker.state  # read afresh: the clock moves it


def test_breaker_admits_a_single_probe_when_half_open() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(BreakerPolicy(failure_threshold=3, cooldown_s=10), clock=clock)
    for _ in range(2):
        breaker.record_failure()
    assert state(breaker) is CircuitState.CLOSED
    breaker.record_success()
    for _ in range(3):
        breaker.record_failure()
    assert state(breaker) is CircuitState.OPEN
    assert not breaker.allow()

    clock.advance(10)
    assert state(breaker) is CircuitState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow(), "one probe at a time"
    breaker.release()
    assert breaker.allow()
    breaker.record_failure()
    assert state(breaker) is CircuitState.OPEN
    clock.advance(10)
    assert breaker.allow()
    breaker.record_success()
    assert state(breaker) is CircuitState.CLOSED
    assert breaker.allow()
    assert breaker.allow()


@pytest.mark.parametrize(
    ("emitted", "pieces", "expected"),
    [
        pytest.param("Tell me abou", ["t your ", "work."], "t your work.", id="clean"),
        pytest.param("Tell me abou", ["Tell me ", "about your", " work."], "t your work.", id="restart"),
        pytest.param("Tell me abou", [" abou", "t your work."], "t your work.", id="space-then-repeat"),
        pytest.param("Tell me about", [" your work."], " your work.", id="clean-with-space"),
        pytest.param("A. B. Tell me", [" Tell me", " more."], " more.", id="repeat-last-words"),
        pytest.param("I like ban", ["ana bread."], "ana bread.", id="short-overlap-is-kept"),
        pytest.param("Tell me", ["Tell me"], "", id="only-repeats"),
        pytest.param("Tell me about", ["me", " about"], "", id="undecided-until-the-end"),
    ],
)
def test_overlap_trimmer(emitted: str, pieces: list[str], expected: str) -> None:
    trimmer = OverlapTrimmer(emitted)
    out = "".join(trimmer.feed(piece) for piece in pieces) + trimmer.flush()
    assert out == expected
