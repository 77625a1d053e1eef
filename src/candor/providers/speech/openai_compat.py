"""Hosted speech over the OpenAI audio API: `/audio/transcriptions` (OpenAI Whisper, Groq, and servers
such as faster-whisper-server or LocalAI) and `/audio/speech` (OpenAI, Kokoro-FastAPI, openedai-speech).

The SDK's retries are off; fallback belongs to the chain. SDK exceptions become `ProviderError`s here and
nowhere else. Audio goes up as a WAV file (PCM16 mono 16 kHz, or the caller's file as it is) and comes
back as WAV, read into PCM16.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import openai
from openai.types.audio import TranscriptionVerbose

from candor.providers.llm.openai_compat import PLACEHOLDER_API_KEY, retry_after_seconds
from candor.providers.speech.base import (
    SAMPLE_RATE,
    AudioChunk,
    EngineStatus,
    ProviderAuthError,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
    Segment,
    SpeechAudio,
    SpeechRequest,
    Transcript,
    TranscriptionRequest,
    speech_pieces,
    transcript_confidence,
    whisper_prompt,
)
from candor.providers.speech.wav import read_wav, wav_bytes

AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".webm": "audio/webm",
    ".m4a": "audio/mp4",
}


class _Client:
    def __init__(
        self, name: str, *, base_url: str, model: str, api_key: str | None, timeout_s: float
    ) -> None:
        self.name = name
        self.model = model
        self._client = openai.AsyncOpenAI(
            base_url=base_url, api_key=api_key or PLACEHOLDER_API_KEY, timeout=timeout_s, max_retries=0
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, model={self.model!r})"

    def status(self) -> EngineStatus:
        # Reachability is learnt by calling; the chain's circuit breaker remembers failures.
        return EngineStatus(self.name, True)

    async def aclose(self) -> None:
        await self._client.close()


class OpenAISpeechToText(_Client):
    """Whisper-family transcription on an OpenAI-compatible server. `verbose_json` asks for segments with
    their log-probabilities, so hosted answers get the same confidence as offline ones; a server that
    sends none gives a confidence of None."""

    async def transcribe(self, request: TranscriptionRequest) -> Transcript:
        upload = await _upload(request.audio)
        prompt = whisper_prompt(request.vocabulary, request.context)
        try:
            result = await self._client.audio.transcriptions.create(
                file=upload,
                model=self.model,
                language=request.language,
                prompt=prompt if prompt is not None else openai.omit,
                response_format="verbose_json",
                temperature=0.0,
            )
        except (openai.OpenAIError, ValueError) as exc:
            raise convert_error(exc, self.name) from exc
        if not isinstance(result, TranscriptionVerbose):
            raise ProviderBadResponse(
                "the server did not answer with a verbose_json transcript", provider=self.name
            )
        segments = tuple(
            Segment(
                start=round(s.start, 2),
                end=round(s.end, 2),
                text=s.text.strip(),
                avg_logprob=s.avg_logprob,
                no_speech_prob=s.no_speech_prob,
            )
            for s in result.segments or ()
            if s.text.strip()
        )
        text = result.text.strip()
        confidence = transcript_confidence(segments) if segments or not text else None
        return Transcript(
            text=text,
            segments=segments,
            confidence=confidence,
            duration=round(float(result.duration), 3),
            model=self.model,
            provider=self.name,
            language=request.language,
        )


class OpenAITextToSpeech(_Client):
    """`/audio/speech` asking for WAV. `stream` sends one request per piece of text, so the first sentence
    plays while the next is being made."""

    def __init__(
        self,
        name: str,
        *,
        base_url: str,
        model: str,
        voice: str,
        api_key: str | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        super().__init__(name, base_url=base_url, model=model, api_key=api_key, timeout_s=timeout_s)
        self.voice = voice
        self.voices: tuple[str, ...] = (voice,)

    async def synthesize(self, request: SpeechRequest) -> SpeechAudio:
        voice = request.voice if request.voice in self.voices and request.voice else self.voice
        pcm, rate = await self._speak(request.text, voice)
        return SpeechAudio(pcm, rate, self.name, self.model, voice)

    async def stream(self, request: SpeechRequest) -> AsyncIterator[AudioChunk]:
        voice = request.voice if request.voice in self.voices and request.voice else self.voice
        pieces = speech_pieces(request.text)
        if not pieces:
            raise ProviderRequestRejected("there is no text to speak", provider=self.name)
        for piece in pieces:
            pcm, rate = await self._speak(piece, voice)
            yield AudioChunk(pcm, rate, piece, self.name)

    async def _speak(self, text: str, voice: str) -> tuple[bytes, int]:
        try:
            response = await self._client.audio.speech.create(
                input=text, model=self.model, voice=voice, response_format="wav"
            )
            data = response.content
        except (openai.OpenAIError, ValueError) as exc:
            raise convert_error(exc, self.name) from exc
        return read_wav(data, provider=self.name)


async def _upload(audio: bytes | Path) -> tuple[str, bytes, str]:
    if isinstance(audio, bytes):
        return "audio.wav", wav_bytes(audio, SAMPLE_RATE), "audio/wav"
    data = await asyncio.to_thread(audio.read_bytes)
    return audio.name, data, AUDIO_TYPES.get(audio.suffix.lower(), "application/octet-stream")


def convert_error(exc: Exception, name: str) -> ProviderError:
    """The one place an SDK exception becomes ours. Order matters: timeouts are connection errors."""
    if isinstance(exc, openai.APITimeoutError):
        return ProviderTimeout("timed out", provider=name)
    if isinstance(exc, openai.APIConnectionError):
        return ProviderUnavailable(f"connection failed: {exc.message}", provider=name)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        detail = exc.body.get("message") if isinstance(exc.body, dict) else None
        message = f"HTTP {status}: {_short(str(detail or exc.message))}"
        if isinstance(exc, openai.RateLimitError) or status == 429:
            return ProviderRateLimited(
                message, provider=name, retry_after=retry_after_seconds(exc.response.headers)
            )
        if status in (401, 403):
            return ProviderAuthError(message, provider=name, status_code=status)
        if status == 408:
            return ProviderTimeout(message, provider=name, status_code=status)
        if status >= 500 or status == 409:
            return ProviderUnavailable(message, provider=name, status_code=status)
        return ProviderRequestRejected(message, provider=name, status_code=status)
    if isinstance(exc, openai.APIResponseValidationError | ValueError):
        return ProviderBadResponse(f"malformed response: {_short(str(exc))}", provider=name)
    return ProviderBadResponse(f"{type(exc).__name__}: {_short(str(exc))}", provider=name)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
