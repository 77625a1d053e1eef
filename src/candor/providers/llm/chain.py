"""Several providers behind one: time limits, retries with back-off, circuit breakers, ordered fallback.

Rules, in the order a call meets them:

1. Providers are tried in the configured order. One whose circuit is open is skipped without a request.
2. Each attempt gets `timeout_s` (a stream: to its first text, then between events).
3. Timeouts, 429s, 5xx and dropped connections are retried on the same provider, `RetryPolicy.attempts`
   times in all, after an exponential back-off with jitter, or after the server's `Retry-After` (capped).
   Auth errors, rejected requests and malformed answers move straight on to the next provider.
4. A stream that breaks after it has sent text is not retried on the same provider: the next provider is
   asked to continue the partial answer, and whatever it repeats of it is dropped, so the caller never
   receives the same text twice.
5. When every provider has failed, `AllProvidersFailed` carries the text already streamed; the interview
   layer then falls back to the offline interviewer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

import structlog
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from candor.providers.llm.base import (
    AllProvidersFailed,
    Chunk,
    CircuitOpen,
    Completion,
    CompletionRequest,
    LLMProvider,
    Message,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderTimeout,
    StreamEnd,
    StreamEvent,
    SupportsAclose,
    is_retryable,
)

log = structlog.get_logger("candor.providers")

R = TypeVar("R")
Sleep = Callable[[float], Awaitable[None]]

CONTINUE_PROMPT_VERSION = "continue-v1"
CONTINUE_INSTRUCTION = (
    "Your previous reply was cut off. Continue it exactly where it stops: do not repeat any of it, "
    "add no preamble, and reply with only the rest."
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`attempts` counts the first try. A server's `Retry-After` replaces the back-off, up to the cap."""

    attempts: int = 3
    backoff_initial_s: float = 0.25
    backoff_max_s: float = 4.0
    jitter_s: float = 0.25
    retry_after_cap_s: float = 5.0


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    """Open after `failure_threshold` failures in a row; let one probe through after `cooldown_s`."""

    failure_threshold: int = 5
    cooldown_s: float = 30.0


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Per-provider breaker: closed, open after N consecutive failures, half-open after the cool-down.

    Half-open admits a single probe; its success closes the circuit, its failure re-opens it for another
    cool-down. Small enough to own: the asyncio breaker libraries on PyPI are unmaintained or untyped,
    and none lets a stream count as one call that succeeds only when it ends.
    """

    def __init__(self, policy: BreakerPolicy, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._policy = policy
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._clock() - self._opened_at >= self._policy.cooldown_s:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    def allow(self) -> bool:
        """Whether a request may go out now; in half-open state this claims the one probe."""
        state = self.state
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self._policy.failure_threshold:
            self._opened_at = self._clock()
        self._probing = False

    def release(self) -> None:
        """The call ended with neither verdict (cancelled by the caller): free the probe."""
        self._probing = False


@dataclass(slots=True)
class _Entry:
    provider: LLMProvider
    breaker: CircuitBreaker


@dataclass(slots=True)
class _Tally:
    """Failed attempts across the whole call, reported as `Usage.retries`."""

    failures: int = 0


class ProviderChain:
    """An `LLMProvider` made of several, tried in order. See the module docstring for the rules.

    `sleep` (the back-off) and `clock` (the breakers' cool-down) are injectable so tests need not wait.
    """

    name: str

    def __init__(
        self,
        providers: Sequence[LLMProvider],
        *,
        name: str = "chain",
        timeout_s: float | None = 30.0,
        retry: RetryPolicy | None = None,
        breaker: BreakerPolicy | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not providers:
            raise ValueError("a provider chain needs at least one provider")
        names = [p.name for p in providers]
        if len(set(names)) != len(names):
            raise ValueError(f"provider names must be unique, got {names}")
        self.name = name
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        breaker_policy = breaker or BreakerPolicy()
        self._entries = [_Entry(p, CircuitBreaker(breaker_policy, clock=clock)) for p in providers]
        self._sleep = sleep if sleep is not None else asyncio.sleep
        self._backoff = wait_exponential_jitter(
            multiplier=self.retry.backoff_initial_s, max=self.retry.backoff_max_s, jitter=self.retry.jitter_s
        )

    @property
    def providers(self) -> tuple[LLMProvider, ...]:
        return tuple(e.provider for e in self._entries)

    def circuit_states(self) -> dict[str, CircuitState]:
        """Each provider's circuit, for health checks and metrics."""
        return {e.provider.name: e.breaker.state for e in self._entries}

    async def aclose(self) -> None:
        for entry in self._entries:
            if isinstance(entry.provider, SupportsAclose):
                await entry.provider.aclose()

    async def complete(self, request: CompletionRequest) -> Completion:
        errors: list[ProviderError] = []
        tally = _Tally()
        for entry in self._entries:
            provider = entry.provider

            async def call(provider: LLMProvider = provider) -> Completion:
                return await provider.complete(request)

            try:
                completion = await self._with_retries(entry, call, tally)
            except ProviderError as exc:
                errors.append(exc)
                self._log_fallback(entry, exc)
                continue
            return replace(completion, usage=replace(completion.usage, retries=tally.failures))
        raise AllProvidersFailed(errors)

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[StreamEvent, None]:
        errors: list[ProviderError] = []
        tally = _Tally()
        emitted = ""
        for entry in self._entries:
            attempt_request = continuation_request(request, emitted) if emitted else request

            async def open_stream(
                provider: LLMProvider = entry.provider, req: CompletionRequest = attempt_request
            ) -> tuple[AsyncIterator[StreamEvent], StreamEvent]:
                return await _open(provider, req)

            try:
                iterator, event = await self._with_retries(entry, open_stream, tally, count_success=False)
            except ProviderError as exc:
                errors.append(exc)
                self._log_fallback(entry, exc)
                continue

            trimmer = OverlapTrimmer(emitted) if emitted else None
            verdict = False
            try:
                while isinstance(event, Chunk):
                    text = trimmer.feed(event.text) if trimmer else event.text
                    if text:
                        emitted += text
                        yield Chunk(text)
                    event = await self._next_event(entry, iterator)
                if trimmer and (rest := trimmer.flush()):
                    emitted += rest
                    yield Chunk(rest)
                entry.breaker.record_success()
                verdict = True
                yield StreamEnd(replace(event.usage, retries=tally.failures))
                return
            except ProviderError as exc:
                self._record_failure(entry)
                verdict = True
                tally.failures += 1
                errors.append(exc)
                log.warning(
                    "llm.stream_broken", provider=entry.provider.name, error=str(exc), emitted=len(emitted)
                )
            finally:
                if not verdict:
                    entry.breaker.release()
                await _close(iterator)
        raise AllProvidersFailed(errors, partial_text=emitted)

    async def _with_retries(
        self,
        entry: _Entry,
        call: Callable[[], Awaitable[R]],
        tally: _Tally,
        *,
        count_success: bool = True,
    ) -> R:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=retry_if_exception(is_retryable),
            sleep=self._sleep,
            reraise=True,
            before_sleep=self._log_retry(entry),
        )
        async for attempt in retrying:
            with attempt:
                return await self._guarded(entry, call, tally, count_success=count_success)
        raise AssertionError("tenacity re-raises the last error")  # pragma: no cover

    async def _guarded(
        self,
        entry: _Entry,
        call: Callable[[], Awaitable[R]],
        tally: _Tally,
        *,
        count_success: bool,
    ) -> R:
        """One attempt: ask the breaker, apply the time limit, and report the outcome to the breaker."""
        name = entry.provider.name
        if not entry.breaker.allow():
            raise CircuitOpen("circuit open: skipped", provider=name)
        try:
            try:
                async with asyncio.timeout(self.timeout_s):
                    result = await call()
            except TimeoutError:
                raise ProviderTimeout(f"no answer within {self.timeout_s}s", provider=name) from None
        except ProviderRequestRejected:
            # The request was at fault, not the provider's health.
            entry.breaker.release()
            tally.failures += 1
            raise
        except ProviderError:
            self._record_failure(entry)
            tally.failures += 1
            raise
        except BaseException:
            entry.breaker.release()
            raise
        if count_success:
            entry.breaker.record_success()
        return result

    async def _next_event(self, entry: _Entry, iterator: AsyncIterator[StreamEvent]) -> StreamEvent:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await anext(iterator)
        except TimeoutError:
            raise ProviderTimeout(
                f"stream stalled for {self.timeout_s}s", provider=entry.provider.name
            ) from None
        except StopAsyncIteration:
            raise ProviderBadResponse(
                "stream ended without its closing usage", provider=entry.provider.name
            ) from None

    def _record_failure(self, entry: _Entry) -> None:
        was_closed = entry.breaker.state is CircuitState.CLOSED
        entry.breaker.record_failure()
        if entry.breaker.state is CircuitState.OPEN and was_closed:
            log.warning("llm.circuit_opened", provider=entry.provider.name)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, ProviderRateLimited) and error.retry_after is not None:
            return min(error.retry_after, self.retry.retry_after_cap_s)
        return float(self._backoff(state))

    def _log_retry(self, entry: _Entry) -> Callable[[RetryCallState], None]:
        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome is not None else None
            log.info(
                "llm.retry",
                provider=entry.provider.name,
                attempt=state.attempt_number,
                wait_s=round(state.upcoming_sleep, 3),
                error=str(error),
            )

        return before_sleep

    def _log_fallback(self, entry: _Entry, error: ProviderError) -> None:
        log.warning("llm.provider_failed", provider=entry.provider.name, error=str(error))


def continuation_request(request: CompletionRequest, partial: str) -> CompletionRequest:
    """Ask for the rest of `partial`: it goes back as the assistant's turn, then a short instruction."""
    return replace(
        request,
        messages=(
            *request.messages,
            Message("assistant", partial),
            Message("user", CONTINUE_INSTRUCTION),
        ),
    )


class OverlapTrimmer:
    """Drops the start of a continuation that repeats the end of the text already emitted.

    Models asked to continue often restate the last words, or start over. The overlap is the longest
    suffix of the emitted text that the continuation starts with (ignoring the continuation's leading
    whitespace), at least `min_overlap` characters so that a genuine "ban" + "ana" survives. Text is held
    back only while it could still be part of such a repeat, that is while it occurs inside the emitted
    text.
    """

    def __init__(self, emitted: str, *, min_overlap: int = 3) -> None:
        self._emitted = emitted
        self._min = min_overlap
        self._pending = ""
        self._done = False

    def feed(self, text: str) -> str:
        """The part of `text` that may be passed on now ("" while undecided)."""
        if self._done:
            return text
        self._pending += text
        if self._could_grow():
            return ""
        return self.flush()

    def flush(self) -> str:
        """Decide with what has arrived (the stream ended) and hand over what is new."""
        if self._done:
            return ""
        self._done = True
        pending, self._pending = self._pending, ""
        stripped = pending.lstrip()
        best_end = 0
        for start, candidate in ((0, pending), (len(pending) - len(stripped), stripped)):
            k = self._overlap(candidate)
            if k and start + k > best_end:
                best_end = start + k
        return pending[best_end:]

    def _could_grow(self) -> bool:
        stripped = self._pending.lstrip()
        if not stripped:
            return True
        # Found strictly before the end: a longer suffix of `emitted` might still match as more arrives.
        return self._emitted.find(stripped, 0, len(self._emitted) - 1) != -1

    def _overlap(self, text: str) -> int:
        for k in range(min(len(self._emitted), len(text)), self._min - 1, -1):
            if self._emitted.endswith(text[:k]):
                return k
        return 0


async def _open(
    provider: LLMProvider, request: CompletionRequest
) -> tuple[AsyncIterator[StreamEvent], StreamEvent]:
    """Start a stream and wait for its first event, so failures before any text can be retried."""
    iterator = aiter(provider.stream(request))
    try:
        first = await anext(iterator)
    except StopAsyncIteration:
        raise ProviderBadResponse("empty stream", provider=provider.name) from None
    except BaseException:
        await _close(iterator)
        raise
    return iterator, first


async def _close(iterator: AsyncIterator[StreamEvent]) -> None:
    if isinstance(iterator, AsyncGenerator):
        await iterator.aclose()
