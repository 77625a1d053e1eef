"""Shapes of the speech endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# A hard ceiling that bounds validation work; the configured limit (CANDOR_SPEECH_MAX_TEXT_CHARS) is lower.
TEXT_CEILING = 100_000


class SegmentRead(BaseModel):
    start: float = Field(description="Seconds from the start of the audio.")
    end: float
    text: str
    avg_logprob: float | None = Field(description="Mean log-probability of the segment's tokens.")
    no_speech_prob: float | None = Field(description="The model's belief that the segment is not speech.")


class TranscriptionRead(BaseModel):
    text: str
    segments: list[SegmentRead]
    confidence: float | None = Field(
        description="In [0, 1]: exp(avg_logprob) * (1 - no_speech_prob) per segment, averaged by duration. "
        "Null when the engine reports no scores."
    )
    low_confidence: bool = Field(description="The confidence is under CANDOR_SPEECH_CONFIDENCE_THRESHOLD.")
    duration: float = Field(description="Seconds of audio heard.")
    model: str
    provider: str
    language: str


class SpeechCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=TEXT_CEILING, description="What to say.")
    voice: str | None = Field(
        default=None, max_length=100, description="A voice from GET /api/v1/speech/status."
    )
    format: Literal["wav"] = "wav"


class EngineStatusRead(BaseModel):
    name: str
    available: bool
    reason: str | None


class ChainStatusRead(BaseModel):
    available: bool
    reason: str | None = Field(description="When unavailable: what each engine lacks.")
    engines: list[EngineStatusRead]


class SpeechStatusRead(BaseModel):
    """Whether voice interviews can run here. Typed interviews work either way."""

    available: bool = Field(description="Both transcription and speech are available.")
    transcription: ChainStatusRead
    speech: ChainStatusRead
    voices: list[str]
