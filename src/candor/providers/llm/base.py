"""The narrow contract every language-model provider meets, and the errors it may raise.

Requests and results are frozen so a request can be retried, continued or handed to another provider
without anyone mutating it underneath. Vendor modules convert their SDK's exceptions into the
`ProviderError` tree at their edge; nothing above this package sees a vendor exception.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    """One chat completion. `prompt_version` names the prompt file version, recorded with the output."""

    messages: tuple[Message, ...]
    temperature: float = 0.0
    max_tokens: int = 512
    prompt_version: str = ""
    json_mode: bool = False


@dataclass(frozen=True, slots=True)
class Usage:
    """What one completion cost. `cost_usd` is None when the model has no known price.

    `estimated` is true when the server reported no token counts and they were estimated from the text;
    `retries` counts the failed attempts the chain made before this result;
    `first_token_ms` is the time to the first streamed text (None for non-streamed calls).
    """

    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    latency_ms: float
    cost_usd: float | None
    estimated: bool = False
    retries: int = 0
    first_token_ms: float | None = None


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    usage: Usage


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of streamed text; never empty."""

    text: str


@dataclass(frozen=True, slots=True)
class StreamEnd:
    """The last event of every successful stream, carrying what the whole stream cost."""

    usage: Usage


StreamEvent = Chunk | StreamEnd


class LLMProvider(Protocol):
    """A chat model. `stream()` yields `Chunk`s then exactly one `StreamEnd`, or raises `ProviderError`."""

    name: str

    async def complete(self, request: CompletionRequest) -> Completion: ...

    def stream(self, request: CompletionRequest) -> AsyncIterator[StreamEvent]: ...


@runtime_checkable
class SupportsAclose(Protocol):
    """Providers that hold connections release them here (on application shutdown)."""

    async def aclose(self) -> None: ...


class ProviderError(Exception):
    """Base of every provider failure. `provider` names the configured provider that failed."""

    def __init__(self, message: str, *, provider: str = "", status_code: int | None = None) -> None:
        super().__init__(message)
        self.provider = provider
        self.status_code = status_code

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.provider}: {message}" if self.provider else message


class ProviderTimeout(ProviderError):
    """No answer (or no next chunk) within the time allowed. Retried."""


class ProviderRateLimited(ProviderError):
    """HTTP 429. Retried after `retry_after` seconds when the server said so."""

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status_code: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status_code=status_code)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """5xx, a refused or dropped connection, or an open circuit. Retried unless the circuit is open."""


class CircuitOpen(ProviderUnavailable):
    """The provider failed repeatedly and is being skipped until its cool-down ends. Not retried."""


class ProviderBadResponse(ProviderError):
    """The provider answered, but not with something usable (malformed body, invalid JSON). Not retried."""


class ProviderAuthError(ProviderError):
    """HTTP 401/403: a configuration problem that waiting will not fix. Not retried."""


class ProviderRequestRejected(ProviderError):
    """Another 4xx (unknown model, bad parameter): retrying the same request cannot succeed."""


class AllProvidersFailed(ProviderError):
    """Every provider in the chain failed (or was skipped). The caller falls back to the offline interviewer.

    `partial_text` is the text already streamed to the caller, so the fallback can continue from it;
    `errors` holds each provider's last error, in chain order.
    """

    def __init__(self, errors: Sequence[ProviderError], *, partial_text: str = "") -> None:
        summary = "; ".join(str(e) for e in errors) or "no providers configured"
        super().__init__(f"all providers failed: {summary}")
        self.errors = tuple(errors)
        self.partial_text = partial_text


RETRYABLE: tuple[type[ProviderError], ...] = (ProviderTimeout, ProviderRateLimited, ProviderUnavailable)
"""Errors worth retrying on the same provider (after a back-off), except `CircuitOpen`."""


def is_retryable(error: BaseException) -> bool:
    return isinstance(error, RETRYABLE) and not isinstance(error, CircuitOpen)
