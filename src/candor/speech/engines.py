"""What a process serves speech with, built from settings when the app starts and closed when it stops.

Building is cheap: engines load their models on first use, and report what they lack through `status()`
instead of failing, so a machine without the model packages still serves typed interviews.
"""

from __future__ import annotations

from dataclasses import dataclass

from candor.core.config import Settings
from candor.providers.speech.chain import SpeechToTextChain, TextToSpeechChain
from candor.providers.speech.factory import build_stt_chain, build_tts_chain
from candor.providers.speech.piper_local import PiperOptions
from candor.providers.speech.runtime import BlockingPool
from candor.providers.speech.whisper_local import WhisperOptions
from candor.speech.ratelimit import LocalTokenBucket, RateLimiter, RedisTokenBucket
from candor.speech.turns import TurnConfig


@dataclass
class SpeechEngines:
    stt: SpeechToTextChain
    tts: TextToSpeechChain
    limiter: RateLimiter
    pool: BlockingPool
    turns: TurnConfig

    @classmethod
    def from_settings(cls, settings: Settings) -> SpeechEngines:
        pool = BlockingPool(settings.speech_workers)
        whisper = WhisperOptions(
            model_dir=settings.speech_whisper_model_dir,
            beam_size=settings.speech_beam_size,
            cpu_threads=settings.speech_cpu_threads,
        )
        piper = PiperOptions(voice_path=settings.speech_piper_voice, cpu_threads=settings.speech_cpu_threads)
        offline = settings.speech_offline
        limiter: RateLimiter
        if settings.redis_url:
            limiter = RedisTokenBucket(settings.redis_url, settings.speech_rate_limit_per_minute)
        else:
            limiter = LocalTokenBucket(settings.speech_rate_limit_per_minute)
        return cls(
            stt=build_stt_chain(
                settings.speech_stt_providers, offline=whisper if offline else None, pool=pool
            ),
            tts=build_tts_chain(
                settings.speech_tts_providers, offline=piper if offline else None, pool=pool, espeak=offline
            ),
            limiter=limiter,
            pool=pool,
            turns=turn_config(settings),
        )

    async def aclose(self) -> None:
        await self.stt.aclose()
        await self.tts.aclose()
        await self.limiter.aclose()
        self.pool.close()


def voice_unavailable(speech: SpeechEngines | None) -> str | None:
    """Why spoken answers cannot be heard here, or None when they can (the models load on first use)."""
    if speech is None:
        return "speech is not configured on this server"
    status = speech.stt.status()
    return None if status.available else (status.reason or "no speech-to-text engine")


def turn_config(settings: Settings) -> TurnConfig:
    """Turn-taking timings from settings; the rest keep `TurnConfig`'s defaults."""
    return TurnConfig(
        silence_ms=settings.speech_silence_ms,
        trailing_fragment_extra_ms=settings.speech_trailing_fragment_extra_ms,
        min_speech_ms=settings.speech_min_speech_ms,
        barge_in_ms=settings.speech_barge_in_ms,
    )
