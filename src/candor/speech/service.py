"""Transcription and synthesis for the REST API. Live interviews use the same engines through
`candor.speech.streaming.TurnListener`."""

from __future__ import annotations

import asyncio
import math
import uuid

from candor.core.config import Settings
from candor.providers.speech.base import (
    AllProvidersFailed,
    SpeechAudio,
    SpeechRequest,
    Transcript,
    TranscriptionRequest,
)
from candor.providers.speech.chain import SpeechToTextChain, TextToSpeechChain
from candor.providers.speech.wav import wav_bytes
from candor.speech.audio import RAW_PCM_SUFFIXES, RAW_PCM_TYPES, check_pcm16, decode_audio
from candor.speech.engines import SpeechEngines
from candor.speech.errors import (
    EmptyText,
    SpeechRateLimited,
    TextTooLong,
    UnknownVoice,
    VoiceUnavailable,
    WrongSampleRate,
)
from candor.speech.schemas import (
    ChainStatusRead,
    EngineStatusRead,
    SegmentRead,
    SpeechCreate,
    SpeechStatusRead,
    TranscriptionRead,
)
from candor.speech.upload import AudioUpload
from candor.speech.vocabulary import MAX_TERM_CHARS, MAX_TERMS

TYPED_STILL_WORK = "Typed answers still work."


class SpeechService:
    def __init__(self, engines: SpeechEngines, settings: Settings) -> None:
        self.engines = engines
        self.settings = settings

    @property
    def max_upload_bytes(self) -> int:
        return int(self.settings.speech_max_upload_mb * 1024 * 1024)

    async def check_quota(self, user_id: uuid.UUID, action: str) -> None:
        """Each user may make `speech_rate_limit_per_minute` requests a minute of each kind."""
        wait = await self.engines.limiter.acquire(f"speech:{action}:{user_id}")
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise SpeechRateLimited(
                f"Too many speech requests: at most {self.settings.speech_rate_limit_per_minute} a minute. "
                f"Try again in {seconds} s.",
                retry_after=seconds,
            )

    def status(self) -> SpeechStatusRead:
        stt, tts = _status_read(self.engines.stt), _status_read(self.engines.tts)
        voices = [v for e in self.engines.tts.engines if e.status().available for v in e.voices]
        return SpeechStatusRead(
            available=stt.available and tts.available,
            transcription=stt,
            speech=tts,
            voices=list(dict.fromkeys(voices)),
        )

    async def transcribe(self, upload: AudioUpload) -> TranscriptionRead:
        """The upload's words. Raw PCM must be declared 16 kHz; anything else is decoded and resampled."""
        pcm = await self._pcm(upload)
        request = TranscriptionRequest(pcm, vocabulary=_vocabulary(upload.fields.get("vocabulary", "")))
        try:
            transcript = await self.engines.stt.transcribe(request)
        except AllProvidersFailed as exc:
            raise VoiceUnavailable(
                f"Speech recognition is unavailable: {_reasons(exc)}. {TYPED_STILL_WORK}"
            ) from exc
        return self.to_read(transcript)

    def to_read(self, transcript: Transcript) -> TranscriptionRead:
        confidence = transcript.confidence
        return TranscriptionRead(
            text=transcript.text,
            segments=[
                SegmentRead(
                    start=s.start,
                    end=s.end,
                    text=s.text,
                    avg_logprob=s.avg_logprob,
                    no_speech_prob=s.no_speech_prob,
                )
                for s in transcript.segments
            ],
            confidence=confidence,
            low_confidence=confidence is not None and confidence < self.settings.speech_confidence_threshold,
            duration=transcript.duration,
            model=transcript.model,
            provider=transcript.provider,
            language=transcript.language,
        )

    async def synthesize(self, create: SpeechCreate) -> tuple[bytes, SpeechAudio]:
        """The text spoken, as a WAV file."""
        text = " ".join(create.text.split())
        if not text:
            raise EmptyText("Send some text to speak.")
        limit = self.settings.speech_max_text_chars
        if len(text) > limit:
            raise TextTooLong(
                f"The text is {len(text):,} characters; the limit is {limit:,}. "
                "Split it into shorter requests.",
                limit_chars=limit,
            )
        voices = self.engines.tts.voices
        if create.voice is not None and create.voice not in voices:
            raise UnknownVoice(
                f"There is no voice {create.voice!r}. Choose one of: {', '.join(voices) or 'none'}.",
                voices=list(voices),
            )
        try:
            audio = await self.engines.tts.synthesize(SpeechRequest(text, create.voice))
        except AllProvidersFailed as exc:
            raise VoiceUnavailable(
                f"Speech synthesis is unavailable: {_reasons(exc)}. {TYPED_STILL_WORK}"
            ) from exc
        return wav_bytes(audio.pcm, audio.sample_rate), audio

    async def _pcm(self, upload: AudioUpload) -> bytes:
        max_seconds = self.settings.speech_max_audio_seconds
        if _is_raw(upload):
            return check_pcm16(upload.data, _sample_rate(upload), max_seconds=max_seconds)
        return await asyncio.to_thread(decode_audio, upload.data, max_seconds=max_seconds)


def _is_raw(upload: AudioUpload) -> bool:
    if upload.content_type in RAW_PCM_TYPES and upload.content_type != "application/octet-stream":
        return True
    if upload.fields.get("format", "").lower() in ("pcm", "pcm16", "s16le", "raw"):
        return True
    return bool(upload.filename and upload.filename.lower().endswith(RAW_PCM_SUFFIXES))


def _sample_rate(upload: AudioUpload) -> int | None:
    raw = upload.fields.get("sample_rate") or upload.type_params.get("rate")
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        raise WrongSampleRate(f"sample_rate must be a number of hertz (16000), not {raw[:20]!r}.") from None


def _vocabulary(raw: str) -> tuple[str, ...]:
    terms = [t.strip() for t in raw.split(",") if t.strip()]
    return tuple(t for t in terms if len(t) <= MAX_TERM_CHARS)[:MAX_TERMS]


def _reasons(exc: AllProvidersFailed) -> str:
    return "; ".join(str(e) for e in exc.errors) or "no engine is configured"


def _status_read(chain: SpeechToTextChain | TextToSpeechChain) -> ChainStatusRead:
    status = chain.status()
    return ChainStatusRead(
        available=status.available,
        reason=status.reason,
        engines=[
            EngineStatusRead(name=e.name, available=e.available, reason=e.reason) for e in chain.statuses()
        ],
    )
