"""Any server speaking OpenAI chat completions: OpenAI, Groq, OpenRouter, Ollama, vLLM, LM Studio.

The SDK's own retries are off (`max_retries=0`): retrying, back-off and fallback belong to `ProviderChain`,
which sees every provider. SDK exceptions become `ProviderError`s here and nowhere else.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncGenerator, Mapping
from datetime import UTC, datetime

import httpx2  # the HTTP client the openai SDK is built on
import openai
from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
)
from openai.types.chat.completion_create_params import ResponseFormat

from candor.providers.llm.base import (
    Chunk,
    Completion,
    CompletionRequest,
    Message,
    ProviderAuthError,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
    StreamEnd,
    StreamEvent,
    Usage,
)
from candor.providers.llm.pricing import PriceTable

# Local servers ignore the key, but the SDK insists on one.
PLACEHOLDER_API_KEY = "not-needed"


CONNECTION_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=1000, keepalive_expiry=120)


class OpenAICompatibleProvider:
    """One model on one OpenAI-compatible endpoint.

    When a streaming server ignores `stream_options.include_usage`, token counts are estimated at about four
    characters a token and the usage is marked `estimated`. Set `stream_usage=False` for a server that
    rejects the option outright.
    """

    def __init__(
        self,
        name: str,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        prices: PriceTable | None = None,
        stream_usage: bool = True,
    ) -> None:
        self.name = name
        self.model = model
        self._prices = prices if prices is not None else PriceTable()
        self._stream_usage = stream_usage
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or PLACEHOLDER_API_KEY,
            timeout=timeout_s,
            max_retries=0,
            # The SDK's aiohttp transport parses HTTP in C: a streamed reply of 45 chunks took 1.8 ms of CPU
            # against 2.9 ms over the default transport (50 at a time, bench's fake provider). Every live
            # interview may be waiting for a reply at once: keep that many connections open (the SDK keeps
            # 100, for 5 s), so a turn does not pay for a new connection.
            http_client=openai.DefaultAioHttpClient(limits=CONNECTION_LIMITS),
        )

    def __repr__(self) -> str:
        return f"OpenAICompatibleProvider(name={self.name!r}, model={self.model!r})"

    async def aclose(self) -> None:
        await self._client.close()

    async def complete(self, request: CompletionRequest) -> Completion:
        started = time.perf_counter()
        try:
            response = await self._client.chat.completions.create(
                model=self.model,
                messages=_messages(request.messages),
                temperature=request.temperature,
                max_tokens=request.max_tokens,
                response_format=_response_format(request),
            )
        except (openai.OpenAIError, ValueError) as exc:
            raise self._convert(exc) from exc
        if not response.choices or response.choices[0].message.content is None:
            raise ProviderBadResponse("the response has no message content", provider=self.name)
        text = response.choices[0].message.content
        reported = (
            None
            if response.usage is None
            else (response.usage.prompt_tokens, response.usage.completion_tokens)
        )
        usage = self._usage(request, text, reported, started=started)
        return Completion(text=text, usage=usage)

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[StreamEvent, None]:
        started = time.perf_counter()
        try:
            raw = await self._client.chat.completions.with_raw_response.create(
                model=self.model,
                messages=_messages(request.messages),
                temperature=request.temperature,
                max_tokens=request.max_tokens,
                response_format=_response_format(request),
                stream=True,
                stream_options={"include_usage": True} if self._stream_usage else openai.omit,
            )
            # The SDK still makes the request, decodes the events and raises the errors a stream carries,
            # but hands over each chunk as its JSON: building its typed objects for every few characters
            # took more CPU than the rest of an interview turn.
            response = raw.parse(to=openai.AsyncStream[object])
        except (openai.OpenAIError, ValueError) as exc:
            raise self._convert(exc) from exc

        parts: list[str] = []
        reported: tuple[int, int] | None = None
        first_token: float | None = None
        events = 0
        try:
            async for chunk in response:
                events += 1
                if not isinstance(chunk, dict):
                    raise ValueError("a stream chunk is not a JSON object")
                reported = _tokens_reported(chunk.get("usage")) or reported
                text = _first_choice_text(chunk.get("choices"))
                if text:
                    if first_token is None:
                        first_token = time.perf_counter()
                    parts.append(text)
                    yield Chunk(text)
        except (openai.OpenAIError, ValueError) as exc:
            raise self._convert(exc) from exc
        finally:
            await response.close()
        if events == 0:
            # Not even a role chunk: this was no chat-completions stream (a proxy's error page, say).
            raise ProviderBadResponse("the stream carried no completion events", provider=self.name)

        usage = self._usage(request, "".join(parts), reported, started=started, first_token=first_token)
        yield StreamEnd(usage)

    def _usage(
        self,
        request: CompletionRequest,
        text: str,
        reported: tuple[int, int] | None,
        *,
        started: float,
        first_token: float | None = None,
    ) -> Usage:
        now = time.perf_counter()
        if reported is not None:
            (tokens_in, tokens_out), estimated = reported, False
        else:
            tokens_in = sum(estimate_tokens(m.content) + 4 for m in request.messages)
            tokens_out, estimated = estimate_tokens(text), True
        return Usage(
            provider=self.name,
            model=self.model,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            latency_ms=(now - started) * 1000,
            cost_usd=self._prices.cost(self.model, tokens_in, tokens_out),
            estimated=estimated,
            first_token_ms=None if first_token is None else (first_token - started) * 1000,
        )

    def _convert(self, exc: Exception) -> ProviderError:
        """The one place an SDK exception becomes ours. Order matters: timeouts are connection errors."""
        name = self.name
        if isinstance(exc, openai.APITimeoutError):
            return ProviderTimeout("timed out", provider=name)
        if isinstance(exc, openai.APIConnectionError):
            return ProviderUnavailable(f"connection failed: {exc.message}", provider=name)
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            detail = exc.body.get("message") if isinstance(exc.body, dict) else None
            message = f"HTTP {status}: {_short(str(detail or exc.message))}"
            if isinstance(exc, openai.RateLimitError) or status == 429:
                retry_after = retry_after_seconds(exc.response.headers)
                return ProviderRateLimited(message, provider=name, retry_after=retry_after)
            if status in (401, 403):
                return ProviderAuthError(message, provider=name, status_code=status)
            if status == 408:
                return ProviderTimeout(message, provider=name, status_code=status)
            if status >= 500 or status == 409:
                return ProviderUnavailable(message, provider=name, status_code=status)
            return ProviderRequestRejected(message, provider=name, status_code=status)
        if isinstance(exc, openai.APIResponseValidationError | ValueError):
            return ProviderBadResponse(f"malformed response: {_short(str(exc))}", provider=name)
        if isinstance(exc, openai.APIError):
            # An error event inside an otherwise healthy stream: the server gave up mid-answer.
            return ProviderUnavailable(f"server error: {_short(exc.message)}", provider=name)
        return ProviderBadResponse(f"{type(exc).__name__}: {_short(str(exc))}", provider=name)


def _first_choice_text(choices: object) -> str:
    """The new text of the first choice in a streamed chunk's `choices`."""
    if choices is None:
        return ""
    if not isinstance(choices, list):
        raise ValueError("a stream chunk's choices are not a list")
    text = ""
    for choice in choices:
        if not isinstance(choice, dict):
            raise ValueError("a stream chunk's choice is not a JSON object")
        delta = choice.get("delta")
        content = delta.get("content") if isinstance(delta, dict) else None
        if choice.get("index", 0) == 0 and isinstance(content, str):
            text += content
    return text


def _tokens_reported(usage: object) -> tuple[int, int] | None:
    """(prompt, completion) tokens from a chunk's `usage`, when it carries them."""
    if not isinstance(usage, dict):
        return None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    return prompt, completion


def estimate_tokens(text: str) -> int:
    """About four characters a token: good enough for cost estimates, not for context limits."""
    return (len(text) + 3) // 4


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date), if sent."""
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _messages(messages: tuple[Message, ...]) -> list[ChatCompletionMessageParam]:
    result: list[ChatCompletionMessageParam] = []
    for m in messages:
        if m.role == "system":
            result.append(ChatCompletionSystemMessageParam(role="system", content=m.content))
        elif m.role == "user":
            result.append(ChatCompletionUserMessageParam(role="user", content=m.content))
        else:
            result.append(ChatCompletionAssistantMessageParam(role="assistant", content=m.content))
    return result


def _response_format(request: CompletionRequest) -> ResponseFormat | openai.Omit:
    return {"type": "json_object"} if request.json_mode else openai.omit


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
