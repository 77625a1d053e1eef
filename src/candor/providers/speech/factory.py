"""Build the speech chains from settings: hosted engines in the configured order, then the offline ones.

`CANDOR_SPEECH_STT_PROVIDERS` and `CANDOR_SPEECH_TTS_PROVIDERS` are JSON lists of `SpeechProviderConfig`.
Nothing here imports a model library: engines load their models on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr

from candor.providers.speech.base import SpeechToText, TextToSpeech
from candor.providers.speech.chain import SpeechToTextChain, TextToSpeechChain
from candor.providers.speech.espeak import EspeakTTS
from candor.providers.speech.openai_compat import OpenAISpeechToText, OpenAITextToSpeech
from candor.providers.speech.piper_local import PiperOptions, PiperTTS
from candor.providers.speech.runtime import BlockingPool
from candor.providers.speech.whisper_local import FasterWhisperSTT, WhisperOptions


def _empty_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


OptionalPath = Annotated[Path | None, BeforeValidator(_empty_is_none)]
"""A path setting that may be left empty (`CANDOR_X=` in a .env file means "not set", not ".")."""


class SpeechProviderConfig(BaseModel):
    """One OpenAI-compatible audio endpoint, e.g. `{"name": "groq", "base_url":
    "https://api.groq.com/openai/v1", "api_key": "...", "model": "whisper-large-v3-turbo"}` for speech to
    text, or `{"name": "openai", "base_url": "https://api.openai.com/v1", "api_key": "...",
    "model": "gpt-4o-mini-tts", "voice": "alloy"}` for text to speech (`voice` is used only there)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    base_url: str = Field(pattern=r"^https?://")
    api_key: SecretStr | None = None
    model: str = Field(min_length=1)
    voice: str = Field(default="alloy", min_length=1)
    timeout_seconds: float = Field(default=30.0, gt=0)

    @property
    def key(self) -> str | None:
        return self.api_key.get_secret_value() if self.api_key is not None else None


def build_stt_chain(
    configs: Sequence[SpeechProviderConfig], *, offline: WhisperOptions | None, pool: BlockingPool
) -> SpeechToTextChain:
    """Hosted engines in order, then faster-whisper unless `offline` is None."""
    engines: list[SpeechToText] = [
        OpenAISpeechToText(
            c.name, base_url=c.base_url, model=c.model, api_key=c.key, timeout_s=c.timeout_seconds
        )
        for c in configs
    ]
    if offline is not None:
        engines.append(FasterWhisperSTT(offline, pool))
    return SpeechToTextChain(engines)


def build_tts_chain(
    configs: Sequence[SpeechProviderConfig],
    *,
    offline: PiperOptions | None,
    pool: BlockingPool,
    espeak: bool = True,
) -> TextToSpeechChain:
    """Hosted engines in order, then Piper unless `offline` is None, then espeak-ng when `espeak` is on."""
    engines: list[TextToSpeech] = [
        OpenAITextToSpeech(
            c.name,
            base_url=c.base_url,
            model=c.model,
            voice=c.voice,
            api_key=c.key,
            timeout_s=c.timeout_seconds,
        )
        for c in configs
    ]
    if offline is not None:
        engines.append(PiperTTS(offline, pool))
    if espeak:
        engines.append(EspeakTTS())
    return TextToSpeechChain(engines)
