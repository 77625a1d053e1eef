"""Several speech engines behind one, tried in order: hosted ones first when configured, the offline
ones last.

Rules, in the order a call meets them:

1. Engines are tried in the configured order. One that reports itself unavailable (model not installed,
   program missing) or whose circuit is open is skipped without a call.
2. Any `ProviderError` moves on to the next engine; there are no retries on the same one, since the offline
   engine at the end answers at once and a live conversation cannot wait out a back-off.
3. A streamed synthesis falls back piece by piece: a piece that fails on one engine is spoken by the next,
   and the pieces already played are not repeated.
4. When every engine has failed or been skipped, `AllProvidersFailed` carries each one's reason.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import structlog

from candor.providers.llm.base import CircuitOpen, SupportsAclose
from candor.providers.llm.chain import BreakerPolicy, CircuitBreaker
from candor.providers.speech.base import (
    AllProvidersFailed,
    AudioChunk,
    EngineStatus,
    ProviderError,
    SpeechAudio,
    SpeechRequest,
    SpeechToText,
    SpeechUnavailable,
    TextToSpeech,
    Transcript,
    TranscriptionRequest,
    speech_pieces,
)

log = structlog.get_logger("candor.providers")

E = TypeVar("E", SpeechToText, TextToSpeech)
R = TypeVar("R")


class _Chain(Generic[E]):
    name: str

    def __init__(
        self,
        engines: Sequence[E],
        *,
        breaker: BreakerPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        names = [e.name for e in engines]
        if len(set(names)) != len(names):
            raise ValueError(f"engine names must be unique, got {names}")
        policy = breaker or BreakerPolicy()
        self._entries: list[tuple[E, CircuitBreaker]] = [
            (e, CircuitBreaker(policy, clock=clock)) for e in engines
        ]

    @property
    def engines(self) -> tuple[E, ...]:
        return tuple(e for e, _ in self._entries)

    def status(self) -> EngineStatus:
        """Available when any engine is; when none is, the reason says what each one lacks."""
        statuses = self.statuses()
        if any(s.available for s in statuses):
            return EngineStatus(self.name, True)
        if not statuses:
            return EngineStatus(self.name, False, "no engine is configured")
        return EngineStatus(self.name, False, "; ".join(f"{s.name}: {s.reason}" for s in statuses))

    def statuses(self) -> tuple[EngineStatus, ...]:
        """Each engine's status, in chain order."""
        return tuple(e.status() for e, _ in self._entries)

    async def aclose(self) -> None:
        for engine, _ in self._entries:
            if isinstance(engine, SupportsAclose):
                await engine.aclose()

    async def _first(self, call: Callable[[E], Awaitable[R]]) -> R:
        errors: list[ProviderError] = []
        for engine, breaker in self._entries:
            status = engine.status()
            if not status.available:
                errors.append(SpeechUnavailable(status.reason or "unavailable", provider=engine.name))
                continue
            if not breaker.allow():
                errors.append(CircuitOpen("skipped: circuit open", provider=engine.name))
                continue
            try:
                result = await call(engine)
            except ProviderError as exc:
                breaker.record_failure()
                errors.append(exc)
                log.warning("speech_fallback", provider=engine.name, error=str(exc), kind=type(exc).__name__)
                continue
            except BaseException:
                breaker.release()
                raise
            breaker.record_success()
            return result
        raise AllProvidersFailed(errors)


class SpeechToTextChain(_Chain[SpeechToText]):
    """A `SpeechToText` made of several."""

    name = "speech-to-text"

    async def transcribe(self, request: TranscriptionRequest) -> Transcript:
        return await self._first(lambda engine: engine.transcribe(request))


class TextToSpeechChain(_Chain[TextToSpeech]):
    """A `TextToSpeech` made of several."""

    name = "text-to-speech"

    @property
    def voices(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for engine, _ in self._entries:
            for voice in engine.voices:
                seen.setdefault(voice, None)
        return tuple(seen)

    async def synthesize(self, request: SpeechRequest) -> SpeechAudio:
        return await self._first(lambda engine: engine.synthesize(request))

    async def stream(self, request: SpeechRequest) -> AsyncIterator[AudioChunk]:
        for piece in speech_pieces(request.text):
            audio = await self.synthesize(SpeechRequest(piece, request.voice))
            yield AudioChunk(audio.pcm, audio.sample_rate, piece, audio.provider)
