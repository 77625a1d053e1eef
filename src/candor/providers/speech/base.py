"""The narrow contracts every speech engine meets: speech to text and text to speech.

Audio crosses these Protocols as 16-bit little-endian mono PCM ("PCM16"). Speech to text takes it at
16 kHz, Whisper's rate, or as a file the engine decodes itself; text to speech returns it at the voice's
own rate, which every chunk carries. Requests and results are frozen, so a request can be handed to the
next engine of a fallback chain untouched.

Engines raise the provider error tree shared with the language models (`candor.providers.llm.base`), so
one fallback policy and one log vocabulary cover both; `SpeechUnavailable` adds "cannot run here at all"
(model files missing, binary not installed), which no retry can fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from candor.providers.llm.base import (
    AllProvidersFailed,
    ProviderAuthError,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
)

__all__ = [
    "SAMPLE_RATE",
    "AllProvidersFailed",
    "AudioChunk",
    "EngineStatus",
    "ProviderAuthError",
    "ProviderBadResponse",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderRequestRejected",
    "ProviderTimeout",
    "ProviderUnavailable",
    "Segment",
    "SpeechAudio",
    "SpeechRequest",
    "SpeechToText",
    "SpeechUnavailable",
    "TextToSpeech",
    "Transcript",
    "TranscriptionRequest",
    "segment_confidence",
    "speech_pieces",
    "transcript_confidence",
    "whisper_prompt",
]

SAMPLE_RATE = 16_000
"""Speech to text hears 16 kHz PCM16 mono: what Whisper was trained on and what the VAD expects."""


class SpeechUnavailable(ProviderUnavailable):
    """The engine cannot run on this machine (model files missing, binary absent). Not worth a retry."""


@dataclass(frozen=True, slots=True)
class TranscriptionRequest:
    """Audio to transcribe: PCM16 mono at 16 kHz as bytes, or a path to a file the engine can decode.

    `vocabulary` names the jargon, employers and projects the speaker is likely to say (see
    `candor.speech.vocabulary`); `context` is what was said just before this audio, so a long answer
    transcribed in pieces reads as one text.
    """

    audio: bytes | Path
    language: str = "en"
    vocabulary: tuple[str, ...] = ()
    context: str = ""


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the transcript. Times are seconds from the start of the audio.

    `avg_logprob` (mean token log-probability) and `no_speech_prob` come from Whisper-family models;
    they are None when the engine does not report them.
    """

    start: float
    end: float
    text: str
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was heard. `confidence` is in [0, 1] (see `transcript_confidence`), or None when the engine
    reports nothing to derive it from; `duration` is the audio's length in seconds."""

    text: str
    segments: tuple[Segment, ...]
    confidence: float | None
    duration: float
    model: str
    provider: str
    language: str = "en"


@dataclass(frozen=True, slots=True)
class SpeechRequest:
    """Text to speak. `voice` None means the engine's default voice; an engine that lacks the voice asked
    for speaks with its default, so a fallback still says the words."""

    text: str
    voice: str | None = None


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A piece of synthesized speech: PCM16 mono at `sample_rate`, speaking `text`."""

    pcm: bytes
    sample_rate: int
    text: str
    provider: str

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True, slots=True)
class SpeechAudio:
    """A whole synthesized text: PCM16 mono at `sample_rate`."""

    pcm: bytes
    sample_rate: int
    provider: str
    model: str
    voice: str

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True, slots=True)
class EngineStatus:
    """Whether an engine can serve now and, when it cannot, why, in words an operator can act on."""

    name: str
    available: bool
    reason: str | None = None


class SpeechToText(Protocol):
    """Turns speech into text. `transcribe` raises `ProviderError`s only; `status` never raises and is
    cheap (it checks files and configuration, it does not load a model)."""

    name: str

    def status(self) -> EngineStatus: ...

    async def transcribe(self, request: TranscriptionRequest) -> Transcript: ...


class TextToSpeech(Protocol):
    """Turns text into speech. `stream` yields one `AudioChunk` per piece of text (see `speech_pieces`),
    so playback can start after the first clause; it raises `ProviderError`s only."""

    name: str

    @property
    def voices(self) -> tuple[str, ...]: ...

    def status(self) -> EngineStatus: ...

    async def synthesize(self, request: SpeechRequest) -> SpeechAudio: ...

    def stream(self, request: SpeechRequest) -> AsyncIterator[AudioChunk]: ...


def segment_confidence(avg_logprob: float, no_speech_prob: float) -> float:
    """How sure the model is of one segment: exp(avg_logprob) * (1 - no_speech_prob), in [0, 1].

    exp(avg_logprob) is the geometric mean of the token probabilities (the model's own belief in its
    words); (1 - no_speech_prob) discounts segments the model thinks may be no speech at all.
    """
    value = math.exp(min(avg_logprob, 0.0)) * (1.0 - no_speech_prob)
    return min(1.0, max(0.0, value))


def transcript_confidence(segments: Sequence[Segment]) -> float | None:
    """The answer's confidence: `segment_confidence` averaged over segments, weighted by their duration.

    No segments (nothing was heard) is 0.0: there is no answer to trust. None when any segment lacks the
    model's scores (an engine that does not report them).
    """
    if not segments:
        return 0.0
    total = 0.0
    weight = 0.0
    for segment in segments:
        if segment.avg_logprob is None or segment.no_speech_prob is None:
            return None
        span = max(segment.end - segment.start, 0.01)
        total += span * segment_confidence(segment.avg_logprob, segment.no_speech_prob)
        weight += span
    return round(total / weight, 4)


PROMPT_VOCABULARY_CHARS = 400
PROMPT_CONTEXT_CHARS = 200


def whisper_prompt(vocabulary: Sequence[str], context: str = "") -> str | None:
    """The prompt a Whisper-family model gets: a sentence naming the vocabulary, then the recent context.

    Whisper reads its prompt as text said just before the audio, so spellings there are copied; a plain
    sentence scored better than a "Glossary:" list or faster-whisper's `hotwords` in our measurements
    (tests/speech/test_vocabulary.py). Whisper keeps the end of a long prompt, so the vocabulary is
    capped (most important terms first) and the context is the last words said.
    """
    terms: list[str] = []
    used = 0
    for term in vocabulary:
        if used + len(term) + 2 > PROMPT_VOCABULARY_CHARS:
            break
        terms.append(term)
        used += len(term) + 2
    parts = []
    if terms:
        parts.append(f"The candidate talks about {', '.join(terms)}.")
    tail = " ".join(context.split())
    if len(tail) > PROMPT_CONTEXT_CHARS:
        tail = tail[-PROMPT_CONTEXT_CHARS:].partition(" ")[2]  # start on a whole word
    if tail:
        parts.append(tail)
    return " ".join(parts) or None


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:—–])\s+")
FIRST_PIECE_MIN_WORDS = 3
LONG_SENTENCE_WORDS = 10


def speech_pieces(text: str) -> list[str]:
    """The text cut into the pieces synthesized one at a time: sentences, with a long first sentence cut
    at its first clause break (of at least three words), so the first audio is ready sooner."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    if not sentences:
        return []
    first = sentences[0]
    if len(first.split()) >= LONG_SENTENCE_WORDS:
        clauses = _CLAUSE_BREAK.split(first, maxsplit=1)
        if len(clauses) == 2 and len(clauses[0].split()) >= FIRST_PIECE_MIN_WORDS and clauses[1].strip():
            return [clauses[0], clauses[1], *sentences[1:]]
    return sentences
