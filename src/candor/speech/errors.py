"""Why a speech request was refused, each in words the caller can act on."""

from __future__ import annotations

from typing import Any

from candor.core.errors import AppError, InvalidInput, PayloadTooLarge, TooManyRequests, UnsupportedMediaType


class AudioTooLarge(PayloadTooLarge):
    code = "audio_too_large"
    title = "The audio file is too large"


class UnsupportedAudio(UnsupportedMediaType):
    code = "unsupported_audio"
    title = "Unsupported audio"


class InvalidAudio(InvalidInput):
    code = "invalid_audio"
    title = "The audio could not be read"


class EmptyAudio(InvalidInput):
    code = "empty_audio"
    title = "The audio is empty"


class AudioTooLong(InvalidInput):
    code = "audio_too_long"
    title = "The audio is too long"


class WrongSampleRate(InvalidInput):
    code = "wrong_sample_rate"
    title = "Raw audio has the wrong sample rate"


class EmptyText(InvalidInput):
    code = "empty_text"
    title = "There is no text to speak"


class TextTooLong(InvalidInput):
    code = "text_too_long"
    title = "The text is too long"


class UnknownVoice(InvalidInput):
    code = "unknown_voice"
    title = "Unknown voice"


class SpeechRateLimited(TooManyRequests):
    code = "speech_rate_limited"
    title = "Too many speech requests"


class VoiceUnavailable(AppError):
    """No engine can serve: the offline models are missing and no hosted one answered. Typed interviews are
    unaffected; the `reasons` say what each engine lacks."""

    status = 503
    code = "voice_unavailable"
    title = "Voice is unavailable"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)


TRANSCRIPTION_INPUT_ERRORS: tuple[type[AppError], ...] = (
    AudioTooLarge,
    UnsupportedAudio,
    InvalidAudio,
    EmptyAudio,
    AudioTooLong,
    WrongSampleRate,
)
SPEECH_INPUT_ERRORS: tuple[type[AppError], ...] = (EmptyText, TextTooLong, UnknownVoice)
